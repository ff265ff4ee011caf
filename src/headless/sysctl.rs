//! `headroom snapshot --sysctl FILE`: the limits of a captured `sysctl -a` (a FreeBSD box in the
//! fleet, or a Linux one), ranked as the live table ranks them, as text or as one JSON object.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::collect::sysctl_dump::{self, Flavor};
use crate::derive::{Finding, LimitView, findings, views_once};

/// The JSON contract of `snapshot --sysctl FILE --json`.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub source: String,
    pub os: Flavor,
    pub hostname: &'a str,
    pub limits: &'a [LimitView],
    pub findings: &'a [Finding],
}

pub fn run(file: &Path, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let dump = sysctl_dump::read(file)?;
    let views = views_once(crate::limits::sysctl::rows(&dump));
    let found = findings(&views);
    let hostname = dump
        .get("kern.hostname")
        .or_else(|| dump.get("kernel.hostname"))
        .unwrap_or_default();
    let report = Report {
        source: file.display().to_string(),
        os: dump.flavor,
        hostname,
        limits: &views,
        findings: &found,
    };
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write_text(&report, out)?;
    }
    Ok(())
}

pub fn write_text(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let os = match r.os {
        Flavor::FreeBsd => "FreeBSD",
        Flavor::Linux => "Linux",
    };
    let host = if r.hostname.is_empty() {
        String::new()
    } else {
        format!(" of {}", r.hostname)
    };
    writeln!(out, "headroom: {os} sysctl -a{host} from {}", r.source)?;
    writeln!(out)?;
    super::snapshot::write_findings(r.findings, out)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<54} {:>10} {:>10} {:>5} {:>8}  hint",
        "limit", "used", "max", "%", "failures"
    )?;
    for l in r.limits {
        let cell = |v: Option<u64>| v.map_or_else(|| "-".into(), |n| l.limit.quantity(n));
        let pct = l.pct.map_or_else(|| "-".into(), |p| format!("{p:.0}%"));
        let fails = l
            .limit
            .failures
            .map_or_else(|| "-".into(), |f| f.to_string());
        writeln!(
            out,
            "{:<54} {:>10} {:>10} {:>5} {:>8}  {}",
            l.limit.name,
            cell(l.limit.used),
            cell(l.limit.max),
            pct,
            fails,
            l.hint
        )?;
    }
    Ok(())
}
