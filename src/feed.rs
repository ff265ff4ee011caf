//! The feed: the one place snapshots come from. A [`Source`] (the live [`Collector`] or a
//! recording) is started with [`Feed::start`], read with [`Feed::next`] and stopped by dropping
//! the [`Feed`]; every mode (the dashboard, `record`, `export`, `snapshot`, `replay`) consumes
//! it the same way, and [`signals::Signals`] is the one signal set-up they share.
//!
//! ```text
//!   Source ──(feed thread: sample or play back, wait, obey Control)──▶ bounded queue ──▶ consumer
//!                 ▲                                                                        │
//!                 └──────────── Control (pause, sockets, processes, select, stop) ◀───────┘
//! ```
//!
//! Delivery is bounded: the queue holds at most [`QUEUE`] snapshots and the feed thread waits
//! for room rather than piling up readings, so a consumer that stalls costs a fixed amount of
//! memory. Nothing in the queue is ever dropped: every consumer (the dashboard's history and
//! derived rates included) sees every sample. The dashboard keeps the queue drained because
//! its loop never waits on the terminal (see `term`: the screen takes only the newest frame).
//!
//! Stopping never waits for the feed thread: a sample may be stuck in the kernel (a hung
//! mount), and the thread ends on its own at its next wait or when it finds the queue closed.
//!
//! What comes out is a [`Delivery`]: a snapshot with how it came ([`Arrival`]: in order, or as
//! part of a jump a recording made), or what a recording's pass ahead of play found. [`Feed::next`]
//! gives the snapshots alone, for consumers that never jump.
//!
//! Adding a source: a variant of [`Source`] and a `run` function for its thread, written like
//! [`live`] or `replay::play`: send each snapshot with `tx.blocking_send`, wait between them
//! with a function that takes [`Control`] messages and returns `false` on [`Control::Stop`].
//! Adding a control message (as `Seek`, `Step` and `Speed` for replay): a variant of
//! [`Control`], a method on [`Feed`] that sends it, and its handling in each source's wait
//! function (`wait_live`, `replay::Clock::wait`); a source it means nothing to ignores it.

pub mod replay;
pub mod signals;

use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::collect::Collector;
use crate::model::Snapshot;

/// Snapshots that may wait for a consumer before the feed thread waits for it.
pub const QUEUE: usize = 4;

/// The runtime a mode's loop runs on: one thread and timers. No I/O driver, so no tokio signal
/// driver either, whose set-up panics when file descriptors run short (see [`signals`]); the
/// exporter, which serves HTTP, builds its own.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
}

/// File descriptors this process may still open: its limit less those open now. `None` when
/// unlimited or unknown (no /proc).
pub fn spare_fds() -> Option<u64> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current?;
    // The listing itself holds one.
    let open = std::fs::read_dir("/proc/self/fd").ok()?.count() as u64;
    Some(limit.saturating_sub(open.saturating_sub(1)))
}

/// Where snapshots come from.
pub enum Source {
    /// The collector, sampling every interval.
    Live(Box<Collector>),
    /// A recording streamed from its file on its own schedule, `speed` times faster; only the
    /// frame being played is in memory.
    Recording {
        reader: Box<crate::recording::Reader>,
        speed: f64,
    },
}

/// What a consumer tells the feed thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Control {
    Stop,
    /// A live feed keeps sampling while paused (history must keep counting); a recording holds
    /// its place.
    Pause(bool),
    /// Whether per-socket data is only in the background (the Sockets pane is not shown), so
    /// the full socket dump may run less often. Bringing it to the foreground samples at once.
    SocketsInBackground(bool),
    /// Whether no pane shows processes, so the process pass may read only what the limits
    /// need (descriptor and thread counts). Bringing them to the foreground samples at once.
    ProcessesInBackground(bool),
    /// The process to read in full each pass (the drill-down), or none. A new one samples at
    /// once, so the drill-down fills without waiting for the next interval.
    Select(Option<u32>),
    /// A recording goes to the last frame at or before this time (ms since the epoch).
    Seek(u64),
    /// A recording moves this many frames forward (or back, when negative) and pauses.
    Step(i64),
    /// A recording plays this many times faster than it was recorded.
    Speed(f64),
}

/// How a snapshot came, so the consumer derives it right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Arrival {
    /// The first frame after a jump: derivation starts afresh from it (rates over a jump mean
    /// nothing).
    pub fresh: bool,
    /// Read only so derivation covers the minutes before a jump's landing frame (trends,
    /// rates, deltas): derive it, do not show it.
    pub lead_in: bool,
}

/// What the feed thread hands over.
#[derive(Debug)]
pub enum Delivery {
    Frame(Box<Snapshot>, Arrival),
    /// A recording read through once, ahead of play.
    Overview(Box<crate::derive::overview::Overview>),
    /// How far that pass has come, 0 to 1.
    Ahead(f32),
}

