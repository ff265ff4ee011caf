//! Every limit as metrics in base units: counts as plain numbers, bytes (and pages, converted)
//! as `_bytes`, the share in use as a ratio so one alert rule covers every limit. Labels are
//! stable across restarts: the limit's id and group, never a pid. Processes appear by command,
//! the worst of each of the [`COMMANDS`] most-used commands and one `other` for the rest.

use std::collections::HashMap;

use crate::derive::{Derived, LimitView};
use crate::limits::Unit;
use crate::model::{NofileScan, ProcNofile};

use super::text::{family, sample};

/// Commands exported by name; the rest are folded into `other`.
pub const COMMANDS: usize = 10;
/// Beancounter and tcp_mem pages are 4 KiB.
const PAGE: u64 = 4096;
/// The id the per-command open-file rows share.
const NOFILE_ID: &str = "proc.nofile";

/// One exported row: its labels and numbers, in base units.
struct Row<'a> {
    labels: Vec<(&'static str, &'a str)>,
    bytes: bool,
    used: Option<u64>,
    max: Option<u64>,
    ratio: Option<f64>,
    failures: Option<u64>,
}

fn from_view(v: &LimitView) -> Row<'_> {
    let l = &v.limit;
    let scale = |n: u64| match l.unit {
        Unit::Pages => n.saturating_mul(PAGE),
        Unit::Count | Unit::Bytes => n,
    };
    Row {
        labels: vec![("limit", l.id.as_str()), ("group", l.group.as_str())],
        bytes: l.unit != Unit::Count,
        used: l.used.map(scale),
        max: l.max.map(scale),
        ratio: v.pct.map(|p| p / 100.0),
        failures: l.failures,
    }
}

/// The process of each command closest to its open-file limit, the top [`COMMANDS`] by that
/// share, then the worst of all the others as `other`.
fn command_rows(scan: &NofileScan) -> Vec<Row<'_>> {
    let fill = |p: &ProcNofile| match p.soft {
        Some(s) if s > 0 => p.open as f64 / s as f64,
        _ => 0.0,
    };
    let mut worst: HashMap<&str, &ProcNofile> = HashMap::new();
    for p in &scan.top {
        let e = worst.entry(p.comm.as_str()).or_insert(p);
        if fill(p) > fill(e) {
            *e = p;
        }
    }
    let mut procs: Vec<&ProcNofile> = worst.into_values().collect();
    procs.sort_by(|a, b| fill(b).total_cmp(&fill(a)).then(a.comm.cmp(&b.comm)));
    let rest = procs.split_off(procs.len().min(COMMANDS));
    let other = rest.first().map(|p| ("other", *p));
    let named = procs.into_iter().map(|p| (p.comm.as_str(), p));
    named
        .chain(other)
        .map(|(command, p)| Row {
            labels: vec![
                ("limit", NOFILE_ID),
                ("group", "process"),
                ("command", command),
            ],
            bytes: false,
            used: Some(p.open),
            max: p.soft,
            ratio: p.soft.map(|_| fill(p)),
            failures: None,
        })
        .collect()
}

/// A family's name, type, help, and its value for one row (None leaves the row out).
type Family = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Row) -> Option<f64>,
);

/// Limits exported at most, the most urgent first: a host node with a thousand containers has
/// 24,000 beancounters, and a scrape must stay small enough to answer in time.
pub const MAX_ROWS: usize = 5000;

