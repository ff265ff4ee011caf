//! A recording played back as a feed, streamed through its [`Reader`]: each frame after its
//! recorded gap divided by the speed, with only the frame at hand in memory. Pause, seek, step
//! and speed move the playback; a recording holds every socket already, so the rest mean
//! nothing here. At its end the playback waits: a seek may take it back.
//!
//! A jump does not restart derivation at its landing frame: the frames of the [`LEAD_IN_MS`]
//! before it are read through the seek index and handed over first, marked as lead-in, so the
//! landing frame comes with the trends, rates and deltas of the minutes before it. Once the
//! first frame is on its way, a second reader goes through the whole file ahead of play (see
//! [`ahead`]).

mod ahead;

use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::{Arrival, Control, Delivery};
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

/// How far before a jump's landing frame derivation starts: the longest span derivation looks
/// back over is the limits' 90 s (trends, recent failures, growth), so two minutes of frames
/// read before the landing one give it the trends, rates and deltas it had when recorded.
pub const LEAD_IN_MS: u64 = 120_000;

/// The playback: the reader, where it stands, and the line to the consumer.
struct Player<'a> {
    reader: Reader,
    tx: &'a mpsc::Sender<Delivery>,
    /// The time of the frame last shown.
    shown: Option<u64>,
    /// The frame after it (read ahead).
    pending: Option<Frame>,
}

/// The consumer is gone.
struct Closed;

impl Player<'_> {
    fn send(&mut self, f: Frame, arrival: Arrival) -> Result<(), Closed> {
        if !arrival.lead_in {
            self.shown = Some(f.time_ms);
        }
        let d = Delivery::Frame(Box::new(f.snapshot), arrival);
        self.tx.blocking_send(d).map_err(|_| Closed)
    }

    /// Shows the next frame.
    fn next(&mut self) -> Result<(), Closed> {
        if let Some(f) = self.pending.take() {
            self.send(f, Arrival::default())?;
            self.pending = self.reader.next_frame();
        }
        Ok(())
    }

    /// Shows the `n`th frame from here (or the last there is), deriving those before it.
    fn forward(&mut self, n: u64) -> Result<(), Closed> {
        for _ in 1..n {
            let Some(f) = self.pending.take() else { break };
            self.pending = self.reader.next_frame();
            if self.pending.is_none() {
                self.pending = Some(f);
                break;
            }
            self.send(
                f,
                Arrival {
                    fresh: false,
                    lead_in: true,
                },
            )?;
        }
        self.next()
    }

    /// Shows the last frame at or before `t` with derivation run over the [`LEAD_IN_MS`]
    /// before it. Ahead within the lead-in, playback just runs on to it; otherwise
    /// derivation restarts at the lead-in's first frame, read through the seek index.
    fn jump(&mut self, t: u64) -> Result<(), Closed> {
        let near_ahead = self.shown.is_some_and(|s| t >= s && t - s <= LEAD_IN_MS);
        let (first, fresh) = match self.pending.take() {
            Some(p) if near_ahead && p.time_ms <= t => (Some(p), false),
            // Nothing between here and `t`: already there.
            p if near_ahead => {
                self.pending = p;
                return Ok(());
            }
            _ => (self.reader.seek(t.saturating_sub(LEAD_IN_MS)), true),
        };
        let Some(mut cur) = first else {
            return Ok(());
        };
        let mut fresh = fresh;
        loop {
            match self.reader.next_frame() {
                Some(n) if n.time_ms <= t => {
                    self.send(
                        cur,
                        Arrival {
                            fresh,
                            lead_in: true,
                        },
                    )?;
                    cur = n;
                }
                next => {
                    self.send(
                        cur,
                        Arrival {
                            fresh,
                            lead_in: false,
                        },
                    )?;
                    self.pending = next;
                    return Ok(());
                }
            }
            fresh = false;
        }
    }

    /// Shows the `n`th frame before the one shown (or the first), derived as after a jump.
    fn back(&mut self, n: u64) -> Result<(), Closed> {
        let Some(shown) = self.shown else {
            return Ok(());
        };
        let target = if n <= 1 {
            Some(shown.saturating_sub(1))
        } else {
            step_back(&mut self.reader, shown, n).map(|f| f.time_ms)
        };
        // Behind the frame shown: `jump` restarts derivation there.
        self.shown = None;
        let at = target.unwrap_or(shown);
        self.jump(at)
    }
}

/// The recording's thread: hands over each frame on its recorded schedule, and moves where it
/// is told.
pub fn play(
    reader: Reader,
    speed: f64,
    tx: &mpsc::Sender<Delivery>,
    controls: &std_mpsc::Receiver<Control>,
) {
    let mut clock = Clock {
        controls,
        paused: false,
        speed,
    };
    let mut ahead = Some(reader.path().to_path_buf());
    let mut p = Player {
        reader,
        tx,
        shown: None,
        pending: None,
    };
    p.pending = p.reader.next_frame();
    loop {
        let wait = p.pending.as_ref().map(|f| match p.shown {
            Some(t) => gap(t, f.time_ms, clock.speed),
            None => Duration::ZERO,
        });
        let moved = match clock.wait(wait) {
            Wake::Stop => return,
            Wake::Due => p.next(),
            Wake::Seek(t) => p.jump(t),
            Wake::Step(n) if n >= 0 => p.forward(n.unsigned_abs()),
            Wake::Step(n) => p.back(n.unsigned_abs()),
        };
        if moved.is_err() {
            return;
        }
        // Started once the first frame is on its way, so it never delays it.
        if p.shown.is_some()
            && let Some(path) = ahead.take()
        {
            ahead::spawn(path, tx.clone());
        }
    }
}

