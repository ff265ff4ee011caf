//! Trends over a window that stop showing growth once growth stops, whether growth is steady
//! (a leak) or one jump, and the time until a limit at the current rate.

use crate::format::grouped;

/// The span a trend is measured over.
pub const WINDOW_MS: u64 = 60_000;
/// With no increase for this long, growth has stopped: the trend is measured over this tail.
pub const QUIET_MS: u64 = 15_000;
/// A limit full within this many seconds at its current rate is a warning now.
pub const FILL_WARN_S: f64 = 600.0;

/// Change per minute, and whether it came as steady growth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub per_min: f64,
    /// Rising through the window in many steps, not one jump.
    pub steady: bool,
}

/// The trend of `(time_ms, value)` points, oldest first; None with fewer than two in the window.
pub fn trend(points: &[(u64, f64)]) -> Option<Trend> {
    let &(last_t, _) = points.last()?;
    let start = points.partition_point(|(t, _)| last_t.saturating_sub(*t) > WINDOW_MS);
    let window = points.get(start..)?;
    let first_t = window.first()?.0;
    if window.len() < 2 || first_t >= last_t {
        return None;
    }
    let tail_start = window.partition_point(|(t, _)| last_t.saturating_sub(*t) > QUIET_MS);
    let tail = window.get(tail_start..).unwrap_or_default();
    let tail_quiet = tail.len() >= 3
        && tail
            .first()
            .is_some_and(|(t, _)| last_t - t >= QUIET_MS * 2 / 3)
        && tail.windows(2).all(|w| w[1].1 <= w[0].1);
    let per_min = if tail_quiet {
        least_squares(tail)
    } else {
        least_squares(window)
    }? * 60_000.0;
    Some(Trend {
        per_min,
        steady: !tail_quiet && steady(window),
    })
}

/// Many rising steps over at least ten seconds, none more than half the rise.
fn steady(window: &[(u64, f64)]) -> bool {
    let steps: Vec<f64> = window.windows(2).map(|w| w[1].1 - w[0].1).collect();
    let rise: f64 = steps.iter().filter(|d| **d > 0.0).sum();
    let rises = steps.iter().filter(|d| **d > 0.0).count();
    let span = match (window.first(), window.last()) {
        (Some(a), Some(b)) => b.0 - a.0,
        _ => 0,
    };
    let biggest = steps.iter().copied().fold(0.0, f64::max);
    window.len() >= 5
        && span >= 10_000
        && rise > 0.0
        && rises * 5 >= steps.len() * 3
        && biggest <= rise / 2.0
}

/// Slope per millisecond of the best line through the points.
fn least_squares(points: &[(u64, f64)]) -> Option<f64> {
    let t0 = points.first()?.0;
    let n = points.len() as f64;
    let xs = points.iter().map(|(t, _)| (t - t0) as f64);
    let mean_x = xs.clone().sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, v)| v).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, (_, y)) in xs.zip(points) {
        sxy += (x - mean_x) * (y - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Seconds until `used` reaches `max` at `per_min`; None when not growing or unlimited.
pub fn time_to_full(used: u64, max: Option<u64>, per_min: f64) -> Option<f64> {
    let max = max?;
    if used >= max {
        return Some(0.0);
    }
    (per_min > 0.0).then(|| (max - used) as f64 / per_min * 60.0)
}

/// "about 40 s", "about 3 min", "about 2 h".
pub fn duration_words(secs: f64) -> String {
    match secs {
        s if s < 1.0 => "now".into(),
        s if s < 45.0 => format!("about {s:.0} s"),
        s if s < 5400.0 => format!("about {:.0} min", (s / 60.0).round().max(1.0)),
        s if s < 172_800.0 => format!("about {:.0} h", s / 3600.0),
        s => format!("about {:.0} days", s / 86_400.0),
    }
}

/// "+600/min", "-3/min", "+0.5/min".
pub fn rate_words(per_min: f64) -> String {
    let sign = if per_min < 0.0 { "-" } else { "+" };
    let a = per_min.abs();
    if a >= 10.0 {
        format!("{sign}{}/min", grouped(a.round() as u64))
    } else {
        format!("{sign}{a:.1}/min")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn every_2s(values: &[f64]) -> Vec<(u64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as u64 * 2000, *v))
            .collect()
    }

    #[test]
    fn steady_growth_is_a_leak_with_its_slope() {
        let pts = every_2s(&(0..20).map(|i| 100.0 + 20.0 * i as f64).collect::<Vec<_>>());
        let t = trend(&pts).unwrap();
        assert!((t.per_min - 600.0).abs() < 1e-6, "{t:?}");
        assert!(t.steady);
    }

    #[test]
    fn one_jump_is_not_steady() {
        let mut v = vec![100.0; 10];
        v.extend([600.0, 600.0, 601.0]);
        let t = trend(&every_2s(&v)).unwrap();
        assert!(!t.steady);
    }

    #[test]
    fn growth_that_stopped_stops_showing() {
        let mut v: Vec<f64> = (0..15).map(|i| 20.0 * i as f64).collect();
        v.extend([280.0; 9]);
        let t = trend(&every_2s(&v)).unwrap();
        assert_eq!(t.per_min, 0.0);
        assert!(!t.steady);
    }

    #[test]
    fn only_the_window_counts() {
        let mut v: Vec<f64> = (0..60).map(|i| 10.0 * i as f64).collect();
        v.extend((0..40).map(|i| 600.0 - i as f64));
        let t = trend(&every_2s(&v)).unwrap();
        assert!(t.per_min < 0.0, "{t:?}");
        assert!(trend(&[(0, 1.0)]).is_none());
        assert!(trend(&[(5, 1.0), (5, 2.0)]).is_none());
    }

    #[test]
    fn words() {
        assert_eq!(time_to_full(1420, Some(2048), 600.0), Some(62.8));
        assert_eq!(time_to_full(10, None, 600.0), None);
        assert_eq!(time_to_full(10, Some(20), -1.0), None);
        assert_eq!(time_to_full(30, Some(20), 0.0), Some(0.0));
        assert_eq!(duration_words(62.8), "about 1 min");
        assert_eq!(duration_words(30.0), "about 30 s");
        assert_eq!(duration_words(100.0), "about 2 min");
        assert_eq!(rate_words(600.4), "+600/min");
        assert_eq!(rate_words(-0.5), "-0.5/min");
    }

    proptest! {
        #[test]
        fn never_panics(v in proptest::collection::vec((0u64..1_000_000, -1e9f64..1e9), 0..40)) {
            let mut v = v;
            v.sort_by_key(|p| p.0);
            let _ = trend(&v);
        }
    }
}
