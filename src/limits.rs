//! The unified limits table: every hidden limit of a [`Snapshot`] as one row, whatever its
//! source. Pure: rows come from one snapshot; deltas and trends are added by `derive`.

pub mod hints;
pub mod messages;

use serde::{Deserialize, Serialize};

use crate::collect::SourceError;
use crate::collect::beancounters::is_unlimited;
use crate::model::{Reading, Snapshot, UbcBlock, UbcResource, counter};
use hints::Hint;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    Bytes,
    /// 4 KiB pages (beancounters, tcp_mem).
    Pages,
}

/// One limit at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub id: String,
    pub group: String,
    pub name: String,
    /// None when the usage cannot be seen (e.g. no listener data).
    pub used: Option<u64>,
    /// None when unlimited.
    pub max: Option<u64>,
    pub unit: Unit,
    /// A cumulative failure counter (failcnt, pids.events max, ...), where the source has one.
    pub failures: Option<u64>,
    #[serde(skip)]
    pub hint: Option<Hint>,
    /// Something to know about this row: a peak that reached the barrier, emulated values.
    pub note: Option<String>,
    /// The peak hit the limit at some point (beancounter maxheld ≥ barrier).
    pub peak_hit: bool,
    /// The value carries no information (Virtuozzo emulation).
    pub no_info: bool,
    /// Who uses the most of it, where that can be seen (largest first).
    pub consumers: Vec<Consumer>,
}

/// A process and how much of a limit it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    pub pid: u32,
    pub comm: String,
    pub amount: u64,
}

impl Limit {
    fn new(
        id: impl Into<String>,
        group: &str,
        name: impl Into<String>,
        unit: Unit,
        hint: Hint,
    ) -> Self {
        Self {
            id: id.into(),
            group: group.to_string(),
            name: name.into(),
            used: None,
            max: None,
            unit,
            failures: None,
            hint: Some(hint),
            note: None,
            peak_hit: false,
            no_info: false,
            consumers: Vec::new(),
        }
    }

    fn with(mut self, used: u64, max: Option<u64>) -> Self {
        self.used = Some(used);
        self.max = max;
        self
    }

    fn failing(mut self, failures: Option<u64>) -> Self {
        self.failures = failures;
        self
    }

    /// Percent of the limit in use.
    pub fn pct(&self) -> Option<f64> {
        match (self.used, self.max) {
            (_, _) if self.no_info => None,
            (Some(u), Some(0)) => Some(if u > 0 { 100.0 } else { 0.0 }),
            (Some(u), Some(m)) => Some(u as f64 * 100.0 / m as f64),
            _ => None,
        }
    }
}

/// A source that is not here, or that failed, as the pane and `errors` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceNote {
    pub source: String,
    pub message: String,
}

/// Every row of the table, unsorted.
pub fn rows(snap: &Snapshot) -> Vec<Limit> {
    let mut out = Vec::new();
    if let Ok(ubc) = &snap.beancounters {
        for block in &ubc.blocks {
            beancounter_rows(block, &mut out);
        }
    }
    cgroup_rows(snap, &mut out);
    fs_rows(snap, &mut out);
    kernel_rows(snap, &mut out);
    net_rows(snap, &mut out);
    nofile_rows(snap, &mut out);
    name_consumers(snap, &mut out);
    out
}

/// Which processes fill which table. Inside one container /proc shows only its processes, so a
/// single beancounter block can be attributed too; on a host node it cannot.
fn name_consumers(snap: &Snapshot, rows: &mut [Limit]) {
    let Ok(scan) = &snap.nofile else { return };
    let list = |procs: &[crate::model::ProcNofile],
                amount: fn(&crate::model::ProcNofile) -> Option<u64>|
     -> Vec<Consumer> {
        procs
            .iter()
            .filter_map(|p| {
                Some(Consumer {
                    pid: p.pid,
                    comm: p.comm.clone(),
                    amount: amount(p).filter(|a| *a > 0)?,
                })
            })
            .collect()
    };
    let fds = list(&scan.most_fds, |p| Some(p.open));
    let threads = list(&scan.most_threads, |p| p.threads);
    let one_block = snap
        .beancounters
        .as_ref()
        .is_ok_and(|b| b.blocks.len() == 1);
    for row in rows.iter_mut() {
        let id = row.id.as_str();
        let ubc = one_block && id.starts_with("ubc.");
        if id == "fs.files" || (ubc && id.ends_with(".numfile")) {
            row.consumers.clone_from(&fds);
        } else if id == "kernel.tasks" || id == "cgroup.pids" || (ubc && id.ends_with(".numproc")) {
            row.consumers.clone_from(&threads);
        }
    }
}

