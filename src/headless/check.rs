//! `headroom check`: every limit judged once, the way Nagios, Icinga and the monitoring-plugins
//! expect: one status line with perfdata on stdout and the exit status 0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN. A limit is CRITICAL at `--crit` percent or when its failure counter
//! grew between readings (`--samples 2`), WARNING at `--warn` percent or when it failed at some
//! point since its counter started.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::collect::Collector;
use crate::derive::LimitView;
use crate::limits::{SourceNote, Unit};

/// The arguments of `headroom check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// WARNING at this percentage of any limit.
    #[arg(long, value_name = "PCT", default_value_t = 80.0, value_parser = percent)]
    pub warn: f64,
    /// CRITICAL at this percentage of any limit.
    #[arg(long, value_name = "PCT", default_value_t = 95.0, value_parser = percent)]
    pub crit: f64,
    /// Take N readings --interval apart, so a failure counter growing now is CRITICAL.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub samples: u32,
    /// Check the limits of a captured `sysctl -a` (FreeBSD or Linux) instead of this machine.
    #[arg(long, value_name = "FILE")]
    pub sysctl: Option<PathBuf>,
}

fn percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(v) if (0.0..=1000.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a percentage between 0 and 1000")),
    }
}

/// The plugin exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Problems named in the status line; the rest are counted.
const NAMED: usize = 3;

/// How one limit stands against the thresholds.
pub fn judge(v: &LimitView, warn: f64, crit: f64) -> Status {
    let pct = v.pct.unwrap_or(0.0);
    if pct >= crit || v.failures_delta.is_some_and(|d| d > 0) {
        Status::Critical
    } else if pct >= warn || v.ever_failed() {
        Status::Warning
    } else {
        Status::Ok
    }
}

/// The status and the one line (with perfdata) for these limits.
pub fn evaluate(
    views: &[LimitView],
    errors: &[SourceNote],
    warn: f64,
    crit: f64,
) -> (Status, String) {
    if warn > crit {
        let line = format!("HEADROOM UNKNOWN - --warn {warn} is above --crit {crit}");
        return (Status::Unknown, line);
    }
    if views.is_empty() {
        let why = errors
            .first()
            .map_or_else(String::new, |e| format!(": {}: {}", e.source, e.message));
        return (
            Status::Unknown,
            format!("HEADROOM UNKNOWN - no limit could be read{why}"),
        );
    }
    let mut judged: Vec<(Status, &LimitView)> =
        views.iter().map(|v| (judge(v, warn, crit), v)).collect();
    judged.sort_by_key(|j| std::cmp::Reverse(j.0));
    let status = judged.first().map_or(Status::Ok, |j| j.0);
    let problems: Vec<&(Status, &LimitView)> = judged.iter().filter(|j| j.0 > Status::Ok).collect();
    let text = if problems.is_empty() {
        let top = views
            .iter()
            .filter(|v| v.pct.is_some())
            .max_by(|a, b| a.pct.unwrap_or(0.0).total_cmp(&b.pct.unwrap_or(0.0)));
        let highest = top.map_or_else(String::new, |v| {
            format!(", highest {} at {:.0}%", v.limit.name, v.pct.unwrap_or(0.0))
        });
        format!("{} limits below {warn}%{highest}", views.len())
    } else {
        let mut named: Vec<String> = problems
            .iter()
            .take(NAMED)
            .map(|(_, v)| describe(v))
            .collect();
        if problems.len() > NAMED {
            named.push(format!("and {} more", problems.len() - NAMED));
        }
        named.join("; ")
    };
    let mut line = format!("HEADROOM {} - {text} |", status.word());
    for v in views {
        perfdata(&mut line, v, warn, crit);
    }
    (status, line)
}

/// "numothersock (uid 101) at 99.8% (399 of 400), 127 failures (17 just now)".
fn describe(v: &LimitView) -> String {
    let mut s = v.limit.name.clone();
    if let Some(p) = v.pct {
        let _ = write!(s, " at {p:.1}% ({})", crate::derive::amount(v));
    }
    if let Some(f) = v.limit.failures.filter(|f| *f > 0) {
        let _ = write!(s, ", {f} failures");
        if let Some(d) = v.failures_delta.filter(|d| *d > 0) {
            let _ = write!(s, " ({d} just now)");
        }
    }
    s
}

/// `'label'=value[UOM];warn;crit;min;max` in base units, and the failure counter as `c`.
/// Per-process rows are named in the status line only: a perfdata label must outlive the pid.
fn perfdata(out: &mut String, v: &LimitView, warn: f64, crit: f64) {
    let l = &v.limit;
    if l.group == "process" {
        return;
    }
    let label = l.id.replace('\'', "''").replace('=', "_");
    let (scale, uom) = match l.unit {
        Unit::Count => (1, ""),
        Unit::Bytes => (1, "B"),
        Unit::Pages => (4096, "B"),
    };
    if let Some(used) = l.used.filter(|_| !l.no_info) {
        let _ = write!(out, " '{label}'={}{uom}", used.saturating_mul(scale));
        if let Some(max) = l.max {
            let max = max.saturating_mul(scale);
            let at = |pct: f64| (max as f64 * pct / 100.0).floor() as u64;
            let _ = write!(out, ";{};{};0;{max}", at(warn), at(crit));
        }
    }
    if let Some(f) = l.failures {
        let _ = write!(out, " '{label} failures'={f}c");
    }
}

