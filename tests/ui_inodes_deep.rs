//! A directory chain 10,000 deep through the Inodes pane's state and its drawing: the view
//! keeps a bit per open directory and a row per visible one (never a path per level), and a
//! row's indentation is no wider than the pane.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use headroom::app::AppState;
use headroom::app::action::{Action, apply};
use headroom::app::inodes::InodesState;
use headroom::app::panes::PaneId;
use headroom::scan::{self, Progress, ScanEvent};
use rustix::fs::{AtFlags, CWD, Mode, OFlags};

#[path = "support/screen.rs"]
mod term_screen;
use term_screen::{draw, screen};

const INODES: PaneId = headroom::app::inodes::PANE.id;

fn inodes(state: &AppState) -> &InodesState {
    state.pane().unwrap()
}

fn inodes_mut(state: &mut AppState) -> &mut InodesState {
    state.pane_mut().unwrap()
}

const DEPTH: usize = 10_000;
const DIR: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::CLOEXEC);

fn open_dir(at: &OwnedFd, name: &str) -> OwnedFd {
    rustix::fs::openat(at, name, DIR, Mode::empty()).unwrap()
}

/// `root/d/d/…/d`, made one level at a time relative to the level above (the path is far
/// longer than PATH_MAX).
fn chain(root: &Path) {
    let mut fd = rustix::fs::openat(CWD, root, DIR, Mode::empty()).unwrap();
    for _ in 0..DEPTH {
        rustix::fs::mkdirat(&fd, "d", Mode::from_raw_mode(0o755)).unwrap();
        fd = open_dir(&fd, "d");
    }
}

/// Takes the chain down from the bottom: down to the last level, then up through `..`,
/// removing the level below each time (a recursive remover would run out of descriptors
/// this deep, and renaming levels upwards is quadratic).
fn remove_chain(root: &Path) {
    let mut fd = rustix::fs::openat(CWD, root, DIR, Mode::empty()).unwrap();
    for _ in 0..DEPTH {
        fd = open_dir(&fd, "d");
    }
    for _ in 0..DEPTH {
        fd = open_dir(&fd, "..");
        rustix::fs::unlinkat(&fd, "d", AtFlags::REMOVEDIR).unwrap();
    }
}

#[test]
fn a_chain_10000_deep_costs_the_view_memory_linear_in_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    chain(dir.path());
    let mut state = AppState::new("deep".into(), 1000);
    apply(&mut state, Action::Go(INODES));
    inodes_mut(&mut state).request_scan(PathBuf::from(dir.path()));
    let options = inodes_mut(&mut state).take_pending().unwrap();
    let result = scan::scan(&options, &Progress::new().into()).unwrap();
    assert_eq!(result.tree.len(), DEPTH + 1);
    inodes_mut(&mut state).on_scan_event(ScanEvent::Done(Ok(Box::new(result))));
    let v = inodes(&state).view.as_ref().unwrap();
    // Opened along the heaviest path: the whole chain, the bottom selected.
    assert_eq!(v.rows.len(), DEPTH + 1);
    assert_eq!(v.selected, DEPTH - 1);
    assert_eq!(v.rows.last().unwrap().depth, DEPTH as u16);
    // A bit per directory and a row per visible one: tens of kilobytes, where a path per
    // level held a sum of path lengths (some 100 MB).
    let kept = v.heap_bytes();
    assert!(kept <= (DEPTH + 1) * 16, "{kept} bytes");
    let s = screen(&draw(&state, 80, 24));
    assert!(s.contains("10001 dirs"), "{s}");
    // Deep rows are indented to the pane's width, no further: the names stay on the line.
    assert!(s.lines().any(|l| l.trim_end().ends_with('d')), "{s}");
    remove_chain(dir.path());
}