const UBC_BYTES: &[&str] = &[
    "kmemsize",
    "tcpsndbuf",
    "tcprcvbuf",
    "othersockbuf",
    "dgramrcvbuf",
    "dcachesize",
];
const UBC_PAGES: &[&str] = &[
    "lockedpages",
    "privvmpages",
    "shmpages",
    "physpages",
    "vmguarpages",
    "oomguarpages",
    "swappages",
];
const UBC_SOCKFILE: &[&str] = &[
    "numtcpsock",
    "numothersock",
    "numfile",
    "numflock",
    "tcpsndbuf",
    "tcprcvbuf",
    "othersockbuf",
    "dgramrcvbuf",
];

fn ubc_unit(name: &str) -> Unit {
    if UBC_BYTES.contains(&name) {
        Unit::Bytes
    } else if UBC_PAGES.contains(&name) {
        Unit::Pages
    } else {
        Unit::Count
    }
}

/// The effective limit: the barrier (soft limit) where set, else the hard limit.
pub fn ubc_max(r: &UbcResource) -> Option<u64> {
    if r.barrier > 0 && !is_unlimited(r.barrier) {
        Some(r.barrier)
    } else if !is_unlimited(r.limit) {
        Some(r.limit)
    } else {
        None
    }
}

/// Virtuozzo 8 emulates the file from cgroups and prints zeros and "unlimited" for the socket and
/// file resources; a block where all of them look so carries no information about them.
pub fn looks_emulated(block: &UbcBlock) -> bool {
    let sockfile: Vec<&UbcResource> = block
        .resources
        .iter()
        .filter(|r| UBC_SOCKFILE.contains(&r.name.as_str()))
        .collect();
    sockfile.len() >= 3
        && sockfile.iter().all(|r| {
            r.held == 0
                && r.maxheld == 0
                && r.failcnt == 0
                && is_unlimited(r.barrier)
                && is_unlimited(r.limit)
        })
}

fn beancounter_rows(block: &UbcBlock, out: &mut Vec<Limit>) {
    let emulated = looks_emulated(block);
    for r in &block.resources {
        let hint = hints::beancounter(&r.name);
        let guarantee = hint.breaks == hints::GUARANTEE;
        let max = if guarantee { None } else { ubc_max(r) };
        let mut row = Limit::new(
            format!("ubc.{}.{}", block.uid, r.name),
            "beancounters",
            format!("{} (uid {})", r.name, block.uid),
            ubc_unit(&r.name),
            hint,
        )
        .with(r.held, max)
        .failing(Some(r.failcnt));
        if emulated && UBC_SOCKFILE.contains(&r.name.as_str()) {
            row.no_info = true;
            row.note = Some("emulated from cgroups: no information".into());
        } else if guarantee {
            row.note = Some(hints::GUARANTEE.into());
        } else if let Some(m) = max
            && r.maxheld >= m
        {
            row.peak_hit = true;
            row.note = Some(format!("peak {} reached the barrier", r.maxheld));
        }
        out.push(row);
    }
}

fn cgroup_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(cg) = &snap.cgroup else { return };
    if let Ok(p) = &cg.pids {
        let row = Limit::new(
            "cgroup.pids",
            "cgroup",
            "cgroup pids",
            Unit::Count,
            hints::CGROUP_PIDS,
        );
        out.push(row.with(p.current, p.max).failing(p.refused));
    }
    if let Ok(m) = &cg.memory {
        let mut row = Limit::new(
            "cgroup.memory",
            "cgroup",
            "cgroup memory",
            Unit::Bytes,
            hints::CGROUP_MEMORY,
        )
        .with(m.current, m.max)
        .failing(m.failures);
        if let Some(k) = m.oom_kill.filter(|k| *k > 0) {
            row.note = Some(format!("{k} OOM kills"));
        }
        out.push(row);
    }
}

