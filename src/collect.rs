//! The collector: reads every source under the configured roots and builds a [`Snapshot`].
//!
//! Each kernel source has one file in `collect/` with a pure `parse(&str)` and a thin reader.
//! Nothing here draws; nothing in `ui/` reads files.

pub mod beancounters;
pub mod cgroup;
pub mod cgroup_more;
pub mod conntrack;
pub mod counters;
pub mod cpufreq;
pub mod cpuinfo;
pub mod dirty;
pub mod diskstats;
pub mod error;
pub mod hidepid;
pub mod hwmon;
pub mod inotify;
pub mod kernel;
pub mod kmsg;
pub mod loadavg;
pub mod maps;
pub mod meminfo;
pub mod mountinfo;
pub mod mounts;
pub mod neigh;
pub mod netlimits;
pub mod nlmsg;
pub mod nofile;
pub mod overcommit;
pub mod perproc;
pub mod pressure;
pub mod procs;
mod read;
pub mod softnet;
pub mod stat;
pub mod sysctl_cache;
pub mod sysctl_dump;
pub mod tables;
pub mod tcp;
pub mod text;
pub mod thermal;
pub mod unix;
pub mod vmstat;
pub mod zoneinfo;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::Reading;

use crate::model::procs::{DetailReading, ProcessTable};
pub use read::{MAX_FILE_BYTES, parse_text, read_parsed, read_text};

pub use error::{ParseError, SourceError};

/// Where the kernel's files are: the live /proc and /sys, or a captured tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roots {
    pub proc: PathBuf,
    pub sys: PathBuf,
}

impl Default for Roots {
    fn default() -> Self {
        Self {
            proc: PathBuf::from("/proc"),
            sys: PathBuf::from("/sys"),
        }
    }
}

impl Roots {
    pub fn new(proc: impl Into<PathBuf>, sys: impl Into<PathBuf>) -> Self {
        Self {
            proc: proc.into(),
            sys: sys.into(),
        }
    }

    /// A fixture scenario laid out as `<dir>/proc` and `<dir>/sys`.
    pub fn fixture(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        Self::new(dir.join("proc"), dir.join("sys"))
    }

    /// A path below the proc root, e.g. `proc_path("net/sockstat")`.
    pub fn proc_path(&self, rel: &str) -> PathBuf {
        self.proc.join(rel)
    }

    /// A path below the sys root, e.g. `sys_path("fs/cgroup")`.
    pub fn sys_path(&self, rel: &str) -> PathBuf {
        self.sys.join(rel)
    }

    /// Maps an absolute path as the kernel prints it (a mount point under /sys) into the sys root.
    pub fn sys_abs(&self, abs: &str) -> PathBuf {
        match abs.strip_prefix("/sys") {
            Some(rest) => self.sys.join(rest.trim_start_matches('/')),
            None => self.sys.join(abs.trim_start_matches('/')),
        }
    }

    /// True when these are the running kernel's own files.
    pub fn is_live(&self) -> bool {
        self.proc == Path::new("/proc")
    }
}

/// Builds snapshots: holds the roots and what must live between samples.
#[derive(Debug)]
pub struct Collector {
    roots: Roots,
    statvfs: mounts::LiveStat,
    procs: procs::ProcCache,
    /// The last process pass and when it ran: see [`PROCESS_SCAN_EVERY`]. With it, its
    /// summary for the limits table, worked out once per pass.
    procs_last: Option<(std::time::Instant, Reading<Arc<ProcessTable>>)>,
    nofile_last: Reading<crate::model::NofileScan>,
    /// The process a drill-down is open on: read in full every sample.
    pub selected_pid: Option<u32>,
    /// The kernel's reserve from /proc/zoneinfo (a long file on big machines that changes only
    /// with watermark sysctls or memory hotplug) and the samples until it is read again.
    zone_reserve: Option<(u32, Reading<u64>)>,
    /// Frequencies from /proc/cpuinfo (no cpufreq: mostly VMs, where they do not move; the file
    /// is long on many-core machines) and the samples until it is read again.
    cpuinfo_freq: Option<(u32, Reading<crate::model::graphs::CpuFreqs>)>,
    /// The distribution's name; it does not change while we run.
    distro: Option<String>,
    /// The sysctls that bound the kernel tables and network limits, read every few samples.
    sysctls: sysctl_cache::SysctlCache,
    neighs: netlimits::NeighCache,
    /// How long statvfs of all mounts may take before the slow ones are reported as hung.
    pub statvfs_budget: std::time::Duration,
    /// The last socket dump and owner map, and how sockets are enumerated.
    pub tcp: tcp::TcpCollector,
    /// The kernel log: /dev/kmsg, or a capture given with `--kmsg`.
    pub kmsg: kmsg::KmsgReader,
}

