//! History: the one place where past readings are kept between snapshots.

pub mod buckets;
pub mod layered;
pub mod series;

pub use layered::Layered;
pub use series::{Mark, SeriesHistory, Zoom};

use std::collections::{HashMap, HashSet, VecDeque};

/// One reading of a limit: when, how much was used, the cumulative failure counter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitPoint {
    pub time_ms: u64,
    pub used: Option<u64>,
    pub failures: Option<u64>,
}

/// Recent readings of every limit, enough for per-minute trends and "failures in the last minute".
#[derive(Debug, Default)]
pub struct LimitHistory {
    series: HashMap<String, VecDeque<LimitPoint>>,
}

/// How far back limit readings are kept.
pub const LIMIT_WINDOW_MS: u64 = 90_000;
/// The span trends and recent failures are measured over.
pub const TREND_SPAN_MS: u64 = 60_000;

impl LimitHistory {
    /// Adds the readings of one snapshot and forgets limits that are gone.
    pub fn push<'a>(&mut self, time_ms: u64, points: impl Iterator<Item = (&'a str, LimitPoint)>) {
        let mut seen: HashSet<&str> = HashSet::with_capacity(self.series.len());
        for (id, p) in points {
            // In place: a night replayed runs through here once a frame for every limit.
            let q = match self.series.get_mut(id) {
                Some(q) => q,
                None => self.series.entry(id.to_string()).or_default(),
            };
            // A clock stepped backwards makes old points meaningless.
            if q.back().is_some_and(|last| last.time_ms > time_ms) {
                q.clear();
            }
            q.push_back(p);
            while q
                .front()
                .is_some_and(|f| time_ms.saturating_sub(f.time_ms) > LIMIT_WINDOW_MS)
            {
                q.pop_front();
            }
            seen.insert(id);
        }
        self.series.retain(|id, _| seen.contains(id.as_str()));
    }

    /// The oldest reading within the trend span before the newest one, and the newest.
    pub fn span(&self, id: &str) -> Option<(LimitPoint, LimitPoint)> {
        let q = self.series.get(id)?;
        let last = *q.back()?;
        let first = q
            .iter()
            .find(|p| last.time_ms.saturating_sub(p.time_ms) <= TREND_SPAN_MS)
            .copied()?;
        (first.time_ms < last.time_ms).then_some((first, last))
    }

    /// Change in use per minute over the trend span; near zero once growth has stopped
    /// (see [`crate::derive::slope::trend`]).
    pub fn trend_per_min(&self, id: &str) -> Option<f64> {
        self.trend(id).map(|t| t.per_min)
    }

    /// The trend of a limit's use, and whether it rises steadily.
    pub fn trend(&self, id: &str) -> Option<crate::derive::slope::Trend> {
        let points: Vec<(u64, f64)> = self
            .series
            .get(id)?
            .iter()
            .filter_map(|p| Some((p.time_ms, p.used? as f64)))
            .collect();
        crate::derive::slope::trend(&points)
    }

    /// Failures counted over the trend span, and how long that span is.
    pub fn recent_failures(&self, id: &str) -> Option<(u64, u64)> {
        let (a, b) = self.span(id)?;
        Some((
            b.failures?.saturating_sub(a.failures?),
            b.time_ms - a.time_ms,
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(t: u64, used: u64, f: u64) -> LimitPoint {
        LimitPoint {
            time_ms: t,
            used: Some(used),
            failures: Some(f),
        }
    }

    #[test]
    fn trend_and_failures_over_the_last_minute() {
        let mut h = LimitHistory::default();
        for (t, u, f) in [
            (0, 100, 5),
            (30_000, 130, 5),
            (60_000, 160, 9),
            (90_000, 190, 22),
        ] {
            h.push(t, std::iter::once(("x", p(t, u, f))));
        }
        assert_eq!(h.trend_per_min("x"), Some(60.0));
        assert_eq!(h.recent_failures("x"), Some((17, 60_000)));
        assert_eq!(h.trend_per_min("y"), None);
    }

    #[test]
    fn tcp_dumps_are_kept_once_and_spanned() {
        use crate::model::tcp::StateCounts;
        let point = |t: u64| TcpPoint {
            time_ms: t,
            states: StateCounts::default(),
            peers: HashMap::new(),
        };
        let mut h = TcpHistory::default();
        h.push(point(0));
        assert!(h.last_two().is_none());
        h.push(point(0));
        assert!(
            h.last_two().is_none(),
            "a lagging dump is not counted twice"
        );
        h.push(point(30_000));
        h.push(point(60_000));
        let (first, last) = h.span().unwrap();
        assert_eq!((first.time_ms, last.time_ms), (0, 60_000));
        h.push(point(70_000));
        let (first, last) = h.span().unwrap();
        assert_eq!((first.time_ms, last.time_ms), (30_000, 70_000));
        let (a, b) = h.last_two().unwrap();
        assert_eq!((a.time_ms, b.time_ms), (60_000, 70_000));
        h.push(point(500));
        assert!(h.last_two().is_none(), "a clock stepped back starts over");
    }

    #[test]
    fn one_reading_has_no_trend_and_gone_ids_are_dropped() {
        let mut h = LimitHistory::default();
        h.push(0, std::iter::once(("x", p(0, 1, 0))));
        assert_eq!(h.trend_per_min("x"), None);
        h.push(1000, std::iter::once(("z", p(1000, 1, 0))));
        assert!(h.span("x").is_none());
    }
}

/// One TCP dump, reduced to what rates and trends need.
#[derive(Debug, Clone, PartialEq)]
pub struct TcpPoint {
    pub time_ms: u64,
    pub states: crate::model::tcp::StateCounts,
    pub peers: HashMap<std::net::SocketAddr, u64>,
}

/// Recent TCP dumps (one entry per dump, not per snapshot: a lagging dump is not repeated).
#[derive(Debug, Default)]
pub struct TcpHistory {
    points: VecDeque<TcpPoint>,
}

impl TcpHistory {
    /// Adds a dump unless it is the one already held; a clock step backwards starts over.
    pub fn push(&mut self, p: TcpPoint) {
        match self.points.back() {
            Some(last) if last.time_ms == p.time_ms => return,
            Some(last) if last.time_ms > p.time_ms => self.points.clear(),
            _ => {}
        }
        let now = p.time_ms;
        self.points.push_back(p);
        while self
            .points
            .front()
            .is_some_and(|f| now.saturating_sub(f.time_ms) > LIMIT_WINDOW_MS)
        {
            self.points.pop_front();
        }
    }

    /// The newest dump and the one before it.
    pub fn last_two(&self) -> Option<(&TcpPoint, &TcpPoint)> {
        let n = self.points.len();
        Some((self.points.get(n.checked_sub(2)?)?, self.points.get(n - 1)?))
    }

    /// The oldest dump within the trend span and the newest, when they differ.
    pub fn span(&self) -> Option<(&TcpPoint, &TcpPoint)> {
        let last = self.points.back()?;
        let first = self
            .points
            .iter()
            .find(|p| last.time_ms.saturating_sub(p.time_ms) <= TREND_SPAN_MS)?;
        (first.time_ms < last.time_ms).then_some((first, last))
    }
}
