//! The Limits pane rendered into a test terminal, at the sizes people use (and one too small).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use headroom::app::AppState;
use headroom::app::action::{Action, apply};
use headroom::app::limits::{LimitsAction, LimitsState};
use headroom::collect::{Collector, Roots};
use headroom::limits::Unit;
use ratatui::style::Color;

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::draw;

fn limits(state: &AppState) -> &LimitsState {
    state.pane().unwrap()
}

fn ingest(state: &mut AppState, fixture: &str, time_ms: u64) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let mut snap = Collector::new(Roots::fixture(root)).sample();
    snap.time_ms = time_ms;
    state.ingest(snap);
}

/// The container after numothersock was refused 17 more times in a minute.
fn failing_container() -> AppState {
    let mut state = AppState::new("fixture".into(), 1000);
    ingest(&mut state, "openvz-container", 1_700_000_000_000);
    ingest(&mut state, "openvz-container-later", 1_700_000_060_000);
    state
}

#[test]
fn limits_80x24() {
    let t = draw(&failing_container(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn limits_160x50() {
    let t = draw(&failing_container(), 160, 50);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn limits_20x5_does_not_break() {
    let t = draw(&failing_container(), 20, 5);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn failing_row_is_red_and_its_delta_highlighted() {
    let t = draw(&failing_container(), 80, 24);
    let buf = t.backend().buffer();
    let line = (0..24)
        .find(|y| {
            let text: String = (0..80).map(|x| buf[(x, *y)].symbol()).collect();
            text.starts_with("numothersock")
        })
        .expect("numothersock row");
    // The row is selected (reversed) and red; the delta cell is white on red.
    assert_eq!(buf[(0, line)].fg, Color::Red);
    let text: Vec<&str> = (0..80).map(|x| buf[(x, line)].symbol()).collect();
    let delta_x = (0..77)
        .find(|x| text[*x..*x + 3].concat() == "+17")
        .expect("+17 cell") as u16;
    assert_eq!(buf[(delta_x, line)].bg, Color::Red);
}

#[test]
fn cgroup2_container_and_help_overlay() {
    let mut state = AppState::new("fixture".into(), 1000);
    ingest(&mut state, "cgroup2-container", 1_700_000_000_000);
    apply(&mut state, Action::Down);
    apply(&mut state, Action::ToggleHelp);
    let t = draw(&state, 80, 24);
    insta::assert_snapshot!(t.backend());
    apply(&mut state, Action::Back);
    assert!(!state.show_help);
    assert_eq!(limits(&state).selected(), 1);
    apply(&mut state, Action::End);
    assert_eq!(limits(&state).selected(), state.derived.limits.len() - 1);
    apply(&mut state, Action::PageDown);
    assert_eq!(limits(&state).selected(), state.derived.limits.len() - 1);
}

#[test]
fn lagging_data_says_how_old_it_is() {
    let mut state = failing_container();
    state.now_ms = 1_700_000_060_000 + 9_000;
    let t = draw(&state, 80, 24);
    let top: String = (0..80)
        .map(|x| t.backend().buffer()[(x, 0)].symbol())
        .collect();
    assert!(top.contains("data 9s old"), "{top}");
    state.now_ms = 1_700_000_060_000 + 500;
    let t = draw(&state, 80, 24);
    let top: String = (0..80)
        .map(|x| t.backend().buffer()[(x, 0)].symbol())
        .collect();
    assert!(!top.contains("old"), "{top}");
}

#[test]
fn the_selection_stays_on_its_limit_when_the_rows_re_sort() {
    let mut state = failing_container();
    apply(&mut state, Action::Down);
    apply(&mut state, Action::Down);
    let id = state.derived.limits[2].limit.id.clone();
    assert_eq!(limits(&state).selected_id(), Some(id.as_str()));
    // Another order, as a burst of failures elsewhere would give: the highlight stays on it.
    state.derived.limits.reverse();
    state.refresh_panes();
    let row = limits(&state).selected();
    assert_eq!(state.derived.limits[row].limit.id, id);
    assert_eq!(row, state.derived.limits.len() - 3);
    let s = term_screen::screen(&draw(&state, 100, 40));
    let name = &state.derived.limits[row].limit.name;
    assert!(s.contains(&format!("{name}: ")), "the details follow:\n{s}");
}

#[test]
fn long_names_and_signed_trends_are_not_cut_at_120_columns() {
    let mut state = failing_container();
    let v = &mut state.derived.limits[1];
    v.limit.name = "fds memcached[10762]".into();
    v.limit.unit = Unit::Bytes;
    v.trend_per_min = Some(108.8 * 1024.0 * 1024.0);
    let s = term_screen::screen(&draw(&state, 120, 30));
    assert!(s.contains("fds memcached[10762] "), "{s}");
    assert!(s.contains(" +108.8MiB/m "), "{s}");
}

/// `w`, then the keys of `text`, as a person types them.
fn ask(state: &mut AppState, text: &str, enter: bool) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    apply(state, LimitsAction::Why.key());
    for c in text.chars() {
        assert!(state.typing(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    }
    if enter {
        assert!(state.typing(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    }
}

#[test]
fn why_cannot_allocate_memory_80x24() {
    let mut state = failing_container();
    ask(&mut state, "Cannot allocate memory", true);
    let t = draw(&state, 80, 24);
    insta::assert_snapshot!(t.backend());
    // The rows are the limits behind the message, the one failing now first and selected.
    let shown: Vec<String> = limits(&state)
        .rows(&state.derived.limits)
        .iter()
        .map(|v| v.limit.id.clone())
        .collect();
    assert_eq!(shown[0], "ubc.101.numothersock", "{shown:?}");
    assert!(
        shown.iter().all(|id| id.starts_with("ubc.101.")),
        "{shown:?}"
    );
    assert_eq!(limits(&state).selected_id(), Some("ubc.101.numothersock"));
}

#[test]
fn why_cannot_allocate_memory_160x50() {
    let mut state = failing_container();
    ask(&mut state, "Cannot allocate memory", true);
    let t = draw(&state, 160, 50);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn why_prompt_offers_the_known_messages() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut state = failing_container();
    ask(&mut state, "too many", false);
    let s = term_screen::screen(&draw(&state, 120, 30));
    assert!(s.contains("why: too many█"), "{s}");
    assert!(
        s.contains(
            "Tab: Too many open files in system (ENFILE) · Too many open files (EMFILE) · \
             too many orphaned sockets"
        ),
        "{s}"
    );
    for c in " open".chars() {
        state.typing(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    state.typing(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    let s = term_screen::screen(&draw(&state, 120, 30));
    assert!(s.contains("why: Too many open files█"), "{s}");
    state.typing(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let s = term_screen::screen(&draw(&state, 100, 30));
    assert!(
        s.contains("why \"Too many open files\" (EMFILE): 1 limit here, closest first"),
        "{s}"
    );
    assert!(s.contains("numfile (uid 101)"), "{s}");
    assert!(s.contains("not seen here: proc.nofile:*"), "{s}");
    // Esc clears: every row again, the selection where it was.
    apply(&mut state, Action::Back);
    assert_eq!(
        limits(&state).rows(&state.derived.limits).len(),
        state.derived.limits.len()
    );
    let s = term_screen::screen(&draw(&state, 100, 30));
    assert!(!s.contains("why \""), "{s}");
    assert!(s.contains("numothersock (uid 101) is at its limit"), "{s}");
}

#[test]
fn why_unknown_text_lists_the_known_messages() {
    let mut state = failing_container();
    ask(&mut state, "the printer is on fire", true);
    let s = term_screen::screen(&draw(&state, 100, 30));
    assert!(
        s.contains("\"the printer is on fire\" is not a message headroom knows"),
        "{s}"
    );
    assert!(
        s.contains("Cannot allocate memory (ENOMEM) · Too many open files"),
        "{s}"
    );
    assert!(s.contains("neighbor table overflow"), "{s}");
}

#[test]
fn the_header_says_when_the_recorder_waits_for_disk_space() {
    let mut state = failing_container();
    state.recorder.path = Some(PathBuf::from("night.hr"));
    state.recorder.on = true;
    state.recorder.frames = 42;
    let s = term_screen::screen(&draw(&state, 160, 10));
    assert!(s.contains("● REC night.hr (42)"), "{s}");
    state.recorder.paused = true;
    let s = term_screen::screen(&draw(&state, 160, 10));
    assert!(
        s.contains("● REC paused, disk under 5% free: night.hr (42)"),
        "{s}"
    );
}