impl Collector {
    pub fn new(roots: Roots) -> Self {
        // sysinfo reads /etc/os-release, which a captured tree does not carry.
        let distro = roots
            .is_live()
            .then(sysinfo::System::long_os_version)
            .and_then(Result::ok);
        Self {
            distro,
            kmsg: kmsg::KmsgReader::for_roots(&roots),
            roots,
            statvfs: mounts::LiveStat::default(),
            procs: procs::ProcCache::default(),
            procs_last: None,
            nofile_last: Err(SourceError::Missing {
                path: "processes not walked yet".into(),
            }),
            selected_pid: None,
            zone_reserve: None,
            cpuinfo_freq: None,
            sysctls: sysctl_cache::SysctlCache::default(),
            neighs: netlimits::NeighCache::default(),
            statvfs_budget: std::time::Duration::from_millis(500),
            tcp: tcp::TcpCollector::default(),
        }
    }

    /// Enumerates TCP sockets this way (netlink with fallback by default).
    pub fn with_tcp_method(mut self, method: tcp::Method) -> Self {
        self.tcp = tcp::TcpCollector::new(method);
        self
    }

    /// Reads the kernel log from this file (a capture in the /dev/kmsg format) instead.
    pub fn with_kmsg(mut self, path: impl Into<PathBuf>) -> Self {
        self.kmsg = kmsg::KmsgReader::new(path, None);
        self
    }

    pub fn roots(&self) -> &Roots {
        &self.roots
    }

    /// The zoneinfo reserve, read again every [`ZONEINFO_EVERY`] samples.
    fn zone_reserve(&mut self) -> Reading<u64> {
        match &mut self.zone_reserve {
            Some((left, value)) if *left > 0 => {
                *left -= 1;
                value.clone()
            }
            slot => {
                let value = zoneinfo::read(&self.roots);
                *slot = Some((ZONEINFO_EVERY - 1, value.clone()));
                value
            }
        }
    }

    /// The process pass, at most every [`PROCESS_SCAN_EVERY`].
    fn processes(&mut self) -> Reading<Arc<ProcessTable>> {
        let now = std::time::Instant::now();
        if let Some((at, table)) = &self.procs_last
            && now.duration_since(*at) + SCAN_SLACK < PROCESS_SCAN_EVERY
        {
            return table.clone();
        }
        self.procs.selected = self.selected_pid;
        let table = procs::read(&self.roots, &mut self.procs).map(Arc::new);
        self.procs_last = Some((now, table.clone()));
        self.nofile_last = table
            .as_ref()
            .map(|t| nofile::summary(t))
            .map_err(Clone::clone);
        table
    }

    /// Whether no pane shows processes (see [`procs::Depth`]): the pass then reads only what
    /// the limits need. Returns true when processes come to the foreground, so the caller
    /// samples at once and the pane fills without waiting for the next pass.
    pub fn processes_in_background(&mut self, background: bool) -> bool {
        let depth = if background {
            procs::Depth::Counts
        } else {
            procs::Depth::Full
        };
        let foreground_now = self.procs.depth == procs::Depth::Counts && !background;
        self.procs.depth = depth;
        if foreground_now {
            self.procs_last = None;
        }
        foreground_now
    }

    /// The drill-down reading of the selected process, if one is selected.
    fn process_detail(&self, table: &Reading<Arc<ProcessTable>>) -> DetailReading {
        let pid = self.selected_pid?;
        let ctx = procs::detail::Context {
            users: self.procs.users(),
            table: table.as_deref().ok(),
            method: self.tcp.reader.method,
        };
        Some(procs::detail::read(&self.roots, pid, &ctx))
    }

    /// cpufreq every sample; the /proc/cpuinfo fallback every [`CPUINFO_EVERY`] samples.
    fn cpu_freq(&mut self) -> Reading<crate::model::graphs::CpuFreqs> {
        if let Some((left, value)) = &mut self.cpuinfo_freq
            && *left > 0
        {
            *left -= 1;
            return value.clone();
        }
        let value = cpufreq::read(&self.roots);
        let from_cpuinfo = value
            .as_ref()
            .is_ok_and(|f| f.source == crate::model::graphs::FreqSource::Cpuinfo);
        self.cpuinfo_freq = from_cpuinfo.then(|| (CPUINFO_EVERY - 1, value.clone()));
        value
    }