fn fs_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    if let Ok(f) = &snap.files {
        // file-nr's "free" is always 0 since 2.6; allocated is the number in use.
        let used = f.allocated.saturating_sub(f.free);
        out.push(
            Limit::new(
                "fs.files",
                "fs",
                "open files (system)",
                Unit::Count,
                hints::FILES,
            )
            .with(used, (!is_unlimited(f.max)).then_some(f.max)),
        );
    }
    let Ok(mounts) = &snap.mounts else { return };
    for m in mounts {
        let Ok(u) = &m.usage else { continue };
        if u.inodes_total > 0 {
            let used = u.inodes_total.saturating_sub(u.inodes_free);
            let row = Limit::new(
                format!("fs.inodes:{}", m.mountpoint),
                "fs",
                format!("inodes {}", m.mountpoint),
                Unit::Count,
                hints::INODES,
            );
            out.push(row.with(used, Some(u.inodes_total)));
        }
        if u.bytes_total > 0 {
            // As df: used against what non-root users may fill (used + available).
            let used = u.bytes_total.saturating_sub(u.bytes_free);
            let cap = used.saturating_add(u.bytes_avail);
            let row = Limit::new(
                format!("fs.bytes:{}", m.mountpoint),
                "fs",
                format!("space {}", m.mountpoint),
                Unit::Bytes,
                hints::BYTES,
            );
            out.push(row.with(used, Some(cap)));
        }
    }
}

fn kernel_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let k = &snap.kernel;
    let Ok(tasks) = k.tasks else { return };
    // Threads take pids too, so the tighter of the two tables is the limit.
    let max = [&k.pid_max, &k.threads_max]
        .into_iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .min();
    let mut row = Limit::new(
        "kernel.tasks",
        "kernel",
        "tasks (procs+threads)",
        Unit::Count,
        hints::TASKS,
    )
    .with(tasks, max);
    if let (Ok(p), Ok(t)) = (&k.pid_max, &k.threads_max) {
        row.note = Some(format!("pid_max {p}, threads-max {t}"));
    }
    out.push(row);
}

fn netstat(snap: &Snapshot, name: &str) -> Option<u64> {
    snap.net
        .netstat
        .as_ref()
        .ok()
        .and_then(|t| counter(t, "TcpExt", name))
}

fn net_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let n = &snap.net;
    let tcp = |name| {
        n.sockstat
            .as_ref()
            .ok()
            .and_then(|s| counter(s, "TCP", name))
    };
    if let Some(orphan) = tcp("orphan") {
        let row = Limit::new(
            "net.tcp.orphans",
            "net",
            "TCP orphans",
            Unit::Count,
            hints::ORPHANS,
        );
        out.push(
            row.with(orphan, n.tcp_max_orphans.as_ref().ok().copied())
                .failing(netstat(snap, "TCPAbortOnMemory")),
        );
    }
    if let Some(tw) = tcp("tw") {
        let row = Limit::new(
            "net.tcp.tw",
            "net",
            "TCP TIME_WAIT",
            Unit::Count,
            hints::TIME_WAIT,
        );
        out.push(
            row.with(tw, n.tcp_max_tw_buckets.as_ref().ok().copied())
                .failing(netstat(snap, "TCPTimeWaitOverflow")),
        );
    }
    if let Some(mem) = tcp("mem") {
        let mut row = Limit::new(
            "net.tcp.mem",
            "net",
            "TCP memory",
            Unit::Pages,
            hints::TCP_MEM,
        )
        .with(mem, n.tcp_mem.as_ref().ok().map(|m| m[2]))
        .failing(netstat(snap, "TCPMemoryPressures"));
        if let Ok([_, pressure, _]) = n.tcp_mem {
            row.note = Some(format!("pressure at {pressure} pages"));
        }
        out.push(row);
    }
    // ListenDrops counts every dropped SYN or ACK of a listener, overflows of the accept
    // queue included; older kernels may lack it.
    let drops = netstat(snap, "ListenDrops").or_else(|| netstat(snap, "ListenOverflows"));
    let fullest = fullest_listener(snap);
    if drops.is_some() || fullest.is_some() {
        let mut row = Limit::new(
            "net.listen",
            "net",
            "listen queue",
            Unit::Count,
            hints::LISTEN,
        )
        .failing(drops);
        if let Some(l) = fullest {
            row = row.with(l.accept_queue, l.backlog);
            row.note = Some(format!("fullest: {}", l.local));
        }
        out.push(row);
    }
    if let (Ok(count), Ok(max)) = (&n.conntrack_count, &n.conntrack_max) {
        out.push(
            Limit::new(
                "net.conntrack",
                "net",
                "conntrack entries",
                Unit::Count,
                hints::CONNTRACK,
            )
            .with(*count, Some(*max))
            .failing(n.conntrack_drops.as_ref().ok().copied()),
        );
    }
}