pub fn write(out: &mut String, d: &Derived, scan: Option<&NofileScan>) {
    let limits = d
        .limits
        .iter()
        .filter(|v| !v.limit.id.starts_with(NOFILE_ID));
    let mut rows: Vec<Row> = limits.clone().take(MAX_ROWS).map(from_view).collect();
    let omitted = limits.count().saturating_sub(MAX_ROWS);
    if let Some(scan) = scan {
        rows.extend(command_rows(scan));
    }
    let name = "headroom_limit_rows_omitted";
    let help = "Limits left out of this page, the least urgent, beyond the first 5000.";
    family(out, name, "gauge", help);
    sample(out, name, &[], omitted as f64);
    let families: [Family; 6] = [
        (
            "headroom_limit_used",
            "gauge",
            "Amount of a counted limit in use (files, processes, sockets, entries).",
            |r| r.used.filter(|_| !r.bytes).map(|n| n as f64),
        ),
        (
            "headroom_limit_max",
            "gauge",
            "A counted limit itself; absent when unlimited.",
            |r| r.max.filter(|_| !r.bytes).map(|n| n as f64),
        ),
        (
            "headroom_limit_used_bytes",
            "gauge",
            "Amount of a memory or space limit in use, in bytes (pages counted as 4 KiB).",
            |r| r.used.filter(|_| r.bytes).map(|n| n as f64),
        ),
        (
            "headroom_limit_max_bytes",
            "gauge",
            "A memory or space limit itself, in bytes; absent when unlimited.",
            |r| r.max.filter(|_| r.bytes).map(|n| n as f64),
        ),
        (
            "headroom_limit_ratio",
            "gauge",
            "Share of the limit in use, 0 to 1 (above 1 when a soft limit is exceeded).",
            |r| r.ratio,
        ),
        (
            "headroom_limit_failures_total",
            "counter",
            "Refusals counted by the kernel since the counter started (failcnt, drops, OOM).",
            |r| r.failures.map(|n| n as f64),
        ),
    ];
    for (name, kind, help, value) in families {
        family(out, name, kind, help);
        for r in &rows {
            if let Some(v) = value(r) {
                sample(out, name, &r.labels, v);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn proc(pid: u32, comm: &str, open: u64, soft: Option<u64>) -> ProcNofile {
        ProcNofile {
            pid,
            comm: comm.into(),
            open,
            soft,
            hard: soft,
            threads: None,
        }
    }

    #[test]
    fn a_host_node_with_thousands_of_limits_keeps_the_most_urgent() {
        use crate::derive::LimitView;
        use crate::limits::Limit;
        let view = |i: usize| LimitView {
            limit: Limit {
                id: format!("ubc.{i}.numproc"),
                group: "beancounters".into(),
                name: format!("numproc (uid {i})"),
                used: Some(1),
                max: Some(10),
                unit: Unit::Count,
                failures: Some(0),
                hint: None,
                note: None,
                peak_hit: false,
                no_info: false,
                consumers: vec![],
                page_size: 0,
            },
            pct: Some(10.0),
            failures_delta: None,
            failures_recent: None,
            trend_per_min: None,
            full_in_s: None,
            last_failure: None,
            hint: String::new(),
            severity: None,
        };
        let d = Derived {
            limits: (0..MAX_ROWS + 7).map(view).collect(),
            ..Derived::default()
        };
        let mut out = String::new();
        write(&mut out, &d, None);
        assert!(
            out.contains("\nheadroom_limit_rows_omitted 7\n"),
            "{}",
            &out[..300]
        );
        assert_eq!(
            out.lines()
                .filter(|l| l.starts_with("headroom_limit_ratio{"))
                .count(),
            MAX_ROWS
        );
        assert!(
            out.contains("limit=\"ubc.0.numproc\""),
            "the first, most urgent, stays"
        );
    }

    #[test]
    fn processes_are_grouped_by_command_with_the_rest_as_other() {
        let mut top = vec![
            proc(1, "php-fpm", 900, Some(1024)),
            proc(2, "php-fpm", 100, Some(1024)),
            proc(3, "nginx", 10, None),
        ];
        for i in 0..12 {
            top.push(proc(
                100 + i,
                &format!("w{i:02}"),
                10 + u64::from(i),
                Some(1000),
            ));
        }
        let scan = NofileScan {
            top,
            most_fds: vec![],
            most_threads: vec![],
            scanned: 15,
            unreadable: 0,
            malformed: vec![],
        };
        let rows = command_rows(&scan);
        assert_eq!(rows.len(), COMMANDS + 1);
        let command = |r: &Row| r.labels[2].1.to_string();
        assert_eq!(command(&rows[0]), "php-fpm");
        assert_eq!(rows[0].used, Some(900), "the worst php-fpm stands for all");
        assert_eq!(command(&rows[COMMANDS]), "other");
        assert!(
            rows.iter()
                .all(|r| !command(r).chars().all(|c| c.is_ascii_digit()))
        );
        assert!(
            rows.iter().filter(|r| command(r) == "nginx").count() <= 1,
            "unlimited processes rank last"
        );
    }
}
