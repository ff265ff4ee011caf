//! The Processes pane rendered into a test terminal: the captured tree of tests/fixtures/procs
//! (systemd, bash, php-fpm, a sleep, a process that vanished mid-read) plus 30 `cleanup`
//! processes holding unix sockets, read eight times two seconds apart while php-fpm leaks
//! descriptors: the table, the group mode, the drill-down on php-fpm, and its exit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use headroom::app::action::{Action, apply};
use headroom::app::panes::PaneId;
use headroom::app::procs::ProcColumn;
use headroom::app::procs::ProcsAction;
use headroom::app::procs::ProcsState;
use headroom::app::{AppEvent, AppState, handle};
use headroom::collect::{Collector, Roots};
use headroom::model::Snapshot;
use headroom::model::procs::{Process, SocketCounts};
use headroom::model::tcp::{Listener, StateCounts, TcpState};

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::{draw, screen};

const LIMITS: PaneId = headroom::app::limits::PANE.id;
const PROCESSES: PaneId = headroom::app::procs::PANE.id;

fn procs(state: &AppState) -> &ProcsState {
    state.pane().unwrap()
}

const T0: u64 = 1_700_000_000_000;
const PHP: u32 = 4243;

fn collector() -> Collector {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs");
    let mut c = Collector::new(Roots::fixture(root));
    c.selected_pid = Some(PHP);
    c
}

/// Reading `n` (from 0): php-fpm holds 60 more descriptors each time, 30 `cleanup` children of
/// bash hold four unix sockets each, 312 processes are another user's.
fn reading(c: &mut Collector, n: u64) -> Snapshot {
    let mut s = c.sample();
    let t = T0 + n * 2000;
    s.time_ms = t;
    let table = std::sync::Arc::make_mut(s.processes.as_mut().expect("the fixture's processes"));
    table.time_ms = t;
    table.took_us = 900;
    table.hidden = 312;
    for p in &mut table.procs {
        if p.pid == PHP {
            p.fds = p.fds.map(|f| f + 60 * n);
            p.rss_bytes = p.rss_bytes.map(|r| r + ((n * 4) << 20));
        }
    }
    for i in 0..30u32 {
        table.procs.push(Process {
            pid: 5000 + i,
            ppid: 4242,
            comm: "cleanup".into(),
            cmdline: "cleanup -z -t unix -u".into(),
            uid: Some(101),
            user: "postfix".into(),
            state: 'S',
            threads: 1,
            fds: Some(9),
            fd_soft: Some(1024),
            fd_hard: Some(4096),
            sockets: Some(SocketCounts {
                unix: 4,
                ..SocketCounts::default()
            }),
            rss_bytes: Some(3 << 20),
            read_bytes: Some(0),
            write_bytes: Some(u64::from(i) * 1000 * n),
            cgroup: Some("/system.slice/postfix.service".into()),
        });
    }
    if let Some(Ok(d)) = &mut s.process_detail {
        d.fds_total += 60 * n;
        if let Some(open) = d.limits.first_mut() {
            open.used = open.used.map(|u| u + 60 * n);
        }
    }
    s
}

fn host() -> AppState {
    let mut c = collector();
    let mut state = AppState::new("fixture".into(), 2000);
    for n in 0..8 {
        state.ingest(reading(&mut c, n));
    }
    state.now_ms = T0 + 14_000;
    state.tab = PROCESSES;
    state
}

fn key(state: &mut AppState, code: KeyCode) {
    handle(
        state,
        AppEvent::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
    );
}

fn drilled() -> AppState {
    let mut state = host();
    let at = procs(&state)
        .rows(&state.derived.procs)
        .position(|r| r.pid == PHP)
        .unwrap();
    apply(&mut state, Action::Home);
    for _ in 0..at {
        apply(&mut state, Action::Down);
    }
    key(&mut state, KeyCode::Enter);
    state
}

#[test]
fn table_80x24() {
    insta::assert_snapshot!(draw(&host(), 80, 24).backend());
}

