//! The Sockets pane rendered into a test terminal: ten PHP workers holding 1,000 connections to
//! memcached, 300 TIME_WAIT, nginx and php-fpm listening, then a second reading a second later.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use headroom::app::AppState;
use headroom::app::action::{Action, SocketsAction, apply};
use headroom::app::sockets::{Focus, GroupBy, PeerColumn};
use headroom::app::state::Tab;
use headroom::collect::{Collector, Roots};
use headroom::model::Snapshot;
use headroom::model::tcp::TcpState;
use ratatui::style::Color;

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
    state.tab = Tab::Sockets;
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
    state.tab = Tab::Limits;
    apply(&mut state, Action::Go(Tab::Sockets));
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
    assert_eq!(state.sockets.rows[0].label, "10.0.0.7:11211");
    apply(&mut state, Action::Sockets(SocketsAction::GroupNext));
    assert_eq!(state.sockets.group, GroupBy::Ip);
    assert_eq!(state.sockets.rows[0].label, "10.0.0.7");
    apply(&mut state, Action::Sockets(SocketsAction::GroupNext));
    assert_eq!(state.sockets.group, GroupBy::Port);
    assert_eq!(state.sockets.rows[0].label, "*:11211");
    apply(&mut state, Action::Sockets(SocketsAction::GroupNext));
    // Sort by remote, A to Z, then reversed.
    apply(&mut state, Action::Sockets(SocketsAction::SortNext));
    apply(&mut state, Action::Sockets(SocketsAction::SortNext));
    apply(&mut state, Action::Sockets(SocketsAction::SortNext));
    assert_eq!(state.sockets.sort, PeerColumn::Remote);
    assert!(!state.sockets.descending);
    assert_eq!(state.sockets.rows[0].label, "10.0.0.7:11211");
    apply(&mut state, Action::Sockets(SocketsAction::SortReverse));
    assert_eq!(state.sockets.rows[0].label, "[2001:db8::53]:53");
    // The cursor moves in the focused table and the owners follow it.
    apply(&mut state, Action::Sockets(SocketsAction::Focus));
    assert_eq!(state.sockets.focus, Focus::Listeners);
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
    assert_eq!(state.sockets.listener_selected, last);
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
    state.sockets.listener_selected = fpm;
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
    assert!(s.contains("group peers by ip:port, ip, port"), "{s}");
    insta::assert_snapshot!(t.backend());
}
