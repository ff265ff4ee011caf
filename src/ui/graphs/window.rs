//! The window on screen: its ends, the cursor, where values are read, and the labels of its
//! time axis. It ends at the newest sample, or at the replayed time; at the widest zoom it
//! spans everything held: a replayed recording from end to end with the cursor at the replayed
//! time, or live the day of minute aggregates.

use super::GraphsPane;
use crate::history::{Layered, Zoom};

/// The narrowest a whole window is drawn: a minute.
const MIN_SPAN_MS: u64 = 60_000;

/// Where the pane looks, all in ms since the epoch.
pub(super) struct Window {
    pub from_ms: u64,
    pub to_ms: u64,
    /// The newest sample, or the replayed time.
    pub now_ms: u64,
    pub cursor_ms: Option<u64>,
    /// Where values are read: the cursor, or now.
    pub at_ms: u64,
    pub tolerance_ms: u64,
    /// Points per line: two per column of braille.
    pub buckets: usize,
}

impl Window {
    /// The window of the pane `width` columns wide; None before any sample.
    pub fn of(p: &GraphsPane, h: &Layered, width: u16) -> Option<Window> {
        let now_ms = p.end_ms.or(h.near.latest_ms()).or(h.latest_ms())?;
        let span = p.state.zoom.span_ms();
        let (from_ms, to_ms) = match (p.state.zoom, p.overview) {
            (Zoom::Whole, Some(o)) => (o.first_ms.min(now_ms), o.last_ms.max(now_ms)),
            (Zoom::Whole, None) => {
                let earliest = h.earliest_ms().unwrap_or(now_ms);
                (earliest.max(now_ms.saturating_sub(span)), now_ms)
            }
            _ => (now_ms.saturating_sub(span), now_ms),
        };
        let from_ms = from_ms.min(to_ms.saturating_sub(MIN_SPAN_MS));
        // Over a whole recording the cursor stands at the replayed time until moved.
        let cursor_ms = match p.state.cursor_back_ms {
            Some(b) => Some(now_ms.saturating_sub(b)),
            None => (to_ms > now_ms).then_some(now_ms),
        };
        Some(Window {
            from_ms,
            to_ms,
            now_ms,
            cursor_ms,
            at_ms: cursor_ms.unwrap_or(now_ms),
            tolerance_ms: (p.interval_ms * 3 / 2).max(1_500),
            buckets: usize::from(width),
        })
    }

    pub fn span_s(&self) -> f64 {
        (self.to_ms - self.from_ms) as f64 / 1000.0
    }

    pub fn cursor_x(&self) -> Option<f64> {
        self.cursor_ms
            .map(|c| (c as f64 - self.to_ms as f64) / 1000.0)
    }

    /// The axis's left, middle and right labels: times before now ("-5m", "-2m30s", "now"),
    /// or over everything held the times of day ("22:00", "02:00", "06:00").
    pub fn labels(&self, zoom: Zoom) -> [String; 3] {
        let mid = self.from_ms + (self.to_ms - self.from_ms) / 2;
        if zoom == Zoom::Whole {
            let end = if self.to_ms == self.now_ms {
                "now".to_string()
            } else {
                hours_minutes(self.to_ms)
            };
            [hours_minutes(self.from_ms), hours_minutes(mid), end]
        } else {
            [
                format!("-{}", zoom.label()),
                format!("-{}", ago(self.to_ms - mid)),
                "now".into(),
            ]
        }
    }
}

/// "05:28" (UTC).
fn hours_minutes(time_ms: u64) -> String {
    let m = time_ms / 60_000 % 1_440;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// "28s", "4m05s", "1h30m".
pub(super) fn ago(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}
