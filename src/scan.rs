//! The inode scanner: which directories hold the entries of a filesystem.
//!
//! Unlike the collectors this walks a real directory tree. It reads directories with
//! getdents(2) (d_type tells which entries are directories, so counting needs no stat per
//! file), opens each subdirectory with openat(2) relative to its parent's descriptor, and runs
//! on all cores. It stays on the filesystem of the root (like `du -x` / `find -xdev`), never
//! follows symlinks, and counts directories it may not read. With `bytes` it also stats every
//! entry (fstatat(2) relative to the directory) and sums st_blocks × 512, hard links once,
//! as `du` does.
//!
//! Memory grows with the number of directories, not files: a directory is one [`DirNode`]
//! (parent index, name in a shared arena, counts); file names are never kept.
//!
//! [`spawn`] runs a scan in its own thread and reports [`ScanEvent`]s (progress ticks and the
//! outcome) to a callback, so a UI never waits on it; [`Progress`] holds the live counters and
//! the cancel flag. [`diff`] compares two scans of the same root.

pub mod complete;
pub mod diff;
pub mod fstype;
mod gate;
pub mod no_answer;
mod progress;
pub mod rows;
pub mod tree;
mod walk;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

pub use diff::{DirChange, ScanDiff, diff};
pub use fstype::FsKind;
pub use no_answer::NoAnswer;
pub use progress::{Progress, ProgressSample};
pub use rows::{Expanded, Row};
pub use tree::{DirNode, DirStatus, SortKey, Tree};

/// What to scan and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    pub root: PathBuf,
    /// Also sum disk usage (a stat per entry).
    pub bytes: bool,
    /// Scan network and pseudo filesystems too.
    pub any_fs: bool,
    /// Worker threads; None: two per core, 4 to 16.
    pub threads: Option<usize>,
}

impl ScanOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            bytes: false,
            any_fs: false,
            threads: None,
        }
    }

    pub fn with_bytes(mut self, bytes: bool) -> Self {
        self.bytes = bytes;
        self
    }

    pub fn with_any_fs(mut self, any_fs: bool) -> Self {
        self.any_fs = any_fs;
        self
    }
}

/// Directories that could not be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScanErrors {
    pub permission_denied: u64,
    /// Not opened for want of file descriptors (EMFILE, ENFILE), even after the walk had
    /// come down to one directory at a time.
    #[serde(default)]
    pub too_many_open_files: u64,
    pub other: u64,
    /// Not read because their filesystem stopped answering: the directories the walk gave
    /// up waiting for, and any queued behind them.
    #[serde(default)]
    pub no_answer: u64,
}

impl ScanErrors {
    pub fn total(&self) -> u64 {
        self.permission_denied + self.too_many_open_files + self.other + self.no_answer
    }

    /// Whether every directory was read, so the counts are whole.
    pub fn is_complete(&self) -> bool {
        self.total() == 0
    }
}

/// A finished scan.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// The root as scanned (made absolute when possible).
    pub root: PathBuf,
    /// Wall-clock start of the scan.
    pub started: SystemTime,
    pub elapsed: Duration,
    /// Whether bytes were summed.
    pub bytes: bool,
    pub tree: Tree,
    pub errors: ScanErrors,
    /// Mount points of other filesystems met below the root (counted as entries, not entered).
    pub other_mounts: u64,
    /// The fewest directories read at once: below the thread count when file descriptors
    /// ran out and the walk slowed down to keep going.
    pub lowest_parallelism: usize,
    /// Worker threads of the walk.
    pub threads: usize,
    /// The directories the walk gave up waiting for (their filesystem did not answer).
    pub no_answer: Vec<NoAnswer>,
}

impl ScanResult {
    /// Entries below and including the root, as `find ROOT -xdev | wc -l` counts them.
    pub fn total_entries(&self) -> u64 {
        self.tree.get(0).map_or(0, |n| n.entries)
    }

    /// Disk usage of the whole tree when bytes were summed.
    pub fn total_bytes(&self) -> Option<u64> {
        self.bytes.then(|| self.tree.get(0).map_or(0, |n| n.bytes))
    }

    /// The full path of a directory of the tree.
    pub fn path(&self, index: u32) -> PathBuf {
        self.tree.path(&self.root, index)
    }
}

