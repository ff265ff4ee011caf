//! Processes as the collector reads them: one row per process, and the drill-down reading of
//! one selected process. Plain serde data; growth and groups are derived (`derive::procs`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Reading;
use super::tcp::{Listener, Peer};

/// One pass over every process.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessTable {
    /// When the pass ran (ms since the epoch); the dashboard reuses a pass for a few samples.
    pub time_ms: u64,
    /// By pid.
    pub procs: Vec<Process>,
    /// Processes whose fd table this user may not read (other users without root, hidepid):
    /// their sockets are unknown, and their fd counts too on kernels before 6.2.
    pub hidden: u64,
    /// Of these, processes not even their status could be read of (hidepid).
    #[serde(default)]
    pub denied: u64,
    /// The pass ran as root: what stays hidden, the kernel refuses even root.
    #[serde(default)]
    pub as_root: bool,
    /// Processes that exited while being read.
    pub vanished: u64,
    /// Files that could not be parsed (the first few errors).
    pub malformed: Vec<String>,
    /// How long the pass took, in microseconds.
    pub took_us: u64,
}

/// One process. Its strings are shared with the collector's cache and the derived rows: a
/// pass over thousands of processes copies none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    pub ppid: u32,
    pub comm: Arc<str>,
    /// Arguments joined by spaces; empty for kernel threads.
    pub cmdline: Arc<str>,
    pub uid: Option<u32>,
    /// The user's name from the passwd file, or the uid as a number.
    pub user: Arc<str>,
    /// R, S, D, Z, T, I … as in /proc/PID/status.
    pub state: char,
    pub threads: u64,
    /// Open descriptors; None when they cannot be counted.
    pub fds: Option<u64>,
    /// RLIMIT_NOFILE; None when unlimited or unreadable.
    pub fd_soft: Option<u64>,
    pub fd_hard: Option<u64>,
    /// None when the fd table cannot be read.
    pub sockets: Option<SocketCounts>,
    pub rss_bytes: Option<u64>,
    /// Cumulative storage I/O (/proc/PID/io read_bytes, write_bytes) where readable and read
    /// in this pass (every pass for the largest fd holders, every tenth for the others).
    pub read_bytes: Option<u64>,
    pub write_bytes: Option<u64>,
    /// The cgroup v2 path (or the pids/systemd v1 path).
    pub cgroup: Option<Arc<str>>,
}

/// Sockets a process holds, by protocol (each inode once per process).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketCounts {
    pub tcp: u64,
    pub udp: u64,
    pub unix: u64,
    /// Netlink, packet, or a socket not in this network namespace's tables.
    pub other: u64,
}

impl SocketCounts {
    pub fn total(&self) -> u64 {
        self.tcp + self.udp + self.unix + self.other
    }
}

/// What a drill-down on one process shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcDetail {
    pub pid: u32,
    pub comm: String,
    pub cmdline: String,
    pub user: String,
    /// Parent first, up to pid 1: (pid, comm).
    pub parents: Vec<(u32, String)>,
    pub cgroup: Option<String>,
    /// The limits that matter, against use.
    pub limits: Vec<DetailLimit>,
    /// Descriptors by kind, most first.
    pub fds: Vec<FdKindCount>,
    pub fds_total: u64,
    /// The fd table could not be read: another user's process without root, or one whose
    /// links are denied even to root (another user namespace, ptrace protection).
    pub fds_hidden: bool,
    /// Of `fds_total`, descriptors whose links the kernel refused (readlink needs ptrace
    /// access, which a listing does not: even root may be refused, as for init in some VMs).
    #[serde(default)]
    pub fds_unreadable: u64,
    /// Its TCP sockets grouped by peer and state (the Sockets pane's aggregation).
    pub tcp_peers: Vec<Peer>,
    pub tcp_listeners: Vec<Listener>,
    /// Directories holding most of its open files, most first.
    pub dirs: Vec<(String, u64)>,
}

/// One /proc/PID/limits row and how much of it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailLimit {
    /// "open files", "processes", "locked memory", "address space".
    pub name: String,
    pub used: Option<u64>,
    /// None when unlimited.
    pub soft: Option<u64>,
    pub hard: Option<u64>,
    pub bytes: bool,
}

/// Descriptors of one kind: "regular file", "socket TCP ESTABLISHED", "eventfd" …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FdKindCount {
    pub kind: String,
    pub count: u64,
}

/// The drill-down reading, when one was asked for.
pub type DetailReading = Option<Reading<ProcDetail>>;
