//! A recording played back as a feed, streamed through its [`Reader`]: each frame after its
//! recorded gap divided by the speed, with only the frame at hand in memory. Pause, seek, step
//! and speed move the playback; a recording holds every socket already, so the rest mean
//! nothing here. At its end the playback waits: a seek may take it back.

use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::Control;
use crate::model::Snapshot;
use crate::recording::Reader;
use crate::recording::reader::Frame;

/// The fastest playback: ten minutes a second.
pub const MAX_SPEED: f64 = 600.0;

/// The wait before a frame at `next` after one at `prev` (ms): the recorded gap divided by the
/// speed, at most 10 s.
pub fn gap(prev: u64, next: u64, speed: f64) -> Duration {
    let ms = next.saturating_sub(prev) as f64 / speed.clamp(0.01, MAX_SPEED);
    Duration::from_millis(ms.min(10_000.0) as u64)
}

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wake {
    /// The gap is over: play the next frame.
    Due,
    Stop,
    Seek(u64),
    Step(i64),
}

/// The playback clock: whether it runs, and how fast.
struct Clock<'a> {
    controls: &'a std_mpsc::Receiver<Control>,
    paused: bool,
    speed: f64,
}

impl Clock<'_> {
    /// Waits out `d` of running time (paused time does not count; `None` waits for a message).
    fn wait(&mut self, d: Option<Duration>) -> Wake {
        let mut left = d;
        loop {
            let started = Instant::now();
            let msg = match left.filter(|_| !self.paused) {
                None => self
                    .controls
                    .recv()
                    .map_err(|_| std_mpsc::RecvTimeoutError::Disconnected),
                Some(l) => self.controls.recv_timeout(l),
            };
            if !self.paused {
                left = left.map(|l| l.saturating_sub(started.elapsed()));
            }
            match msg {
                Err(std_mpsc::RecvTimeoutError::Timeout) => return Wake::Due,
                Ok(Control::Pause(p)) => self.paused = p,
                Ok(Control::Speed(s)) => self.speed = s.clamp(1.0, MAX_SPEED),
                Ok(Control::Seek(t)) => return Wake::Seek(t),
                Ok(Control::Step(n)) => {
                    self.paused = true;
                    return Wake::Step(n);
                }
                Ok(
                    Control::SocketsInBackground(_)
                    | Control::ProcessesInBackground(_)
                    | Control::Select(_),
                ) => {}
                Ok(Control::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => {
                    return Wake::Stop;
                }
            }
            if !self.paused && left.is_some_and(|l| l.is_zero()) {
                return Wake::Due;
            }
        }
    }
}

/// The recording's thread: hands over each frame on its recorded schedule, and moves where it
/// is told.
pub fn play(
    mut reader: Reader,
    speed: f64,
    tx: &mpsc::Sender<Snapshot>,
    controls: &std_mpsc::Receiver<Control>,
) {
    let mut clock = Clock {
        controls,
        paused: false,
        speed,
    };
    // The time of the frame last handed over, and the frame after it (read ahead).
    let mut shown: Option<u64> = None;
    let mut pending = reader.next_frame();
    loop {
        let wait = pending.as_ref().map(|f| match shown {
            Some(t) => gap(t, f.time_ms, clock.speed),
            None => Duration::ZERO,
        });
        let frame = match clock.wait(wait) {
            Wake::Stop => return,
            Wake::Due => pending.take(),
            Wake::Seek(t) => reader.seek(t),
            Wake::Step(n) if n >= 0 => step_forward(&mut reader, pending.take(), n),
            Wake::Step(n) => step_back(&mut reader, shown, n.unsigned_abs()),
        };
        let Some(frame) = frame else { continue };
        shown = Some(frame.time_ms);
        if tx.blocking_send(frame.snapshot).is_err() {
            return;
        }
        pending = reader.next_frame();
    }
}

/// The `n`th frame from `pending` (the next one), or the last one there is.
fn step_forward(reader: &mut Reader, pending: Option<Frame>, n: i64) -> Option<Frame> {
    let mut f = pending?;
    for _ in 1..n {
        match reader.next_frame() {
            Some(next) => f = next,
            None => break,
        }
    }
    Some(f)
}

/// The `n`th frame before the one at `shown`, or the first.
fn step_back(reader: &mut Reader, shown: Option<u64>, n: u64) -> Option<Frame> {
    let mut t = shown?;
    let mut f = None;
    for _ in 0..n {
        let Some(before) = reader.seek(t.saturating_sub(1)) else {
            break;
        };
        let stuck = before.time_ms == t;
        t = before.time_ms;
        f = Some(before);
        if stuck {
            break;
        }
    }
    // The reader is left after the frame handed over, so playback carries on from it.
    f.or_else(|| reader.seek(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_follow_the_recording_and_the_speed() {
        assert_eq!(gap(0, 1_000, 1.0), Duration::from_secs(1));
        assert_eq!(gap(0, 60_000, 60.0), Duration::from_secs(1));
        assert_eq!(gap(0, 3_600_000, 1.0), Duration::from_secs(10));
        assert_eq!(gap(5, 1, 1.0), Duration::ZERO);
    }
}
