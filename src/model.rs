//! The [`Snapshot`]: raw readings of every source at one moment, plain serde data, no I/O.
//!
//! Rates and deltas are not stored here; `derive` computes them from two snapshots, so a
//! recording keeps raw snapshots and a replay derives them again.

pub mod cgroup_more;
pub mod error;
pub mod events;
pub mod graphs;
pub mod netlimits;
pub mod overcommit;
pub mod perproc;
pub mod tables;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::SourceError;

pub mod procs;
pub mod tcp;

/// A reading that may be absent on this machine or unreadable.
pub type Reading<T> = Result<T, SourceError>;

/// Counters by section and name, as in /proc/net/sockstat ("TCP" → "orphan" → 3) or
/// /proc/net/netstat ("TcpExt" → "ListenOverflows" → 0).
pub type Counters = BTreeMap<String, BTreeMap<String, u64>>;

/// What a recording made before a source existed holds for it.
pub fn not_recorded<T>() -> Reading<T> {
    Err(SourceError::Missing {
        path: "not in this recording".into(),
    })
}

/// Looks up one counter of a [`Counters`] table.
pub fn counter(table: &Counters, section: &str, name: &str) -> Option<u64> {
    table.get(section)?.get(name).copied()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Wall-clock time of the reading, milliseconds since the Unix epoch.
    pub time_ms: u64,
    pub hostname: String,
    /// The distribution (live system only) and the kernel release, e.g. "Linux 12 (Debian) 6.18.0".
    pub os: String,
    #[serde(default = "not_recorded")]
    pub beancounters: Reading<Beancounters>,
    #[serde(default = "not_recorded")]
    pub cgroup: Reading<Cgroup>,
    #[serde(default = "not_recorded")]
    pub files: Reading<FileNr>,
    #[serde(default = "not_recorded")]
    pub mounts: Reading<Vec<Mount>>,
    #[serde(default)]
    pub kernel: Kernel,
    #[serde(default)]
    pub net: Net,
    #[serde(default = "not_recorded")]
    pub nofile: Reading<NofileScan>,
    /// Dirty pages and their thresholds.
    #[serde(default)]
    pub memory: graphs::MemoryReadings,
    /// Frequency and temperatures.
    #[serde(default)]
    pub cpu: graphs::CpuReadings,
    /// Whole block devices that did any I/O (as iostat lists them).
    #[serde(default = "not_recorded")]
    pub disks: Reading<Vec<graphs::DiskStat>>,
    #[serde(default)]
    pub pressure: graphs::PressureReadings,
    #[serde(default)]
    pub load: graphs::LoadReadings,
    #[serde(default)]
    pub tcp: tcp::TcpSample,
    /// Kernel log records about limits that arrived since the previous reading.
    #[serde(default = "not_recorded")]
    pub kmsg: Reading<Vec<events::KernelMessage>>,
    /// Every process: fds, sockets, memory, I/O (read every few samples). Shared: the samples
    /// between two passes hold the same table, not copies of it.
    #[serde(default = "not_recorded")]
    pub processes: Reading<std::sync::Arc<procs::ProcessTable>>,
    /// The drill-down reading of the selected process, when one is selected.
    #[serde(default)]
    pub process_detail: procs::DetailReading,
    /// How long the reading took, in milliseconds; None in recordings made before it was kept.
    #[serde(default)]
    pub sample_ms: Option<u64>,
    /// CPU quota and throttling, memory.high, swap, io.max, pressure; the busiest services.
    #[serde(default = "not_recorded")]
    pub cgroup_more: Reading<cgroup_more::CgroupMore>,
    /// ptys, AIO, SysV IPC, keys, mounts, nr_open.
    #[serde(default)]
    pub tables: tables::KernelTables,
    /// Neighbour tables, UDP errors, softnet backlog, SYN backlog.
    #[serde(default)]
    pub net_limits: netlimits::NetLimits,
    #[serde(default = "not_recorded")]
    pub overcommit: Reading<overcommit::Overcommit>,
    /// Processes per user, inotify per user, maps of the largest processes.
    #[serde(default = "not_recorded")]
    pub per_process: Reading<perproc::PerProcess>,
}

/// /proc/user_beancounters: every uid block, and the lines that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Beancounters {
    pub blocks: Vec<UbcBlock>,
    /// Lines skipped as malformed, with the reason ("line 7: numfile: ...").
    pub malformed: Vec<String>,
}

