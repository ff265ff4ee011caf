//! Time series of the Graphs pane: every series at the sample interval for the last two hours,
//! one-minute aggregates (min, mean, max) for a day beyond that, and marks on the time axis.
//!
//! Memory is bounded: the fine tier keeps at most [`FINE_SPAN_MS`] and at most [`FINE_MAX`]
//! samples (two hours at the shortest interval of 100 ms), the coarse tier [`COARSE_MAX`] minutes,
//! marks [`MARKS_MAX`]. Values are kept as `f32`, a gap as NaN, all series aligned on one time ring.

use std::collections::{BTreeMap, VecDeque};

use super::buckets::Buckets;

/// How far back samples are kept at the sample interval (two hours and a little slack).
pub const FINE_SPAN_MS: u64 = 2 * 3_600_000 + 60_000;
/// Most samples per series in the fine tier (two hours at 100 ms).
pub const FINE_MAX: usize = 72_600;
/// Width of a coarse bucket.
pub const COARSE_MS: u64 = 60_000;
/// Coarse buckets kept per series (a day).
pub const COARSE_MAX: usize = 1_440;
/// Marks kept on the time axis.
pub const MARKS_MAX: usize = 512;

/// The zoom levels of the pane: how much time the x axis spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Zoom {
    Min1,
    #[default]
    Min5,
    Min30,
    Hour2,
    /// Everything held: a replayed recording from end to end, or live the day of minute
    /// aggregates since the dashboard started.
    Whole,
}

impl Zoom {
    pub const ALL: [Zoom; 5] = [
        Zoom::Min1,
        Zoom::Min5,
        Zoom::Min30,
        Zoom::Hour2,
        Zoom::Whole,
    ];

    /// The span of the x axis; for [`Zoom::Whole`] the most it can be (a day of minutes).
    pub fn span_ms(self) -> u64 {
        match self {
            Zoom::Min1 => 60_000,
            Zoom::Min5 => 5 * 60_000,
            Zoom::Min30 => 30 * 60_000,
            Zoom::Hour2 => 2 * 3_600_000,
            Zoom::Whole => COARSE_MAX as u64 * COARSE_MS,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Zoom::Min1 => "1m",
            Zoom::Min5 => "5m",
            Zoom::Min30 => "30m",
            Zoom::Hour2 => "2h",
            Zoom::Whole => "all",
        }
    }

    pub fn wider(self) -> Zoom {
        match self {
            Zoom::Min1 => Zoom::Min5,
            Zoom::Min5 => Zoom::Min30,
            Zoom::Min30 => Zoom::Hour2,
            Zoom::Hour2 | Zoom::Whole => Zoom::Whole,
        }
    }

    pub fn narrower(self) -> Zoom {
        match self {
            Zoom::Whole => Zoom::Hour2,
            Zoom::Hour2 => Zoom::Min30,
            Zoom::Min30 => Zoom::Min5,
            Zoom::Min5 | Zoom::Min1 => Zoom::Min1,
        }
    }
}

/// Something that happened at one moment, drawn as a mark on the time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub time_ms: u64,
    pub label: String,
}

/// One minute of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agg {
    /// Start of the minute, ms since the epoch.
    pub start_ms: u64,
    pub min: f32,
    pub max: f32,
    pub sum: f64,
    pub n: u32,
}

impl Agg {
    fn new(start_ms: u64, v: f32) -> Self {
        Self {
            start_ms,
            min: v,
            max: v,
            sum: f64::from(v),
            n: 1,
        }
    }

    fn add(&mut self, v: f32) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.sum += f64::from(v);
        self.n += 1;
    }

    pub fn mean(&self) -> f64 {
        self.sum / f64::from(self.n.max(1))
    }
}

#[derive(Debug, Clone, Default)]
struct Series {
    /// Aligned with `SeriesHistory::times`; NaN where the series had no value.
    fine: VecDeque<f32>,
    coarse: VecDeque<Agg>,
    /// The minute being filled.
    open: Option<Agg>,
    last_seen_ms: u64,
}

