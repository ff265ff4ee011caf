//! Derived state, computed in one place: from the previous and current snapshot (and the recent
//! history of limits) to the sorted limits table with deltas, trends, severities and findings.

pub mod events;
pub mod failures;
mod findings;
pub mod graphs;
pub mod overview;
pub mod procs;
pub mod slope;
pub mod tcp;
pub mod why;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::history::{LimitHistory, LimitPoint, SeriesHistory};
use crate::limits::{self, Limit, SourceNote};
use crate::model::Snapshot;
use crate::model::graphs::DiskStat;

pub use findings::findings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Critical,
}

/// From this share of a limit on, a warning.
pub const WARNING_PCT: f64 = 80.0;

impl Severity {
    /// How bad a share of a limit is: critical at the limit, a warning from [`WARNING_PCT`].
    pub fn of_pct(pct: f64) -> Option<Severity> {
        if pct >= 100.0 {
            Some(Severity::Critical)
        } else if pct >= WARNING_PCT {
            Some(Severity::Warning)
        } else {
            None
        }
    }
}

/// A limit with everything that needs more than one reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitView {
    #[serde(flatten)]
    pub limit: Limit,
    pub pct: Option<f64>,
    /// Failures since the previous reading; None without an earlier reading.
    pub failures_delta: Option<u64>,
    /// Failures over the last minute (or the span seen so far), and that span in ms.
    pub failures_recent: Option<(u64, u64)>,
    pub trend_per_min: Option<f64>,
    pub hint: String,
    pub severity: Option<Severity>,
    /// Seconds until full at the current trend; None when not growing or unlimited.
    #[serde(default)]
    pub full_in_s: Option<f64>,
    /// For a counter that failed only before: when an increase was last seen, if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<String>,
}

impl LimitView {
    /// Failed at some point since the counter started: the row stays marked.
    pub fn ever_failed(&self) -> bool {
        self.limit.failures.is_some_and(|f| f > 0)
    }

    /// Full within [`slope::FILL_WARN_S`] at the current trend.
    pub fn filling(&self) -> bool {
        self.full_in_s.is_some_and(|s| s <= slope::FILL_WARN_S)
    }

    fn urgency(&self) -> (u8, f64) {
        let pct = self.pct.unwrap_or(0.0);
        // Failing or filling now ranks above a counter that only failed long ago.
        let class = if self.failures_delta.is_some_and(|d| d > 0) {
            5
        } else if pct >= 100.0 {
            4
        } else if self.filling() {
            3
        } else if pct >= WARNING_PCT || self.limit.peak_hit {
            2
        } else if self.ever_failed() {
            1
        } else {
            0
        };
        (class, pct)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub limit: String,
    pub text: String,
}

/// Everything the panes and headless reports show about limits at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    pub time_ms: u64,
    /// Milliseconds since the previous snapshot; None for the first.
    pub interval_ms: Option<u64>,
    /// Most critical first.
    pub limits: Vec<LimitView>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    pub absent: Vec<SourceNote>,
    pub errors: Vec<SourceNote>,
    /// Values and rates of the Graphs pane.
    pub graphs: graphs::GraphsView,
    /// Socket state rates, peer trends and listen-queue failures.
    pub tcp: tcp::TcpView,
    /// What happened since the previous snapshot: kernel messages, failures, crossings.
    #[serde(default)]
    pub events: Vec<events::Event>,
    /// Every process with its growth, groups by command, and the drill-down.
    #[serde(default)]
    pub procs: procs::ProcsView,
}

/// Keeps what derivation needs from earlier snapshots.
#[derive(Debug, Default)]
pub struct Deriver {
    prev: Option<(u64, HashMap<String, u64>)>,
    history: LimitHistory,
    prev_disks: Option<(Vec<DiskStat>, u64)>,
    failures: failures::FailureWatch,
    series: SeriesHistory,
    tcp: tcp::TcpDeriver,
    events: events::EventDeriver,
    procs: procs::ProcDeriver,
    consumers: limits::consumers::Cache,
}