/// A running feed: its snapshots, and the line to its thread. Dropping it stops the thread.
pub struct Feed {
    control: std_mpsc::Sender<Control>,
    rx: mpsc::Receiver<Delivery>,
}

impl Feed {
    /// Starts the feed's thread: a live source samples now and then every `interval`; a
    /// recording plays its snapshots with their recorded gaps.
    pub fn start(source: Source, interval: Duration) -> std::io::Result<Feed> {
        let (control, controls) = std_mpsc::channel();
        let (tx, rx) = mpsc::channel(QUEUE);
        let builder = thread::Builder::new();
        match source {
            Source::Live(collector) => builder
                .name("collector".into())
                .spawn(move || live(*collector, interval, &tx, &controls)),
            Source::Recording { reader, speed } => builder
                .name("replay".into())
                .spawn(move || replay::play(*reader, speed, &tx, &controls)),
        }?;
        Ok(Feed { control, rx })
    }

    /// The next snapshot to show (lead-in frames and overviews are passed over); `None` once
    /// the source has ended (a recording played to its end).
    pub async fn next(&mut self) -> Option<Snapshot> {
        loop {
            if let Some(s) = shown(self.rx.recv().await?) {
                return Some(s);
            }
        }
    }

    /// A snapshot to show already waiting, without waiting for one.
    pub fn try_next(&mut self) -> Option<Snapshot> {
        loop {
            if let Some(s) = shown(self.rx.try_recv().ok()?) {
                return Some(s);
            }
        }
    }

    /// The next delivery; `None` once the source has ended.
    pub async fn next_delivery(&mut self) -> Option<Delivery> {
        self.rx.recv().await
    }

    /// A delivery already waiting, without waiting for one.
    pub fn try_next_delivery(&mut self) -> Option<Delivery> {
        self.rx.try_recv().ok()
    }

    pub fn pause(&self, paused: bool) {
        self.send(Control::Pause(paused));
    }

    /// A recording jumps to a time (see [`Control::Seek`]).
    pub fn seek(&self, time_ms: u64) {
        self.send(Control::Seek(time_ms));
    }

    /// A recording steps `n` frames and holds there (see [`Control::Step`]).
    pub fn step(&self, n: i64) {
        self.send(Control::Step(n));
    }

    pub fn speed(&self, speed: f64) {
        self.send(Control::Speed(speed));
    }

    /// Sends any control message (the dashboard's replay keys).
    pub fn control(&self, c: Control) {
        self.send(c);
    }

    pub fn sockets_in_background(&self, background: bool) {
        self.send(Control::SocketsInBackground(background));
    }

    pub fn processes_in_background(&self, background: bool) {
        self.send(Control::ProcessesInBackground(background));
    }

    pub fn select_process(&self, pid: Option<u32>) {
        self.send(Control::Select(pid));
    }

    fn send(&self, c: Control) {
        // The thread is gone only when the source ended; nothing is left to tell it.
        let _ = self.control.send(c);
    }
}

/// The snapshot of a delivery that is shown.
fn shown(d: Delivery) -> Option<Snapshot> {
    match d {
        Delivery::Frame(s, arrival) if !arrival.lead_in => Some(*s),
        _ => None,
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.send(Control::Stop);
        self.rx.close();
    }
}

/// The live source's thread: sample, hand over, wait for the next due time.
fn live(
    mut collector: Collector,
    interval: Duration,
    tx: &mpsc::Sender<Delivery>,
    controls: &std_mpsc::Receiver<Control>,
) {
    loop {
        let due = Instant::now() + interval;
        let snap = Box::new(collector.sample());
        if tx
            .blocking_send(Delivery::Frame(snap, Arrival::default()))
            .is_err()
        {
            return;
        }
        if !wait_live(controls, due, &mut collector) {
            return;
        }
    }
}

