//! One pass over a recording, keeping only what the morning report needs: per-limit spans,
//! events, peaks with who was behind them, and per-minute series for the charts.

use std::collections::BTreeMap;

use crate::derive::events::Event;
use crate::derive::{Derived, LimitView};
use crate::model::Snapshot;

/// The share of a limit that earns it a line in the report.
pub const NEAR_PCT: f64 = 80.0;
/// Events kept in full; beyond this they are counted.
const MAX_EVENTS: usize = 5_000;
const MINUTE_MS: u64 = 60_000;

/// A limit that failed or passed [`NEAR_PCT`] during the recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LimitSpan {
    pub id: String,
    pub name: String,
    pub peak_pct: f64,
    pub peak_ms: u64,
    /// "used of max" at the peak.
    pub peak_amount: String,
    /// When it first passed 80%, and for how long in all it stayed above.
    pub first_near_ms: Option<u64>,
    pub near_ms: u64,
    /// Failures counted during the recording, and when the first and last came.
    pub failures: u64,
    pub first_failure_ms: Option<u64>,
    pub last_failure_ms: Option<u64>,
    /// Who held the most of it at the peak.
    pub consumers: Vec<String>,
}

/// The highest value of a series, when, and who was behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Peak {
    pub value: f64,
    pub time_ms: u64,
    pub top: Vec<String>,
}

/// A chart's series: per-minute maxima.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub points: BTreeMap<u64, f64>,
    pub peak: Option<Peak>,
}

/// What the charts and the peaks section show.
pub const SERIES: [(&str, &str); 7] = [
    ("dirty", "dirty pages (bytes)"),
    ("writeback", "writeback (bytes)"),
    ("freq", "CPU frequency, average (MHz)"),
    ("psi_cpu", "CPU pressure, some avg10 (%)"),
    ("psi_memory", "memory pressure, some avg10 (%)"),
    ("psi_io", "I/O pressure, some avg10 (%)"),
    ("load", "load average, 1 min"),
];

#[derive(Debug, Default)]
pub struct Summary {
    pub host: String,
    pub first_ms: Option<u64>,
    pub last_ms: u64,
    pub frames: u64,
    pub limits: BTreeMap<String, LimitSpan>,
    pub events: Vec<Event>,
    pub events_dropped: u64,
    pub series: BTreeMap<&'static str, Series>,
    prev_ms: Option<u64>,
}

impl Summary {
    /// Takes in one frame and its derivation.
    pub fn add(&mut self, snap: &Snapshot, d: &Derived) {
        let t = snap.time_ms;
        if self.first_ms.is_none() {
            self.host.clone_from(&snap.hostname);
        }
        self.first_ms.get_or_insert(t);
        let step = self.prev_ms.map_or(0, |p| t.saturating_sub(p));
        self.prev_ms = Some(t);
        self.last_ms = t;
        self.frames += 1;
        for v in &d.limits {
            self.limit(v, t, step);
        }
        for e in &d.events {
            if self.events.len() < MAX_EVENTS {
                self.events.push(e.clone());
            } else {
                self.events_dropped += 1;
            }
        }
        for (key, value) in values(d) {
            let top = || top_of(key, snap, d);
            let s = self.series.entry(key).or_default();
            let slot = s.points.entry(t / MINUTE_MS * MINUTE_MS).or_insert(value);
            *slot = slot.max(value);
            if s.peak.as_ref().is_none_or(|p| value > p.value) {
                s.peak = Some(Peak {
                    value,
                    time_ms: t,
                    top: top(),
                });
            }
        }
    }

    fn limit(&mut self, v: &LimitView, t: u64, step: u64) {
        let pct = v.pct.unwrap_or(0.0);
        let failed = v.failures_delta.unwrap_or(0);
        if pct < NEAR_PCT && failed == 0 && !self.limits.contains_key(&v.limit.id) {
            return;
        }
        let span = self
            .limits
            .entry(v.limit.id.clone())
            .or_insert_with(|| LimitSpan {
                id: v.limit.id.clone(),
                name: v.limit.name.clone(),
                ..LimitSpan::default()
            });
        if pct >= NEAR_PCT {
            span.first_near_ms.get_or_insert(t);
            span.near_ms += step;
        }
        if failed > 0 {
            span.failures += failed;
            span.first_failure_ms.get_or_insert(t);
            span.last_failure_ms = Some(t);
        }
        if pct > span.peak_pct || span.peak_amount.is_empty() {
            span.peak_pct = pct;
            span.peak_ms = t;
            span.peak_amount = crate::derive::amount(v);
            span.consumers = v
                .limit
                .consumers
                .iter()
                .take(3)
                .map(|c| c.text(&c.amount().to_string()))
                .collect();
        }
    }

    /// Limits in the order a reader wants them: failed first, then by peak.
    pub fn limits_in_order(&self) -> Vec<&LimitSpan> {
        let mut v: Vec<&LimitSpan> = self.limits.values().collect();
        v.sort_by(|a, b| {
            (b.failures > 0)
                .cmp(&(a.failures > 0))
                .then(b.peak_pct.total_cmp(&a.peak_pct))
        });
        v
    }
}

/// The charted values of one frame.
fn values(d: &Derived) -> Vec<(&'static str, f64)> {
    let g = &d.graphs;
    let freq = (!g.cpu.freq_mhz.is_empty())
        .then(|| g.cpu.freq_mhz.iter().sum::<f64>() / g.cpu.freq_mhz.len() as f64);
    [
        ("dirty", g.memory.dirty_bytes.map(|v| v as f64)),
        ("writeback", g.memory.writeback_bytes.map(|v| v as f64)),
        ("freq", freq),
        ("psi_cpu", g.pressure.cpu.some_avg10),
        ("psi_memory", g.pressure.memory.some_avg10),
        ("psi_io", g.pressure.io.some_avg10),
        ("load", g.load.avg1),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?)))
    .collect()
}

/// Who was behind a peak: the busiest disks for dirty pages and writeback, the processes with
/// the most threads for CPU, pressure and load.
fn top_of(key: &str, snap: &Snapshot, d: &Derived) -> Vec<String> {
    if matches!(key, "dirty" | "writeback") {
        let mut disks: Vec<_> = d
            .graphs
            .disks
            .iter()
            .filter_map(|r| Some((r.name.as_str(), r.write_bytes_per_s?)))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        disks.sort_by(|a, b| b.1.total_cmp(&a.1));
        return disks
            .into_iter()
            .take(3)
            .map(|(n, w)| {
                format!(
                    "{n} writing {}/s",
                    humansize::format_size(w as u64, humansize::BINARY)
                )
            })
            .collect();
    }
    snap.nofile.as_ref().map_or_else(
        |_| Vec::new(),
        |scan| {
            scan.most_threads
                .iter()
                .take(3)
                .map(|p| {
                    format!(
                        "{} (pid {}): {} threads",
                        p.comm,
                        p.pid,
                        p.threads.unwrap_or(0)
                    )
                })
                .collect()
        },
    )
}
