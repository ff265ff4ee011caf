//! Raw readings behind the Graphs pane: memory and dirty pages, CPU frequency and temperature,
//! block devices, pressure stall information and load.
//!
//! Everything here is what the kernel printed, converted to plain units and nothing more.
//! Rates (disk throughput, IOPS, utilisation) need two readings and live in `derive::graphs`;
//! the dirty thresholds are computed from one reading by `collect::dirty::global_dirty_limits`.

use serde::{Deserialize, Serialize};

use super::{Reading, not_recorded};

/// Memory and dirty-page readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemoryReadings {
    pub meminfo: Reading<Meminfo>,
    pub vmstat: Reading<VmStat>,
    pub dirty_sysctls: Reading<DirtySysctls>,
    /// Pages the kernel holds back from page cache (`totalreserve_pages`), from /proc/zoneinfo.
    pub reserve_pages: Reading<u64>,
    /// Bytes per page on the machine that was read.
    pub page_size: u64,
}

/// The lines of /proc/meminfo that the Graphs pane uses, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meminfo {
    pub total_bytes: u64,
    pub free_bytes: u64,
    /// Absent before Linux 3.14.
    pub available_bytes: Option<u64>,
    pub buffers_bytes: Option<u64>,
    pub cached_bytes: Option<u64>,
    pub active_file_bytes: Option<u64>,
    pub inactive_file_bytes: Option<u64>,
    pub dirty_bytes: Option<u64>,
    pub writeback_bytes: Option<u64>,
}

/// The counters of /proc/vmstat that the Graphs pane uses, in pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VmStat {
    pub nr_dirty: Option<u64>,
    pub nr_writeback: Option<u64>,
    pub nr_free_pages: Option<u64>,
    pub nr_active_file: Option<u64>,
    pub nr_inactive_file: Option<u64>,
    /// The kernel's own global dirty limits at the moment of reading (Linux 2.6.37+).
    pub nr_dirty_threshold: Option<u64>,
    pub nr_dirty_background_threshold: Option<u64>,
}

/// vm.dirty_* sysctls: a ratio applies when the matching bytes value is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirtySysctls {
    pub background_ratio: u64,
    pub background_bytes: u64,
    pub ratio: u64,
    pub bytes: u64,
}

/// Dirty limits computed as the kernel's `global_dirty_limits` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirtyLimits {
    /// Free plus file-backed pages, less the kernel's reserve.
    pub dirtyable_pages: u64,
    /// Background writeback starts above this.
    pub background_pages: u64,
    /// Writers are throttled above this.
    pub threshold_pages: u64,
    pub background_bytes: u64,
    pub threshold_bytes: u64,
}

/// CPU frequency and temperatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CpuReadings {
    pub freq: Reading<CpuFreqs>,
    pub hwmon: Reading<Vec<HwmonChip>>,
    pub thermal: Reading<Vec<ThermalZone>>,
}

/// Where the frequencies came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreqSource {
    /// /sys/devices/system/cpu/cpu*/cpufreq: current value plus scaling bounds.
    Cpufreq,
    /// "cpu MHz" of /proc/cpuinfo: current value only, no bounds.
    Cpuinfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuFreqs {
    pub source: FreqSource,
    /// Ordered by CPU number.
    pub cpus: Vec<CoreFreq>,
}

/// One logical CPU's frequency, in kHz as cpufreq prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreFreq {
    pub cpu: u32,
    pub cur_khz: Option<u64>,
    pub min_khz: Option<u64>,
    pub max_khz: Option<u64>,
}

/// One /sys/class/hwmon/hwmonN device and its temperature inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HwmonChip {
    /// The directory name, e.g. "hwmon0".
    pub dir: String,
    /// The driver's `name` file, e.g. "coretemp".
    pub name: Option<String>,
    pub temps: Vec<HwmonTemp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HwmonTemp {
    /// N of tempN_input.
    pub index: u32,
    pub label: Option<String>,
    pub millicelsius: i64,
    pub crit_millicelsius: Option<i64>,
}

/// One /sys/class/thermal/thermal_zoneN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThermalZone {
    /// The directory name, e.g. "thermal_zone0".
    pub dir: String,
    /// The `type` file, e.g. "x86_pkg_temp".
    pub kind: Option<String>,
    pub millicelsius: i64,
}

/// A temperature ready to show: a label and degrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Temperature {
    pub label: String,
    pub celsius: f64,
    pub crit_celsius: Option<f64>,
}

/// One line of /proc/diskstats (counters since boot).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskStat {
    pub major: u32,
    pub minor: u32,
    pub name: String,
    pub reads: u64,
    pub reads_merged: u64,
    /// Always 512-byte units, whatever the device's sector size.
    pub sectors_read: u64,
    pub read_ms: u64,
    pub writes: u64,
    pub writes_merged: u64,
    pub sectors_written: u64,
    pub write_ms: u64,
    pub in_flight: u64,
    /// Milliseconds the device had I/O in flight (the basis of %util).
    pub io_ms: u64,
    pub weighted_io_ms: u64,
    /// Linux 4.18+.
    pub discards: Option<u64>,
    pub sectors_discarded: Option<u64>,
    /// Linux 5.5+.
    pub flushes: Option<u64>,
}

/// /proc/pressure/{cpu,memory,io}.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PressureReadings {
    pub cpu: Reading<Psi>,
    pub memory: Reading<Psi>,
    pub io: Reading<Psi>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Psi {
    pub some: Option<PsiLine>,
    /// Absent for cpu before Linux 5.13 (and meaningless for it at system level).
    pub full: Option<PsiLine>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PsiLine {
    /// Percent of wall time stalled over the last 10 s.
    pub avg10: f64,
    pub avg60: f64,
    pub avg300: f64,
    /// Total stall time in microseconds.
    pub total_us: u64,
}

/// Load average and runnable/blocked tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadReadings {
    pub loadavg: Reading<LoadAvg>,
    pub stat: Reading<ProcStat>,
}

/// /proc/loadavg.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadAvg {
    pub avg1: f64,
    pub avg5: f64,
    pub avg15: f64,
    /// Runnable scheduling entities right now.
    pub runnable: u64,
    /// Scheduling entities (processes and threads) that exist.
    pub entities: u64,
    pub last_pid: u64,
}

/// The scalar lines of /proc/stat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcStat {
    pub procs_running: Option<u64>,
    pub procs_blocked: Option<u64>,
    pub ctxt: Option<u64>,
    pub processes: Option<u64>,
    pub btime: Option<u64>,
}

/// Older recordings lack these sources: every reading says so.
impl Default for MemoryReadings {
    fn default() -> Self {
        Self {
            meminfo: not_recorded(),
            vmstat: not_recorded(),
            dirty_sysctls: not_recorded(),
            reserve_pages: not_recorded(),
            page_size: 4096,
        }
    }
}

impl Default for CpuReadings {
    fn default() -> Self {
        Self {
            freq: not_recorded(),
            hwmon: not_recorded(),
            thermal: not_recorded(),
        }
    }
}

impl Default for PressureReadings {
    fn default() -> Self {
        Self {
            cpu: not_recorded(),
            memory: not_recorded(),
            io: not_recorded(),
        }
    }
}

impl Default for LoadReadings {
    fn default() -> Self {
        Self {
            loadavg: not_recorded(),
            stat: not_recorded(),
        }
    }
}
