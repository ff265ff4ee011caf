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

use super::{Job, Shared, is_out_of_fds, record_unread, visit};

/// Rounds over the put-off directories at most.
const MAX_ROUNDS: u32 = 8;

/// A directory waiting for descriptors.
pub(super) struct Deferred {
    parent: u32,
    name: CString,
}

/// Puts a directory off; its parent's descriptor is let go.
pub(super) fn put_off(shared: &Shared<'_>, job: Job) {
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
/// root at a time, however many were put off.
pub(super) fn retry<'s>(pool: &rayon::ThreadPool, shared: &'s Shared<'s>, root: &'s Path) {
    for round in 1..=MAX_ROUNDS {
        let jobs = match shared.deferred.lock() {
            Ok(mut list) => std::mem::take(&mut *list),
            Err(_) => return,
        };
        if jobs.is_empty() {
            return;
        }
        if round == MAX_ROUNDS {
            shared.final_pass.store(true, Ordering::Relaxed);
        }
        let positions = match shared.builder.lock() {
            Ok(b) => b.positions(),
            Err(_) => return,
        };
        // Every directory opened or counted takes an id: none taken, no progress.
        let before = shared.next_id.load(Ordering::Relaxed);
        for d in jobs {
            if shared.progress.is_cancelled() {
                return;
            }
            let positions = &positions;
            pool.scope(|s| reopen(s, shared, positions, root, d));
        }
        if shared.next_id.load(Ordering::Relaxed) == before {
            shared.final_pass.store(true, Ordering::Relaxed);
        }
    }
}

fn reopen<'s>(
    scope: &rayon::Scope<'s>,
    shared: &'s Shared<'s>,
    positions: &HashMap<u32, usize>,
    root: &Path,
    d: Deferred,
) {
    let chain = shared
        .builder
        .lock()
        .ok()
        .and_then(|b| b.chain(positions, d.parent));
    let opened = match chain {
        Some(chain) => open_chain(root, &chain),
        None => Err(Errno::NOENT),
    };
    match opened {
        Ok(fd) => visit(
            scope,
            shared,
            Job {
                parent_fd: Arc::new(fd),
                parent: d.parent,
                name: d.name,
            },
        ),
        Err(err) if is_out_of_fds(err) && !shared.final_pass.load(Ordering::Relaxed) => {
            if let Ok(mut list) = shared.deferred.lock() {
                list.push(d);
            }
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
