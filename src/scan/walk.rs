//! The parallel walker: one rayon task per directory, getdents through rustix's `RawDir`.
//!
//! A task learns a subdirectory's device with statx(2) from the kernel's cache (`meta`), so a
//! mount point of another filesystem is counted and never opened, however hung its server;
//! then it opens the directory with openat(2) relative to the parent's descriptor (shared by
//! the parent's pending children through an `Arc`, closed when the last of them has opened
//! its own), reads the entries into a per-thread buffer and spawns one task per subdirectory.
//! Rayon runs a worker's own tasks last-in first-out, so each worker goes depth first and few
//! descriptors are open at once, while idle workers steal the oldest (shallowest) tasks.
//!
//! The tasks are counted in and out (`watch`), not scoped: the walk ends when the count is
//! zero, or when nothing has moved for about a second with only stuck workers left, whose
//! directories are then reported as not answering. Nothing ever waits on a stuck worker.
//!
//! Out of descriptors (EMFILE, ENFILE), fewer directories are opened at once (`gate`); one
//! that cannot be opened even alone is put off and reached again from the root once the rest
//! is read (`deferred`). Only what fails then too is counted as unread.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::CString;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rustix::io::Errno;

use super::gate::Gate;
use super::tree::{DirStatus, RawNode, Tree, TreeBuilder};
use super::{Progress, ScanError, ScanErrors, ScanOptions};
use dir::{read_root, record_unread, visit};
use meta::Meta;
use watch::{OnDir, Task, Waited, Watch};

mod deferred;
mod dir;
mod entries;
mod meta;
mod watch;

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
    /// The root as walked: made absolute, symlinks resolved where possible.
    pub root: PathBuf,
    pub tree: Tree,
    pub errors: ScanErrors,
    pub other_mounts: u64,
    /// The fewest directories the walk had open at once (below the thread count when file
    /// descriptors ran out).
    pub lowest_parallelism: usize,
    pub threads: usize,
}

struct Shared {
    progress: Arc<Progress>,
    bytes: bool,
    /// The root's device, set by the root's task before it spawns any other.
    dev: AtomicU64,
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
    watch: Watch,
    /// The root as walked, once its task has resolved it.
    root: Mutex<Option<PathBuf>>,
    /// Why the root could not be read, when it could not.
    root_failed: Mutex<Option<ScanError>>,
}

impl Shared {
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
        push_node(&mut lock(&self.builder), node, name);
    }

    /// Disk usage of one non-directory entry, a file with several links only the first time.
    fn usage(&self, m: &Meta) -> u64 {
        if m.nlink > 1 {
            let first = self
                .links
                .lock()
                .map_or(true, |mut seen| seen.insert((m.dev, m.ino)));
            if !first {
                return 0;
            }
        }
        m.bytes
    }

    fn dev(&self) -> u64 {
        self.dev.load(Ordering::Relaxed)
    }
}

