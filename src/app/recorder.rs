//! The live dashboard's recorder: with `--record FILE`, or toggled with `R`, every snapshot the
//! dashboard takes in is written to a recording (see `docs/recording.md`), so a session opened
//! in the night keeps the evidence. A write that fails stops the recorder and says why.

use std::path::PathBuf;
use std::time::Duration;

use crate::model::Snapshot;
use crate::recording::{Options, Writer, writer::Outcome};

#[derive(Default)]
pub struct RecorderState {
    /// Where `R` records to.
    pub path: Option<PathBuf>,
    /// Recording now: `R` or `--record` started it and nothing stopped it.
    pub on: bool,
    /// Frames written since it was turned on.
    pub frames: u64,
    /// Why it stopped on its own, until it is turned on again.
    pub error: Option<String>,
    /// The last snapshot was not written: the filesystem is under its free-space reserve.
    /// Writing resumes by itself above it.
    pub paused: bool,
    writer: Option<Writer>,
    interval: Duration,
}

impl RecorderState {
    /// A recorder that records to `path` from the first snapshot.
    pub fn new(path: Option<PathBuf>, interval: Duration) -> Self {
        Self {
            on: path.is_some(),
            path,
            interval,
            ..Self::default()
        }
    }

    /// `R`: on (to the path given, or a new file named by the time in this directory) or off.
    pub fn toggle(&mut self, now_ms: u64) {
        if self.on {
            self.stop(now_ms, "stopped with R");
        } else {
            if self.path.is_none() {
                self.path = Some(default_path(now_ms));
            }
            self.on = true;
            self.frames = 0;
            self.error = None;
        }
    }

    /// The share of a filesystem's bytes or inodes kept free: under it, writing pauses.
    pub fn reserve_pct(&self) -> f64 {
        Options::default().min_free_pct
    }

    /// Writes a snapshot while recording; the file is opened (or appended to) with the first.
    pub fn write(&mut self, snap: &Snapshot) {
        if !self.on {
            return;
        }
        let Some(path) = self.path.clone() else {
            return;
        };
        if self.writer.is_none() {
            let opts = Options::default();
            let header = crate::headless::record::header(snap, self.interval, &opts);
            match Writer::open(&path, header, opts) {
                Ok(w) => self.writer = Some(w),
                // The error names the file.
                Err(e) => return self.fail(format!("cannot record: {e}")),
            }
        }
        let Some(w) = self.writer.as_mut() else {
            return;
        };
        match w.write(snap) {
            Ok(Outcome::Capped) => self.stop(snap.time_ms, "stopped at the size cap"),
            Ok(Outcome::Paused) => self.paused = true,
            Ok(Outcome::Written) => {
                self.paused = false;
                self.frames += 1;
            }
            Err(e) => self.fail(format!("recording stopped: {e}")),
        }
    }

    /// Closes the file, saying why in it.
    pub fn stop(&mut self, now_ms: u64, why: &str) {
        self.on = false;
        if let Some(w) = self.writer.take()
            && let Err(e) = w.finish(now_ms, why)
        {
            self.error = Some(e.to_string());
        }
    }

    fn fail(&mut self, why: String) {
        self.writer = None;
        self.on = false;
        self.error = Some(why);
    }
}

impl std::fmt::Debug for RecorderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecorderState")
            .field("path", &self.path)
            .field("on", &self.on)
            .field("frames", &self.frames)
            .field("error", &self.error)
            .field("paused", &self.paused)
            .finish_non_exhaustive()
    }
}

/// `headroom-20261130-052000.hr`, in the current directory.
fn default_path(now_ms: u64) -> PathBuf {
    let t = std::time::UNIX_EPOCH + Duration::from_millis(now_ms);
    let stamp = humantime::format_rfc3339_seconds(t).to_string();
    let stamp: String = stamp
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    PathBuf::from(format!("headroom-{}.hr", stamp.replace('T', "-")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_default_name_says_when() {
        assert_eq!(
            default_path(1_764_480_000_000),
            PathBuf::from("headroom-20251130-052000.hr")
        );
    }
}
