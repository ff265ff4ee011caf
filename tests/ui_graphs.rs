//! The Graphs pane in the whole dashboard (title bar, tabs, footer), at the sizes people use and
//! one too small: three readings of the busy fixture a second apart; then the pane alone over two
//! hours of a synthetic backup night.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use headroom::app::action::{Action, apply};
use headroom::app::graphs::GraphsState;
use headroom::app::panes::PaneId;
use headroom::app::{AppEvent, AppState, handle};
use headroom::collect::{Collector, Roots};
use headroom::derive::Deriver;
use headroom::derive::events::EventIndex;
use headroom::derive::graphs::{GraphsView, key};
use headroom::derive::overview::Overview;
use headroom::history::{SeriesHistory, Zoom};
use headroom::model::Snapshot;
use headroom::ui::graphs::{GraphsPane, render_pane};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::{draw, screen};

const GRAPHS: PaneId = headroom::app::graphs::PANE.id;

fn graphs(state: &AppState) -> &GraphsState {
    state.pane().unwrap()
}

const T0: u64 = 1_700_000_000_000;

fn busy() -> AppState {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/graphs-busy");
    let mut collector = Collector::new(Roots::fixture(root));
    let mut state = AppState::new("fixture".into(), 1000);
    for i in 0..3 {
        let mut snap = collector.sample();
        snap.time_ms = T0 + i * 1000;
        state.ingest(snap);
    }
    apply(&mut state, Action::Go(GRAPHS));
    state
}

#[test]
fn graphs_80x24() {
    insta::assert_snapshot!(draw(&busy(), 80, 24).backend());
}

#[test]
fn graphs_160x50() {
    insta::assert_snapshot!(draw(&busy(), 160, 50).backend());
}

#[test]
fn graphs_20x5_does_not_break() {
    insta::assert_snapshot!(draw(&busy(), 20, 5).backend());
}

#[test]
fn esc_closes_help_on_the_graphs_pane_and_then_moves_the_cursor_back_to_now() {
    let mut state = busy();
    let key = |state: &mut AppState, code| {
        handle(
            state,
            AppEvent::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        );
    };
    key(&mut state, KeyCode::Left);
    assert!(graphs(&state).cursor_back_ms.is_some());
    key(&mut state, KeyCode::F(1));
    assert!(state.show_help);
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("Graphs pane") && s.contains("q/F10"), "{s}");
    key(&mut state, KeyCode::Esc);
    assert!(!state.show_help, "Esc closes help first");
    assert!(graphs(&state).cursor_back_ms.is_some(), "and only help");
    key(&mut state, KeyCode::Esc);
    assert_eq!(graphs(&state).cursor_back_ms, None);
    key(&mut state, KeyCode::F(10));
    assert!(state.quit);
}

/// 05:30:00Z on a November night.
const END_MS: u64 = 1_795_411_800_000;
/// The backup starts at 05:28:00Z.
const BACKUP_MS: u64 = END_MS - 120_000;

/// Relative to the package (tests run there), so reasons name no machine's paths.
fn fixture(name: &str) -> Roots {
    Roots::fixture(std::path::Path::new("tests/fixtures").join(name))
}

