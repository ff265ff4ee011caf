//! Directories put off for want of file descriptors, read once the rest of the tree is done.
//!
//! A put-off directory keeps no descriptor: only its parent's index and its own name. When
//! the first pass ends every other descriptor is closed again, so each put-off directory is
//! reached afresh from the root, one path component at a time (two descriptors at most), and
//! read like any other. Rounds run while they make progress; in the last one a directory
//! that still cannot be opened is counted as unread.

use std::collections::HashMap;
use std::ffi::{CString, OsStr};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rustix::fs::{CWD, Mode, OFlags};
use rustix::io::Errno;

use super::watch::{OnDir, Task, Waited};
use super::{Job, Shared, is_out_of_fds, lock, record_unread, spawn, visit};

/// Rounds over the put-off directories at most.
const MAX_ROUNDS: u32 = 8;

/// A directory waiting for descriptors.
pub(super) struct Deferred {
    pub parent: u32,
    pub name: CString,
}

/// Puts a directory off; its parent's descriptor is let go.
pub(super) fn put_off(shared: &Shared, job: Job) {
    let d = Deferred {
        parent: job.parent,
        name: job.name,
    };
    drop(job.parent_fd);
    if let Ok(mut list) = shared.deferred.lock() {
        list.push(d);
    }
}

/// Reads the put-off directories (and what is below them) until none is left, or a round
/// reads nothing (then one last round counts what still cannot be opened as unread). They
/// are taken one after another, each a walk of its own: the descriptors of one path from the
/// root at a time, however many were put off. Ends early, as the first pass does, when the
/// walk is cancelled or stops moving.
pub(super) fn retry(pool: &rayon::ThreadPool, shared: &Arc<Shared>, root: &Path) -> Waited {
    for round in 1..=MAX_ROUNDS {
        let jobs = std::mem::take(&mut *lock(&shared.deferred));
        if jobs.is_empty() {
            break;
        }
        if round == MAX_ROUNDS {
            shared.final_pass.store(true, Ordering::Relaxed);
        }
        let positions = Arc::new(lock(&shared.builder).positions());
        // Every directory opened or counted takes an id: none taken, no progress.
        let before = shared.next_id.load(Ordering::Relaxed);
        let mut jobs = jobs.into_iter();
        while let Some(d) = jobs.next() {
            let on = OnDir {
                parent: d.parent,
                name: d.name.clone(),
                id: None,
            };
            let (positions, root) = (Arc::clone(&positions), root.to_path_buf());
            spawn(Some(pool), shared, on, move |s, t| {
                reopen(s, t, &positions, &root, d)
            });
            let waited = shared.watch.wait(&shared.progress);
            if !matches!(waited, Waited::Idle) {
                // Not tried: back on the list, counted as unread by whoever ends the walk.
                lock(&shared.deferred).extend(jobs);
                return waited;
            }
        }
        if shared.next_id.load(Ordering::Relaxed) == before {
            shared.final_pass.store(true, Ordering::Relaxed);
        }
    }
    Waited::Idle
}

fn reopen(
    shared: &Arc<Shared>,
    task: &Task<'_>,
    positions: &HashMap<u32, usize>,
    root: &Path,
    d: Deferred,
) {
    let chain = lock(&shared.builder).chain(positions, d.parent);
    let opened = match chain {
        Some(chain) => open_chain(root, &chain),
        None => Err(Errno::NOENT),
    };
    task.beat();
    match opened {
        Ok(fd) => visit(
            shared,
            task,
            Job {
                parent_fd: Arc::new(fd),
                parent: d.parent,
                name: d.name,
            },
        ),
        Err(err) if is_out_of_fds(err) && !shared.final_pass.load(Ordering::Relaxed) => {
            lock(&shared.deferred).push(d);
        }
        Err(err) => record_unread(shared, d.parent, d.name.as_bytes(), err, 0),
    }
}

/// Opens `root/chain[0]/chain[1]/…` one component at a time, never following a symlink.
fn open_chain(root: &Path, chain: &[Vec<u8>]) -> Result<OwnedFd, Errno> {
    let dir = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = rustix::fs::openat(CWD, root, dir, Mode::empty())?;
    for name in chain {
        fd = rustix::fs::openat(
            &fd,
            OsStr::from_bytes(name),
            dir | OFlags::NOFOLLOW,
            Mode::empty(),
        )?;
    }
    Ok(fd)
}
