//! Two histories read as one, for a replay: the `near` one, derived as frames play (every
//! sample around the time cursor), laid over the `far` one, read ahead from the whole recording
//! when it opened (minute aggregates beyond two hours). Values come from `near` wherever its
//! samples reach and from `far` elsewhere; marks come from `far`, which holds every event.
//! Live, there is no `far` and this reads `near` alone.

use std::collections::BTreeSet;

use super::buckets::Buckets;
use super::series::{Mark, SeriesHistory};

#[derive(Debug, Clone, Copy)]
pub struct Layered<'a> {
    pub near: &'a SeriesHistory,
    pub far: Option<&'a SeriesHistory>,
}

impl<'a> Layered<'a> {
    pub fn new(near: &'a SeriesHistory, far: Option<&'a SeriesHistory>) -> Self {
        Self { near, far }
    }

    /// The moments `near` holds samples for.
    fn near_span(&self) -> Option<(u64, u64)> {
        Some((self.near.oldest_fine_ms()?, self.near.latest_ms()?))
    }

    /// Time of the newest sample of either.
    pub fn latest_ms(&self) -> Option<u64> {
        self.near
            .latest_ms()
            .max(self.far.and_then(|f| f.latest_ms()))
    }

    /// Time of the oldest value of either.
    pub fn earliest_ms(&self) -> Option<u64> {
        let far = self.far.and_then(|f| f.earliest_ms());
        match (self.near.earliest_ms(), far) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Time of the oldest sample at the sample interval in `near`.
    pub fn oldest_fine_ms(&self) -> Option<u64> {
        self.near.oldest_fine_ms()
    }

    /// Samples held: enough to draw a line once either has two.
    pub fn len(&self) -> usize {
        self.near.len().max(self.far.map_or(0, SeriesHistory::len))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Names that start with `prefix` in either, in order.
    pub fn keys_with_prefix(&self, prefix: &'a str) -> Vec<&'a str> {
        let mut keys: BTreeSet<&'a str> = self.near.keys_with_prefix(prefix).collect();
        if let Some(f) = self.far {
            keys.extend(f.keys_with_prefix(prefix));
        }
        keys.into_iter().collect()
    }

    /// The value at a moment: `near`'s where it has one, else `far`'s.
    pub fn value_at(&self, key: &str, time_ms: u64, tolerance_ms: u64) -> Option<f64> {
        self.near
            .value_at(key, time_ms, tolerance_ms)
            .or_else(|| self.far?.value_at(key, time_ms, tolerance_ms))
    }

    /// As [`SeriesHistory::points`]: `near`'s samples where they reach, `far`'s values around them.
    pub fn points(&self, key: &str, from_ms: u64, to_ms: u64, buckets: usize) -> Vec<(f64, f64)> {
        let Some(far) = self.far else {
            return self.near.points(key, from_ms, to_ms, buckets);
        };
        let mut b = Buckets::new(from_ms, to_ms, buckets);
        let span = self.near_span();
        let in_near = |t: u64| span.is_some_and(|(a, z)| t >= a && t <= z);
        far.each_value(key, from_ms, to_ms, |t, v| {
            if !in_near(t) {
                b.put(t, v);
            }
        });
        self.near.each_value(key, from_ms, to_ms, |t, v| {
            if in_near(t) {
                b.put(t, v);
            }
        });
        b.points()
    }

    /// Marks between two moments: `far`'s when there is one (it holds every event of the
    /// recording), else `near`'s.
    pub fn marks_between(&self, from_ms: u64, to_ms: u64) -> Vec<&'a Mark> {
        self.far
            .unwrap_or(self.near)
            .marks_between(from_ms, to_ms)
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The whole night at one value a minute; played, ten minutes of it at one a second.
    fn night() -> (SeriesHistory, SeriesHistory) {
        let mut far = SeriesHistory::default();
        for m in 0..600u64 {
            far.push(m * 60_000, [("a", m as f64), ("far.only", 1.0)]);
        }
        far.mark(300 * 60_000, "fs.files");
        let mut near = SeriesHistory::default();
        for s in 0..600u64 {
            near.push(
                100 * 60_000 + s * 1000,
                [("a", 10_000.0), ("near.only", 2.0)],
            );
        }
        near.mark(100 * 60_000, "near mark");
        (near, far)
    }

    #[test]
    fn near_samples_lie_over_the_far_night() {
        let (near, far) = night();
        let l = Layered::new(&near, Some(&far));
        assert_eq!(l.earliest_ms(), Some(0));
        assert_eq!(l.latest_ms(), Some(599 * 60_000));
        // Played: near's value; elsewhere the night's.
        assert_eq!(l.value_at("a", 105 * 60_000, 1500), Some(10_000.0));
        assert_eq!(l.value_at("a", 400 * 60_000, 1500), Some(400.0));
        let p = l.points("a", 0, 599 * 60_000, 60);
        assert_eq!(p.len(), 60);
        let high: Vec<f64> = p
            .iter()
            .filter(|(_, y)| *y == 10_000.0)
            .map(|(x, _)| *x)
            .collect();
        assert!(!high.is_empty() && high.len() <= 2, "{p:?}");
        assert_eq!(p.last().unwrap().1, 599.0);
        assert_eq!(l.keys_with_prefix(""), ["a", "far.only", "near.only"]);
        let marks: Vec<&str> = l
            .marks_between(0, u64::MAX)
            .iter()
            .map(|m| m.label.as_str())
            .collect();
        assert_eq!(marks, ["fs.files"]);
    }

    #[test]
    fn without_far_it_reads_near_alone() {
        let (near, _) = night();
        let l = Layered::new(&near, None);
        assert_eq!(l.earliest_ms(), Some(100 * 60_000));
        assert_eq!(l.value_at("a", 400 * 60_000, 1500), None);
        assert_eq!(
            l.points("a", 0, u64::MAX / 2, 10),
            near.points("a", 0, u64::MAX / 2, 10)
        );
        assert_eq!(l.marks_between(0, u64::MAX).len(), 1);
    }
}
