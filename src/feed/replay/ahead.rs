//! The pass ahead of play: a second reader goes through the whole recording on a thread of its
//! own, deriving every frame into an [`Overview`] (the Graphs pane's series from end to end,
//! every event and its time), says how far it has come meanwhile, and hands the overview over
//! when done. It streams like playback: one frame and the deriver's bounded state in memory.
//! It runs at a lower priority, so playback and keys come first on a busy machine.

use std::path::{Path, PathBuf};
use std::thread;

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::derive::overview::{Overview, OverviewBuilder};
use crate::feed::Delivery;
use crate::recording::Reader;

/// Progress is told in steps of this share of the file.
const STEP: f32 = 0.01;

/// Starts the pass on a thread of its own; it ends at the end of the file, or as soon as the
/// consumer is gone.
pub fn spawn(path: PathBuf, tx: mpsc::Sender<Delivery>) {
    // Without a thread there is no overview: playback goes on as it would without one.
    let _ = thread::Builder::new()
        .name("replay-ahead".into())
        .spawn(move || {
            lower_priority();
            if let Some(o) = read(&path, &tx) {
                let _ = tx.blocking_send(Delivery::Overview(Box::new(o)));
            }
        });
}

/// Reads the whole file; None when the consumer went away first (or the file did).
fn read(path: &Path, tx: &mpsc::Sender<Delivery>) -> Option<Overview> {
    // Playback opened it a moment ago; a file gone since has nothing more to show.
    let mut reader = Reader::open(path).ok()?;
    let len = std::fs::metadata(path).map_or(0, |m| m.len()).max(1) as f32;
    // Version 0 counts lines, not bytes: its progress is not told.
    let told_in_bytes = reader.version() > 0;
    let mut b = OverviewBuilder::default();
    let mut told = 0.0;
    while let Some(f) = reader.next_frame() {
        b.add(&f.snapshot);
        let done = f.offset as f32 / len;
        if told_in_bytes && done - told >= STEP {
            told = done;
            // A full queue skips a step; only a closed one matters.
            if let Err(TrySendError::Closed(_)) = tx.try_send(Delivery::Ahead(done)) {
                return None;
            }
        }
        if tx.is_closed() {
            return None;
        }
    }
    b.finish()
}

/// Nice 10 for this thread alone (Linux takes a thread id where a process id goes).
fn lower_priority() {
    let tid = rustix::thread::gettid();
    // Not being able to is no reason to skip the pass.
    let _ = rustix::process::setpriority_process(Some(tid), 10);
}