/// Why a scan produced no result.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: {error}")]
    Open {
        path: String,
        /// Not the error's source: it is in the message already.
        error: io::Error,
    },
    #[error("{path} is on a {kind} filesystem ({fstype}); not scanned unless asked")]
    Skipped {
        path: String,
        kind: FsKind,
        fstype: &'static str,
    },
    /// The root's filesystem did not answer: nothing could be read.
    #[error("{path}: {reason} within 1 s; nothing scanned")]
    NoAnswer { path: String, reason: String },
    #[error("scan cancelled")]
    Cancelled,
    #[error("scan threads: {0}")]
    Threads(String),
}

/// What a scan started with [`spawn`] reports.
#[derive(Debug)]
pub enum ScanEvent {
    Progress(ProgressSample),
    Done(Result<Box<ScanResult>, ScanError>),
}

/// A scan running in its own thread.
#[derive(Debug)]
pub struct ScanHandle {
    pub progress: Arc<Progress>,
    thread: thread::JoinHandle<()>,
}

impl ScanHandle {
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }
}

/// How often [`spawn`] reports progress.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Starts a scan in a thread of its own. `report` gets a progress sample every
/// [`PROGRESS_EVERY`] and then, once, the outcome; it must not block for long.
pub fn spawn<F>(options: ScanOptions, report: F) -> io::Result<ScanHandle>
where
    F: Fn(ScanEvent) + Send + Sync + 'static,
{
    let progress = Arc::new(Progress::new());
    let shared = Arc::clone(&progress);
    let thread = thread::Builder::new()
        .name("headroom-scan".into())
        .spawn(move || {
            let done = AtomicBool::new(false);
            let outcome = thread::scope(|s| {
                // Without a thread for it (out of threads) the scan runs without progress.
                let ticker = thread::Builder::new()
                    .name("headroom-scan-progress".into())
                    .spawn_scoped(s, || {
                        while !done.load(Ordering::Relaxed) {
                            thread::park_timeout(PROGRESS_EVERY);
                            if !done.load(Ordering::Relaxed) {
                                report(ScanEvent::Progress(shared.sample()));
                            }
                        }
                    })
                    .ok();
                let outcome = scan(&options, &shared);
                done.store(true, Ordering::Relaxed);
                if let Some(t) = ticker {
                    t.thread().unpark();
                }
                outcome
            });
            report(ScanEvent::Done(outcome.map(Box::new)));
        })?;
    Ok(ScanHandle { progress, thread })
}

/// Starts a scan whose events arrive on a channel.
pub fn start(
    options: ScanOptions,
) -> io::Result<(ScanHandle, std::sync::mpsc::Receiver<ScanEvent>)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let handle = spawn(options, move |event| {
        if let Ok(tx) = tx.lock() {
            // The receiver may be gone: nobody waits for the outcome any more.
            let _ = tx.send(event);
        }
    })?;
    Ok((handle, rx))
}

/// Scans in the calling thread (the work itself runs on a pool of its own), updating
/// `progress` as it goes. Returns within about a second of the last directory that answered,
/// whatever a worker stuck on a hung mount is doing (it is left behind).
pub fn scan(options: &ScanOptions, progress: &Arc<Progress>) -> Result<ScanResult, ScanError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let out = match walk::walk(&options.root, options, progress) {
        Err(ScanError::NoAnswer { path, .. }) => {
            let named = NoAnswer::new(PathBuf::from(&path), &no_answer::mounts());
            return Err(ScanError::NoAnswer {
                path,
                reason: named.reason(),
            });
        }
        other => other?,
    };
    let root = out.root;
    if progress.is_cancelled() {
        return Err(ScanError::Cancelled);
    }
    let stuck: Vec<u32> = (0..out.tree.len() as u32)
        .filter(|&i| {
            out.tree
                .get(i)
                .is_some_and(|n| n.status == DirStatus::NoAnswer)
        })
        .collect();
    let no_answer = if stuck.is_empty() {
        Vec::new()
    } else {
        let mounts = no_answer::mounts();
        stuck
            .into_iter()
            .map(|i| NoAnswer::new(out.tree.path(&root, i), &mounts))
            .collect()
    };
    Ok(ScanResult {
        root,
        started,
        elapsed: clock.elapsed(),
        bytes: options.bytes,
        tree: out.tree,
        errors: out.errors,
        other_mounts: out.other_mounts,
        lowest_parallelism: out.lowest_parallelism,
        threads: out.threads,
        no_answer,
    })
}
