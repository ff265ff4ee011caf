//! One directory's work: the root resolved, opened and its filesystem checked; a
//! subdirectory's device learnt from the cache and the directory opened, unless it is on
//! another filesystem; its entries read and recorded.

use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rustix::fs::{CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::meta::{self, Meta};
use super::watch::Task;
use super::{
    BUF, BUF_SIZE, Job, MAX_TRIES, Shared, deferred, entries, is_denied, is_out_of_fds, lock,
};
use crate::scan::ScanError;
use crate::scan::fstype;
use crate::scan::tree::{DirStatus, RawNode};

/// Resolves the root, opens it, checks its filesystem and reads it.
pub(super) fn read_root(shared: &Arc<Shared>, task: &Task<'_>, root: &Path, any_fs: bool) {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    task.beat();
    *lock(&shared.root) = Some(root.clone());
    match open_root(&root, any_fs) {
        Ok((fd, meta)) => {
            task.beat();
            shared.dev.store(meta.dev, Ordering::Relaxed);
            task.opened(0);
            read_dir(shared, task, 0, 0, fd, meta.bytes, b"");
        }
        Err(e) => *lock(&shared.root_failed) = Some(e),
    }
}

fn open_root(root: &Path, any_fs: bool) -> Result<(OwnedFd, Meta), ScanError> {
    let open_err = |e: Errno| ScanError::Open {
        path: root.display().to_string(),
        error: e.into(),
    };
    let fd = rustix::fs::openat(
        CWD,
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(open_err)?;
    let meta = meta::meta_of(&fd).map_err(open_err)?;
    if !any_fs {
        let fs = rustix::fs::fstatfs(&fd).map_err(open_err)?;
        #[allow(clippy::unnecessary_cast)]
        let magic = fs.f_type as u64;
        if let Some((kind, fstype)) = fstype::classify_magic(magic) {
            return Err(ScanError::Skipped {
                path: root.display().to_string(),
                kind,
                fstype,
            });
        }
    }
    Ok((fd, meta))
}

/// What a subdirectory turned out to be.
enum Opened {
    Dir(OwnedFd, Meta),
    /// A mount point of another filesystem: counted, not entered.
    OtherFs,
}

/// Opens a subdirectory and reads it, unless it is on another filesystem. Out of
/// descriptors, it waits for other workers to close some and tries again with fewer open at
/// once; alone and still out of them, it puts the directory off until the rest is read.
pub(super) fn visit(shared: &Arc<Shared>, task: &Task<'_>, job: Job) {
    if shared.progress.is_cancelled() {
        return;
    }
    let mut tries = 0;
    let (fd, meta, slot) = loop {
        let slot = shared.gate.enter();
        match open_child(shared, &job) {
            Ok(Opened::Dir(fd, meta)) => {
                shared.gate.succeeded();
                break (fd, meta, slot);
            }
            Ok(Opened::OtherFs) => {
                shared.other_mounts.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Err(err) if is_out_of_fds(err) => {
                tries += 1;
                if tries < MAX_TRIES && shared.gate.starved(slot) {
                    continue;
                }
                if !shared.final_pass.load(Ordering::Relaxed) {
                    deferred::put_off(shared, job);
                } else {
                    unreadable(shared, &job, err);
                }
                return;
            }
            Err(err) => {
                drop(slot);
                unreadable(shared, &job, err);
                return;
            }
        }
    };
    task.beat();
    drop(job.parent_fd);
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    task.opened(id);
    read_dir(
        shared,
        task,
        id,
        job.parent,
        fd,
        meta.bytes,
        job.name.as_bytes(),
    );
    drop(slot);
}

/// The device comes from the cache first: a mount point of another filesystem is never
/// opened, so a hung one cannot hold the walk.
fn open_child(shared: &Shared, job: &Job) -> Result<Opened, Errno> {
    let meta = meta::meta_at(&*job.parent_fd, job.name.as_c_str())?;
    if meta.dev != shared.dev() {
        return Ok(Opened::OtherFs);
    }
    if meta.kind != FileType::Directory {
        // Replaced since its parent was read.
        return Err(Errno::NOTDIR);
    }
    let fd = rustix::fs::openat(
        &*job.parent_fd,
        job.name.as_c_str(),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(Opened::Dir(fd, meta))
}

/// Records a directory that could not be opened.
fn unreadable(shared: &Shared, job: &Job, err: Errno) {
    // du still counts the blocks of a directory it may not read.
    let own_bytes = if shared.bytes {
        meta::meta_at(&*job.parent_fd, job.name.as_c_str()).map_or(0, |m| m.bytes)
    } else {
        0
    };
    record_unread(shared, job.parent, job.name.as_bytes(), err, own_bytes);
}

/// How a directory that could not be read (or read whole) is shown.
fn unread_status(err: Errno) -> DirStatus {
    if is_denied(err) {
        DirStatus::Denied
    } else {
        DirStatus::Failed
    }
}

pub(super) fn record_unread(shared: &Shared, parent: u32, name: &[u8], err: Errno, own_bytes: u64) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    shared.error(err);
    shared.record(
        RawNode {
            id,
            parent,
            name_start: 0,
            name_len: 0,
            status: unread_status(err),
            own_entries: 0,
            own_bytes,
        },
        name,
    );
    shared.progress.dir_done();
}

/// Reads one open directory: counts its entries, spawns its subdirectories, records it.
fn read_dir(
    shared: &Arc<Shared>,
    task: &Task<'_>,
    id: u32,
    parent: u32,
    fd: OwnedFd,
    own_bytes: u64,
    name: &[u8],
) {
    #[cfg(debug_assertions)]
    test_delay();
    let fd = Arc::new(fd);
    let mut own_bytes = if shared.bytes { own_bytes } else { 0 };
    let read = BUF.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => entries::read_entries(shared, task, id, &fd, &mut buf),
        Err(_) => {
            let mut buf = vec![MaybeUninit::uninit(); BUF_SIZE];
            entries::read_entries(shared, task, id, &fd, &mut buf)
        }
    });
    own_bytes += read.bytes;
    let status = match read.error {
        None => DirStatus::Read,
        Some(err) => {
            shared.error(err);
            unread_status(err)
        }
    };
    shared.record(
        RawNode {
            id,
            parent,
            name_start: 0,
            name_len: 0,
            status,
            own_entries: read.entries,
            own_bytes,
        },
        name,
    );
    shared.progress.dir_done();
}

/// Debug builds only: `HEADROOM_TEST_SCAN_DELAY_MS` slows every directory down, so the
/// end-to-end tests can watch a scan in progress and cancel it.
#[cfg(debug_assertions)]
fn test_delay() {
    static DELAY: std::sync::OnceLock<Option<std::time::Duration>> = std::sync::OnceLock::new();
    let delay = DELAY.get_or_init(|| {
        std::env::var("HEADROOM_TEST_SCAN_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(std::time::Duration::from_millis)
    });
    if let Some(d) = delay {
        std::thread::sleep(*d);
    }
}
