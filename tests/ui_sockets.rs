//! The Sockets pane rendered into a test terminal: ten PHP workers holding 1,000 connections to
//! memcached, 300 TIME_WAIT, nginx and php-fpm listening, then a second reading a second later.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use headroom::app::action::{Action, Spot, apply};
use headroom::app::panes::PaneId;
use headroom::app::sockets::SocketsAction;
use headroom::app::sockets::SocketsState;
use headroom::app::sockets::{Focus, GroupBy, PeerColumn};
use headroom::app::{AppEvent, AppState, handle};
use headroom::collect::{Collector, Roots};
use headroom::model::Snapshot;
use headroom::model::tcp::TcpState;
use ratatui::style::Color;

const LIMITS: PaneId = headroom::app::limits::PANE.id;
const SOCKETS: PaneId = headroom::app::sockets::PANE.id;

fn sockets(state: &AppState) -> &SocketsState {
    state.pane().unwrap()
}

const T0: u64 = 1_700_000_000_000;

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::{draw, screen};

fn sample() -> Snapshot {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/memcached-clients");
    Collector::new(Roots::fixture(root)).sample()
}

/// Two readings a second apart: 50 TIME_WAIT expired, 20 more memcached connections, and the
/// php-fpm listener's accept queue reached its backlog as netlink reports it.
fn busy_host() -> AppState {
    let mut state = AppState::new("fixture".into(), 1000);
    let mut a = sample();
    a.time_ms = T0;
    if let Ok(t) = &mut a.tcp.table {
        t.time_ms = T0;
        t.took_us = 2_400;
        if let Some(o) = &mut t.owners {
            o.time_ms = T0;
        }
    }
    let mut b = a.clone();
    b.time_ms = T0 + 1000;
    if let Ok(t) = &mut b.tcp.table {
        t.time_ms = T0 + 1000;
        t.states.0[TcpState::TimeWait.index()] -= 50;
        t.states.0[TcpState::Established.index()] += 20;
        t.peers[0].states.0[TcpState::Established.index()] += 20;
        t.peers[0].total += 20;
        for l in &mut t.listeners {
            l.backlog = Some(if l.local.port() == 9000 { 7 } else { 511 });
        }
    }
    state.ingest(a);
    state.ingest(b);
    state.now_ms = T0 + 1000;
    state.tab = SOCKETS;
    state
}

