//! The live counters of a running scan, shared with its workers, and its cancel flag.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{ScanErrors, walk};

/// Live counters of a running scan, shared with its workers; also its cancel flag.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    entries: AtomicU64,
    dirs: AtomicU64,
    bytes: AtomicU64,
    denied: AtomicU64,
    out_of_fds: AtomicU64,
    other_errors: AtomicU64,
    no_answer: AtomicU64,
    cancel: AtomicBool,
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            entries: AtomicU64::new(0),
            dirs: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            denied: AtomicU64::new(0),
            out_of_fds: AtomicU64::new(0),
            other_errors: AtomicU64::new(0),
            no_answer: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
        }
    }

    /// Asks the workers to stop; the scan then ends with [`super::ScanError::Cancelled`].
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// A copy of the counters now.
    pub fn sample(&self) -> ProgressSample {
        let elapsed = self.started.elapsed();
        let entries = self.entries.load(Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        ProgressSample {
            entries,
            dirs: self.dirs.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            errors: ScanErrors {
                permission_denied: self.denied.load(Ordering::Relaxed),
                too_many_open_files: self.out_of_fds.load(Ordering::Relaxed),
                other: self.other_errors.load(Ordering::Relaxed),
                no_answer: self.no_answer.load(Ordering::Relaxed),
            },
            elapsed,
            entries_per_sec: if secs > 0.0 {
                entries as f64 / secs
            } else {
                0.0
            },
        }
    }

    pub(super) fn add_entries(&self, n: u64) {
        if n > 0 {
            self.entries.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub(super) fn add_bytes(&self, n: u64) {
        if n > 0 {
            self.bytes.fetch_add(n, Ordering::Relaxed);
        }
    }

    pub(super) fn dir_done(&self) {
        self.dirs.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn no_answer(&self, dirs: u64) {
        self.no_answer.fetch_add(dirs, Ordering::Relaxed);
    }

    pub(super) fn error(&self, err: rustix::io::Errno) {
        let counter = if err == rustix::io::Errno::ACCESS || err == rustix::io::Errno::PERM {
            &self.denied
        } else if walk::is_out_of_fds(err) {
            &self.out_of_fds
        } else {
            &self.other_errors
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The counters of a running scan at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ProgressSample {
    /// Entries seen so far (the root not included).
    pub entries: u64,
    /// Directories read completely.
    pub dirs: u64,
    /// Bytes summed so far (0 without bytes).
    pub bytes: u64,
    pub errors: ScanErrors,
    pub elapsed: Duration,
    pub entries_per_sec: f64,
}
