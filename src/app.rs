//! The interactive dashboard: a tokio event loop over keys, snapshots, ticks and signals. It
//! renders and handles keys; the collector thread does all reading.

pub mod action;
pub mod graphs;
pub mod inodes;
pub mod keymap;
pub mod limits;
pub mod panes;
pub mod selection;
pub mod sockets;
pub mod state;

use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::collect::Collector;
use crate::model::Snapshot;
use crate::scan::ScanEvent;
use crate::term::TerminalGuard;
pub use state::AppState;

/// Everything the loop reacts to.
#[derive(Debug)]
pub enum AppEvent {
    Term(Event),
    Snapshot(Box<Snapshot>),
    /// Progress or the outcome of a directory scan.
    Scan(ScanEvent),
    Tick,
    /// SIGHUP, SIGTERM, SIGINT: leave cleanly.
    Signal(&'static str),
    /// The terminal's input ended (the session is gone).
    InputClosed,
}

/// What the app tells the thread that feeds it snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Stop,
    /// Whether per-socket data is only in the background (the Sockets pane is not shown), so
    /// the full socket dump may run less often.
    SocketsInBackground(bool),
}

/// Talks to the collector (or replay) thread, and stops it when dropped.
pub struct CollectorHandle {
    control: std_mpsc::Sender<Control>,
    thread: Option<thread::JoinHandle<()>>,
}

impl CollectorHandle {
    pub fn new(control: std_mpsc::Sender<Control>, thread: thread::JoinHandle<()>) -> Self {
        Self {
            control,
            thread: Some(thread),
        }
    }

    pub fn sockets_in_background(&self, background: bool) {
        let _ = self.control.send(Control::SocketsInBackground(background));
    }
}