#[test]
fn sockets_80x24() {
    let t = draw(&busy_host(), 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn sockets_160x50() {
    let t = draw(&busy_host(), 160, 50);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn sockets_20x5_does_not_break() {
    let t = draw(&busy_host(), 20, 5);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn the_key_reaches_the_pane_and_rates_show() {
    let mut state = busy_host();
    state.tab = LIMITS;
    apply(&mut state, Action::Go(SOCKETS));
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("10.0.0.7:11211"), "{s}");
    assert!(s.contains("memcached"), "{s}");
    assert!(s.contains("TIME_WAIT 251 -50/s"), "{s}");
    assert!(s.contains("ESTABLISHED 1130 +20/s"), "{s}");
    assert!(s.contains("7/7 FULL"), "{s}");
}

#[test]
fn full_accept_queue_is_highlighted() {
    let t = draw(&busy_host(), 160, 50);
    let buf = t.backend().buffer();
    let (x, y) = (0..50)
        .find_map(|y| {
            let line: String = (0..160).map(|x| buf[(x, y)].symbol()).collect();
            line.find("7/7 FULL")
                .map(|i| (line[..i].chars().count() as u16, y))
        })
        .expect("the full queue is shown");
    assert_eq!(buf[(x, y)].bg, Color::Red);
}

#[test]
fn sort_group_and_focus_keys_change_the_tables() {
    let mut state = busy_host();
    assert_eq!(sockets(&state).rows[0].label, "10.0.0.7:11211");
    apply(&mut state, SocketsAction::GroupNext.into());
    assert_eq!(sockets(&state).group, GroupBy::Ip);
    assert_eq!(sockets(&state).rows[0].label, "10.0.0.7");
    apply(&mut state, SocketsAction::GroupNext.into());
    assert_eq!(sockets(&state).group, GroupBy::Port);
    assert_eq!(sockets(&state).rows[0].label, "*:11211");
    apply(&mut state, SocketsAction::GroupNext.into());
    // Sort by remote, A to Z, then reversed.
    apply(&mut state, SocketsAction::SortNext.into());
    apply(&mut state, SocketsAction::SortNext.into());
    apply(&mut state, SocketsAction::SortNext.into());
    assert_eq!(sockets(&state).sort, PeerColumn::Remote);
    assert!(!sockets(&state).descending);
    assert_eq!(sockets(&state).rows[0].label, "10.0.0.7:11211");
    apply(&mut state, SocketsAction::SortReverse.into());
    assert_eq!(sockets(&state).rows[0].label, "[2001:db8::53]:53");
    // The cursor moves in the focused table and the owners follow it.
    apply(&mut state, SocketsAction::Focus.into());
    assert_eq!(sockets(&state).focus, Focus::Listeners);
    apply(&mut state, Action::End);
    let last = state
        .snapshot
        .as_ref()
        .unwrap()
        .tcp
        .table
        .as_ref()
        .unwrap()
        .listeners
        .len()
        - 1;
    assert_eq!(sockets(&state).listener_selected(), last);
    let fpm = state
        .snapshot
        .as_ref()
        .unwrap()
        .tcp
        .table
        .as_ref()
        .unwrap()
        .listeners
        .iter()
        .position(|l| l.local.port() == 9000)
        .unwrap();
    apply(
        &mut state,
        Action::Click(Spot {
            table: Focus::Listeners as u8,
            row: Some(fpm),
        }),
    );
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("owners of 127.0.0.1:9000"), "{s}");
    assert!(s.contains("php-fpm"), "{s}");
}

#[test]
fn help_lists_the_sockets_keys() {
    let mut state = busy_host();
    apply(&mut state, Action::ToggleHelp);
    let t = draw(&state, 80, 24);
    let s = screen(&t);
    assert!(s.contains("Sockets pane"), "{s}");
    assert!(s.contains("group peers by ip:port"), "{s}");
    assert!(s.contains("fold stray ephemeral peers"), "{s}");
    insta::assert_snapshot!(t.backend());
}

fn mouse(state: &mut AppState, kind: MouseEventKind, x: u16, y: u16) {
    handle(
        state,
        AppEvent::Term(Event::Mouse(MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })),
    );
}

/// Where `needle` is drawn on a screen of `w` × `h`.
fn find(state: &AppState, w: u16, h: u16, needle: &str) -> (u16, u16) {
    let s = screen(&draw(state, w, h));
    s.lines()
        .enumerate()
        .find_map(|(y, l)| {
            l.find(needle)
                .map(|i| (l[..i].chars().count() as u16, y as u16))
        })
        .unwrap_or_else(|| panic!("{needle:?} not shown:\n{s}"))
}

#[test]
fn the_mouse_selects_rows_scrolls_and_switches_tabs() {
    let mut state = busy_host();
    handle(&mut state, AppEvent::Term(Event::Resize(120, 40)));
    let left = MouseEventKind::Down(MouseButton::Left);
    // A click on a listener focuses the listeners and selects it; the owners follow.
    let (x, y) = find(&state, 120, 40, "127.0.0.1:9000    ");
    let (lx, ly) = find(&state, 120, 40, "127.0.0.1:9000 php-fpm");
    assert!(ly > y, "the listener is below the peer of the same address");
    mouse(&mut state, left, lx, ly);
    assert_eq!(sockets(&state).focus, Focus::Listeners);
    let s = screen(&draw(&state, 120, 40));
    assert!(s.contains("owners of 127.0.0.1:9000"), "{s}");
    // A click on a peer row, then the wheel over the peers moves three rows at a time.
    mouse(&mut state, left, x, y);
    assert_eq!(sockets(&state).focus, Focus::Peers);
    assert_eq!(
        sockets(&state).rows[sockets(&state).peer_selected()].label,
        "127.0.0.1:9000"
    );
    mouse(&mut state, MouseEventKind::ScrollUp, x, y);
    assert_eq!(sockets(&state).peer_selected(), 0);
    mouse(&mut state, MouseEventKind::ScrollDown, x, y);
    assert_eq!(sockets(&state).peer_selected(), 3);
    // The header and the empty space below the rows select nothing.
    mouse(&mut state, left, x, y - 3);
    assert_eq!(sockets(&state).peer_selected(), 3);
    // A click on a tab shows its pane; with help open a click closes it.
    let (tx, ty) = find(&state, 120, 40, "1 Limits");
    mouse(&mut state, left, tx, ty);
    assert_eq!(state.tab, LIMITS);
    apply(&mut state, Action::ToggleHelp);
    mouse(&mut state, left, tx + 25, ty);
    assert!(!state.show_help);
    assert_eq!(state.tab, LIMITS, "the click only closed help");
}

#[test]
fn at_80x24_every_state_count_stays_beside_its_label() {
    let s = screen(&draw(&busy_host(), 80, 24));
    for state in TcpState::ALL {
        let name = state.name();
        let at = s
            .find(&format!("{name} "))
            .unwrap_or_else(|| panic!("{name}:\n{s}"));
        let after = s[at + name.len() + 1..].chars().next();
        assert!(after.is_some_and(|c| c.is_ascii_digit()), "{name}:\n{s}");
    }
}

#[test]
fn a_tree_without_proc_net_tcp_says_so() {
    let mut snap = sample();
    snap.tcp.table = Err(headroom::model::SourceError::Missing {
        path: "/proc/net/tcp".into(),
    });
    let mut state = AppState::new("fixture".into(), 1000);
    state.ingest(snap);
    state.tab = SOCKETS;
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("/proc/net/tcp is not present"), "{s}");
    assert!(!s.contains("out of sockets"), "{s}");
}
