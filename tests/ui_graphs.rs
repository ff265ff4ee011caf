//! The Graphs pane in the whole dashboard (title bar, tabs, footer), at the sizes people use and
//! one too small: three readings of the busy fixture a second apart.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use headroom::app::action::{Action, apply};
use headroom::app::graphs::GraphsState;
use headroom::app::panes::PaneId;
use headroom::app::{AppEvent, AppState, handle};
use headroom::collect::{Collector, Roots};

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
