//! The parallel walker: one rayon task per directory, getdents through rustix's `RawDir`.
//!
//! A task opens its directory with openat(2) relative to the parent's descriptor (shared by the
//! parent's pending children through an `Arc`, closed when the last of them has opened its
//! own), checks with fstat(2) that it is still on the root's filesystem, reads the entries
//! into a per-thread buffer and spawns one task per subdirectory. Rayon runs a worker's own
//! tasks last-in first-out, so each worker goes depth first and few descriptors are open at
//! once, while idle workers steal the oldest (shallowest) tasks.
//!
//! Out of descriptors (EMFILE, ENFILE), fewer directories are opened at once (`gate`); one
//! that cannot be opened even alone is put off and reached again from the root once the rest
//! is read (`deferred`). Only what fails then too is counted as unread.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::CString;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rustix::fs::{AtFlags, CWD, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::fstype;
use super::gate::Gate;
use super::tree::{DirStatus, RawNode, Tree, TreeBuilder};
use super::{Progress, ScanError, ScanErrors, ScanOptions};

mod deferred;
mod entries;

const BUF_SIZE: usize = 64 * 1024;
/// Entries between progress updates and cancel checks inside one large directory.
const FLUSH_EVERY: u64 = 8192;
/// Tries to open one directory while other workers give descriptors back, before it is put
/// off until the rest of the tree is read.
const MAX_TRIES: u32 = 16;

thread_local! {
    static BUF: RefCell<Vec<MaybeUninit<u8>>> = RefCell::new(vec![MaybeUninit::uninit(); BUF_SIZE]);
}

pub(crate) struct WalkOutput {
    pub tree: Tree,
    pub errors: ScanErrors,
    pub other_mounts: u64,
    /// The fewest directories the walk had open at once (below the thread count when file
    /// descriptors ran out).
    pub lowest_parallelism: usize,
    pub threads: usize,
}

struct Shared<'p> {
    progress: &'p Progress,
    bytes: bool,
    dev: u64,
    next_id: AtomicU32,
    builder: Mutex<TreeBuilder>,
    /// (dev, ino) of files with more than one link already counted.
    links: Mutex<HashSet<(u64, u64)>>,
    other_mounts: AtomicU64,
    denied: AtomicU64,
    out_of_fds: AtomicU64,
    other_errors: AtomicU64,
    gate: Gate,
    /// Directories put off for want of descriptors, read again once the rest is done.
    deferred: Mutex<Vec<deferred::Deferred>>,
    /// The last pass over the deferred: a directory that still cannot be opened is unread.
    final_pass: AtomicBool,
}

