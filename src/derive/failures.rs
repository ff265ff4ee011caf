//! When each limit's failure counter last rose while headroom watched, so a counter that only
//! failed long ago can say so and rank below what is failing or filling now.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct FailureWatch {
    started_ms: Option<u64>,
    last_rise_ms: HashMap<String, u64>,
}

impl FailureWatch {
    /// Records a reading of limit `id` whose counter rose by `delta` since the previous one.
    pub fn observe(&mut self, time_ms: u64, id: &str, delta: Option<u64>) {
        self.started_ms.get_or_insert(time_ms);
        if delta.is_some_and(|d| d > 0) {
            self.last_rise_ms.insert(id.to_string(), time_ms);
        }
    }

    /// "last increase seen 4 min ago", or "no increase seen in 12 min of watching".
    pub fn words(&self, id: &str, now_ms: u64) -> String {
        let ago = |t: u64| super::slope::duration_words(now_ms.saturating_sub(t) as f64 / 1000.0);
        match (self.last_rise_ms.get(id), self.started_ms) {
            (Some(t), _) => format!(
                "last increase seen {} ago",
                ago(*t).trim_start_matches("about ")
            ),
            (None, Some(s)) if now_ms > s => {
                format!(
                    "no increase seen in {} of watching",
                    ago(s).trim_start_matches("about ")
                )
            }
            _ => "no increase seen yet".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_when_the_last_increase_was_seen() {
        let mut w = FailureWatch::default();
        w.observe(0, "a", None);
        assert_eq!(w.words("a", 0), "no increase seen yet");
        w.observe(60_000, "a", Some(0));
        assert_eq!(
            w.words("a", 720_000),
            "no increase seen in 12 min of watching"
        );
        w.observe(120_000, "a", Some(3));
        assert_eq!(w.words("a", 360_000), "last increase seen 4 min ago");
    }
}
