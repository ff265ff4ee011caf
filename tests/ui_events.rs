//! The Events pane rendered into a test terminal: kernel messages about limits (from a capture
//! in the kmsg format), a failure counter that rose, and Enter taking the user to the limit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use headroom::app::action::{Action, apply};
use headroom::app::limits::LimitsState;
use headroom::app::panes::PaneId;
use headroom::app::{AppEvent, AppState, handle};
use headroom::collect::{Collector, Roots};

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::{draw, screen};

const LIMITS: PaneId = headroom::app::limits::PANE.id;
const EVENTS: PaneId = headroom::app::events::PANE.id;

fn limits(state: &AppState) -> &LimitsState {
    state.pane().unwrap()
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn ingest(state: &mut AppState, c: &mut Collector, time_ms: u64) {
    let mut snap = c.sample();
    snap.time_ms = time_ms;
    state.ingest(snap);
}

/// The container refusing sockets, with the kernel complaining about TCP memory meanwhile.
fn night() -> AppState {
    let mut state = AppState::new("fixture".into(), 1000);
    let kmsg = fixtures().join("kmsg/limits.kmsg");
    let mut first =
        Collector::new(Roots::fixture(fixtures().join("openvz-container"))).with_kmsg(&kmsg);
    ingest(&mut state, &mut first, 1_700_000_000_000);
    let mut later =
        Collector::new(Roots::fixture(fixtures().join("openvz-container-later"))).with_kmsg(&kmsg);
    ingest(&mut state, &mut later, 1_700_000_060_000);
    apply(&mut state, Action::Go(EVENTS));
    state
}

#[test]
fn events_80x24() {
    let state = night();
    let t = draw(&state, 80, 24);
    let s = screen(&t);
    assert!(s.contains("TCP: out of memory"), "{s}");
    assert!(s.contains("17 new f"), "{s}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn events_160x50() {
    let t = draw(&night(), 160, 50);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn events_20x5_does_not_break() {
    let t = draw(&night(), 20, 5);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn events_are_in_time_order_and_enter_shows_the_limit() {
    let mut state = night();
    let times: Vec<u64> = state.events.log().iter().map(|e| e.time_ms).collect();
    assert!(times.len() >= 3, "{times:?}");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    // The failure counter's event names numothersock; select it and press Enter.
    let i = state
        .events
        .log()
        .iter()
        .position(|e| e.text.contains("new failures"))
        .unwrap();
    let id = state.events.log()[i].limit.clone().unwrap();
    for _ in 0..i {
        apply(&mut state, Action::Down);
    }
    let key = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    handle(&mut state, AppEvent::Term(Event::Key(key)));
    assert_eq!(state.tab, LIMITS);
    assert_eq!(limits(&state).selected_id(), Some(id.as_str()));
}

#[test]
fn an_empty_log_says_what_it_will_show() {
    let mut state = AppState::new("fixture".into(), 1000);
    apply(&mut state, Action::Go(EVENTS));
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("No events yet"), "{s}");
}