/// Sleeps until `due`, taking messages meanwhile; false when told to stop.
fn wait_live(controls: &std_mpsc::Receiver<Control>, due: Instant, c: &mut Collector) -> bool {
    loop {
        let left = due.saturating_duration_since(Instant::now());
        match controls.recv_timeout(left) {
            Err(std_mpsc::RecvTimeoutError::Timeout) => return true,
            Ok(Control::SocketsInBackground(b)) => {
                let foreground_now = c.tcp.background && !b;
                c.tcp.background = b;
                if foreground_now {
                    return true;
                }
            }
            Ok(Control::ProcessesInBackground(b)) => {
                if c.processes_in_background(b) {
                    return true;
                }
            }
            Ok(Control::Select(pid)) => {
                let changed = c.selected_pid != pid;
                c.selected_pid = pid;
                if changed && pid.is_some() {
                    return true;
                }
            }
            Ok(Control::Pause(_) | Control::Seek(_) | Control::Step(_) | Control::Speed(_)) => {}
            Ok(Control::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::Roots;

    fn fixture() -> Collector {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openvz-container");
        Collector::new(Roots::fixture(dir))
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_consumer_that_stops_reading_holds_the_feed_at_the_queue_size() {
        let rt = runtime();
        let mut feed = Feed::start(
            Source::Live(Box::new(fixture())),
            Duration::from_millis(100),
        )
        .unwrap();
        // Until the queue is full (a loaded machine samples slowly), then three intervals more:
        // the feed thread waits instead of piling up.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while feed.rx.len() < QUEUE && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        let mut waiting = 0;
        while feed.try_next().is_some() {
            waiting += 1;
        }
        assert!(waiting <= QUEUE + 1, "{waiting} snapshots queued");
        assert!(waiting >= QUEUE, "the queue never filled: {waiting}");
        // Reading again, the feed carries on with no sample lost between.
        let next = rt.block_on(feed.next()).unwrap();
        assert!(next.time_ms > 0);
    }

    #[test]
    fn a_selected_process_is_read_in_full_at_once_and_dropped_when_unselected() {
        let rt = runtime();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs");
        let live = Source::Live(Box::new(Collector::new(Roots::fixture(dir))));
        // An interval far longer than the test: only the selection can cause a second sample.
        let mut feed = Feed::start(live, Duration::from_secs(600)).unwrap();
        let first = rt.block_on(feed.next()).unwrap();
        assert!(first.process_detail.is_none());
        feed.select_process(Some(4243));
        let next = rt.block_on(feed.next()).unwrap();
        let detail = next.process_detail.unwrap().unwrap();
        assert_eq!((detail.pid, detail.comm.as_str()), (4243, "php-fpm"));
        feed.select_process(None);
        std::thread::sleep(Duration::from_millis(200));
        assert!(feed.try_next().is_none(), "unselecting does not sample");
    }

    #[test]
    fn processes_brought_to_the_foreground_are_sampled_at_once() {
        let rt = runtime();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs");
        let live = Source::Live(Box::new(Collector::new(Roots::fixture(dir))));
        let mut feed = Feed::start(live, Duration::from_secs(600)).unwrap();
        rt.block_on(feed.next()).unwrap();
        feed.processes_in_background(true);
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            feed.try_next().is_none(),
            "going to the background does not sample"
        );
        feed.processes_in_background(false);
        let next = rt.block_on(feed.next()).unwrap();
        assert!(next.processes.unwrap().procs.iter().any(|p| p.pid == 4242));
    }

    #[test]
    fn a_recording_plays_in_order_pauses_seeks_and_steps() {
        let rt = runtime();
        let mut c = fixture();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.hr");
        let mut first = c.sample();
        first.time_ms = 1_000;
        // The machine's free space is not what this test is about.
        let opts = crate::recording::Options {
            min_free_pct: 0.0,
            ..Default::default()
        };
        let header = crate::headless::record::header(&first, Duration::from_millis(200), &opts);
        let mut w = crate::recording::Writer::open(&path, header, opts).unwrap();
        for i in 0..5 {
            let mut s = c.sample();
            s.time_ms = 1_000 + i * 200;
            w.write(&s).unwrap();
        }
        w.finish(2_000, "done").unwrap();
        let recording = || Source::Recording {
            reader: Box::new(crate::recording::Reader::open(&path).unwrap()),
            speed: 1.0,
        };
        let mut feed = Feed::start(recording(), Duration::from_secs(1)).unwrap();
        let mut next = || rt.block_on(feed.next()).unwrap().time_ms;
        let times: Vec<u64> = (0..5).map(|_| next()).collect();
        assert_eq!(times, [1_000, 1_200, 1_400, 1_600, 1_800]);

        let mut feed = Feed::start(recording(), Duration::from_secs(1)).unwrap();
        assert_eq!(rt.block_on(feed.next()).unwrap().time_ms, 1_000);
        feed.pause(true);
        std::thread::sleep(Duration::from_millis(600));
        assert!(feed.try_next().is_none(), "a paused recording moved on");
        feed.seek(1_650);
        assert_eq!(rt.block_on(feed.next()).unwrap().time_ms, 1_600);
        feed.step(-2);
        assert_eq!(rt.block_on(feed.next()).unwrap().time_ms, 1_200);
        feed.step(1);
        assert_eq!(rt.block_on(feed.next()).unwrap().time_ms, 1_400);
        std::thread::sleep(Duration::from_millis(400));
        assert!(
            feed.try_next().is_none(),
            "a step left the playback running"
        );
        feed.speed(600.0);
        feed.pause(false);
        assert_eq!(rt.block_on(feed.next()).unwrap().time_ms, 1_600);
    }
}