/// Two hours at one sample a second: a quiet night, then the backup two minutes before the
/// end: dirty pages ten times normal, CPUs from 800 to 3500 MHz, temperature and disk up.
fn synthetic(temps: bool) -> SeriesHistory {
    let mut h = SeriesHistory::default();
    let n = 7200u64;
    for i in 0..=n {
        let t = END_MS - (n - i) * 1000;
        let busy = t >= BACKUP_MS;
        let wave = ((i as f64) / 300.0).sin();
        let mb = |x: f64| x * 1024.0 * 1024.0;
        let dirty = if busy {
            mb(117.0 + 10.0 * wave)
        } else {
            mb(12.0 + 4.0 * wave)
        };
        let freq = if busy {
            3500.0
        } else {
            800.0 + 100.0 * wave.abs()
        };
        let mut v: Vec<(String, f64)> = vec![
            (key::DIRTY.into(), dirty),
            (key::WRITEBACK.into(), if busy { mb(40.0) } else { 0.0 }),
            (key::DIRTY_BG.into(), mb(160.0)),
            (key::DIRTY_THRESH.into(), mb(320.0)),
            (key::FREQ_MIN.into(), if busy { 3400.0 } else { 800.0 }),
            (key::FREQ_AVG.into(), freq),
            (key::FREQ_MAX.into(), if busy { 3500.0 } else { 1200.0 }),
            (key::DISKS_READ.into(), mb(0.4)),
            (
                key::DISKS_WRITE.into(),
                if busy { mb(200.0) } else { mb(1.0) },
            ),
            (key::DISKS_IOPS.into(), if busy { 600.0 } else { 20.0 }),
            ("disk.sda.util".into(), if busy { 100.0 } else { 3.0 }),
            ("disk.nvme0n1.util".into(), if busy { 25.0 } else { 1.0 }),
            (key::PSI_CPU_SOME.into(), if busy { 12.5 } else { 0.5 }),
            (key::PSI_MEM_SOME.into(), 0.0),
            (key::PSI_MEM_FULL.into(), 0.0),
            (key::PSI_IO_SOME.into(), if busy { 40.0 } else { 0.2 }),
            (key::PSI_IO_FULL.into(), if busy { 35.5 } else { 0.1 }),
            (key::LOAD1.into(), if busy { 2.1 } else { 0.4 + 0.1 * wave }),
            (key::RUNNING.into(), if busy { 3.0 } else { 1.0 }),
            (key::BLOCKED.into(), if busy { 5.0 } else { 0.0 }),
        ];
        for core in 0..4 {
            let f = if busy && core != 2 { 3500.0 } else { 800.0 };
            v.push((format!("{}{core}", key::FREQ_CORE), f));
        }
        if temps {
            v.push((
                format!("{}coretemp Package id 0", key::TEMP),
                if busy { 88.0 } else { 45.0 + 2.0 * wave },
            ));
            v.push((format!("{}nvme temp1", key::TEMP), 38.85));
        }
        h.push(t, v);
        if t == BACKUP_MS + 13_000 {
            h.mark(t, "dirty_ratio writers throttled");
        }
    }
    h.mark(END_MS - 3_000_000, "numothersock (uid 101)");
    h
}

fn snapshot_of(fixture_name: &str) -> (Snapshot, GraphsView) {
    let snap = Collector::new(fixture(fixture_name)).sample();
    let view = Deriver::default().update(&snap).graphs;
    (snap, view)
}

fn draw_pane(h: &SeriesHistory, view: &GraphsView, state: GraphsState, w: u16, hgt: u16) -> String {
    let pane = GraphsPane {
        history: h,
        overview: None,
        ahead: None,
        view,
        state: &state,
        interval_ms: 1000,
        end_ms: None,
    };
    let mut term = Terminal::new(TestBackend::new(w, hgt)).unwrap();
    term.draw(|f| render_pane(&pane, f.area(), f.buffer_mut()))
        .unwrap();
    format!("{}", term.backend())
}

#[test]
fn two_hours_of_a_backup_night_80x24() {
    let (_, view) = snapshot_of("graphs-busy");
    let text = draw_pane(&synthetic(true), &view, GraphsState::default(), 80, 24);
    assert!(text.contains("Dirty"));
    assert!(text.contains("▲"), "the failure mark is on the time axis");
    insta::assert_snapshot!(text);
}

#[test]
fn two_hours_with_a_cursor_160x50() {
    let (_, view) = snapshot_of("graphs-busy");
    let state = GraphsState {
        zoom: Zoom::Hour2,
        cursor_back_ms: Some(3_000_000),
    };
    let text = draw_pane(&synthetic(true), &view, state, 160, 50);
    // The cursor sits on the quiet night: values there, not the newest ones.
    assert!(text.contains("cursor 04:40:00Z (-50m00s)"));
    assert!(text.contains("numothersock (uid 101)"));
    insta::assert_snapshot!(text);
}

#[test]
fn a_vm_says_what_is_absent_80x24() {
    let (_, view) = snapshot_of("graphs-vm");
    let state = GraphsState {
        zoom: Zoom::Min30,
        cursor_back_ms: None,
    };
    let text = draw_pane(&synthetic(false), &view, state, 80, 24);
    assert!(text.contains("Temperatures: not available here"));
    assert!(text.contains("Pressure (PSI): not available here"));
    insta::assert_snapshot!(text);
}

