//! Derived state, computed in one place: from the previous and current snapshot (and the recent
//! history of limits) to the sorted limits table with deltas, trends, severities and findings.

pub mod events;
pub mod graphs;
pub mod tcp;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::history::{LimitHistory, LimitPoint, SeriesHistory};
use crate::limits::{self, Limit, SourceNote};
use crate::model::Snapshot;
use crate::model::graphs::DiskStat;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Critical,
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
}

impl LimitView {
    /// Failed at some point since the counter started: the row stays marked.
    pub fn ever_failed(&self) -> bool {
        self.limit.failures.is_some_and(|f| f > 0)
    }

    fn urgency(&self) -> (u8, f64) {
        let pct = self.pct.unwrap_or(0.0);
        let class = if self.failures_delta.is_some_and(|d| d > 0) {
            4
        } else if pct >= 100.0 {
            3
        } else if self.ever_failed() {
            2
        } else if pct >= 80.0 || self.limit.peak_hit {
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
}

/// Keeps what derivation needs from earlier snapshots.
#[derive(Debug, Default)]
pub struct Deriver {
    prev: Option<(u64, HashMap<String, u64>)>,
    history: LimitHistory,
    prev_disks: Option<(Vec<DiskStat>, u64)>,
    series: SeriesHistory,
    tcp: tcp::TcpDeriver,
    events: events::EventDeriver,
}

impl Deriver {
    /// The Graphs pane's series, with a mark wherever a limit failed.
    pub fn series(&self) -> &SeriesHistory {
        &self.series
    }

    /// Derives the Graphs pane's values and adds them (and failed limits as marks) to its history.
    fn update_graphs(&mut self, snap: &Snapshot, views: &[LimitView]) -> graphs::GraphsView {
        let prev = self.prev_disks.as_ref().map(|(d, t)| (d.as_slice(), *t));
        let view = graphs::view(snap, prev);
        self.prev_disks = snap.disks.as_ref().ok().map(|d| (d.clone(), snap.time_ms));
        self.series.push(snap.time_ms, graphs::series(&view));
        for v in views
            .iter()
            .filter(|v| v.failures_delta.is_some_and(|d| d > 0))
        {
            self.series.mark(snap.time_ms, v.limit.name.clone());
        }
        view
    }

    pub fn update(&mut self, snap: &Snapshot) -> Derived {
        let rows = limits::rows(snap);
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
                view(limit, failures_delta, &self.history)
            })
            .collect();
        views.sort_by(|a, b| {
            let (ca, pa) = a.urgency();
            let (cb, pb) = b.urgency();
            cb.cmp(&ca)
                .then(pb.total_cmp(&pa))
                .then_with(|| a.limit.name.cmp(&b.limit.name))
        });
        self.prev = Some((
            snap.time_ms,
            views
                .iter()
                .filter_map(|v| Some((v.limit.id.clone(), v.limit.failures?)))
                .collect(),
        ));
        let (absent, mut errors) = limits::source_notes(snap);
        errors.extend(events::kmsg_note(snap));
        let graphs = self.update_graphs(snap, &views);
        let events = self.events.update(snap, &views);
        Derived {
            events,
            graphs,
            time_ms: snap.time_ms,
            interval_ms: prev.map(|(t, _)| snap.time_ms.saturating_sub(t)),
            findings: findings(&views),
            limits: views,
            absent,
            errors,
            tcp: self.tcp.update(snap),
        }
    }
}

fn view(limit: Limit, failures_delta: Option<u64>, history: &LimitHistory) -> LimitView {
    let pct = limit.pct();
    let hint = limit
        .hint
        .map_or_else(String::new, |h| format!("{}; raise: {}", h.breaks, h.knob));
    let mut v = LimitView {
        failures_recent: history.recent_failures(&limit.id),
        trend_per_min: history.trend_per_min(&limit.id),
        limit,
        pct,
        failures_delta,
        hint,
        severity: None,
    };
    v.severity = match v.urgency().0 {
        3 | 4 => Some(Severity::Critical),
        1 | 2 => Some(Severity::Warning),
        _ => None,
    };
    v
}

/// "used of max" in the limit's own unit.
pub fn amount(v: &LimitView) -> String {
    let fmt = |n: u64| crate::ui::format::quantity(n, v.limit.unit);
    match (v.limit.used, v.limit.max) {
        (Some(u), Some(m)) => format!("{} of {}", fmt(u), fmt(m)),
        (Some(u), None) => format!("{} (unlimited)", fmt(u)),
        (None, _) => "usage unknown".into(),
    }
}

fn span_words(ms: u64) -> String {
    if ms >= 55_000 {
        "in the last minute".into()
    } else {
        format!("in the last {}s", ms.div_ceil(1000))
    }
}

/// "nginx[1234] 5021, php-fpm[77] 62": the first `n` consumers with their amounts.
pub fn consumers_text(v: &LimitView, n: usize) -> String {
    v.limit
        .consumers
        .iter()
        .take(n)
        .map(|c| {
            format!(
                "{}[{}] ({})",
                c.comm,
                c.pid,
                crate::ui::format::quantity(c.amount, v.limit.unit)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plain sentences for the rows that need attention, most severe first.
pub fn findings(views: &[LimitView]) -> Vec<Finding> {
    let mut out: Vec<Finding> = views.iter().filter_map(finding).collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn finding(v: &LimitView) -> Option<Finding> {
    let severity = v.severity?;
    let name = v.limit.name.as_str();
    let breaks = v.limit.hint.map_or("", |h| h.breaks);
    let pct = v.pct.unwrap_or(0.0);
    let recent = v
        .failures_recent
        .filter(|(n, _)| *n > 0)
        .or(v.failures_delta.filter(|d| *d > 0).map(|d| (d, 0)));
    let text = match recent {
        Some((n, span)) => {
            let when = if span > 0 {
                span_words(span)
            } else {
                "since the last reading".into()
            };
            let at = if pct >= 100.0 {
                "is at its limit"
            } else {
                "is at"
            };
            format!(
                "{name} {at} ({}) and was refused {n} times {when}: {breaks}",
                amount(v)
            )
        }
        None if pct >= 100.0 => format!("{name} is at its limit ({}): {breaks}", amount(v)),
        None if v.ever_failed() => {
            let now = match v.limit.used {
                Some(_) => format!("; now {}", amount(v)),
                None => String::new(),
            };
            format!(
                "{name} has failed {} times since the counter started, none just now{now}",
                v.limit.failures.unwrap_or(0)
            )
        }
        None if pct >= 80.0 => format!("{name} is at {pct:.0}% ({}): {breaks}", amount(v)),
        None => format!("{name}: {}", v.limit.note.clone().unwrap_or_default()),
    };
    let text = if v.limit.consumers.is_empty() {
        text
    } else {
        format!("{text}; most held by {}", consumers_text(v, 2))
    };
    Some(Finding {
        severity,
        limit: v.limit.id.clone(),
        text,
    })
}
