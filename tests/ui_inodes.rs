//! The Inodes pane in a test terminal: filesystems from a fixture, a real scan of a temp tree
//! (its root renamed and its clock fixed so the picture is stable), a rescan diff, progress,
//! the prompt, and the keys that drive the tree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use headroom::app::action::{Action, apply};
use headroom::app::inodes::InodesAction;
use headroom::app::inodes::InodesState;
use headroom::app::inodes::{Focus, ScanStatus};
use headroom::app::panes::PaneId;
use headroom::app::{AppEvent, AppState, handle};
use headroom::collect::{Collector, Roots};
use headroom::scan::{self, Progress, ProgressSample, ScanErrors, ScanEvent, SortKey};

const INODES: PaneId = headroom::app::inodes::PANE.id;

fn inodes(state: &AppState) -> &InodesState {
    state.pane().unwrap()
}

fn inodes_mut(state: &mut AppState) -> &mut InodesState {
    state.pane_mut().unwrap()
}

const SHOWN_ROOT: &str = "/srv/www";
const T0: u64 = 1_700_000_000;

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::{draw, screen};

fn app() -> AppState {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/healthy-host");
    let mut snap = Collector::new(Roots::fixture(root)).sample();
    snap.time_ms = T0 * 1000;
    let mut state = AppState::new("fixture".into(), 1000);
    state.ingest(snap);
    apply(&mut state, Action::Go(INODES));
    state
}

fn files(dir: &Path, n: usize) {
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        fs::write(dir.join(format!("f{i:03}")), b"").unwrap();
    }
}

/// cache/{a0..a3} of 25 files, logs of 5, www/html of 3.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for a in 0..4 {
        files(&dir.path().join(format!("cache/a{a}")), 25);
    }
    files(&dir.path().join("logs"), 5);
    files(&dir.path().join("www/html"), 3);
    dir
}

/// Runs the scan the pane asked for on `real` instead, shown as `SHOWN_ROOT`, started at
/// `T0 + at` seconds.
fn finish_scan(state: &mut AppState, real: &Path, at: u64) {
    let options = inodes_mut(state)
        .take_pending()
        .expect("a scan was asked for");
    let mut result = scan::scan(
        &scan::ScanOptions {
            root: real.to_path_buf(),
            ..options
        },
        &Progress::new().into(),
    )
    .unwrap();
    result.root = PathBuf::from(SHOWN_ROOT);
    result.started = SystemTime::UNIX_EPOCH + Duration::from_secs(T0 + at);
    result.elapsed = Duration::from_millis(42);
    inodes_mut(state).on_scan_event(ScanEvent::Done(Ok(Box::new(result))));
}

/// A scan, 60 files more in cache/a1, a rescan.
fn rescanned() -> (AppState, tempfile::TempDir) {
    let dir = tree();
    let mut state = app();
    inodes_mut(&mut state).request_scan(PathBuf::from(SHOWN_ROOT));
    finish_scan(&mut state, dir.path(), 0);
    for i in 0..60 {
        fs::write(dir.path().join(format!("cache/a1/new{i}")), b"").unwrap();
    }
    apply(&mut state, InodesAction::Rescan.into());
    assert!(inodes(&state).is_running());
    finish_scan(&mut state, dir.path(), 60);
    (state, dir)
}