#[test]
fn a_tiny_terminal_does_not_break_20x5() {
    let (_, view) = snapshot_of("graphs-busy");
    let text = draw_pane(&synthetic(true), &view, GraphsState::default(), 20, 5);
    assert!(text.contains("Graphs"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn one_minute_window_shows_the_last_minute() {
    let (_, view) = snapshot_of("graphs-busy");
    let state = GraphsState {
        zoom: Zoom::Min1,
        cursor_back_ms: Some(30_000),
    };
    let text = draw_pane(&synthetic(true), &view, state, 80, 24);
    assert!(text.contains("window 1m"), "{text}");
    assert!(text.contains("-1m"), "{text}");
    assert!(text.contains("-30s"), "{text}");
    // The backup started two minutes before the end: the whole minute is busy.
    assert!(text.contains("PSI cpu 12%"), "{text}");
}

#[test]
fn paused_the_window_holds_still() {
    let (_, view) = snapshot_of("graphs-busy");
    let h = synthetic(true);
    let state = GraphsState::default();
    let pane = GraphsPane {
        history: &h,
        overview: None,
        ahead: None,
        view: &view,
        state: &state,
        interval_ms: 1000,
        end_ms: Some(END_MS - 600_000),
    };
    let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
    render_pane(&pane, buf.area, &mut buf);
    let top: String = (0..80).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    assert!(top.contains("now 05:20:00Z"), "{top}");
    let dirty: String = (0..80).map(|x| buf[(x, 1)].symbol().to_string()).collect();
    // Ten minutes before the end the night was quiet: 12 MiB give or take the wave.
    assert!(dirty.starts_with("Dirty 1"), "{dirty}");
    assert!(!dirty.contains("wb 40M"), "{dirty}");
}

#[test]
fn before_any_sample_it_says_so() {
    let (_, view) = snapshot_of("graphs-vm");
    let text = draw_pane(
        &SeriesHistory::default(),
        &view,
        GraphsState::default(),
        80,
        24,
    );
    assert!(text.contains("Reading the first sample"));
}

/// A night from 22:00 at a sample every 10 s, read ahead: quiet until the backup at 05:28, busy
/// to 07:30; and the five minutes played up to 05:30 at one a second.
fn replayed_night() -> (Overview, SeriesHistory) {
    let first_ms = END_MS - 7 * 3_600_000 - 1_800_000;
    let last_ms = END_MS + 2 * 3_600_000;
    let dirty = |t: u64| if t >= BACKUP_MS { 300.0e6 } else { 20.0e6 };
    let mut far = SeriesHistory::default();
    for t in (first_ms..=last_ms).step_by(10_000) {
        far.push(t, [(key::DIRTY, dirty(t)), (key::LOAD1, 0.5)]);
    }
    far.mark(BACKUP_MS + 13_000, "numothersock (uid 101)");
    let mut near = SeriesHistory::default();
    for t in (END_MS - 300_000..=END_MS).step_by(1_000) {
        near.push(t, [(key::DIRTY, dirty(t)), (key::LOAD1, 0.5)]);
    }
    let overview = Overview {
        series: far,
        events: EventIndex::default(),
        first_ms,
        last_ms,
        frames: 3_000,
    };
    (overview, near)
}

fn draw_replay(overview: Option<&Overview>, near: &SeriesHistory, ahead: Option<f32>) -> String {
    let (_, view) = snapshot_of("graphs-busy");
    let state = GraphsState {
        zoom: Zoom::Whole,
        cursor_back_ms: None,
    };
    let pane = GraphsPane {
        history: near,
        overview,
        ahead,
        view: &view,
        state: &state,
        interval_ms: 1000,
        end_ms: Some(END_MS),
    };
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| render_pane(&pane, f.area(), f.buffer_mut()))
        .unwrap();
    format!("{}", term.backend())
}

#[test]
fn a_replay_spans_the_whole_night_with_the_cursor_at_the_replayed_time_80x24() {
    let (overview, near) = replayed_night();
    let text = draw_replay(Some(&overview), &near, None);
    assert!(text.contains("window all  now 05:30:00Z"), "{text}");
    // The axis runs from the start of the recording to its end; the cursor is at 05:30.
    assert!(text.contains("22:00") && text.contains("07:30"), "{text}");
    assert!(text.contains('┃'), "{text}");
    assert!(text.contains("numothersock (uid 101)"), "{text}");
    // The backup's dirty pages are read at the cursor.
    assert!(text.contains("Dirty 286.1MiB"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn while_the_recording_is_read_ahead_the_header_says_how_far() {
    let (_, near) = replayed_night();
    let text = draw_replay(None, &near, Some(0.42));
    assert!(text.contains("reading the whole recording: 42%"), "{text}");
    // Meanwhile the window holds what has been played.
    assert!(text.contains("window all  now 05:30:00Z"), "{text}");
    let (overview, near) = replayed_night();
    let text = draw_replay(Some(&overview), &near, Some(1.0));
    assert!(!text.contains("reading the whole"), "{text}");
}
