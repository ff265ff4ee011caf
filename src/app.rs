//! The interactive dashboard: a tokio event loop over keys, snapshots, ticks and signals. It
//! renders and handles keys; the feed's thread does all reading, the terminal's writer thread
//! all writing.

pub mod action;
pub mod event_log;
pub mod events;
pub mod graphs;
pub mod inodes;
pub mod keymap;
pub mod limits;
pub mod panes;
pub mod procs;
pub mod recorder;
pub mod replay;
pub mod selection;
pub mod sockets;
pub mod state;

use std::time::Duration;

use crossterm::event::{
    Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use tokio::sync::mpsc;

use crate::feed::signals::{self, JobControl, Signal, Signals};
use crate::feed::{Delivery, Feed, Source};
use crate::scan::ScanEvent;
use crate::term::TerminalGuard;
pub use state::AppState;

/// Everything the loop reacts to.
#[derive(Debug)]
pub enum AppEvent {
    Term(Event),
    /// A snapshot from the feed, or what a replay read ahead of play.
    Feed(Delivery),
    /// Progress or the outcome of a directory scan.
    Scan(ScanEvent),
    Tick,
    /// SIGHUP, SIGTERM, SIGINT: leave cleanly.
    Signal(&'static str),
    /// The terminal's input ended (the session is gone).
    InputClosed,
}

/// Starts the dashboard on a feed of snapshots from `source`; `title` says where they come from.
/// Live, `record` names a file to record to from the start (`--record`).
pub fn run(
    source: Source,
    title: String,
    interval: Duration,
    record: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    if crate::feed::spare_fds().is_some_and(|n| n < FDS_NEEDED) {
        return Err(short_of_fds(&rustix::io::Errno::MFILE.into()));
    }
    // crossterm's reader is made once, on first use, and panics later if it could not be: ask
    // for it first, while a missing file descriptor can still be said in one line.
    crossterm::event::poll(Duration::ZERO).map_err(|e| short_of_fds(&e))?;
    let rt = crate::feed::runtime().map_err(|e| short_of_fds(&e))?;
    let live = matches!(source, Source::Live(_));
    let replay = match &source {
        Source::Recording { reader, speed } => Some(replay::ReplayState::new(
            reader.path().file_name().map_or_else(
                || reader.path().display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            *speed,
        )),
        Source::Live(_) => None,
    };
    rt.block_on(async {
        let mut feed = Feed::start(source, interval).map_err(|e| short_of_fds(&e))?;
        let mut signals = Signals::listen(JobControl::Handle).map_err(|e| short_of_fds(&e))?;
        let mut state = AppState::new(title, interval.as_millis() as u64);
        state.live = live;
        if replay.is_some()
            && let Some(g) = state.pane_mut::<graphs::GraphsState>()
        {
            // The whole recording at once, the cursor at the replayed time.
            g.zoom = crate::history::Zoom::Whole;
        }
        state.replay = replay;
        state.recorder = recorder::RecorderState::new(record.filter(|_| live), interval);
        let mut guard = TerminalGuard::new()?;
        let ended = event_loop(&mut guard, &mut state, &mut feed, &mut signals).await;
        state
            .recorder
            .stop(crate::collect::now_ms(), "the dashboard ended");
        ended
    })
}

/// File descriptors the dashboard needs besides stdin, stdout and stderr: the key reader's
/// poller, waker and resize pipe (4), the signal pipe (2), the runtime's waker, a netlink
/// socket, and a file or two being read. With fewer than all, sources it cannot open are shown
/// as errors; below this it would not start.
const FDS_NEEDED: u64 = 8;

/// An error starting the dashboard, said in terms of the fd limit when that is the cause.
fn short_of_fds(e: &std::io::Error) -> anyhow::Error {
    let emfile = e.raw_os_error() == Some(rustix::io::Errno::MFILE.raw_os_error())
        || e.to_string().contains("input reader");
    if !emfile {
        return anyhow::anyhow!("cannot start the dashboard: {e}");
    }
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .map_or_else(|| "unlimited".to_string(), |n| n.to_string());
    anyhow::anyhow!(
        "the dashboard needs {} open files and `ulimit -n` allows {limit}; raise it, or run `headroom snapshot`",
        FDS_NEEDED + 3
    )
}

/// What the loop waits for, before it becomes an [`AppEvent`].
enum Input {
    Event(AppEvent),
    Suspend,
    Resume,
    /// A recording played to its end; the last snapshot stays on screen.
    FeedEnded,
}

async fn event_loop(
    guard: &mut TerminalGuard,
    state: &mut AppState,
    feed: &mut Feed,
    signals: &mut Signals,
) -> anyhow::Result<()> {
    let (scan_tx, mut scan_rx) = mpsc::unbounded_channel::<ScanEvent>();
    let mut keys = term_events()?;
    // Keys, resizes, scans and snapshots redraw; a tick only when the data has gone stale, so
    // it waits until the data could be stale, then comes every second until data comes again.
    let stale_after = Duration::from_millis(2 * state.interval_ms + 1000);
    let tick = tokio::time::sleep(stale_after);
    tokio::pin!(tick);
    let mut redraw = true;
    let mut shown = None;
    let mut paused = false;
    let mut wanted = None;
    let mut procs_background = None;
    let mut feed_open = true;
    loop {
        if shown != Some(state.tab) {
            shown = Some(state.tab);
            feed.sockets_in_background(state.sockets_in_background());
        }
        if procs_background != Some(state.processes_in_background()) {
            procs_background = Some(state.processes_in_background());
            feed.processes_in_background(state.processes_in_background());
        }
        if wanted != state.wanted_process() {
            wanted = state.wanted_process();
            feed.select_process(wanted);
        }
        if paused != state.paused {
            paused = state.paused;
            feed.pause(paused);
        }
        if let Some(r) = state.replay.as_mut() {
            for c in r.requests.drain(..) {
                feed.control(c);
            }
        }
        if redraw {
            guard.draw(state)?;
        }
        crash_test_hook();
        let input = tokio::select! {
            ev = keys.recv() => match ev {
                Some(Ok(ev)) if is_suspend_key(&ev) => Input::Suspend,
                Some(Ok(ev)) => Input::Event(AppEvent::Term(ev)),
                Some(Err(_)) | None => Input::Event(AppEvent::InputClosed),
            },
            d = feed.next_delivery(), if feed_open => match d {
                Some(d) => Input::Event(AppEvent::Feed(d)),
                None => Input::FeedEnded,
            },
            Some(ev) = scan_rx.recv() => Input::Event(AppEvent::Scan(ev)),
            () = &mut tick => Input::Event(AppEvent::Tick),
            sig = signals.recv() => match sig {
                Signal::Stop(name) => Input::Event(AppEvent::Signal(name)),
                Signal::Suspend => Input::Suspend,
                Signal::Resume => Input::Resume,
            },
        };
        redraw = true;
        match input {
            Input::Event(event) => {
                if let AppEvent::Term(Event::Resize(w, h)) = event {
                    guard.resized(w, h);
                }
                let ticked = matches!(event, AppEvent::Tick);
                let next_tick = match event {
                    AppEvent::Tick => Some(Duration::from_secs(1)),
                    AppEvent::Feed(_) => Some(stale_after),
                    _ => None,
                };
                if let Some(after) = next_tick {
                    tick.as_mut().reset(tokio::time::Instant::now() + after);
                }
                handle(state, event);
                // On a tick only the "data Ns old" warning can change.
                redraw = !ticked || state.is_stale();
            }
            Input::Suspend => {
                guard.suspend();
                // Returns once the process is continued (`fg`).
                let _ = signals::stop_self();
                guard.resume();
            }
            Input::Resume => guard.resume(),
            Input::FeedEnded => feed_open = false,
        }
        start_pending_scan(state, &scan_tx);
        // Keep up with a burst (a jump's lead-in): take every queued snapshot, draw once.
        while let Some(d) = feed.try_next_delivery() {
            state.take(d);
        }
        if state.quit {
            return Ok(());
        }
    }
}

/// Terminal events, read by a thread of their own that blocks in crossterm's `read`. (Polling
/// crossterm's event stream from the loop tries its reader's lock, spinning and yielding, at
/// every wakeup of the loop.) The thread ends when the terminal fails or the loop is gone.
fn term_events() -> std::io::Result<mpsc::UnboundedReceiver<std::io::Result<Event>>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            loop {
                let ev = crossterm::event::read();
                let failed = ev.is_err();
                if tx.send(ev).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(rx)
}

/// Ctrl-Z: in raw mode the terminal sends it as a key, not as SIGTSTP.
fn is_suspend_key(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if k.kind != KeyEventKind::Release
        && k.code == KeyCode::Char('z')
        && k.modifiers.contains(KeyModifiers::CONTROL))
}

/// Starts the scan the Inodes pane asked for, in its own thread; its progress and outcome come
/// back as events on `tx`.
pub fn start_pending_scan(state: &mut AppState, tx: &mpsc::UnboundedSender<ScanEvent>) {
    let Some(inodes) = state.pane_mut::<inodes::InodesState>() else {
        return;
    };
    let Some(options) = inodes.take_pending() else {
        return;
    };
    let root = options.root.clone();
    let tx = tx.clone();
    match crate::scan::spawn(options, move |ev| {
        // The loop is gone when the app quits; nothing waits for the scan then.
        let _ = tx.send(ev);
    }) {
        Ok(handle) => inodes.started(handle),
        Err(e) => inodes.start_failed(root, e.to_string()),
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
            if let Some(r) = state.replay.as_mut().filter(|r| r.prompt.is_some()) {
                let now = state.snapshot.as_ref().map(|s| s.time_ms);
                r.typing(key.code, now);
                return;
            }
            if !state.show_help && state.typing(key) {
                return;
            }
            // Replaying, the time cursor's keys come first: ←/→, g and +/- are its own there.
            if state.replay.is_some()
                && !state.show_help
                && let Some(a) = keymap::replay_action(key)
            {
                action::apply(state, a);
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
        AppEvent::Scan(ev) => {
            if let Some(inodes) = state.pane_mut::<inodes::InodesState>() {
                inodes.on_scan_event(ev);
            }
        }
        AppEvent::Tick if state.live => state.now_ms = crate::collect::now_ms(),
        AppEvent::Tick => {}
        AppEvent::Term(_) => {}
        AppEvent::Feed(d) => state.take(d),
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