impl Series {
    fn push_coarse(&mut self, time_ms: u64, v: f32) {
        let start = time_ms - time_ms % COARSE_MS;
        match &mut self.open {
            Some(a) if a.start_ms == start => a.add(v),
            open => {
                if let Some(done) = open.replace(Agg::new(start, v)) {
                    self.coarse.push_back(done);
                    while self.coarse.len() > COARSE_MAX {
                        self.coarse.pop_front();
                    }
                }
            }
        }
    }

    fn coarse_at(&self, time_ms: u64) -> Option<&Agg> {
        let start = time_ms - time_ms % COARSE_MS;
        if let Some(a) = self.open.as_ref().filter(|a| a.start_ms == start) {
            return Some(a);
        }
        let i = self.coarse.partition_point(|a| a.start_ms < start);
        self.coarse.get(i).filter(|a| a.start_ms == start)
    }
}

/// Every series of the Graphs pane over time.
#[derive(Debug, Clone)]
pub struct SeriesHistory {
    times: VecDeque<u64>,
    series: BTreeMap<String, Series>,
    marks: VecDeque<Mark>,
    marks_max: usize,
}

impl Default for SeriesHistory {
    fn default() -> Self {
        Self::keeping_marks(MARKS_MAX)
    }
}

impl SeriesHistory {
    /// An empty history that keeps up to `marks` marks (a whole recording's events need more
    /// than the dashboard's last day).
    pub fn keeping_marks(marks: usize) -> Self {
        Self {
            times: VecDeque::new(),
            series: BTreeMap::new(),
            marks: VecDeque::new(),
            marks_max: marks,
        }
    }

    /// Adds one sample of every series present at `time_ms`. A time not after the newest one
    /// (a clock stepped back) starts the fine tier afresh.
    pub fn push<K: AsRef<str>>(
        &mut self,
        time_ms: u64,
        values: impl IntoIterator<Item = (K, f64)>,
    ) {
        if self.times.back().is_some_and(|&t| t >= time_ms) {
            self.times.clear();
            for s in self.series.values_mut() {
                s.fine.clear();
                s.coarse.retain(|a| a.start_ms + COARSE_MS <= time_ms);
                s.open = None;
            }
        }
        self.times.push_back(time_ms);
        let len = self.times.len();
        for (k, v) in values {
            let v = v as f32;
            let s = match self.series.get_mut(k.as_ref()) {
                Some(s) => s,
                None => self.series.entry(k.as_ref().to_string()).or_default(),
            };
            if s.fine.len() >= len {
                continue; // the same name twice in one sample: keep the first
            }
            s.fine.resize(len - 1, f32::NAN);
            s.fine.push_back(v);
            s.push_coarse(time_ms, v);
            s.last_seen_ms = time_ms;
        }
        for s in self.series.values_mut() {
            s.fine.resize(len, f32::NAN);
        }
        while self.times.len() > FINE_MAX
            || self
                .times
                .front()
                .is_some_and(|&t| time_ms.saturating_sub(t) > FINE_SPAN_MS)
        {
            self.times.pop_front();
            for s in self.series.values_mut() {
                s.fine.pop_front();
            }
        }
        let horizon = (COARSE_MAX as u64).saturating_mul(COARSE_MS);
        self.series
            .retain(|_, s| time_ms.saturating_sub(s.last_seen_ms) <= horizon);
    }

    /// Puts a mark on the time axis.
    pub fn mark(&mut self, time_ms: u64, label: impl Into<String>) {
        self.marks.push_back(Mark {
            time_ms,
            label: label.into(),
        });
        while self.marks.len() > self.marks_max {
            self.marks.pop_front();
        }
    }

    pub fn marks_between(&self, from_ms: u64, to_ms: u64) -> impl Iterator<Item = &Mark> {
        self.marks
            .iter()
            .filter(move |m| m.time_ms >= from_ms && m.time_ms <= to_ms)
    }

    /// Time of the newest sample.
    pub fn latest_ms(&self) -> Option<u64> {
        self.times.back().copied()
    }

    /// Time of the oldest sample at the sample interval.
    pub fn oldest_fine_ms(&self) -> Option<u64> {
        self.times.front().copied()
    }

