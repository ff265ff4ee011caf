//! `headroom snapshot`: one report of every limit, as text or as one JSON object.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::collect::Collector;
use crate::derive::graphs;
use crate::derive::{Derived, Deriver, Finding, LimitView, Severity};
use crate::feed::signals::{JobControl, Signal, Signals};
use crate::feed::{Feed, Source};
use crate::limits::SourceNote;
use crate::model::Snapshot;

/// The JSON contract of `snapshot --json`.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub time: String,
    pub hostname: &'a str,
    pub os: &'a str,
    pub limits: &'a [LimitView],
    pub findings: &'a [Finding],
    pub errors: &'a [SourceNote],
    pub unavailable: &'a [SourceNote],
    pub memory: &'a graphs::MemoryView,
    pub cpu: &'a graphs::CpuView,
    /// Rates are null with one reading (`--samples 2` gives them).
    pub disks: &'a [graphs::DiskRate],
    pub pressure: &'a graphs::PressureView,
    pub load: &'a graphs::LoadView,
    /// TCP sockets by state, peer and listener (see `headless::sockets`).
    pub tcp: super::sockets::TcpValue<'a>,
    /// Kernel messages about limits, failures and crossings of 90% since the previous reading.
    pub events: &'a [crate::derive::events::Event],
    /// The top processes by fds and every limit's consumers (see `headless::procs`).
    pub processes: Vec<&'a crate::derive::procs::ProcRow>,
    pub process_groups: &'a [crate::derive::procs::ProcGroup],
    /// Leaks and groups for the text report.
    #[serde(skip)]
    pub procs: &'a crate::derive::procs::ProcsView,
    /// How /proc hides other users' processes, when it does (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proc_hidden: Option<crate::collect::hidepid::ProcHiding>,
}

impl<'a> Report<'a> {
    pub fn new(snap: &'a Snapshot, derived: &'a Derived) -> Self {
        Self {
            time: rfc3339(snap.time_ms),
            hostname: &snap.hostname,
            os: &snap.os,
            limits: &derived.limits,
            findings: &derived.findings,
            errors: &derived.errors,
            unavailable: &derived.absent,
            memory: &derived.graphs.memory,
            cpu: &derived.graphs.cpu,
            disks: &derived.graphs.disks,
            pressure: &derived.graphs.pressure,
            load: &derived.graphs.load,
            tcp: super::sockets::report(snap, derived),
            events: &derived.events,
            processes: super::procs::processes(derived),
            process_groups: super::procs::groups(derived),
            procs: &derived.procs,
            proc_hidden: None,
        }
    }
}

pub fn rfc3339(time_ms: u64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(time_ms);
    humantime::format_rfc3339_seconds(
        t.max(UNIX_EPOCH)
            .min(SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799)),
    )
    .to_string()
}

/// Takes `samples` readings `interval` apart from the feed; returns the last and its
/// derivation. A stop signal on the way ends it with an error naming the signal.
pub fn take(
    collector: Collector,
    samples: u32,
    interval: Duration,
) -> anyhow::Result<(Snapshot, Derived)> {
    let rt = crate::feed::runtime()?;
    rt.block_on(async {
        let mut feed = Feed::start(Source::Live(Box::new(collector)), interval)?;
        let mut signals = Signals::listen(JobControl::Default)?;
        let mut deriver = Deriver::default();
        let mut last = None;
        for _ in 0..samples.max(1) {
            let snap = tokio::select! {
                snap = feed.next() => snap,
                Signal::Stop(name) = signals.recv() => anyhow::bail!("stopped by {name}"),
            };
            let Some(snap) = snap else { break };
            let derived = deriver.update(&snap);
            last = Some((snap, derived));
        }
        last.ok_or_else(|| anyhow::anyhow!("the collector ended without a reading"))
    })
}

pub fn run(
    collector: Collector,
    json: bool,
    samples: u32,
    interval: Duration,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let proc_hidden = crate::collect::hidepid::read(collector.roots());
    let (snap, derived) = take(collector, samples, interval)?;
    let report = Report {
        proc_hidden,
        ..Report::new(&snap, &derived)
    };
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write_text(&report, out)?;
    }
    Ok(())
}

fn cell(v: Option<u64>, l: &LimitView) -> String {
    v.map_or_else(|| "-".into(), |n| l.limit.quantity(n))
}

/// The findings, one a line, most severe first; a line saying so when there are none.
pub fn write_findings(findings: &[Finding], out: &mut impl Write) -> std::io::Result<()> {
    if findings.is_empty() {
        writeln!(out, "No limit is near: nothing above 80% and no failures.")?;
    }
    for f in findings {
        let tag = match f.severity {
            Severity::Critical => "CRITICAL",
            Severity::Warning => "warning ",
        };
        writeln!(out, "{tag} {}", f.text)?;
    }
    Ok(())
}