#[test]
fn inodes_80x24() {
    let (state, _dir) = rescanned();
    let t = draw(&state, 80, 24);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn inodes_160x50() {
    let (state, _dir) = rescanned();
    let t = draw(&state, 160, 50);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn inodes_20x5_does_not_break() {
    let (state, _dir) = rescanned();
    let t = draw(&state, 20, 5);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn progress_80x24() {
    let mut state = app();
    inodes_mut(&mut state).request_scan(PathBuf::from("/var/lib/mysql"));
    let _ = inodes_mut(&mut state).take_pending();
    inodes_mut(&mut state).on_scan_event(ScanEvent::Progress(ProgressSample {
        entries: 1_234_567,
        dirs: 3021,
        bytes: 0,
        errors: ScanErrors {
            permission_denied: 2,
            too_many_open_files: 0,
            other: 0,
            no_answer: 0,
        },
        elapsed: Duration::from_millis(2900),
        entries_per_sec: 425_713.0,
    }));
    let t = draw(&state, 80, 24);
    let s = screen(&t);
    assert!(
        s.contains("scanning /var/lib/mysql: 1.2M entries, 426k/s, 3021 dirs, 2.9 s, 2 denied"),
        "{s}"
    );
    assert!(s.contains("Esc cancel"), "{s}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn filesystems_worst_first_with_bytes_beside() {
    let state = app();
    let fs = &inodes(&state).filesystems;
    assert!(!fs.is_empty());
    let pcts: Vec<f64> = fs.iter().map(|f| f.inodes_pct().unwrap_or(-1.0)).collect();
    assert!(pcts.windows(2).all(|w| w[0] >= w[1]), "{pcts:?}");
    let s = screen(&draw(&state, 120, 30));
    assert!(s.contains("inode use") && s.contains("space use"), "{s}");
    assert!(s.contains(fs[0].mountpoint.as_str()), "{s}");
}

#[test]
fn tree_opens_along_the_heaviest_path_and_diff_shows_the_rate() {
    let (state, _dir) = rescanned();
    let v = inodes(&state).view.as_ref().unwrap();
    assert_eq!(inodes(&state).focus, Focus::Tree);
    // The root and cache are open; the selection sits on cache, the heaviest branch.
    let names: Vec<String> = v
        .rows
        .iter()
        .map(|r| v.result.tree.name(r.node).to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["", "cache", "a1", "a0", "a2", "a3", "logs", "www"]);
    assert_eq!(v.selected, 1);
    let a1 = v.rows[2].node;
    let change = v.diff.as_ref().unwrap().get(a1).unwrap();
    assert_eq!(change.delta, 60);
    assert!((change.per_minute - 60.0).abs() < 1e-9);
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("+60") && s.contains("+60/m"), "{s}");
    assert!(s.contains("filling fastest: cache/a1 +60/m"), "{s}");
}

fn key(state: &mut AppState, code: KeyCode) {
    handle(
        state,
        AppEvent::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
    );
}

#[test]
fn arrows_expand_collapse_and_sort_keys_reorder() {
    let (mut state, _dir) = rescanned();
    let rows = |s: &AppState| inodes(s).view.as_ref().unwrap().rows.len();
    assert_eq!(rows(&state), 8);
    key(&mut state, KeyCode::Left); // close cache
    assert_eq!(rows(&state), 4);
    key(&mut state, KeyCode::Left); // up to the root
    assert_eq!(inodes(&state).view.as_ref().unwrap().selected, 0);
    key(&mut state, KeyCode::Left); // close the root
    assert_eq!(rows(&state), 1);
    key(&mut state, KeyCode::Right); // open it
    key(&mut state, KeyCode::Right); // step in
    key(&mut state, KeyCode::Down);
    key(&mut state, KeyCode::Down);
    key(&mut state, KeyCode::Enter); // open www
    assert_eq!(rows(&state), 5);
    assert_eq!(state.tab, INODES, "arrows stay in the pane");
    key(&mut state, KeyCode::Char('n'));
    assert_eq!(inodes(&state).sort, SortKey::Name);
    let v = inodes(&state).view.as_ref().unwrap();
    let names: Vec<String> = v
        .rows
        .iter()
        .map(|r| v.result.tree.name(r.node).to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["", "cache", "logs", "www", "html"]);
    // Selection followed www through the re-sort.
    assert_eq!(names[v.selected], "www");
    // Enter in the filesystem list scans the selected filesystem.
    key(&mut state, KeyCode::Char('f'));
    assert_eq!(inodes(&state).focus, Focus::Filesystems);
    key(&mut state, KeyCode::Down);
    key(&mut state, KeyCode::Enter);
    let pending = inodes_mut(&mut state)
        .take_pending()
        .expect("scan of the filesystem");
    assert_eq!(
        pending.root,
        PathBuf::from(&inodes(&state).filesystems[1].mountpoint)
    );
    inodes_mut(&mut state).on_scan_event(ScanEvent::Done(Err(scan::ScanError::Cancelled)));
    key(&mut state, KeyCode::Char('f'));
    assert_eq!(inodes(&state).focus, Focus::Tree);
    // `b` without bytes in the result asks for a rescan with bytes.
    key(&mut state, KeyCode::Char('b'));
    let pending = inodes_mut(&mut state)
        .take_pending()
        .expect("rescan with bytes");
    assert!(pending.bytes);
    assert_eq!(pending.root, PathBuf::from(SHOWN_ROOT));
    inodes_mut(&mut state).on_scan_event(ScanEvent::Done(Err(scan::ScanError::Cancelled)));
    // Esc drops a scan not started yet.
    inodes_mut(&mut state).request_scan(PathBuf::from("/x"));
    assert!(inodes(&state).is_running());
    key(&mut state, KeyCode::Esc);
    assert!(!inodes(&state).is_running());
}

#[test]
fn prompt_takes_a_typed_path_and_esc_cancels_a_running_scan() {
    let dir = tree();
    let mut state = app();
    key(&mut state, KeyCode::Char('/'));
    assert!(inodes(&state).prompt.is_some());
    // Clear the proposed path, type ours; letters are text here, not keys.
    for _ in 0..64 {
        key(&mut state, KeyCode::Backspace);
    }
    for c in dir.path().display().to_string().chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("scan path: "), "{s}");
    key(&mut state, KeyCode::Enter);
    assert!(inodes(&state).prompt.is_none());
    assert_eq!(state.tab, INODES);
    // Started for real, through the event channel of the app.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    headroom::app::start_pending_scan(&mut state, &tx);
    let done = loop {
        match rx.blocking_recv().unwrap() {
            ScanEvent::Done(r) => break r,
            ev => inodes_mut(&mut state).on_scan_event(ev),
        }
    };
    inodes_mut(&mut state).on_scan_event(ScanEvent::Done(done));
    let v = inodes(&state).view.as_ref().unwrap();
    assert_eq!(
        v.result.total_entries(),
        1 + 1 + 4 + 100 + 1 + 5 + 1 + 1 + 3
    );

    // A scan of /usr cancelled at once ends as cancelled, the old result still shown.
    inodes_mut(&mut state).request_scan(PathBuf::from("/usr"));
    headroom::app::start_pending_scan(&mut state, &tx);
    key(&mut state, KeyCode::Esc);
    let done = loop {
        if let ScanEvent::Done(r) = rx.blocking_recv().unwrap() {
            break r;
        }
    };
    inodes_mut(&mut state).on_scan_event(ScanEvent::Done(done));
    match &inodes(&state).status {
        ScanStatus::Failed { message, .. } => assert_eq!(message, "scan cancelled"),
        other => panic!("{other:?}"),
    }
    assert!(inodes(&state).view.is_some());
}

#[test]
fn help_lists_the_pane_keys() {
    let mut state = app();
    apply(&mut state, Action::ToggleHelp);
    let t = draw(&state, 80, 24);
    let s = screen(&t);
    assert!(s.contains("Inodes pane"), "{s}");
    assert!(s.contains("scan the selected filesystem"), "{s}");
    assert!(s.contains("sort by name"), "{s}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn growth_key_sorts_a_rescan_by_growth_and_marks_the_change_column() {
    let (mut state, dir) = rescanned();
    key(&mut state, KeyCode::Char('d'));
    assert_eq!(inodes(&state).sort, SortKey::Growth);
    // www grows most now; cache grew before but not since.
    for i in 0..200 {
        fs::write(dir.path().join(format!("www/html/new{i}")), b"").unwrap();
    }
    apply(&mut state, InodesAction::Rescan.into());
    finish_scan(&mut state, dir.path(), 120);
    let v = inodes(&state).view.as_ref().unwrap();
    let names: Vec<String> = v
        .rows
        .iter()
        .map(|r| v.result.tree.name(r.node).to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["", "www", "cache", "a1", "a0", "a2", "a3", "logs"]);
    // The selection stayed on cache through the rescan.
    assert_eq!(names[v.selected], "cache");
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("Δ▼"), "{s}");
    assert!(s.contains("filling fastest: www/html +200/m"), "{s}");
}

#[test]
fn tab_completes_the_path_prompt_from_the_disk() {
    let dir = tree();
    let mut state = app();
    key(&mut state, KeyCode::Char('/'));
    for _ in 0..64 {
        key(&mut state, KeyCode::Backspace);
    }
    for c in format!("{}/ca", dir.path().display()).chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Tab);
    let want = format!("{}/cache/", dir.path().display());
    assert_eq!(inodes(&state).prompt.as_deref(), Some(want.as_str()));
    // Four subdirectories share "a": Tab goes no further than what they share.
    key(&mut state, KeyCode::Tab);
    assert_eq!(
        inodes(&state).prompt.as_deref(),
        Some(format!("{want}a").as_str())
    );
    key(&mut state, KeyCode::Char('2'));
    key(&mut state, KeyCode::Tab);
    assert_eq!(
        inodes(&state).prompt.as_deref(),
        Some(format!("{want}a2/").as_str())
    );
    key(&mut state, KeyCode::Enter);
    let pending = inodes_mut(&mut state)
        .take_pending()
        .expect("a scan of the completed path");
    assert_eq!(pending.root, dir.path().join("cache/a2"));
}

#[test]
fn out_of_fds_is_named_in_the_status_line() {
    let dir = tree();
    let mut state = app();
    inodes_mut(&mut state).request_scan(PathBuf::from(SHOWN_ROOT));
    let options = inodes_mut(&mut state).take_pending().unwrap();
    let mut result = scan::scan(
        &scan::ScanOptions {
            root: dir.path().to_path_buf(),
            ..options
        },
        &Progress::new().into(),
    )
    .unwrap();
    result.root = PathBuf::from(SHOWN_ROOT);
    result.errors.too_many_open_files = 1900;
    inodes_mut(&mut state).on_scan_event(ScanEvent::Done(Ok(Box::new(result))));
    let s = screen(&draw(&state, 120, 24));
    assert!(s.contains("too many open files: 1900 not read"), "{s}");
}