impl Shared<'_> {
    fn error(&self, err: Errno) {
        self.progress.error(err);
        let counter = if is_denied(err) {
            &self.denied
        } else if is_out_of_fds(err) {
            &self.out_of_fds
        } else {
            &self.other_errors
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn record(&self, node: RawNode, name: &[u8]) {
        if let Ok(mut b) = self.builder.lock() {
            let (start, len) = b.push_name(name);
            b.push(RawNode {
                name_start: start,
                name_len: len,
                ..node
            });
        }
    }

    /// Disk usage of one non-directory entry, a file with several links only the first time.
    fn usage(&self, st: &Stat) -> u64 {
        if st.st_nlink > 1 {
            let key = (st.st_dev, st.st_ino);
            let first = self.links.lock().map_or(true, |mut seen| seen.insert(key));
            if !first {
                return 0;
            }
        }
        blocks(st)
    }
}

/// A subdirectory waiting to be read.
struct Job {
    parent_fd: Arc<OwnedFd>,
    parent: u32,
    name: CString,
}

fn is_denied(err: Errno) -> bool {
    err == Errno::ACCESS || err == Errno::PERM
}

/// The process (EMFILE) or the system (ENFILE) is out of file descriptors.
pub(crate) fn is_out_of_fds(err: Errno) -> bool {
    err == Errno::MFILE || err == Errno::NFILE
}

fn blocks(st: &Stat) -> u64 {
    u64::try_from(st.st_blocks).unwrap_or(0).saturating_mul(512)
}

pub(crate) fn walk(
    root: &Path,
    options: &ScanOptions,
    progress: &Progress,
) -> Result<WalkOutput, ScanError> {
    let open_err = |e: Errno| ScanError::Open {
        path: root.display().to_string(),
        source: e.into(),
    };
    let fd = rustix::fs::openat(
        CWD,
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(open_err)?;
    let st = rustix::fs::fstat(&fd).map_err(open_err)?;
    if !options.any_fs {
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
    let threads = options.threads.unwrap_or_else(default_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("headroom-scan-{i}"))
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;
    let shared = Shared {
        progress,
        bytes: options.bytes,
        dev: st.st_dev,
        next_id: AtomicU32::new(1),
        builder: Mutex::new(TreeBuilder::default()),
        links: Mutex::new(HashSet::new()),
        other_mounts: AtomicU64::new(0),
        denied: AtomicU64::new(0),
        out_of_fds: AtomicU64::new(0),
        other_errors: AtomicU64::new(0),
        gate: Gate::new(threads),
        deferred: Mutex::new(Vec::new()),
        final_pass: AtomicBool::new(false),
    };
    pool.scope(|s| read_dir(s, &shared, 0, 0, fd, &st, b""));
    deferred::retry(&pool, &shared, root);
    let lowest_parallelism = shared.gate.lowest();
    let tree = match shared.builder.into_inner() {
        Ok(b) => b.finish(),
        Err(poisoned) => poisoned.into_inner().finish(),
    };
    Ok(WalkOutput {
        tree,
        errors: ScanErrors {
            permission_denied: shared.denied.into_inner(),
            too_many_open_files: shared.out_of_fds.into_inner(),
            other: shared.other_errors.into_inner(),
        },
        other_mounts: shared.other_mounts.into_inner(),
        lowest_parallelism,
        threads,
    })
}

/// Two threads per core, at least 4 and at most 16: on a cold tree (the usual case in an
/// incident) the workers wait for inode blocks from disk, and more of them keep it busy.
fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 2).clamp(4, 16)
}

/// Opens a subdirectory and reads it, unless it is on another filesystem. Out of
/// descriptors, it waits for other workers to close some and tries again with fewer open at
/// once; alone and still out of them, it puts the directory off until the rest is read.
fn visit<'s>(scope: &rayon::Scope<'s>, shared: &'s Shared<'s>, job: Job) {
    if shared.progress.is_cancelled() {
        return;
    }
    let mut tries = 0;
    let (fd, st, slot) = loop {
        let slot = shared.gate.enter();
        match open_child(&job) {
            Ok((fd, st)) => {
                shared.gate.succeeded();
                break (fd, st, slot);
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
    drop(job.parent_fd);
    if st.st_dev != shared.dev {
        shared.other_mounts.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    read_dir(scope, shared, id, job.parent, fd, &st, job.name.as_bytes());
    drop(slot);
}

fn open_child(job: &Job) -> Result<(OwnedFd, Stat), Errno> {
    let fd = rustix::fs::openat(
        &*job.parent_fd,
        job.name.as_c_str(),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let st = rustix::fs::fstat(&fd)?;
    Ok((fd, st))
}

/// Records a directory that could not be opened.
fn unreadable(shared: &Shared<'_>, job: &Job, err: Errno) {
    // du still counts the blocks of a directory it may not read.
    let own_bytes = if shared.bytes {
        rustix::fs::statat(
            &*job.parent_fd,
            job.name.as_c_str(),
            AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_or(0, |st| blocks(&st))
    } else {
        0
    };
    record_unread(shared, job.parent, job.name.as_bytes(), err, own_bytes);
}

fn record_unread(shared: &Shared<'_>, parent: u32, name: &[u8], err: Errno, own_bytes: u64) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    shared.error(err);
    shared.record(
        RawNode {
            id,
            parent,
            name_start: 0,
            name_len: 0,
            status: if is_denied(err) {
                DirStatus::Denied
            } else {
                DirStatus::Failed
            },
            own_entries: 0,
            own_bytes,
        },
        name,
    );
    shared.progress.dir_done();
}

/// Reads one open directory: counts its entries, spawns its subdirectories, records it.
fn read_dir<'s>(
    scope: &rayon::Scope<'s>,
    shared: &'s Shared<'s>,
    id: u32,
    parent: u32,
    fd: OwnedFd,
    st: &Stat,
    name: &[u8],
) {
    #[cfg(debug_assertions)]
    test_delay();
    let fd = Arc::new(fd);
    let mut own_bytes = if shared.bytes { blocks(st) } else { 0 };
    let read = BUF.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => entries::read_entries(scope, shared, id, &fd, &mut buf),
        Err(_) => {
            let mut buf = vec![MaybeUninit::uninit(); BUF_SIZE];
            entries::read_entries(scope, shared, id, &fd, &mut buf)
        }
    });
    own_bytes += read.bytes;
    let status = match read.error {
        None => DirStatus::Read,
        Some(err) => {
            shared.error(err);
            if is_denied(err) {
                DirStatus::Denied
            } else {
                DirStatus::Failed
            }
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