/// Checks this machine (or a capture), prints the line, and returns the status to exit with.
pub fn run(
    args: &CheckArgs,
    collector: Collector,
    interval: Duration,
    out: &mut impl std::io::Write,
) -> std::io::Result<Status> {
    let (status, line) = match &args.sysctl {
        Some(path) => match crate::collect::sysctl_dump::read(path) {
            Ok(dump) => {
                let views = crate::derive::views_once(crate::limits::sysctl::rows(&dump));
                evaluate(&views, &[], args.warn, args.crit)
            }
            Err(e) => (Status::Unknown, format!("HEADROOM UNKNOWN - {e}")),
        },
        None => match super::snapshot::take(collector, args.samples, interval) {
            Ok((_, d)) => evaluate(&d.limits, &d.errors, args.warn, args.crit),
            Err(e) => (Status::Unknown, format!("HEADROOM UNKNOWN - {e:#}")),
        },
    };
    writeln!(out, "{line}")?;
    Ok(status)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::limits::Limit;

    fn limit(id: &str, used: u64, max: Option<u64>, failures: Option<u64>, unit: Unit) -> Limit {
        Limit {
            id: id.into(),
            group: "g".into(),
            name: id.into(),
            used: Some(used),
            max,
            unit,
            failures,
            hint: None,
            note: None,
            peak_hit: false,
            no_info: false,
            consumers: vec![],
            page_size: 0,
        }
    }

    #[test]
    fn thresholds_failures_and_perfdata() {
        let views = crate::derive::views_once(vec![
            limit("a", 50, Some(100), Some(0), Unit::Count),
            limit("b", 10, Some(100), None, Unit::Pages),
        ]);
        let (s, line) = evaluate(&views, &[], 80.0, 95.0);
        assert_eq!(s, Status::Ok);
        assert_eq!(
            line,
            "HEADROOM OK - 2 limits below 80%, highest a at 50% | 'a'=50;80;95;0;100 'a failures'=0c 'b'=40960B;327680;389120;0;409600"
        );
        let views =
            crate::derive::views_once(vec![limit("a", 85, Some(100), Some(0), Unit::Count)]);
        assert_eq!(evaluate(&views, &[], 80.0, 95.0).0, Status::Warning);
        let views = crate::derive::views_once(vec![limit("a", 5, Some(100), Some(3), Unit::Count)]);
        let (s, line) = evaluate(&views, &[], 80.0, 95.0);
        assert_eq!(s, Status::Warning, "failed once, long ago");
        assert!(
            line.starts_with("HEADROOM WARNING - a at 5.0% (5 of 100), 3 failures |"),
            "{line}"
        );
        let mut views =
            crate::derive::views_once(vec![limit("a", 5, Some(100), Some(3), Unit::Count)]);
        views[0].failures_delta = Some(2);
        assert_eq!(
            evaluate(&views, &[], 80.0, 95.0).0,
            Status::Critical,
            "failing now"
        );
        let views =
            crate::derive::views_once(vec![limit("it's=x", 96, Some(100), None, Unit::Count)]);
        let (s, line) = evaluate(&views, &[], 80.0, 95.0);
        assert_eq!(s, Status::Critical);
        assert!(line.ends_with(" 'it''s_x'=96;80;95;0;100"), "{line}");
    }

    #[test]
    fn nothing_readable_or_bad_thresholds_are_unknown() {
        let err = SourceNote {
            source: "fs.files".into(),
            message: "gone".into(),
        };
        let (s, line) = evaluate(&[], &[err], 80.0, 95.0);
        assert_eq!(
            (s, line.as_str()),
            (
                Status::Unknown,
                "HEADROOM UNKNOWN - no limit could be read: fs.files: gone"
            )
        );
        let views = crate::derive::views_once(vec![limit("a", 5, Some(100), None, Unit::Count)]);
        assert_eq!(evaluate(&views, &[], 90.0, 80.0).0, Status::Unknown);
        assert!(percent("101%").is_ok() && percent("-1").is_err() && percent("x").is_err());
    }

    #[test]
    fn many_problems_are_counted_not_listed() {
        let rows = (0..6)
            .map(|i| limit(&format!("l{i}"), 99, Some(100), None, Unit::Count))
            .collect();
        let (_, line) = evaluate(&crate::derive::views_once(rows), &[], 80.0, 95.0);
        assert!(line.contains("; and 3 more |"), "{line}");
    }
}