impl Deriver {
    /// A deriver whose Graphs history keeps up to `marks` marks (a whole recording's events).
    pub fn keeping_marks(marks: usize) -> Self {
        Self {
            series: SeriesHistory::keeping_marks(marks),
            ..Self::default()
        }
    }

    /// The Graphs pane's series, with a mark wherever a limit failed.
    pub fn series(&self) -> &SeriesHistory {
        &self.series
    }

    /// The Graphs pane's series, kept once derivation is over.
    pub fn into_series(self) -> SeriesHistory {
        self.series
    }

    /// Derives the Graphs pane's values and adds them (and failed limits as marks) to its history.
    fn update_graphs(&mut self, snap: &Snapshot) -> graphs::GraphsView {
        let prev = self.prev_disks.as_ref().map(|(d, t)| (d.as_slice(), *t));
        let view = graphs::view(snap, prev);
        self.prev_disks = snap.disks.as_ref().ok().map(|d| (d.clone(), snap.time_ms));
        self.series.push(snap.time_ms, graphs::series(&view));
        view
    }

    /// Every event goes on the Graphs pane's time axis, named by its Limits row, so the two
    /// panes tell the same story (a failure counter, a crossing of 90%, a kernel message, a leak).
    fn mark_events(&mut self, time_ms: u64, events: &[events::Event], views: &[LimitView]) {
        let mut names: Vec<String> = Vec::new();
        for e in events {
            let name = e
                .limit
                .as_ref()
                .and_then(|id| views.iter().find(|v| &v.limit.id == id))
                .map_or_else(|| e.text.clone(), |v| v.limit.name.clone());
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for name in names {
            self.series.mark(time_ms, name);
        }
    }

    pub fn update(&mut self, snap: &Snapshot) -> Derived {
        let rows = limits::rows_with(snap, &mut self.consumers);
        self.history.push(
            snap.time_ms,
            rows.iter().map(|r| {
                (
                    r.id.as_str(),
                    LimitPoint {
                        time_ms: snap.time_ms,
                        used: r.used,
                        failures: r.failures,
                    },
                )
            }),
        );
        let prev = self.prev.take();
        let mut views: Vec<LimitView> = rows
            .into_iter()
            .map(|limit| {
                let failures_delta = match (&prev, limit.failures) {
                    (Some((_, before)), Some(now)) => {
                        Some(before.get(&limit.id).map_or(0, |b| now.saturating_sub(*b)))
                    }
                    _ => None,
                };
                self.failures
                    .observe(snap.time_ms, &limit.id, failures_delta);
                let mut v = view(limit, failures_delta, &self.history);
                if v.ever_failed() && v.failures_delta.is_none_or(|d| d == 0) {
                    v.last_failure = Some(self.failures.words(&v.limit.id, snap.time_ms));
                }
                v
            })
            .collect();
        sort(&mut views);
        self.prev = Some((
            snap.time_ms,
            views
                .iter()
                .filter_map(|v| Some((v.limit.id.clone(), v.limit.failures?)))
                .collect(),
        ));
        let limits::Notes { absent, mut errors } = limits::source_notes(snap);
        errors.extend(events::kmsg_note(snap));
        let graphs = self.update_graphs(snap);
        let events = self.events.update(snap, &views);
        let tcp = tcp::TcpView {
            gauges: tcp::gauges(snap, &views),
            ..self.tcp.update(snap)
        };
        let procs = self.procs.update(snap);
        let mut events = events;
        events.extend(self.events.leaks(snap.time_ms, &procs.rows));
        self.mark_events(snap.time_ms, &events, &views);
        Derived {
            events,
            graphs,
            time_ms: snap.time_ms,
            interval_ms: prev.map(|(t, _)| snap.time_ms.saturating_sub(t)),
            findings: findings(&views),
            limits: views,
            absent,
            errors,
            tcp,
            procs,
        }
    }
}

/// Most urgent first: failing now, at the limit, failed before, nearly full; then by share.
fn sort(views: &mut [LimitView]) {
    views.sort_by(|a, b| {
        let (ca, pa) = a.urgency();
        let (cb, pb) = b.urgency();
        cb.cmp(&ca)
            .then(pb.total_cmp(&pa))
            .then_with(|| a.limit.name.cmp(&b.limit.name))
    });
}

/// Views of rows read once from a source with no earlier reading (a captured `sysctl -a`),
/// sorted as the table sorts them.
pub fn views_once(rows: Vec<Limit>) -> Vec<LimitView> {
    let history = LimitHistory::default();
    let mut views: Vec<LimitView> = rows.into_iter().map(|l| view(l, None, &history)).collect();
    sort(&mut views);
    views
}

fn view(limit: Limit, failures_delta: Option<u64>, history: &LimitHistory) -> LimitView {
    let pct = limit.pct();
    let trend_per_min = history.trend_per_min(&limit.id);
    let full_in_s = match (limit.used, trend_per_min) {
        (Some(used), Some(t)) if t > 0.0 && !limit.no_info => {
            slope::time_to_full(used, limit.max, t)
        }
        _ => None,
    };
    let mut v = LimitView {
        failures_recent: history.recent_failures(&limit.id),
        trend_per_min,
        full_in_s,
        last_failure: None,
        limit,
        pct,
        failures_delta,
        hint: String::new(),
        severity: None,
    };
    v.severity = match v.urgency().0 {
        4 | 5 => Some(Severity::Critical),
        1..=3 => Some(Severity::Warning),
        _ => None,
    };
    v.hint = v.limit.hint.map_or_else(String::new, |h| {
        format!("{}; raise: {}", breaks(&v), h.knob)
    });
    v
}

/// What breaks at this limit: in the present once it is reached (at or over it, or refusing
/// right now), in the conditional before ("at the limit, open fails with …").
fn breaks(v: &LimitView) -> String {
    let Some(h) = v.limit.hint else {
        return String::new();
    };
    let refusing =
        v.failures_delta.is_some_and(|d| d > 0) || v.failures_recent.is_some_and(|(n, _)| n > 0);
    if h.breaks == crate::limits::hints::GUARANTEE || refusing || v.pct.unwrap_or(0.0) >= 100.0 {
        h.breaks.to_string()
    } else {
        format!("at the limit, {}", h.breaks)
    }
}

/// "used of max" in the limit's own unit.
pub fn amount(v: &LimitView) -> String {
    let fmt = |n: u64| v.limit.quantity(n);
    match (v.limit.used, v.limit.max) {
        (Some(u), Some(m)) => format!("{} of {}", fmt(u), fmt(m)),
        (Some(u), None) => format!("{} (unlimited)", fmt(u)),
        (None, _) => "usage unknown".into(),
    }
}
/// "nginx[1234] 5021, php-fpm[77] 62": the first `n` consumers with their amounts.
pub fn consumers_text(v: &LimitView, n: usize) -> String {
    v.limit
        .consumers
        .iter()
        .take(n)
        .map(|c| c.text(&v.limit.quantity(c.amount())))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{Unit, hints};

    fn files(used: u64, failures_delta: Option<u64>) -> LimitView {
        let limit = Limit::new("fs.files", "fs", "open files", Unit::Count, hints::FILES)
            .with(used, Some(100))
            .failing(Some(0));
        view(limit, failures_delta, &LimitHistory::default())
    }

    #[test]
    fn hints_speak_in_the_conditional_until_the_limit_is_reached() {
        let below = files(85, Some(0));
        assert!(
            below.hint.starts_with("at the limit, open fails"),
            "{}",
            below.hint
        );
        let text = &findings(std::slice::from_ref(&below))[0].text;
        assert!(
            text.contains("85%") && text.contains("at the limit, open fails"),
            "{text}"
        );
        let at = files(100, Some(0));
        assert!(at.hint.starts_with("open fails system-wide"), "{}", at.hint);
        let refused = files(90, Some(3));
        assert!(refused.hint.starts_with("open fails"), "{}", refused.hint);
    }

    #[test]
    fn one_severity_per_share() {
        assert_eq!(Severity::of_pct(79.9), None);
        assert_eq!(Severity::of_pct(80.0), Some(Severity::Warning));
        assert_eq!(Severity::of_pct(100.0), Some(Severity::Critical));
    }
}