#[test]
fn table_160x50() {
    insta::assert_snapshot!(draw(&host(), 160, 50).backend());
}

#[test]
fn groups_80x24() {
    let mut state = host();
    key(&mut state, KeyCode::Char('g'));
    insta::assert_snapshot!(draw(&state, 80, 24).backend());
}

#[test]
fn groups_160x50() {
    let mut state = host();
    key(&mut state, KeyCode::Char('g'));
    insta::assert_snapshot!(draw(&state, 160, 50).backend());
}

#[test]
fn drill_down_80x24() {
    insta::assert_snapshot!(draw(&drilled(), 80, 24).backend());
}

#[test]
fn drill_down_160x50() {
    insta::assert_snapshot!(draw(&drilled(), 160, 50).backend());
}

#[test]
fn tiny_terminals_do_not_break() {
    let mut state = host();
    draw(&state, 20, 5);
    key(&mut state, KeyCode::Char('g'));
    draw(&state, 20, 5);
    let state = drilled();
    insta::assert_snapshot!(draw(&state, 20, 5).backend());
}

#[test]
fn the_leaking_process_is_first_and_warned_about() {
    let state = host();
    let first = procs(&state).rows(&state.derived.procs).next().unwrap();
    assert_eq!(first.pid, PHP);
    let leak = first.leak.as_ref().expect("steady growth is a leak");
    assert!(leak.per_min > 1000.0, "{leak:?}");
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("+1800"), "{s}");
    assert!(
        s.contains("312 processes hidden: run as root to see their fds"),
        "{s}"
    );
}

#[test]
fn a_filter_typed_after_slash_keeps_matching_rows() {
    let mut state = host();
    key(&mut state, KeyCode::Char('/'));
    for c in "pool".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    // Typed text is not a key binding: `s` would sort.
    assert_eq!(procs(&state).sort, ProcColumn::Fds);
    let pids: Vec<u32> = procs(&state)
        .rows(&state.derived.procs)
        .map(|r| r.pid)
        .collect();
    assert_eq!(pids, vec![PHP], "matched on the command line");
    key(&mut state, KeyCode::Enter);
    assert!(!procs(&state).prompt);
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("filter \"pool\""), "{s}");
    key(&mut state, KeyCode::Esc);
    assert!(procs(&state).order.len() > 30);
}

#[test]
fn sort_keys_cycle_and_reverse() {
    let mut state = host();
    key(&mut state, KeyCode::Char('s'));
    assert_eq!(procs(&state).sort, ProcColumn::Sockets);
    let first = procs(&state).rows(&state.derived.procs).next().unwrap();
    assert_eq!(first.sockets, Some(4), "most sockets first");
    key(&mut state, KeyCode::Char('r'));
    let first = procs(&state).rows(&state.derived.procs).next().unwrap();
    assert_eq!(first.sockets.unwrap_or(0), 0);
}

#[test]
fn groups_fold_by_command_and_open_as_processes() {
    let mut state = host();
    key(&mut state, KeyCode::Char('g'));
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("cleanup ×30"), "{s}");
    let at = procs(&state)
        .groups(&state.derived.procs)
        .position(|g| g.comm == "cleanup")
        .unwrap();
    apply(&mut state, Action::Home);
    for _ in 0..at {
        apply(&mut state, Action::Down);
    }
    apply(&mut state, ProcsAction::Open.into());
    assert!(!procs(&state).grouped);
    assert_eq!(procs(&state).filter, "cleanup");
    assert_eq!(procs(&state).order.len(), 30);
}

#[test]
fn the_drill_down_shows_the_process_and_esc_returns() {
    let mut state = drilled();
    assert_eq!(procs(&state).drilled, Some(PHP));
    assert_eq!(state.wanted_process(), Some(PHP));
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("php-fpm [4243]"), "{s}");
    assert!(s.contains("php-fpm: pool www"), "{s}");
    assert!(s.contains("bash[4242]"), "the parent chain: {s}");
    assert!(s.contains("open files"), "{s}");
    assert!(s.contains("full in"), "the leak verdict: {s}");
    key(&mut state, KeyCode::Esc);
    assert_eq!(procs(&state).drilled, None);
    assert_eq!(state.wanted_process(), None);
}