fn push_node(b: &mut TreeBuilder, node: RawNode, name: &[u8]) {
    let (start, len) = b.push_name(name);
    b.push(RawNode {
        name_start: start,
        name_len: len,
        ..node
    });
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

/// A worker that panicked while holding a lock left a whole value behind.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn walk(
    root: &Path,
    options: &ScanOptions,
    progress: &Arc<Progress>,
) -> Result<WalkOutput, ScanError> {
    let threads = options.threads.unwrap_or_else(default_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("headroom-scan-{i}"))
        // A task that panics is counted in by its guard; the walk goes on without it.
        .panic_handler(|_| {})
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;
    let shared = Arc::new(Shared {
        progress: Arc::clone(progress),
        bytes: options.bytes,
        dev: AtomicU64::new(0),
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
        watch: Watch::new(threads),
        root: Mutex::new(None),
        root_failed: Mutex::new(None),
    });
    let at_root = OnDir {
        parent: 0,
        name: CString::default(),
        id: None,
    };
    let (path, any_fs) = (root.to_path_buf(), options.any_fs);
    spawn(Some(&pool), &shared, at_root, move |s, t| {
        read_root(s, t, &path, any_fs)
    });
    let mut waited = shared.watch.wait(progress);
    if let Some(err) = lock(&shared.root_failed).take() {
        return Err(err);
    }
    // Lexically absolute: resolving it is what did not answer.
    let root = lock(&shared.root)
        .clone()
        .or_else(|| std::path::absolute(root).ok())
        .unwrap_or_else(|| root.to_path_buf());
    if matches!(waited, Waited::Idle) {
        waited = deferred::retry(&pool, &shared, &root);
    }
    let mut no_answer = 0;
    let tree = match waited {
        Waited::Idle => std::mem::take(&mut *lock(&shared.builder)).finish(),
        Waited::Cancelled => return Err(ScanError::Cancelled),
        Waited::Stalled { on, queued } => {
            if on.iter().any(|d| d.name.is_empty() && d.id.is_none()) {
                return Err(ScanError::NoAnswer {
                    path: root.display().to_string(),
                    reason: String::new(),
                });
            }
            no_answer = on.len() as u64 + queued;
            give_up(&shared, on)
        }
    };
    let lowest_parallelism = shared.gate.lowest();
    Ok(WalkOutput {
        root,
        tree,
        errors: ScanErrors {
            permission_denied: shared.denied.load(Ordering::Relaxed),
            too_many_open_files: shared.out_of_fds.load(Ordering::Relaxed),
            other: shared.other_errors.load(Ordering::Relaxed),
            no_answer,
        },
        other_mounts: shared.other_mounts.load(Ordering::Relaxed),
        lowest_parallelism,
        threads,
    })
}

/// Ends a walk whose last workers are stuck: the directories they are on are recorded as not
/// answering, those put off for descriptors as unread, and the tree is taken from under the
/// workers (one that wakes up later records into an empty builder nobody reads).
fn give_up(shared: &Shared, stuck: Vec<OnDir>) -> Tree {
    let put_off = std::mem::take(&mut *lock(&shared.deferred));
    for d in put_off {
        record_unread(shared, d.parent, d.name.as_bytes(), Errno::MFILE, 0);
    }
    let mut builder = std::mem::take(&mut *lock(&shared.builder));
    std::mem::take(&mut *lock(&shared.links));
    shared.progress.no_answer(stuck.len() as u64);
    for d in stuck {
        let id =
            d.id.unwrap_or_else(|| shared.next_id.fetch_add(1, Ordering::Relaxed));
        let node = RawNode {
            id,
            parent: d.parent,
            name_start: 0,
            name_len: 0,
            status: DirStatus::NoAnswer,
            own_entries: 0,
            own_bytes: 0,
        };
        push_node(&mut builder, node, d.name.as_bytes());
    }
    builder.finish()
}

/// Runs `f` as a counted task: on `pool` from outside it, on the current pool from a task.
fn spawn<F>(pool: Option<&rayon::ThreadPool>, shared: &Arc<Shared>, on: OnDir, f: F)
where
    F: FnOnce(&Arc<Shared>, &Task<'_>) + Send + 'static,
{
    shared.watch.spawned();
    let shared = Arc::clone(shared);
    let job = move || {
        let task = shared.watch.begin(on);
        f(&shared, &task);
    };
    match pool {
        Some(p) => p.spawn(job),
        None => rayon::spawn(job),
    }
}

/// Spawns the task that reads a subdirectory.
fn spawn_visit(pool: Option<&rayon::ThreadPool>, shared: &Arc<Shared>, job: Job) {
    let on = OnDir {
        parent: job.parent,
        name: job.name.clone(),
        id: None,
    };
    spawn(pool, shared, on, move |s, t| visit(s, t, job));
}

/// Two threads per core, at least 4 and at most 16: on a cold tree (the usual case in an
/// incident) the workers wait for inode blocks from disk, and more of them keep it busy.
fn default_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 2).clamp(4, 16)
}