/// The listener whose accept queue is fullest against its backlog.
fn fullest_listener(snap: &Snapshot) -> Option<&crate::model::tcp::Listener> {
    let table = snap.tcp.table.as_ref().ok()?;
    let fill = |l: &crate::model::tcp::Listener| match l.backlog {
        Some(b) if b > 0 => l.accept_queue as f64 / b as f64,
        _ => 0.0,
    };
    // Without backlogs (the /proc/net/tcp fallback has none), the longest queue.
    table.listeners.iter().max_by(|a, b| {
        fill(a)
            .total_cmp(&fill(b))
            .then(a.accept_queue.cmp(&b.accept_queue))
    })
}

/// How many processes the table shows.
pub const NOFILE_ROWS: usize = 5;

fn nofile_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(scan) = &snap.nofile else { return };
    for p in scan.top.iter().take(NOFILE_ROWS) {
        let row = Limit::new(
            format!("proc.nofile:{}", p.pid),
            "process",
            format!("fds {}[{}]", p.comm, p.pid),
            Unit::Count,
            hints::NOFILE,
        );
        out.push(row.with(p.open, p.soft));
    }
}

fn note(list: &mut Vec<SourceNote>, source: &str, e: &SourceError) {
    list.push(SourceNote {
        source: source.to_string(),
        message: e.to_string(),
    });
}

fn check<T>(
    absent: &mut Vec<SourceNote>,
    errors: &mut Vec<SourceNote>,
    source: &str,
    r: &Reading<T>,
) {
    match r {
        Err(e) if e.is_missing() => note(absent, source, e),
        Err(e) => note(errors, source, e),
        Ok(_) => {}
    }
}

/// Sources that are not on this machine (`absent`), and sources present but unreadable or
/// malformed (`errors`).
pub fn source_notes(snap: &Snapshot) -> (Vec<SourceNote>, Vec<SourceNote>) {
    let (mut absent, mut errors) = (Vec::new(), Vec::new());
    check(&mut absent, &mut errors, "beancounters", &snap.beancounters);
    if let Ok(b) = &snap.beancounters {
        for m in &b.malformed {
            errors.push(SourceNote {
                source: "beancounters".into(),
                message: m.clone(),
            });
        }
    }
    check(&mut absent, &mut errors, "cgroup", &snap.cgroup);
    if let Ok(cg) = &snap.cgroup {
        check(&mut absent, &mut errors, "cgroup.pids", &cg.pids);
        check(&mut absent, &mut errors, "cgroup.memory", &cg.memory);
    }
    check(&mut absent, &mut errors, "fs.files", &snap.files);
    check(&mut absent, &mut errors, "mounts", &snap.mounts);
    if let Ok(mounts) = &snap.mounts {
        for m in mounts {
            check(
                &mut absent,
                &mut errors,
                &format!("statvfs {}", m.mountpoint),
                &m.usage,
            );
        }
    }
    let k = &snap.kernel;
    check(&mut absent, &mut errors, "kernel.tasks", &k.tasks);
    check(&mut absent, &mut errors, "kernel.pid_max", &k.pid_max);
    check(
        &mut absent,
        &mut errors,
        "kernel.threads-max",
        &k.threads_max,
    );
    let n = &snap.net;
    check(&mut absent, &mut errors, "net.sockstat", &n.sockstat);
    check(&mut absent, &mut errors, "net.netstat", &n.netstat);
    check(
        &mut absent,
        &mut errors,
        "net.tcp_max_orphans",
        &n.tcp_max_orphans,
    );
    check(
        &mut absent,
        &mut errors,
        "net.tcp_max_tw_buckets",
        &n.tcp_max_tw_buckets,
    );
    check(&mut absent, &mut errors, "net.tcp_mem", &n.tcp_mem);
    check(&mut absent, &mut errors, "net.conntrack", &n.conntrack_max);
    check(
        &mut absent,
        &mut errors,
        "net.conntrack_drops",
        &n.conntrack_drops,
    );
    check(&mut absent, &mut errors, "nofile", &snap.nofile);
    if let Ok(scan) = &snap.nofile {
        if scan.unreadable > 0 {
            absent.push(SourceNote {
                source: "nofile".into(),
                message: format!(
                    "{} processes not readable by this user (root sees all)",
                    scan.unreadable
                ),
            });
        }
        if let Some(first) = scan.malformed.first() {
            errors.push(SourceNote {
                source: "nofile".into(),
                message: format!(
                    "{} processes with malformed files, e.g. {first}",
                    scan.malformed.len()
                ),
            });
        }
    }
    (absent, errors)
}
