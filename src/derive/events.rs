//! Events: the moments worth a line in the morning report. Kernel messages about a limit (matched
//! by `limits::messages`), a failure counter increasing, a limit passing 90%.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{LimitView, Severity};
use crate::limits::messages;
use crate::model::Snapshot;

/// The share of a limit at which a crossing is an event.
pub const THRESHOLD_PCT: f64 = 90.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A kernel log message.
    Kmsg,
    /// A failure counter increased.
    Counter,
    /// A limit passed [`THRESHOLD_PCT`].
    Threshold,
    /// A process's descriptors grow steadily toward its limit.
    Leak,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// RFC 3339, to the second.
    pub time: String,
    pub time_ms: u64,
    pub source: Source,
    /// The id of the Limits row it concerns, where one is known.
    pub limit: Option<String>,
    pub severity: Severity,
    pub text: String,
    /// For a kernel rate-limit note: how many messages it left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<u64>,
}

fn rfc3339(time_ms: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(time_ms);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// What finding events needs from earlier snapshots.
#[derive(Debug, Default)]
pub struct EventDeriver {
    /// Each limit's share at the previous reading.
    pct: HashMap<String, f64>,
    /// The newest kernel record seen, so a record read twice is one event.
    last_seq: Option<u64>,
    /// Processes with a leak verdict at the previous reading: a verdict is an event once.
    leaking: std::collections::HashSet<u32>,
}

impl EventDeriver {
    /// The events between the previous snapshot and this one, in time order.
    pub fn update(&mut self, snap: &Snapshot, views: &[LimitView]) -> Vec<Event> {
        let mut out = self.kernel(snap, views);
        // Rows come and go (a process's own limits): keep only the shares of rows still here.
        let here: std::collections::HashSet<&str> =
            views.iter().map(|v| v.limit.id.as_str()).collect();
        self.pct.retain(|id, _| here.contains(id.as_str()));
        for v in views {
            let id = &v.limit.id;
            if let Some(d) = v.failures_delta.filter(|d| *d > 0) {
                let total = v.limit.failures.unwrap_or(d);
                let text = format!("{}: {d} new failures ({total} in all)", v.limit.name);
                out.push(event(
                    snap.time_ms,
                    Source::Counter,
                    Some(id),
                    Severity::Critical,
                    text,
                ));
            }
            let pct = v.pct.unwrap_or(0.0);
            let before = self.pct.insert(id.clone(), pct).unwrap_or(0.0);
            if pct >= THRESHOLD_PCT && before < THRESHOLD_PCT {
                let severity = if pct >= 100.0 {
                    Severity::Critical
                } else {
                    Severity::Warning
                };
                let text = format!(
                    "{} passed {THRESHOLD_PCT:.0}%: {}",
                    v.limit.name,
                    super::amount(v)
                );
                out.push(event(
                    snap.time_ms,
                    Source::Threshold,
                    Some(id),
                    severity,
                    text,
                ));
            }
        }
        out.sort_by_key(|e| e.time_ms);
        out
    }

    /// A leak verdict that is new since the previous reading, one event a process, linked to
    /// the process's own fd limit row.
    pub fn leaks(&mut self, time_ms: u64, rows: &[super::procs::ProcRow]) -> Vec<Event> {
        let mut now = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in rows {
            let Some(leak) = &r.leak else { continue };
            now.insert(r.pid);
            if self.leaking.contains(&r.pid) {
                continue;
            }
            let full = leak.full_in_s.is_some_and(|s| s < 600.0);
            let severity = if full {
                Severity::Critical
            } else {
                Severity::Warning
            };
            let limit = format!("proc.nofile:{}", r.pid);
            let text = format!("{}[{}] leaks: {}", r.comm, r.pid, leak.text);
            out.push(event(time_ms, Source::Leak, Some(&limit), severity, text));
        }
        self.leaking = now;
        out
    }

    fn kernel(&mut self, snap: &Snapshot, views: &[LimitView]) -> Vec<Event> {
        let Ok(records) = &snap.kmsg else {
            return Vec::new();
        };
        let mut out: Vec<Event> = Vec::new();
        for r in records {
            if self.last_seq.is_some_and(|s| r.seq <= s) {
                continue;
            }
            self.last_seq = Some(r.seq);
            let time_ms = r.time_ms.unwrap_or(snap.time_ms);
            if let Some(m) = messages::kernel_line(&r.text) {
                let severity = if m.critical {
                    Severity::Critical
                } else {
                    Severity::Warning
                };
                let limit = pick_limit(m.limits, views);
                out.push(event(
                    time_ms,
                    Source::Kmsg,
                    Some(&limit),
                    severity,
                    r.text.clone(),
                ));
            } else if let Some((who, n)) = messages::suppressed(&r.text) {
                // The note follows the messages it held back: it concerns their limit (the
                // last message from the same subsystem, or else the last message).
                let limit = out
                    .iter()
                    .rev()
                    .find(|e| e.text.starts_with(who))
                    .or(out.last())
                    .and_then(|e| e.limit.clone());
                let mut e = event(
                    time_ms,
                    Source::Kmsg,
                    limit.as_ref(),
                    Severity::Warning,
                    r.text.clone(),
                );
                e.suppressed = Some(n);
                out.push(e);
            }
        }
        out
    }
}

/// Why the kernel log could not be read (root, or kernel.dmesg_restrict), for the errors list.
/// An absent log (a captured tree without one, an older recording) is not an error.
pub fn kmsg_note(snap: &Snapshot) -> Option<crate::limits::SourceNote> {
    match &snap.kmsg {
        Err(e) if !e.is_missing() => Some(crate::limits::SourceNote {
            source: "kmsg".into(),
            message: e.to_string(),
        }),
        _ => None,
    }
}

/// The row of the first of a message's limits that this machine has a row for (the fullest
/// when a pattern covers several); else the first limit's id.
fn pick_limit(limits: &[&str], views: &[LimitView]) -> String {
    limits
        .iter()
        .find_map(|p| {
            views
                .iter()
                .filter(|v| messages::covers(p, &v.limit.id))
                .max_by(|a, b| a.pct.unwrap_or(0.0).total_cmp(&b.pct.unwrap_or(0.0)))
        })
        .map_or_else(
            || limits.first().copied().unwrap_or_default().to_string(),
            |v| v.limit.id.clone(),
        )
}

fn event(
    time_ms: u64,
    source: Source,
    limit: Option<&(impl ToString + ?Sized)>,
    severity: Severity,
    text: String,
) -> Event {
    Event {
        time: rfc3339(time_ms),
        time_ms,
        source,
        limit: limit.map(ToString::to_string),
        severity,
        text,
        suppressed: None,
    }
}

/// Event times an [`EventIndex`] holds: a failure every second of a day fits twice over.
pub const INDEX_TIMES: usize = 200_000;
/// Events an [`EventIndex`] holds in full (as many as the Events pane keeps).
pub const INDEX_EVENTS: usize = 10_000;

/// Every event of a whole recording, found by a pass ahead of play: the time of each, so the
/// time cursor can jump to any of them, and the first [`INDEX_EVENTS`] in full.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventIndex {
    /// Distinct times, ascending.
    times: Vec<u64>,
    /// In time order.
    events: Vec<Event>,
    /// Events past [`INDEX_EVENTS`]: counted, not kept (their times are, up to [`INDEX_TIMES`]).
    pub dropped: u64,
}