/// The `n`th frame before the one at `shown`, or the first.
fn step_back(reader: &mut Reader, shown: u64, n: u64) -> Option<Frame> {
    let mut t = shown;
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
    f
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::feed::{Feed, Source};

    const START: u64 = 1_700_000_000_000;
    const RESTART: Arrival = Arrival {
        fresh: true,
        lead_in: true,
    };
    const LEAD_IN: Arrival = Arrival {
        fresh: false,
        lead_in: true,
    };

    /// Ten minutes at a frame every five seconds.
    fn ten_minutes(path: &std::path::Path) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openvz-container");
        let mut c = crate::collect::Collector::new(crate::collect::Roots::fixture(dir));
        let first = c.sample();
        let opts = crate::recording::Options {
            min_free_pct: 0.0,
            ..Default::default()
        };
        let header = crate::headless::record::header(&first, Duration::from_secs(5), &opts);
        let mut w = crate::recording::Writer::open(path, header, opts).unwrap();
        for i in 0..120 {
            let mut s = first.clone();
            s.time_ms = START + i * 5000;
            w.write(&s).unwrap();
        }
        w.finish(START + 600_000, "done").unwrap();
    }

    /// The frames of one move, up to the one shown: (time, arrival).
    fn moved(rt: &tokio::runtime::Runtime, feed: &mut Feed) -> Vec<(u64, Arrival)> {
        let mut out = Vec::new();
        loop {
            match rt.block_on(feed.next_delivery()).unwrap() {
                Delivery::Frame(s, a) => {
                    out.push((s.time_ms, a));
                    if !a.lead_in {
                        return out;
                    }
                }
                Delivery::Ahead(_) | Delivery::Overview(_) => {}
            }
        }
    }

    #[test]
    fn a_jump_derives_the_minutes_before_its_landing_frame() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.hr");
        ten_minutes(&path);
        let source = Source::Recording {
            reader: Box::new(Reader::open(&path).unwrap()),
            speed: 1.0,
        };
        let mut feed = Feed::start(source, Duration::from_secs(1)).unwrap();
        let first = moved(&rt, &mut feed);
        assert_eq!(first, [(START, Arrival::default())]);
        // The next frame is due five seconds later: paused long before.
        feed.pause(true);

        // Far ahead: derivation restarts two minutes before the landing frame.
        feed.seek(START + 480_500);
        let m = moved(&rt, &mut feed);
        assert_eq!(m.len(), 25, "{m:?}");
        assert_eq!(m[0], (START + 360_000, RESTART));
        assert!(m[1..24].iter().all(|(_, a)| *a == LEAD_IN));
        assert_eq!(m[24], (START + 480_000, Arrival::default()));

        // Near ahead: playback runs on to it, deriving every frame between.
        feed.seek(START + 510_000);
        let m = moved(&rt, &mut feed);
        assert_eq!(m.len(), 6, "{m:?}");
        assert_eq!(m[0], (START + 485_000, LEAD_IN));
        assert_eq!(m[5], (START + 510_000, Arrival::default()));

        // A step back lands on the frame before, with its two minutes before it.
        feed.step(-1);
        let m = moved(&rt, &mut feed);
        assert_eq!(m.first(), Some(&(START + 385_000, RESTART)));
        assert_eq!(m.last(), Some(&(START + 505_000, Arrival::default())));

        // Near the start there is less before it.
        feed.seek(START + 30_000);
        let m = moved(&rt, &mut feed);
        assert_eq!((m.len(), m[0].0), (7, START));
        assert!(m[0].1.fresh);
    }

    #[test]
    fn the_whole_file_is_read_ahead_of_play() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.hr");
        ten_minutes(&path);
        let source = Source::Recording {
            reader: Box::new(Reader::open(&path).unwrap()),
            speed: 1.0,
        };
        let mut feed = Feed::start(source, Duration::from_secs(1)).unwrap();
        let mut progress = Vec::new();
        let overview = loop {
            match rt.block_on(feed.next_delivery()).unwrap() {
                Delivery::Ahead(f) => progress.push(f),
                Delivery::Overview(o) => break o,
                Delivery::Frame(..) => {}
            }
        };
        assert_eq!(
            (overview.first_ms, overview.last_ms, overview.frames),
            (START, START + 595_000, 120)
        );
        assert!(!progress.is_empty() && progress.windows(2).all(|w| w[0] < w[1]));
        assert!(
            progress.iter().all(|f| (0.0..=1.0).contains(f)),
            "{progress:?}"
        );
    }

    #[test]
    fn gaps_follow_the_recording_and_the_speed() {
        assert_eq!(gap(0, 1_000, 1.0), Duration::from_secs(1));
        assert_eq!(gap(0, 60_000, 60.0), Duration::from_secs(1));
        assert_eq!(gap(0, 3_600_000, 1.0), Duration::from_secs(10));
        assert_eq!(gap(5, 1, 1.0), Duration::ZERO);
    }
}