    /// Time of the oldest value held, in either tier.
    pub fn earliest_ms(&self) -> Option<u64> {
        let coarse = self
            .series
            .values()
            .filter_map(|s| s.coarse.front().or(s.open.as_ref()))
            .map(|a| a.start_ms)
            .min();
        match (coarse, self.oldest_fine_ms()) {
            (Some(c), Some(f)) => Some(c.min(f)),
            (c, f) => c.or(f),
        }
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.series.contains_key(key)
    }

    /// Names that start with `prefix`, in order.
    pub fn keys_with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.series
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .map(|(k, _)| k.as_str())
            .take_while(move |k| k.starts_with(prefix))
    }

    /// The newest value of a series, if it had one in the newest sample.
    pub fn latest(&self, key: &str) -> Option<f64> {
        let v = *self.series.get(key)?.fine.back()?;
        (!v.is_nan()).then_some(f64::from(v))
    }

    /// The value at a moment: the newest sample at or before it within `tolerance_ms`, else the
    /// mean of its minute from the coarse tier.
    pub fn value_at(&self, key: &str, time_ms: u64, tolerance_ms: u64) -> Option<f64> {
        let s = self.series.get(key)?;
        let i = self.times.partition_point(|&t| t <= time_ms);
        if let Some(j) = i.checked_sub(1) {
            let t = self.times.get(j).copied().unwrap_or(0);
            if time_ms - t <= tolerance_ms {
                let v = s.fine.get(j).copied().unwrap_or(f32::NAN);
                return (!v.is_nan()).then_some(f64::from(v));
            }
        }
        s.coarse_at(time_ms).map(Agg::mean)
    }

    /// Points of a series between two moments, at most `buckets` of them: the time span is cut
    /// into equal buckets and each shows its highest value (a one-second spike stays visible at
    /// the 2-hour zoom). Where the fine tier does not reach back, minute aggregates stand in.
    /// x is in seconds relative to `to_ms` (so ≤ 0).
    pub fn points(&self, key: &str, from_ms: u64, to_ms: u64, buckets: usize) -> Vec<(f64, f64)> {
        let mut b = Buckets::new(from_ms, to_ms, buckets);
        self.each_value(key, from_ms, to_ms, |t, v| b.put(t, v));
        b.points()
    }

    /// Every value of a series between two moments, oldest first: each minute's peak (at its
    /// middle) where the fine tier does not reach back, then the samples.
    pub fn each_value(&self, key: &str, from_ms: u64, to_ms: u64, mut f: impl FnMut(u64, f32)) {
        let Some(s) = self.series.get(key) else {
            return;
        };
        let fine_from = self.times.front().copied().unwrap_or(u64::MAX);
        if from_ms < fine_from {
            for a in s.coarse.iter().chain(s.open.iter()) {
                let mid = a.start_ms + COARSE_MS / 2;
                if mid < fine_from && mid >= from_ms && mid <= to_ms {
                    f(mid, a.max);
                }
            }
        }
        let start = self.times.partition_point(|&t| t < from_ms);
        for (t, v) in self.times.iter().zip(s.fine.iter()).skip(start) {
            if *t > to_ms {
                break;
            }
            f(*t, *v);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn filled(n: u64, step_ms: u64) -> SeriesHistory {
        let mut h = SeriesHistory::default();
        for i in 0..n {
            h.push(i * step_ms, [("a", i as f64), ("b", 2.0 * i as f64)]);
        }
        h
    }

    #[test]
    fn keeps_two_hours_at_one_second_and_stays_bounded() {
        let h = filled(3 * 3600, 1000);
        assert!(h.len() as u64 >= 2 * 3600);
        assert!(h.len() as u64 <= FINE_SPAN_MS / 1000 + 1);
        assert_eq!(h.latest_ms(), Some((3 * 3600 - 1) * 1000));
        // Two hours ago, exactly.
        let t = (3 * 3600 - 1 - 7200) * 1000;
        assert_eq!(h.value_at("a", t, 1000), Some((3 * 3600 - 1 - 7200) as f64));
        // Beyond the fine tier, the minute's mean: minute 10 holds 600..=659, mean 629.5.
        assert_eq!(h.value_at("a", 600_500, 1000), Some(629.5));
        let fast = filled(80_000, 100);
        assert!(fast.len() <= FINE_MAX);
    }

    #[test]
    fn value_at_a_cursor_and_gaps() {
        let mut h = SeriesHistory::default();
        h.push(1000, [("a", 1.0), ("b", 5.0)]);
        h.push(2000, [("a", 2.0)]);
        h.push(3000, [("a", 3.0), ("c", 9.0)]);
        assert_eq!(h.value_at("a", 2500, 1000), Some(2.0));
        assert_eq!(h.value_at("b", 1000, 1000), Some(5.0));
        assert_eq!(h.value_at("b", 2000, 1000), None);
        assert_eq!(h.value_at("c", 3000, 1000), Some(9.0));
        assert_eq!(h.value_at("c", 1000, 1000), None);
        assert_eq!(h.latest("b"), None);
        assert_eq!(h.latest("c"), Some(9.0));
        assert_eq!(h.value_at("zzz", 1000, 1000), None);
    }

    #[test]
    fn points_keep_the_peak_of_each_bucket() {
        let mut h = SeriesHistory::default();
        for i in 0..100u64 {
            let v = if i == 37 { 1000.0 } else { 1.0 };
            h.push(i * 1000, [("a", v)]);
        }
        let p = h.points("a", 0, 99_000, 10);
        assert_eq!(p.len(), 10);
        assert_eq!(p.iter().filter(|(_, y)| *y == 1000.0).count(), 1);
        let (x, _) = p.iter().find(|(_, y)| *y == 1000.0).unwrap();
        assert_eq!(*x, -62.0);
        assert!(h.points("a", 5, 5, 10).is_empty());
        assert!(h.points("nope", 0, 99_000, 10).is_empty());
    }

    #[test]
    fn points_reach_past_the_fine_tier_through_minutes() {
        let h = filled(3 * 3600, 1000);
        let to = h.latest_ms().unwrap();
        let p = h.points("a", to + 1000 - 3 * 3_600_000, to, 180);
        // The first hour comes from minute aggregates (their peak), the rest from samples.
        assert!(p.first().unwrap().0 < -7200.0);
        assert_eq!(p.first().unwrap().1, 59.0);
        assert_eq!(p.last().unwrap().1, (3 * 3600 - 1) as f64);
    }

    #[test]
    fn clock_stepping_back_restarts_and_marks_are_bounded() {
        let mut h = filled(10, 1000);
        h.push(5000, [("a", 42.0)]);
        assert_eq!(h.len(), 1);
        assert_eq!(h.latest("a"), Some(42.0));
        for i in 0..(MARKS_MAX as u64 + 10) {
            h.mark(i, "x");
        }
        assert_eq!(h.marks_between(0, u64::MAX).count(), MARKS_MAX);
        assert_eq!(h.marks_between(0, 20).count(), 11);
    }

    #[test]
    fn prefixes_list_dynamic_series() {
        let mut h = SeriesHistory::default();
        h.push(
            0,
            [
                ("disk.sda.read", 1.0),
                ("disk.sdb.read", 1.0),
                ("load.avg1", 1.0),
            ],
        );
        let keys: Vec<&str> = h.keys_with_prefix("disk.").collect();
        assert_eq!(keys, ["disk.sda.read", "disk.sdb.read"]);
        assert!(h.contains("load.avg1"));
    }

    #[test]
    fn zoom_steps() {
        assert_eq!(Zoom::Min5.wider(), Zoom::Min30);
        assert_eq!(Zoom::Hour2.wider(), Zoom::Whole);
        assert_eq!(Zoom::Whole.wider(), Zoom::Whole);
        assert_eq!(Zoom::Whole.narrower(), Zoom::Hour2);
        assert_eq!(Zoom::Min30.narrower(), Zoom::Min5);
        assert_eq!(Zoom::Hour2.span_ms(), 7_200_000);
        assert_eq!(Zoom::Min5.narrower(), Zoom::Min1);
        assert_eq!(Zoom::Min1.narrower(), Zoom::Min1);
        assert_eq!(Zoom::Min1.wider(), Zoom::Min5);
        assert_eq!(Zoom::Min1.span_ms(), 60_000);
    }
}
