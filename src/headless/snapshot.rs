//! `headroom snapshot`: one report of every limit, as text or as one JSON object.

use std::io::Write;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::collect::tcp::Method;
use crate::collect::{Collector, Roots};
use crate::derive::{Derived, Deriver, Finding, LimitView, Severity};
use crate::limits::SourceNote;
use crate::model::Snapshot;
use crate::ui::format::quantity;

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
    /// TCP sockets by state, peer and listener (see `headless::sockets`).
    pub tcp: super::sockets::TcpValue<'a>,
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
            tcp: super::sockets::report(snap, derived),
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

/// Takes `samples` readings `interval` apart; returns the last and its derivation.
pub fn take(
    roots: Roots,
    tcp_method: Method,
    samples: u32,
    interval: Duration,
) -> (Snapshot, Derived) {
    let mut collector = Collector::new(roots).with_tcp_method(tcp_method);
    let mut deriver = Deriver::default();
    let mut snap = collector.sample();
    let mut derived = deriver.update(&snap);
    for _ in 1..samples {
        thread::sleep(interval);
        snap = collector.sample();
        derived = deriver.update(&snap);
    }
    (snap, derived)
}

pub fn run(
    roots: Roots,
    tcp_method: Method,
    json: bool,
    samples: u32,
    interval: Duration,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let (snap, derived) = take(roots, tcp_method, samples, interval);
    let report = Report::new(&snap, &derived);
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write_text(&report, out)?;
    }
    Ok(())
}

fn cell(v: Option<u64>, l: &LimitView) -> String {
    v.map_or_else(|| "-".into(), |n| quantity(n, l.limit.unit))
}

pub fn write_text(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "headroom snapshot of {} at {}", r.hostname, r.time)?;
    if !r.os.is_empty() {
        writeln!(out, "{}", r.os)?;
    }
    writeln!(out)?;
    if r.findings.is_empty() {
        writeln!(out, "No limit is near: nothing above 80% and no failures.")?;
    }
    for f in r.findings {
        let tag = match f.severity {
            Severity::Critical => "CRITICAL",
            Severity::Warning => "warning ",
        };
        writeln!(out, "{tag} {}", f.text)?;
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
    super::sockets::write_text(&r.tcp, out)?;
    Ok(())
}
