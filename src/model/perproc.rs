//! Limits that processes consume per user or per process, gathered in the per-process walk:
//! processes per user against RLIMIT_NPROC, inotify instances and watches per user, and
//! memory maps of the largest processes against vm.max_map_count.

use serde::{Deserialize, Serialize};

use super::{Reading, not_recorded};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerProcess {
    /// Every user that has a process, by uid.
    pub users: Vec<UserUse>,
    /// The largest processes by resident memory and their mappings, largest first.
    pub maps: Vec<ProcMaps>,
    #[serde(default = "not_recorded")]
    pub max_user_watches: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub max_user_instances: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub max_map_count: Reading<u64>,
    /// Processes whose descriptors this user may not read, so their inotify use is unseen.
    pub inotify_unreadable: u64,
    /// Processes whose status or limits could not be read.
    pub unreadable: u64,
}

/// What one user's processes hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserUse {
    pub uid: u32,
    /// Processes and threads whose real uid is this user: what RLIMIT_NPROC counts.
    pub tasks: u64,
    /// The lowest soft "Max processes" among the user's processes (the first to fail a fork);
    /// None when all are unlimited.
    pub nproc: Option<u64>,
    /// inotify instances and watches of the processes running with this effective uid.
    pub inotify_instances: u64,
    pub inotify_watches: u64,
    /// The processes with the most threads, most first.
    pub most_tasks: Vec<ProcAmount>,
    /// The processes with the most inotify watches, most first.
    pub most_watches: Vec<ProcAmount>,
    /// The processes with the most inotify instances, most first.
    pub most_instances: Vec<ProcAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcAmount {
    pub pid: u32,
    pub comm: String,
    pub amount: u64,
}

/// Lines of /proc/PID/maps of one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcMaps {
    pub pid: u32,
    pub comm: String,
    pub rss_bytes: u64,
    pub maps: u64,
}