impl Drop for CollectorHandle {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the named collector thread: one snapshot now, then one every `interval`.
pub fn spawn_collector(
    mut collector: Collector,
    interval: Duration,
    tx: mpsc::UnboundedSender<Snapshot>,
) -> std::io::Result<CollectorHandle> {
    let (control, controls) = std_mpsc::channel::<Control>();
    let thread = thread::Builder::new()
        .name("collector".into())
        .spawn(move || {
            loop {
                if tx.send(collector.sample()).is_err() {
                    return;
                }
                if !wait(&controls, interval, &mut collector) {
                    return;
                }
            }
        })?;
    Ok(CollectorHandle::new(control, thread))
}

/// Sleeps until the next sample, taking the app's messages meanwhile; false when told to stop.
/// Bringing the sockets to the foreground samples at once, so the pane fills without waiting.
fn wait(controls: &std_mpsc::Receiver<Control>, interval: Duration, c: &mut Collector) -> bool {
    let due = std::time::Instant::now() + interval;
    loop {
        let left = due.saturating_duration_since(std::time::Instant::now());
        match controls.recv_timeout(left) {
            Err(std_mpsc::RecvTimeoutError::Timeout) => return true,
            Ok(Control::SocketsInBackground(b)) => {
                let foreground_now = c.tcp.background && !b;
                c.tcp.background = b;
                if foreground_now {
                    return true;
                }
            }
            Ok(Control::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// Where the dashboard's snapshots come from.
pub enum Feed {
    Live(Box<Collector>),
    /// A recording, and how many times faster than recorded to play it.
    Replay {
        name: String,
        snapshots: Vec<Snapshot>,
        speed: f64,
    },
}

pub fn run(feed: Feed, interval: Duration) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (tx, rx) = mpsc::unbounded_channel();
    let live = matches!(feed, Feed::Live(_));
    let (source, feeder) = match feed {
        Feed::Live(collector) => (
            collector.roots().proc.display().to_string(),
            spawn_collector(*collector, interval, tx)?,
        ),
        Feed::Replay {
            name,
            snapshots,
            speed,
        } => (
            format!("replay {name}"),
            crate::headless::replay::spawn(snapshots, speed, tx)?,
        ),
    };
    let mut state = AppState::new(source, interval.as_millis() as u64);
    state.live = live;
    let mut guard = TerminalGuard::new()?;
    rt.block_on(event_loop(&mut guard, &mut state, rx, &feeder))
}

async fn event_loop(
    guard: &mut TerminalGuard,
    state: &mut AppState,
    mut rx: mpsc::UnboundedReceiver<Snapshot>,
    feeder: &CollectorHandle,
) -> anyhow::Result<()> {
    let (scan_tx, mut scan_rx) = mpsc::unbounded_channel::<ScanEvent>();
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut hup = signal(SignalKind::hangup())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    // Keys, resizes, scans and snapshots redraw; a tick only when the data has gone stale.
    let mut redraw = true;
    let mut shown = None;
    loop {
        if shown != Some(state.tab) {
            shown = Some(state.tab);
            feeder.sockets_in_background(state.sockets_in_background());
        }
        if redraw {
            guard.draw(state)?;
        }
        crash_test_hook();
        let event = tokio::select! {
            ev = keys.next() => match ev {
                Some(Ok(ev)) => AppEvent::Term(ev),
                Some(Err(_)) | None => AppEvent::InputClosed,
            },
            Some(snap) = rx.recv() => AppEvent::Snapshot(Box::new(snap)),
            Some(ev) = scan_rx.recv() => AppEvent::Scan(ev),
            _ = tick.tick() => AppEvent::Tick,
            _ = hup.recv() => AppEvent::Signal("SIGHUP"),
            _ = term.recv() => AppEvent::Signal("SIGTERM"),
            _ = int.recv() => AppEvent::Signal("SIGINT"),
        };
        let tick = matches!(event, AppEvent::Tick);
        handle(state, event);
        // On a tick only the "data Ns old" warning can change.
        redraw = !tick || state.is_stale();
        start_pending_scan(state, &scan_tx);
        // Keep up with a burst: take every queued snapshot, draw once.
        while let Ok(snap) = rx.try_recv() {
            state.ingest(snap);
        }
        if state.quit {
            return Ok(());
        }
    }
}

/// Starts the scan the Inodes pane asked for, in its own thread; its progress and outcome come
/// back as events on `tx`.
pub fn start_pending_scan(state: &mut AppState, tx: &mpsc::UnboundedSender<ScanEvent>) {
    let Some(options) = state.inodes.take_pending() else {
        return;
    };
    let root = options.root.clone();
    let tx = tx.clone();
    match crate::scan::spawn(options, move |ev| {
        // The loop is gone when the app quits; nothing waits for the scan then.
        let _ = tx.send(ev);
    }) {
        Ok(handle) => state.inodes.started(handle),
        Err(e) => state.inodes.start_failed(root, e.to_string()),
    }
}

/// Debug builds only: lets the end-to-end tests check that a panic restores the terminal.
fn crash_test_hook() {
    #[cfg(debug_assertions)]
    if std::env::var_os("HEADROOM_TEST_PANIC").is_some() {
        #[allow(clippy::panic)]
        {
            panic!("HEADROOM_TEST_PANIC is set");
        }
    }
}

/// Applies one event to the state.
pub fn handle(state: &mut AppState, event: AppEvent) {
    match event {
        AppEvent::Term(Event::Key(key)) => {
            if key.kind == KeyEventKind::Release {
                return;
            }
            if !state.show_help && (state.pane().typing)(state, key) {
                return;
            }
            if let Some(a) = keymap::action_in(key, state.tab, state.show_help) {
                action::apply(state, a);
            }
        }
        AppEvent::Term(Event::Mouse(m)) => mouse(state, m),
        AppEvent::Term(Event::Resize(w, h)) => {
            state.screen = Some(ratatui::layout::Rect::new(0, 0, w, h));
        }
        AppEvent::Scan(ev) => state.inodes.on_scan_event(ev),
        AppEvent::Tick if state.live => state.now_ms = crate::collect::now_ms(),
        AppEvent::Tick => {}
        AppEvent::Term(_) => {}
        AppEvent::Snapshot(snap) => state.ingest(*snap),
        AppEvent::Signal(_) | AppEvent::InputClosed => state.quit = true,
    }
}

/// A click on a tab shows its pane, a click on a row selects it, the wheel moves the selection
/// of the table under it; with help open, a click closes it.
fn mouse(state: &mut AppState, m: MouseEvent) {
    let screen = state.screen.or_else(|| {
        let (w, h) = crossterm::terminal::size().ok()?;
        Some(ratatui::layout::Rect::new(0, 0, w, h))
    });
    let Some(screen) = screen else { return };
    let at = ratatui::layout::Position::new(m.column, m.row);
    let down = match m.kind {
        MouseEventKind::Down(MouseButton::Left) => None,
        MouseEventKind::ScrollDown => Some(true),
        MouseEventKind::ScrollUp => Some(false),
        _ => return,
    };
    if state.show_help {
        if down.is_none() {
            action::apply(state, action::Action::Back);
        }
        return;
    }
    let action = match (down, crate::ui::point(state, screen, at)) {
        (None, crate::ui::Pointed::Tab(tab)) => action::Action::Go(tab),
        (None, crate::ui::Pointed::Pane(spot)) => action::Action::Click(spot),
        (Some(down), crate::ui::Pointed::Pane(spot)) => action::Action::Wheel {
            table: spot.table,
            down,
        },
        _ => return,
    };
    action::apply(state, action);
}