impl EventIndex {
    /// Takes in the events of one frame. They come about in time order; a kernel message
    /// stamped before the frame that brought it goes in its place.
    pub fn add(&mut self, events: &[Event]) {
        for e in events {
            let at = self.times.partition_point(|t| *t < e.time_ms);
            let known = self.times.get(at) == Some(&e.time_ms);
            if !known && self.times.len() < INDEX_TIMES {
                self.times.insert(at, e.time_ms);
            }
            if self.events.len() < INDEX_EVENTS {
                let at = self.events.partition_point(|x| x.time_ms <= e.time_ms);
                self.events.insert(at, e.clone());
            } else {
                self.dropped += 1;
            }
        }
    }

    /// The time of the newest event before `time_ms`.
    pub fn before(&self, time_ms: u64) -> Option<u64> {
        let at = self.times.partition_point(|t| *t < time_ms);
        at.checked_sub(1).and_then(|i| self.times.get(i)).copied()
    }

    /// The time of the oldest event after `time_ms`.
    pub fn after(&self, time_ms: u64) -> Option<u64> {
        let at = self.times.partition_point(|t| *t <= time_ms);
        self.times.get(at).copied()
    }

    /// The events kept in full, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many distinct moments had an event.
    pub fn moments(&self) -> usize {
        self.times.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time_ms: u64, text: &str) -> Event {
        event(
            time_ms,
            Source::Counter,
            Some("fs.files"),
            Severity::Critical,
            text.into(),
        )
    }

    #[test]
    fn the_index_finds_the_events_around_any_time() {
        let mut ix = EventIndex::default();
        ix.add(&[at(1_000, "a"), at(5_000, "b")]);
        // A kernel message stamped before the frame that brought it, and a second event at a
        // time already held.
        ix.add(&[at(3_000, "c"), at(5_000, "d")]);
        assert_eq!(ix.moments(), 3);
        assert_eq!((ix.before(1_000), ix.after(1_000)), (None, Some(3_000)));
        assert_eq!(
            (ix.before(4_000), ix.after(4_000)),
            (Some(3_000), Some(5_000))
        );
        assert_eq!((ix.before(9_000), ix.after(5_000)), (Some(5_000), None));
        let texts: Vec<&str> = ix.events().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["a", "c", "b", "d"]);
    }

    #[test]
    fn the_index_is_bounded() {
        let mut ix = EventIndex::default();
        let many: Vec<Event> = (0..INDEX_EVENTS as u64 + 7).map(|i| at(i, "x")).collect();
        ix.add(&many);
        assert_eq!(ix.events().len(), INDEX_EVENTS);
        assert_eq!(ix.dropped, 7);
        assert_eq!(ix.moments(), INDEX_EVENTS + 7);
        assert_eq!(
            ix.after(INDEX_EVENTS as u64 + 5),
            Some(INDEX_EVENTS as u64 + 6)
        );
    }
}