pub fn write_text(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "headroom snapshot of {} at {}", r.hostname, r.time)?;
    if !r.os.is_empty() {
        writeln!(out, "{}", r.os)?;
    }
    writeln!(out)?;
    if r.limits.is_empty() {
        // "Nothing is near" would be a claim about limits nobody read.
        let why = if r.errors.is_empty() {
            "none of their sources is here (listed below)"
        } else {
            "the errors below say why"
        };
        writeln!(out, "No limit could be read: {why}.")?;
    } else {
        write_findings(r.findings, out)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<36} {:>11} {:>11} {:>6} {:>9} {:>6}  hint",
        "limit", "used", "max", "%", "failures", "delta"
    )?;
    for l in r.limits {
        let pct = l.pct.map_or_else(|| "-".into(), |p| format!("{p:.0}%"));
        let fails = l
            .limit
            .failures
            .map_or_else(|| "-".into(), |f| f.to_string());
        let delta = l
            .failures_delta
            .map_or_else(|| "-".into(), |d| d.to_string());
        writeln!(
            out,
            "{:<36} {:>11} {:>11} {:>6} {:>9} {:>6}  {}",
            l.limit.name,
            cell(l.limit.used, l),
            cell(l.limit.max, l),
            pct,
            fails,
            delta,
            l.limit.note.as_deref().unwrap_or(&l.hint)
        )?;
    }
    writeln!(out)?;
    write_graphs(r, out)?;
    for (title, list) in [("Not available here", r.unavailable), ("Errors", r.errors)] {
        if !list.is_empty() {
            writeln!(out)?;
            writeln!(out, "{title}:")?;
            for n in list {
                writeln!(out, "  {}: {}", n.source, n.message)?;
            }
        }
    }
    writeln!(out)?;
    write_visibility(r, out)?;
    super::sockets::write_text(&r.tcp, out)?;
    writeln!(out)?;
    super::procs::write_text(r.procs, out)
}

/// What this user cannot see of the processes: those whose files it may not read (as the
/// Sockets pane says), and /proc's hidepid.
fn write_visibility(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let owners = match &r.tcp {
        super::sockets::TcpValue::Report(t) => t.owners,
        super::sockets::TcpValue::Error { .. } => None,
    };
    if let Some(o) = owners.filter(|o| o.unreadable > 0) {
        writeln!(
            out,
            "{} of {} processes unreadable by this user: socket owners leave them out \
             (root sees all).",
            o.unreadable, o.processes
        )?;
    }
    if let Some(h) = &r.proc_hidden {
        writeln!(out, "{h}.")?;
    }
    if owners.is_some_and(|o| o.unreadable > 0) || r.proc_hidden.is_some() {
        writeln!(out)?;
    }
    Ok(())
}

/// The values behind the Graphs pane, one line per chart ("-" where a source is absent).
fn write_graphs(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let bytes = |v: Option<u64>| v.map_or_else(|| "-".into(), crate::format::size);
    let num =
        |v: Option<f64>, digits: usize| v.map_or_else(|| "-".into(), |v| format!("{v:.digits$}"));
    let m = r.memory;
    writeln!(
        out,
        "memory: dirty {}, writeback {}; background writeback above {}, writers throttled above {}; available {}",
        bytes(m.dirty_bytes),
        bytes(m.writeback_bytes),
        bytes(m.dirty_background_threshold_bytes),
        bytes(m.dirty_threshold_bytes),
        bytes(m.available_bytes)
    )?;
    let f = &r.cpu.freq_mhz;
    let freq = match (
        f.iter().copied().reduce(f64::min),
        f.iter().copied().reduce(f64::max),
    ) {
        (Some(lo), Some(hi)) => format!(
            "{} CPUs at {lo:.0}–{hi:.0} MHz (avg {:.0})",
            f.len(),
            f.iter().sum::<f64>() / f.len() as f64
        ),
        _ => "frequency -".into(),
    };
    let bounds = match (r.cpu.freq_min_mhz, r.cpu.freq_max_mhz) {
        (Some(lo), Some(hi)) => format!(", scaling {lo:.0}–{hi:.0} MHz"),
        _ => String::new(),
    };
    let temps: Vec<String> = r
        .cpu
        .temps
        .iter()
        .map(|t| format!("{} {:.1}°C", t.label, t.celsius))
        .collect();
    let temps = if temps.is_empty() {
        "no temperature sensors".to_string()
    } else {
        temps.join(", ")
    };
    writeln!(out, "cpu: {freq}{bounds}; {temps}")?;
    for d in r.disks {
        let (Some(read), Some(write), Some(iops), Some(util)) =
            (d.read_bytes_per_s, d.write_bytes_per_s, d.iops, d.util_pct)
        else {
            writeln!(
                out,
                "disk {}: rates need two readings (--samples 2)",
                d.name
            )?;
            continue;
        };
        let rate = crate::format::rate;
        writeln!(
            out,
            "disk {}: read {}, write {}, {iops:.0} IOPS, {util:.0}% busy",
            d.name,
            rate(read),
            rate(write)
        )?;
    }
    let p = r.pressure;
    let pct = |v: Option<f64>| v.map_or_else(|| "-".into(), crate::format::pct);
    writeln!(
        out,
        "pressure (avg10, some/full): cpu {}, memory {}/{}, io {}/{}",
        pct(p.cpu.some_avg10),
        pct(p.memory.some_avg10),
        pct(p.memory.full_avg10),
        pct(p.io.some_avg10),
        pct(p.io.full_avg10)
    )?;
    let l = r.load;
    let int = |v: Option<u64>| v.map_or_else(|| "-".into(), |v| v.to_string());
    writeln!(
        out,
        "load: {} {} {}; running {}, blocked {}",
        num(l.avg1, 2),
        num(l.avg5, 2),
        num(l.avg15, 2),
        int(l.running),
        int(l.blocked)
    )
}
