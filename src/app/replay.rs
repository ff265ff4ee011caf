//! The time cursor of a replay: pause, step, jump a minute or to an event, go to a time, and the
//! speed. Each becomes a [`Control`] for the feed, which moves the playback; the loop sends them.

use super::event_log::EventLog;
use crate::derive::overview::Overview;
use crate::feed::Control;
use crate::feed::replay::MAX_SPEED;

/// Keys of the time cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayAction {
    StepBack,
    StepForward,
    MinuteBack,
    MinuteForward,
    PrevEvent,
    NextEvent,
    /// Type a time (HH:MM[:SS]) to go to.
    GoTo,
    Faster,
    Slower,
}

/// The speeds `+` and `-` go through.
const SPEEDS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, MAX_SPEED];

const MINUTE_MS: u64 = 60_000;

#[derive(Debug)]
pub struct ReplayState {
    /// The recording's file name, for the header.
    pub file: String,
    pub speed: f64,
    /// The time being typed after `g`.
    pub prompt: Option<String>,
    /// What the prompt could not read, until the next key.
    pub error: Option<String>,
    /// Messages for the feed, sent by the loop.
    pub requests: Vec<Control>,
    /// The whole recording, read ahead of play: the Graphs pane's series from end to end and
    /// every event's time; None until read.
    pub overview: Option<Box<Overview>>,
    /// How far that reading has come, 0 to 1.
    pub ahead: Option<f32>,
}

impl ReplayState {
    pub fn new(file: String, speed: f64) -> Self {
        Self {
            file,
            speed: speed.clamp(1.0, MAX_SPEED),
            prompt: None,
            error: None,
            requests: Vec::new(),
            overview: None,
            ahead: None,
        }
    }

    /// The times of the events just before and just after `time_ms`: from every event of the
    /// recording once it has been read ahead, and from those seen in the meantime.
    pub fn events_around(&self, seen: &EventLog, time_ms: u64) -> (Option<u64>, Option<u64>) {
        let index = self.overview.as_ref().map(|o| &o.events);
        let before = index.and_then(|i| i.before(time_ms));
        let after = index.and_then(|i| i.after(time_ms));
        let (seen_before, seen_after) = (seen.before(time_ms), seen.after(time_ms));
        let after = match (after, seen_after) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        (before.max(seen_before), after)
    }

    /// Carries out a key of the time cursor at `now` (the time on screen), with the event times
    /// around it from `before`/`after`.
    pub fn apply(
        &mut self,
        action: ReplayAction,
        now: Option<u64>,
        before: Option<u64>,
        after: Option<u64>,
    ) {
        self.error = None;
        let seek = |t: Option<u64>| t.map(Control::Seek);
        let c = match action {
            ReplayAction::StepBack => Some(Control::Step(-1)),
            ReplayAction::StepForward => Some(Control::Step(1)),
            ReplayAction::MinuteBack => seek(now.map(|t| t.saturating_sub(MINUTE_MS))),
            ReplayAction::MinuteForward => seek(now.map(|t| t + MINUTE_MS)),
            ReplayAction::PrevEvent => seek(before),
            ReplayAction::NextEvent => seek(after),
            ReplayAction::GoTo => {
                self.prompt = Some(String::new());
                None
            }
            ReplayAction::Faster => Some(self.set_speed(true)),
            ReplayAction::Slower => Some(self.set_speed(false)),
        };
        self.requests.extend(c);
    }

    fn set_speed(&mut self, faster: bool) -> Control {
        let next = if faster {
            SPEEDS.iter().find(|s| **s > self.speed)
        } else {
            SPEEDS.iter().rev().find(|s| **s < self.speed)
        };
        self.speed = next.copied().unwrap_or(self.speed);
        Control::Speed(self.speed)
    }

    /// A key while the prompt is open: digits and `:` are typed, Enter goes, Esc cancels.
    pub fn typing(&mut self, code: crossterm::event::KeyCode, now: Option<u64>) {
        use crossterm::event::KeyCode;
        let Some(text) = self.prompt.as_mut() else {
            return;
        };
        match code {
            KeyCode::Char(c) if (c.is_ascii_digit() || c == ':') && text.len() < 8 => text.push(c),
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Esc => self.prompt = None,
            KeyCode::Enter => {
                let typed = text.clone();
                self.prompt = None;
                match parse_time(&typed) {
                    Some(secs) => {
                        let day = now.map_or(0, |t| t - t % 86_400_000);
                        self.requests.push(Control::Seek(day + secs * 1000));
                    }
                    None => self.error = Some(format!("not a time: {typed:?} (HH:MM or HH:MM:SS)")),
                }
            }
            _ => {}
        }
    }
}

/// Seconds into the day of "HH:MM" or "HH:MM:SS" (UTC, as the header shows).
pub fn parse_time(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let n: Vec<u64> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, sec) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    (h < 24 && m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyCode;

    #[test]
    fn keys_become_feed_controls() {
        let mut r = ReplayState::new("n.hr".into(), 1.0);
        r.apply(ReplayAction::MinuteBack, Some(120_000), None, None);
        r.apply(ReplayAction::NextEvent, Some(0), None, Some(9_000));
        r.apply(ReplayAction::PrevEvent, Some(0), None, None);
        r.apply(ReplayAction::StepBack, Some(0), None, None);
        r.apply(ReplayAction::Faster, None, None, None);
        assert_eq!(
            r.requests,
            [
                Control::Seek(60_000),
                Control::Seek(9_000),
                Control::Step(-1),
                Control::Speed(2.0)
            ]
        );
        for _ in 0..20 {
            r.apply(ReplayAction::Faster, None, None, None);
        }
        assert_eq!(r.speed, MAX_SPEED);
    }

    #[test]
    fn the_prompt_goes_to_a_time_of_the_day_on_screen() {
        let mut r = ReplayState::new("n.hr".into(), 60.0);
        r.apply(ReplayAction::GoTo, None, None, None);
        for c in "05:28".chars() {
            r.typing(KeyCode::Char(c), None);
        }
        let day = 20_000 * 86_400_000;
        r.typing(KeyCode::Enter, Some(day + 3_600_000));
        assert_eq!(
            r.requests,
            [Control::Seek(day + (5 * 3600 + 28 * 60) * 1000)]
        );
        assert_eq!(parse_time("23:59:59"), Some(86_399));
        assert_eq!(
            (parse_time("24:00"), parse_time("5"), parse_time("a:b")),
            (None, None, None)
        );
        r.apply(ReplayAction::GoTo, None, None, None);
        r.typing(KeyCode::Char(':'), None);
        r.typing(KeyCode::Enter, None);
        assert!(r.error.is_some());
    }
}