#[test]
fn a_process_that_exits_while_drilled_says_so() {
    let mut state = drilled();
    let mut c = collector();
    let mut next = reading(&mut c, 8);
    next.process_detail = Some(Err(headroom::model::SourceError::Missing {
        path: "/proc/4243".into(),
    }));
    if let Ok(t) = &mut next.processes {
        std::sync::Arc::make_mut(t).procs.retain(|p| p.pid != PHP);
    }
    state.ingest(next);
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("Process 4243 has exited."), "{s}");
}

#[test]
fn o_on_a_limits_row_shows_its_owners() {
    let mut state = host();
    state.tab = LIMITS;
    let at = state
        .derived
        .limits
        .iter()
        .position(|v| headroom::app::procs::holders_of(&v.limit.id).is_some())
        .expect("a limit processes fill");
    let id = state.derived.limits[at].limit.id.clone();
    apply(&mut state, Action::Home);
    for _ in 0..at {
        apply(&mut state, Action::Down);
    }
    key(&mut state, KeyCode::Char('o'));
    assert_eq!(state.tab, PROCESSES, "{id}");
    let (what, grouped) = headroom::app::procs::holders_of(&id).unwrap();
    assert_eq!(procs(&state).sort, what);
    assert_eq!(procs(&state).only, Some(what));
    assert_eq!(procs(&state).grouped, grouped);
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains(&format!("holding {}", what.title())), "{s}");
}

#[test]
fn help_lists_the_processes_keys() {
    let mut state = host();
    apply(&mut state, Action::ToggleHelp);
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("Processes pane"), "{s}");
    assert!(s.contains("filter by command or command line"), "{s}");
    assert!(s.contains("group by command, or ungroup"), "{s}");
    state.tab = LIMITS;
    let s = screen(&draw(&state, 160, 50));
    assert!(s.contains("the processes holding this limit"), "{s}");
}

#[test]
fn a_drilled_process_whose_fds_are_hidden_says_so_and_keeps_its_count() {
    let mut state = drilled();
    let mut c = collector();
    let mut next = reading(&mut c, 8);
    if let Some(Ok(d)) = &mut next.process_detail {
        d.fds_hidden = true;
        d.fds.clear();
        d.tcp_peers.clear();
        d.tcp_listeners.clear();
    }
    state.ingest(next);
    let s = screen(&draw(&state, 160, 50));
    assert!(
        s.contains("Its fd table could not be read (permission denied)"),
        "{s}"
    );
    assert!(
        s.contains("Its sockets are behind its fd table: unknown."),
        "{s}"
    );
    assert!(!s.contains("No TCP connections."), "{s}");
}

#[test]
fn a_server_drilled_shows_the_connections_its_listener_accepted() {
    let mut state = drilled();
    let mut c = collector();
    let mut next = reading(&mut c, 8);
    let Some(Ok(d)) = &mut next.process_detail else {
        panic!("the drilled process has a detail");
    };
    d.tcp_peers.clear();
    let mut states = StateCounts::default();
    states.add(TcpState::Established, 400);
    d.tcp_listeners = vec![Listener {
        local: "127.0.0.1:11211".parse().unwrap(),
        service: Some("memcached".into()),
        states,
        accept_queue: 0,
        backlog: Some(1024),
        sockets: 1,
        processes: Vec::new(),
    }];
    state.ingest(next);
    let s = screen(&draw(&state, 160, 50));
    assert!(!s.contains("No TCP connections."), "{s}");
    let row = s
        .lines()
        .find(|l| l.contains("127.0.0.1:11211 accepted"))
        .unwrap_or_else(|| panic!("no accepted row:\n{s}"));
    assert!(
        row.contains("memcached") && row.contains("ESTAB 400"),
        "{row}"
    );
}