    /// Reads every source once.
    pub fn sample(&mut self) -> crate::model::Snapshot {
        let started = std::time::Instant::now();
        let reserve = self.zone_reserve();
        let processes = self.processes();
        let process_detail = self.process_detail(&processes);
        let freq = self.cpu_freq();
        let roots = &self.roots;
        let loadavg = loadavg::read(roots);
        let mountinfo = mountinfo::read(roots);
        let stat = stat::read(roots);
        if let Ok(btime) = &stat {
            self.kmsg.boot_ms = btime.btime.map(|s| s * 1000);
        }
        let kmsg = self.kmsg.read();
        self.sysctls.next_sample();
        let roots = &self.roots;
        let meminfo = read_text(&roots.proc_path("meminfo"));
        crate::model::Snapshot {
            time_ms: now_ms(),
            hostname: read_text(&roots.proc_path("sys/kernel/hostname"))
                .map(|h| h.trim().to_string())
                .unwrap_or_default(),
            os: os_line(self.distro.as_deref(), roots),
            beancounters: beancounters::read(roots),
            cgroup: cgroup::read(roots, &mountinfo),
            files: kernel::read_files(roots),
            mounts: mounts::read(roots, &mountinfo, &self.statvfs, self.statvfs_budget),
            kernel: kernel::read_kernel(roots, &loadavg, &mut self.sysctls),
            net: kernel::read_net(roots, &mut self.sysctls),
            nofile: self.nofile_last.clone(),
            memory: read_memory_with(roots, meminfo::from_text(roots, &meminfo), reserve),
            cpu: crate::model::graphs::CpuReadings {
                freq,
                hwmon: hwmon::read(roots),
                thermal: thermal::read(roots),
            },
            disks: diskstats::read(roots),
            pressure: pressure::read(roots),
            load: crate::model::graphs::LoadReadings { loadavg, stat },
            tcp: self.tcp.sample(roots, processes.as_deref().ok()),
            kmsg,
            processes,
            process_detail,
            sample_ms: Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
            cgroup_more: cgroup_more::read(roots, &mountinfo),
            tables: tables::read(roots, &mountinfo, &mut self.sysctls),
            net_limits: netlimits::read(roots, &mut self.sysctls, &mut self.neighs),
            overcommit: overcommit::read(roots, &meminfo, &mut self.sysctls),
            per_process: self.procs.perproc.last(),
        }
    }
}

/// The per-process scan (a stat of every process's fd and task directories) is the largest part of
/// a sample on a busy host, and descriptor and thread counts move slowly: every 2 s is enough to
/// see a leak, and halves the dashboard's idle cost at a 1 s interval.
pub const PROCESS_SCAN_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
/// Timer jitter allowed, so a 1 s interval scans every second sample, not every third.
const SCAN_SLACK: std::time::Duration = std::time::Duration::from_millis(200);

/// Samples between reads of /proc/cpuinfo when it is the frequency source.
const CPUINFO_EVERY: u32 = 5;

/// Samples between reads of /proc/zoneinfo.
const ZONEINFO_EVERY: u32 = 60;

/// Memory readings behind the dirty-page chart: meminfo, vmstat, the dirty sysctls, zoneinfo.
pub fn read_memory(roots: &Roots) -> crate::model::graphs::MemoryReadings {
    read_memory_with(roots, meminfo::read(roots), zoneinfo::read(roots))
}

/// The same, with /proc/meminfo and the zoneinfo reserve already read.
fn read_memory_with(
    roots: &Roots,
    meminfo: Reading<crate::model::graphs::Meminfo>,
    reserve_pages: Reading<u64>,
) -> crate::model::graphs::MemoryReadings {
    crate::model::graphs::MemoryReadings {
        meminfo,
        vmstat: vmstat::read(roots),
        dirty_sysctls: dirty::read(roots),
        reserve_pages,
        page_size: rustix::param::page_size() as u64,
    }
}

fn os_line(distro: Option<&str>, roots: &Roots) -> String {
    let release = read_text(&roots.proc_path("sys/kernel/osrelease")).map(|r| r.trim().to_string());
    match (distro, release) {
        (Some(d), Ok(r)) => format!("{d}, kernel {r}"),
        (Some(d), Err(_)) => d.to_string(),
        (None, Ok(r)) => format!("kernel {r}"),
        (None, Err(_)) => String::new(),
    }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn only_regular_files_of_bounded_size_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        fs::write(&plain, "1 2 3\n").unwrap();
        assert_eq!(read_text(&plain).unwrap(), "1 2 3\n");

        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::RUSR).unwrap();
        let e = read_text(&fifo).unwrap_err().to_string();
        assert!(
            e.contains("fifo") && e.contains("not a regular file (a FIFO)"),
            "{e}"
        );

        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let e = read_text(&zero).unwrap_err().to_string();
        assert!(
            e.contains("zero: not a regular file (a character device)"),
            "{e}"
        );

        // Sparse: costs no disk.
        let huge = dir.path().join("huge");
        fs::File::create(&huge)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap();
        let e = read_text(&huge).unwrap_err().to_string();
        assert!(e.contains("huge: larger than 64 MiB"), "{e}");

        assert!(read_text(dir.path()).is_err());
        assert!(
            read_text(&dir.path().join("absent"))
                .unwrap_err()
                .is_missing()
        );
    }

    #[test]
    fn the_kernels_own_files_are_regular() {
        assert!(!read_text(Path::new("/proc/self/stat")).unwrap().is_empty());
        assert!(read_text(Path::new("/proc/sys/kernel/osrelease")).is_ok());
    }
}
