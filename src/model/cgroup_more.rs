//! More of the cgroup than pids and memory: the CPU quota and its throttling, memory.high,
//! swap, io.max and pressure of our own cgroup, and the busiest service cgroups.

use serde::{Deserialize, Serialize};

use super::graphs::Psi;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CgroupMore {
    pub own: CgroupDetail,
    /// The busiest services under system.slice (cgroup v2, read as root), busiest first.
    pub services: Vec<CgroupDetail>,
    /// Why services were not read, if they were not.
    pub services_note: Option<String>,
}

/// One cgroup's limits; a field is None where the file is absent or the limit is not set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CgroupDetail {
    /// The cgroup as the kernel names it, e.g. "/sys/fs/cgroup/system.slice/nginx.service".
    pub dir: String,
    pub version: u8,
    /// The quota per period in µs (cpu.max, or cpu.cfs_quota_us on v1); None when unlimited.
    pub cpu_quota_us: Option<u64>,
    pub cpu_period_us: Option<u64>,
    pub throttle: Option<Throttle>,
    /// memory.current and memory.high, with memory.events "high" (times over it).
    pub memory_high: Option<MemoryHigh>,
    /// memory.swap.current against memory.swap.max, with memory.swap.events "max".
    pub swap: Option<Swap>,
    /// The lines of io.max: "8:0 rbps=1048576 wbps=max riops=max wiops=max".
    pub io_max: Vec<String>,
    pub cpu_pressure: Option<Psi>,
    pub memory_pressure: Option<Psi>,
    pub io_pressure: Option<Psi>,
    /// pids.current and pids.max (services only: our own is in the cgroup reading).
    pub pids: Option<(u64, Option<u64>)>,
    /// memory.current and memory.max (services only).
    pub memory: Option<(u64, Option<u64>)>,
}

/// cpu.stat: enforcement periods, the periods in which the cgroup was throttled, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    pub periods: u64,
    pub throttled: u64,
    pub throttled_us: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryHigh {
    pub current: u64,
    pub high: u64,
    pub breaches: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swap {
    pub current: u64,
    /// None when unlimited.
    pub max: Option<u64>,
    pub failures: Option<u64>,
}
