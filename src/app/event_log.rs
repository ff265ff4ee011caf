//! Every event the dashboard has seen (kernel messages, failure counters, crossings of 90%, leak
//! verdicts), in time order: data the Events pane lists and the replay's time cursor jumps
//! between. A replay that goes back derives some events again: an event already held is not
//! added twice.

use crate::derive::events::Event;

/// Events held: a night of trouble fits; beyond it the oldest go.
pub const MAX_EVENTS: usize = 10_000;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventLog {
    /// Oldest first.
    log: Vec<Event>,
}

impl EventLog {
    /// Every event held, oldest first.
    pub fn log(&self) -> &[Event] {
        &self.log
    }

    /// Takes in the events of a new snapshot.
    pub fn take(&mut self, events: &[Event]) {
        for e in events {
            let at = self.log.partition_point(|x| x.time_ms <= e.time_ms);
            let held = self.log[..at]
                .iter()
                .rev()
                .take_while(|x| x.time_ms == e.time_ms)
                .any(|x| x.text == e.text);
            if !held {
                self.log.insert(at, e.clone());
            }
        }
        if self.log.len() > MAX_EVENTS {
            let extra = self.log.len() - MAX_EVENTS;
            self.log.drain(..extra);
        }
    }

    /// The time of the newest event before `time_ms`.
    pub fn before(&self, time_ms: u64) -> Option<u64> {
        self.log
            .iter()
            .rev()
            .map(|e| e.time_ms)
            .find(|t| *t < time_ms)
    }

    /// The time of the oldest event after `time_ms`.
    pub fn after(&self, time_ms: u64) -> Option<u64> {
        self.log.iter().map(|e| e.time_ms).find(|t| *t > time_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::Severity;
    use crate::derive::events::Source;

    fn ev(time_ms: u64, text: &str) -> Event {
        Event {
            time: String::new(),
            time_ms,
            source: Source::Kmsg,
            limit: None,
            severity: Severity::Warning,
            text: text.into(),
            suppressed: None,
        }
    }

    #[test]
    fn events_stay_in_time_order_once_each_and_bounded() {
        let mut s = EventLog::default();
        s.take(&[ev(20, "b"), ev(10, "a")]);
        s.take(&[ev(10, "a"), ev(15, "c")]);
        let texts: Vec<&str> = s.log().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["a", "c", "b"]);
        assert_eq!((s.before(15), s.after(15)), (Some(10), Some(20)));
        assert_eq!((s.before(10), s.after(20)), (None, None));
        let many: Vec<Event> = (0..MAX_EVENTS as u64 + 5)
            .map(|i| ev(100 + i, "x"))
            .collect();
        s.take(&many);
        assert_eq!(s.log().len(), MAX_EVENTS);
        assert_eq!(s.log()[0].time_ms, 105);
    }
}