/// One container's block of /proc/user_beancounters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UbcBlock {
    pub uid: u64,
    pub resources: Vec<UbcResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UbcResource {
    pub name: String,
    pub held: u64,
    pub maxheld: u64,
    pub barrier: u64,
    pub limit: u64,
    pub failcnt: u64,
}

/// The process's own cgroup limits, each controller from the hierarchy that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cgroup {
    pub pids: Reading<CgroupPids>,
    pub memory: Reading<CgroupMemory>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CgroupPids {
    /// 1 or 2: which hierarchy the controller lives in.
    pub version: u8,
    /// The cgroup's directory as the kernel names it (mount point + path).
    pub dir: String,
    pub current: u64,
    /// None when unlimited ("max").
    pub max: Option<u64>,
    /// Forks refused at the limit (pids.events "max").
    pub refused: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CgroupMemory {
    pub version: u8,
    pub dir: String,
    pub current: u64,
    /// None when unlimited.
    pub max: Option<u64>,
    /// Times the limit was hit: memory.events "max" on v2, memory.failcnt on v1.
    pub failures: Option<u64>,
    pub oom: Option<u64>,
    pub oom_kill: Option<u64>,
}

/// /proc/sys/fs/file-nr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileNr {
    pub allocated: u64,
    pub free: u64,
    pub max: u64,
}

/// A mounted filesystem and its statvfs numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mount {
    pub mountpoint: String,
    pub fstype: String,
    pub source: String,
    pub usage: Reading<FsUsage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsUsage {
    pub inodes_total: u64,
    pub inodes_free: u64,
    pub bytes_total: u64,
    /// Free bytes an unprivileged user may use.
    pub bytes_avail: u64,
    pub bytes_free: u64,
}

/// Kernel tables: tasks against pid_max and threads-max.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kernel {
    /// Scheduling entities (processes and threads), from /proc/loadavg.
    #[serde(default = "not_recorded")]
    pub tasks: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub pid_max: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub threads_max: Reading<u64>,
}

/// Network tables and their sysctls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Net {
    #[serde(default = "not_recorded")]
    pub sockstat: Reading<Counters>,
    #[serde(default = "not_recorded")]
    pub netstat: Reading<Counters>,
    #[serde(default = "not_recorded")]
    pub tcp_max_orphans: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub tcp_max_tw_buckets: Reading<u64>,
    /// min, pressure, max in pages.
    #[serde(default = "not_recorded")]
    pub tcp_mem: Reading<[u64; 3]>,
    #[serde(default = "not_recorded")]
    pub conntrack_count: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub conntrack_max: Reading<u64>,
    /// Packets dropped for want of a conntrack entry, summed over CPUs.
    #[serde(default = "not_recorded")]
    pub conntrack_drops: Reading<u64>,
}

/// Open file descriptors against RLIMIT_NOFILE, for the processes closest to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NofileScan {
    /// Most used first (by share of the soft limit).
    pub top: Vec<ProcNofile>,
    /// The processes holding the most descriptors: who fills the system file table.
    #[serde(default)]
    pub most_fds: Vec<ProcNofile>,
    /// The processes with the most threads: who fills the task tables.
    #[serde(default)]
    pub most_threads: Vec<ProcNofile>,
    pub scanned: u64,
    /// Processes whose fd table this user may not read.
    pub unreadable: u64,
    /// Processes whose files could not be parsed (the first few errors).
    pub malformed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcNofile {
    pub pid: u32,
    pub comm: String,
    pub open: u64,
    /// None when unlimited.
    pub soft: Option<u64>,
    pub hard: Option<u64>,
    /// Threads of the process, where they could be counted.
    #[serde(default)]
    pub threads: Option<u64>,
}

impl Default for Kernel {
    fn default() -> Self {
        Self {
            tasks: not_recorded(),
            pid_max: not_recorded(),
            threads_max: not_recorded(),
        }
    }
}

impl Default for Net {
    fn default() -> Self {
        Self {
            sockstat: not_recorded(),
            netstat: not_recorded(),
            tcp_max_orphans: not_recorded(),
            tcp_max_tw_buckets: not_recorded(),
            tcp_mem: not_recorded(),
            conntrack_count: not_recorded(),
            conntrack_max: not_recorded(),
            conntrack_drops: not_recorded(),
        }
    }
}
