//! A directory chain 100,000 deep, through the scan and the row API the Inodes pane draws
//! from: every directory kept, in memory linear in the directories (a bit per open directory
//! and a row per visible one, never a path per level), and a rescan that names the bottom of
//! the chain as the place filling up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::fd::OwnedFd;
use std::path::Path;

use headroom::scan::rows::{self, Expanded};
use headroom::scan::{self, Progress, ScanOptions, SortKey};
use rustix::fs::{AtFlags, CWD, Mode, OFlags};

const DEPTH: usize = 100_000;

fn open_dir(at: &OwnedFd, name: &str) -> OwnedFd {
    rustix::fs::openat(
        at,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap()
}

/// `root/d/d/…/d` DEPTH deep, made one level at a time relative to the level above (the
/// path is far longer than PATH_MAX). Returns the bottom directory, open.
fn chain(root: &Path) -> OwnedFd {
    let dir = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = rustix::fs::openat(CWD, root, dir, Mode::empty()).unwrap();
    for _ in 0..DEPTH {
        rustix::fs::mkdirat(&fd, "d", Mode::from_raw_mode(0o755)).unwrap();
        fd = open_dir(&fd, "d");
    }
    fd
}

fn files(at: &OwnedFd, n: usize, tag: &str) {
    for i in 0..n {
        rustix::fs::openat(
            at,
            format!("{tag}{i}").as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        )
        .unwrap();
    }
}

/// Takes the chain down level by level from the top: moves `d/d` up beside `d`, removes the
/// emptied `d`, renames the moved one back. (A recursive remover would run out of
/// descriptors or stack this deep.)
fn remove_chain(root: &Path) {
    let dir = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let top = rustix::fs::openat(CWD, root, dir, Mode::empty()).unwrap();
    loop {
        let d = open_dir(&top, "d");
        let names: Vec<String> = std::fs::read_dir(format!("/proc/self/fd/{}", {
            use std::os::fd::AsRawFd;
            d.as_raw_fd()
        }))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
        for n in names.iter().filter(|n| *n != "d") {
            rustix::fs::unlinkat(&d, n.as_str(), AtFlags::empty()).unwrap();
        }
        drop(d);
        if names.iter().any(|n| n == "d") {
            rustix::fs::renameat(&top, "d/d", &top, "up").unwrap();
            rustix::fs::unlinkat(&top, "d", AtFlags::REMOVEDIR).unwrap();
            rustix::fs::renameat(&top, "up", &top, "d").unwrap();
        } else {
            rustix::fs::unlinkat(&top, "d", AtFlags::REMOVEDIR).unwrap();
            return;
        }
    }
}

#[test]
fn a_chain_100000_deep_costs_memory_linear_in_its_directories() {
    let scratch = if Path::new("/dev/shm").is_dir() {
        "/dev/shm"
    } else {
        "/tmp"
    };
    let tmp = tempfile::Builder::new()
        .prefix("headroom-deep-")
        .tempdir_in(scratch)
        .unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let bottom = chain(&root);
    files(&bottom, 3, "f");

    let first = scan::scan(&ScanOptions::new(&root), &Progress::new().into()).unwrap();
    let dirs = DEPTH + 1;
    assert_eq!(first.tree.len(), dirs);
    assert_eq!(first.total_entries(), (dirs + 3) as u64);
    assert!(first.errors.is_complete());

    // The pane's first view: the heaviest path opened to its end, every level a row.
    let mut open = Expanded::new(first.tree.len());
    let deepest_open = open.open_heaviest(&first.tree, SortKey::Entries);
    let shown = rows::visible_rows(&first.tree, &open, SortKey::Entries, None);
    assert_eq!(shown.len(), dirs);
    let last = shown.last().unwrap();
    assert_eq!(last.depth as usize, DEPTH);
    assert_eq!(first.tree.get(last.node).unwrap().parent, deepest_open);
    assert_eq!(rows::row_of(&shown, deepest_open), Some(DEPTH - 1));

    // Bookkeeping: what the tree, the open set and the rows hold, per directory. A path per
    // level would hold 2 bytes × depth for each: about 10 GB here in all.
    let held = first.tree.heap_bytes()
        + open.heap_bytes()
        + shown.capacity() * std::mem::size_of::<rows::Row>();
    assert!(held < dirs * 128, "{held} bytes for {dirs} directories");
    // One path, built when asked for: the root and "/d" per level.
    let path_len = first.path(last.node).as_os_str().len();
    assert_eq!(path_len, root.as_os_str().len() + 2 * DEPTH);

    // Files appear at the bottom; a rescan names the bottom as the place filling up, and the
    // open directories stay open.
    files(&bottom, 50, "new");
    drop(bottom);
    let second = scan::scan(&ScanOptions::new(&root), &Progress::new().into()).unwrap();
    let diff = scan::diff(&first, &second).unwrap();
    assert_eq!(diff.changes.len(), dirs);
    let places = diff.fastest_subtrees(&second.tree, 3);
    assert_eq!(places.len(), 1);
    assert_eq!(second.tree.depth(places[0]), DEPTH);
    assert_eq!(diff.get(places[0]).unwrap().delta, 50);
    let map = rows::match_nodes(&first.tree, &second.tree);
    assert!(map.iter().all(Option::is_some));
    let carried = open.carry(&map);
    let again = rows::visible_rows(&second.tree, &carried, SortKey::Growth, Some(&diff));
    assert_eq!(again.len(), dirs);

    remove_chain(&root);
}
