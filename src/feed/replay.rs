//! A recording played back as a feed: each snapshot after its recorded gap, divided by the
//! speed. A recording holds every socket already, so only pause and stop mean anything here.

use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::Control;
use crate::model::Snapshot;

/// The wait before a snapshot: the recorded gap divided by the speed, at most 10 s.
pub fn gap(prev: &Snapshot, next: &Snapshot, speed: f64) -> Duration {
    let ms = next.time_ms.saturating_sub(prev.time_ms) as f64 / speed.max(0.01);
    Duration::from_millis(ms.min(10_000.0) as u64)
}

/// The playback clock: how long is left of the current gap, and whether it runs.
struct Clock<'a> {
    controls: &'a std_mpsc::Receiver<Control>,
    paused: bool,
}

impl Clock<'_> {
    /// Waits out `d` of running time (paused time does not count); false when told to stop.
    fn wait(&mut self, d: Duration) -> bool {
        let mut left = d;
        loop {
            let started = Instant::now();
            let msg = if self.paused {
                self.controls
                    .recv()
                    .map_err(|_| std_mpsc::RecvTimeoutError::Disconnected)
            } else {
                self.controls.recv_timeout(left)
            };
            if !self.paused {
                left = left.saturating_sub(started.elapsed());
            }
            match msg {
                Err(std_mpsc::RecvTimeoutError::Timeout) => return true,
                Ok(Control::Pause(p)) => self.paused = p,
                Ok(Control::SocketsInBackground(_)) => {}
                Ok(Control::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => return false,
            }
            if !self.paused && left.is_zero() {
                return true;
            }
        }
    }
}

/// The recording's thread: hands over each snapshot on its recorded schedule, then ends.
pub fn play(
    snapshots: Vec<Snapshot>,
    speed: f64,
    tx: &mpsc::Sender<Snapshot>,
    controls: &std_mpsc::Receiver<Control>,
) {
    let mut clock = Clock {
        controls,
        paused: false,
    };
    let mut prev: Option<Snapshot> = None;
    for snap in snapshots {
        if let Some(p) = &prev
            && !clock.wait(gap(p, &snap, speed))
        {
            return;
        }
        prev = Some(snap.clone());
        if tx.blocking_send(snap).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_follow_the_recording_and_the_speed() {
        let at = |ms: u64| {
            let json = format!(r#"{{"time_ms":{ms},"hostname":"h","os":""}}"#);
            serde_json::from_str::<Snapshot>(&json).unwrap_or_else(|e| unreachable!("{e}"))
        };
        assert_eq!(gap(&at(0), &at(1_000), 1.0), Duration::from_secs(1));
        assert_eq!(gap(&at(0), &at(60_000), 60.0), Duration::from_secs(1));
        assert_eq!(gap(&at(0), &at(3_600_000), 1.0), Duration::from_secs(10));
        assert_eq!(gap(&at(5), &at(1), 1.0), Duration::ZERO);
    }
}
