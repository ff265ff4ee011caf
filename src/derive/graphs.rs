//! The Graphs pane's derivation: values ready to show from one snapshot (dirty pages and their
//! thresholds, frequencies, temperatures, pressure, load) and rates from two (disk throughput,
//! IOPS, utilisation). These structs are also the `memory`, `cpu`, `disks`, `pressure` and `load`
//! keys of `snapshot --json`.

pub mod missing;

use serde::{Deserialize, Serialize};

use crate::collect::dirty::global_dirty_limits;
use crate::model::Snapshot;
use crate::model::graphs::{
    CpuReadings, DiskStat, FreqSource, LoadReadings, MemoryReadings, PressureReadings, Psi,
    Temperature,
};

/// Bytes per diskstats sector, whatever the device's own sector size.
pub const SECTOR: u64 = 512;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphsView {
    pub memory: MemoryView,
    pub cpu: CpuView,
    pub disks: Vec<DiskRate>,
    pub pressure: PressureView,
    pub load: LoadView,
    /// Why a chart has nothing to draw, each missing source once.
    #[serde(skip)]
    pub missing: missing::Missing,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryView {
    pub dirty_bytes: Option<u64>,
    pub writeback_bytes: Option<u64>,
    pub dirty_background_threshold_bytes: Option<u64>,
    pub dirty_threshold_bytes: Option<u64>,
    pub available_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuView {
    /// Current frequency per CPU, in CPU order.
    pub freq_mhz: Vec<f64>,
    /// Lowest scaling_min_freq and highest scaling_max_freq; None from /proc/cpuinfo.
    pub freq_min_mhz: Option<f64>,
    pub freq_max_mhz: Option<f64>,
    pub temps: Vec<Temperature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskRate {
    pub name: String,
    /// None until two readings exist (and when a counter went backwards).
    pub read_bytes_per_s: Option<f64>,
    pub write_bytes_per_s: Option<f64>,
    /// Completed reads, writes and discards per second.
    pub iops: Option<f64>,
    /// Share of wall time with I/O in flight, 0..=100.
    pub util_pct: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CpuPressure {
    pub some_avg10: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourcePressure {
    pub some_avg10: Option<f64>,
    pub full_avg10: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PressureView {
    pub cpu: CpuPressure,
    pub memory: ResourcePressure,
    pub io: ResourcePressure,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadView {
    pub avg1: Option<f64>,
    pub avg5: Option<f64>,
    pub avg15: Option<f64>,
    /// procs_running of /proc/stat (runnable tasks of /proc/loadavg when absent).
    pub running: Option<u64>,
    /// procs_blocked: tasks in uninterruptible sleep, mostly waiting for I/O.
    pub blocked: Option<u64>,
}

pub fn memory(m: &MemoryReadings) -> MemoryView {
    let info = m.meminfo.as_ref().ok();
    let vm = m.vmstat.as_ref().ok();
    let pages = |p: Option<u64>| p.map(|p| p.saturating_mul(m.page_size));
    let limits = match (info, &m.dirty_sysctls, &m.reserve_pages) {
        (Some(info), Ok(sysctls), Ok(reserve)) => {
            global_dirty_limits(info, *reserve, sysctls, m.page_size)
        }
        _ => None,
    };
    MemoryView {
        dirty_bytes: info
            .and_then(|i| i.dirty_bytes)
            .or_else(|| pages(vm.and_then(|v| v.nr_dirty))),
        writeback_bytes: info
            .and_then(|i| i.writeback_bytes)
            .or_else(|| pages(vm.and_then(|v| v.nr_writeback))),
        dirty_background_threshold_bytes: limits.map(|l| l.background_bytes),
        dirty_threshold_bytes: limits.map(|l| l.threshold_bytes),
        available_bytes: info.and_then(|i| i.available_bytes),
    }
}

fn mhz(khz: u64) -> f64 {
    khz as f64 / 1000.0
}

/// Every temperature with a readable label: hwmon first ("chip label"), then thermal zones.
pub fn temperatures(c: &CpuReadings) -> Vec<Temperature> {
    let mut out = Vec::new();
    for chip in c.hwmon.iter().flatten() {
        let chip_name = chip.name.as_deref().unwrap_or(&chip.dir);
        for t in &chip.temps {
            let label = match &t.label {
                Some(l) => format!("{chip_name} {l}"),
                None => format!("{chip_name} temp{}", t.index),
            };
            out.push(Temperature {
                label,
                celsius: t.millicelsius as f64 / 1000.0,
                crit_celsius: t.crit_millicelsius.map(|c| c as f64 / 1000.0),
            });
        }
    }
    for z in c.thermal.iter().flatten() {
        out.push(Temperature {
            label: z.kind.clone().unwrap_or_else(|| z.dir.clone()),
            celsius: z.millicelsius as f64 / 1000.0,
            crit_celsius: None,
        });
    }
    out
}

pub fn cpu(c: &CpuReadings) -> CpuView {
    let (freq_mhz, min, max) = match &c.freq {
        Ok(f) => {
            let cur = f.cpus.iter().filter_map(|c| c.cur_khz).map(mhz).collect();
            let bounds = f.source == FreqSource::Cpufreq;
            let min = f.cpus.iter().filter_map(|c| c.min_khz).min().map(mhz);
            let max = f.cpus.iter().filter_map(|c| c.max_khz).max().map(mhz);
            (cur, min.filter(|_| bounds), max.filter(|_| bounds))
        }
        Err(_) => (Vec::new(), None, None),
    };
    CpuView {
        freq_mhz,
        freq_min_mhz: min,
        freq_max_mhz: max,
        temps: temperatures(c),
    }
}

fn per_sec(delta: Option<u64>, secs: f64) -> Option<f64> {
    delta.map(|d| d as f64 / secs)
}

/// Rates of one device between two readings `elapsed_ms` apart; all None without an earlier
/// reading, and a rate is None when its counter went backwards (device replaced or reset).
pub fn disk_rate(prev: Option<&DiskStat>, cur: &DiskStat, elapsed_ms: u64) -> DiskRate {
    let mut rate = DiskRate {
        name: cur.name.clone(),
        read_bytes_per_s: None,
        write_bytes_per_s: None,
        iops: None,
        util_pct: None,
    };
    let Some(prev) = prev.filter(|_| elapsed_ms > 0) else {
        return rate;
    };
    let secs = elapsed_ms as f64 / 1000.0;
    let d = |a: u64, b: u64| b.checked_sub(a);
    rate.read_bytes_per_s = per_sec(
        d(prev.sectors_read, cur.sectors_read).map(|s| s.saturating_mul(SECTOR)),
        secs,
    );
    rate.write_bytes_per_s = per_sec(
        d(prev.sectors_written, cur.sectors_written).map(|s| s.saturating_mul(SECTOR)),
        secs,
    );
    let discards = match (prev.discards, cur.discards) {
        (Some(a), Some(b)) => d(a, b),
        _ => Some(0),
    };
    let ops = d(prev.reads, cur.reads)
        .zip(d(prev.writes, cur.writes))
        .zip(discards)
        .map(|((r, w), x)| r.saturating_add(w).saturating_add(x));
    rate.iops = per_sec(ops, secs);
    rate.util_pct =
        d(prev.io_ms, cur.io_ms).map(|busy| (busy as f64 * 100.0 / elapsed_ms as f64).min(100.0));
    rate
}

/// Rates of every current device, matched to the previous reading by name.
pub fn disks(prev: Option<(&[DiskStat], u64)>, cur: &[DiskStat], cur_ms: u64) -> Vec<DiskRate> {
    cur.iter()
        .map(|c| match prev {
            Some((list, prev_ms)) => disk_rate(
                list.iter().find(|p| p.name == c.name),
                c,
                cur_ms.saturating_sub(prev_ms),
            ),
            None => disk_rate(None, c, 0),
        })
        .collect()
}

fn avg10(p: &Result<Psi, crate::collect::SourceError>) -> (Option<f64>, Option<f64>) {
    match p {
        Ok(p) => (p.some.map(|l| l.avg10), p.full.map(|l| l.avg10)),
        Err(_) => (None, None),
    }
}

pub fn pressure(p: &PressureReadings) -> PressureView {
    let (cpu_some, _) = avg10(&p.cpu);
    let (mem_some, mem_full) = avg10(&p.memory);
    let (io_some, io_full) = avg10(&p.io);
    PressureView {
        cpu: CpuPressure {
            some_avg10: cpu_some,
        },
        memory: ResourcePressure {
            some_avg10: mem_some,
            full_avg10: mem_full,
        },
        io: ResourcePressure {
            some_avg10: io_some,
            full_avg10: io_full,
        },
    }
}

pub fn load(l: &LoadReadings) -> LoadView {
    let avg = l.loadavg.as_ref().ok();
    let stat = l.stat.as_ref().ok();
    LoadView {
        avg1: avg.map(|a| a.avg1),
        avg5: avg.map(|a| a.avg5),
        avg15: avg.map(|a| a.avg15),
        running: stat
            .and_then(|s| s.procs_running)
            .or(avg.map(|a| a.runnable)),
        blocked: stat.and_then(|s| s.procs_blocked),
    }
}

/// Everything the Graphs pane shows at one moment; `prev` is the previous snapshot's disks.
pub fn view(snap: &Snapshot, prev_disks: Option<(&[DiskStat], u64)>) -> GraphsView {
    GraphsView {
        memory: memory(&snap.memory),
        cpu: cpu(&snap.cpu),
        disks: match &snap.disks {
            Ok(d) => disks(prev_disks, d, snap.time_ms),
            Err(_) => Vec::new(),
        },
        pressure: pressure(&snap.pressure),
        load: load(&snap.load),
        missing: missing::missing(snap),
    }
}

/// Series names of the history, one per line on the Graphs pane.
pub mod key {
    pub const DIRTY: &str = "mem.dirty";
    pub const WRITEBACK: &str = "mem.writeback";
    pub const DIRTY_BG: &str = "mem.dirty_bg_thresh";
    pub const DIRTY_THRESH: &str = "mem.dirty_thresh";
    pub const AVAILABLE: &str = "mem.available";
    pub const FREQ_MIN: &str = "cpu.freq.min";
    pub const FREQ_AVG: &str = "cpu.freq.avg";
    pub const FREQ_MAX: &str = "cpu.freq.max";
    /// Followed by the CPU number.
    pub const FREQ_CORE: &str = "cpu.freq.core.";
    /// Followed by the sensor's label.
    pub const TEMP: &str = "cpu.temp.";
    /// Followed by "<device>." and one of the DISK_* suffixes.
    pub const DISK: &str = "disk.";
    pub const DISK_READ: &str = "read";
    pub const DISK_WRITE: &str = "write";
    pub const DISK_IOPS: &str = "iops";
    pub const DISK_UTIL: &str = "util";
    /// Totals over all disks.
    pub const DISKS_READ: &str = "disks.read";
    pub const DISKS_WRITE: &str = "disks.write";
    pub const DISKS_IOPS: &str = "disks.iops";
    pub const PSI_CPU_SOME: &str = "psi.cpu.some";
    pub const PSI_MEM_SOME: &str = "psi.memory.some";
    pub const PSI_MEM_FULL: &str = "psi.memory.full";
    pub const PSI_IO_SOME: &str = "psi.io.some";
    pub const PSI_IO_FULL: &str = "psi.io.full";
    pub const LOAD1: &str = "load.avg1";
    pub const LOAD5: &str = "load.avg5";
    pub const LOAD15: &str = "load.avg15";
    pub const RUNNING: &str = "load.running";
    pub const BLOCKED: &str = "load.blocked";
}

/// The values of one moment as named series for the history (absent values are left out).
pub fn series(v: &GraphsView) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::with_capacity(32 + v.cpu.freq_mhz.len());
    let mut put = |k: &str, x: Option<f64>| {
        if let Some(x) = x.filter(|x| x.is_finite()) {
            out.push((k.to_string(), x));
        }
    };
    let b = |x: Option<u64>| x.map(|x| x as f64);
    put(key::DIRTY, b(v.memory.dirty_bytes));
    put(key::WRITEBACK, b(v.memory.writeback_bytes));
    put(key::DIRTY_BG, b(v.memory.dirty_background_threshold_bytes));
    put(key::DIRTY_THRESH, b(v.memory.dirty_threshold_bytes));
    put(key::AVAILABLE, b(v.memory.available_bytes));
    let f = &v.cpu.freq_mhz;
    if !f.is_empty() {
        put(key::FREQ_MIN, f.iter().copied().reduce(f64::min));
        put(key::FREQ_MAX, f.iter().copied().reduce(f64::max));
        put(key::FREQ_AVG, Some(f.iter().sum::<f64>() / f.len() as f64));
    }
    for (i, mhz) in f.iter().enumerate() {
        put(&format!("{}{i}", key::FREQ_CORE), Some(*mhz));
    }
    for t in &v.cpu.temps {
        put(&format!("{}{}", key::TEMP, t.label), Some(t.celsius));
    }
    let total = |f: fn(&DiskRate) -> Option<f64>| -> Option<f64> {
        let mut it = v.disks.iter().map(f).peekable();
        it.peek().is_some().then_some(())?;
        it.sum()
    };
    put(key::DISKS_READ, total(|d| d.read_bytes_per_s));
    put(key::DISKS_WRITE, total(|d| d.write_bytes_per_s));
    put(key::DISKS_IOPS, total(|d| d.iops));
    for d in &v.disks {
        let k = |s: &str| format!("{}{}.{s}", key::DISK, d.name);
        put(&k(key::DISK_READ), d.read_bytes_per_s);
        put(&k(key::DISK_WRITE), d.write_bytes_per_s);
        put(&k(key::DISK_IOPS), d.iops);
        put(&k(key::DISK_UTIL), d.util_pct);
    }
    put(key::PSI_CPU_SOME, v.pressure.cpu.some_avg10);
    put(key::PSI_MEM_SOME, v.pressure.memory.some_avg10);
    put(key::PSI_MEM_FULL, v.pressure.memory.full_avg10);
    put(key::PSI_IO_SOME, v.pressure.io.some_avg10);
    put(key::PSI_IO_FULL, v.pressure.io.full_avg10);
    put(key::LOAD1, v.load.avg1);
    put(key::LOAD5, v.load.avg5);
    put(key::LOAD15, v.load.avg15);
    put(key::RUNNING, b(v.load.running));
    put(key::BLOCKED, b(v.load.blocked));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn disk(name: &str, r: u64, sr: u64, w: u64, sw: u64, io: u64) -> DiskStat {
        DiskStat {
            name: name.into(),
            reads: r,
            sectors_read: sr,
            writes: w,
            sectors_written: sw,
            io_ms: io,
            ..DiskStat::default()
        }
    }

    #[test]
    fn first_reading_has_no_rates() {
        let r = disks(None, &[disk("sda", 1, 2, 3, 4, 5)], 1000);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].name, "sda");
        assert_eq!(r[0].iops, None);
        assert_eq!(r[0].util_pct, None);
    }

    #[test]
    fn rates_over_two_seconds() {
        let a = [disk("sda", 100, 1000, 50, 2000, 10_000)];
        let b = [disk("sda", 300, 5096, 250, 10_192, 11_000)];
        let r = disks(Some((&a, 10_000)), &b, 12_000);
        assert_eq!(r[0].read_bytes_per_s, Some(4096.0 * 512.0 / 2.0));
        assert_eq!(r[0].write_bytes_per_s, Some(8192.0 * 512.0 / 2.0));
        assert_eq!(r[0].iops, Some(200.0));
        assert_eq!(r[0].util_pct, Some(50.0));
    }

    #[test]
    fn backwards_counters_and_new_devices_give_none() {
        let a = [disk("sda", 100, 1000, 50, 2000, 10_000)];
        let b = [
            disk("sda", 10, 1000, 60, 2100, 12_500),
            disk("sdb", 1, 1, 1, 1, 1),
        ];
        let r = disks(Some((&a, 0)), &b, 1000);
        assert_eq!(r[0].iops, None);
        assert_eq!(r[0].read_bytes_per_s, Some(0.0));
        // More busy time than wall time (clock skew) is capped.
        assert_eq!(r[0].util_pct, Some(100.0));
        assert_eq!(r[1].iops, None);
        let same_time = disks(Some((&a, 1000)), &a, 1000);
        assert_eq!(same_time[0].iops, None);
    }
}
