//! Every fixture tree with one of its files cut short at a random point (a read racing the
//! kernel's writer, a capture copied half way, a byte sequence cut inside a character):
//! collecting, deriving, every pane at 80×24 and 20×5, and the text and JSON snapshot never
//! panic, and the JSON is still one object.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/screen.rs"]
mod term_screen;

use std::path::{Path, PathBuf};
use std::time::Duration;

use headroom::app::AppState;
use headroom::app::action::{Action, apply};
use headroom::collect::{Collector, Roots};
use proptest::prelude::*;

/// Fixture trees (those with a captured /proc) and the files in each, relative to the tree.
fn trees() -> Vec<(String, Vec<PathBuf>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<(String, Vec<PathBuf>)> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("proc").is_dir())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let mut files = Vec::new();
            collect_files(&e.path(), &e.path(), &mut files);
            files.sort();
            (name, files)
        })
        .collect();
    out.sort();
    out
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let ty = e.file_type().unwrap();
        if ty.is_dir() {
            collect_files(base, &e.path(), out);
        } else if ty.is_file() {
            out.push(e.path().strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

/// Copies a fixture tree, its symlinks as symlinks (fd links such as "socket:[N]" point
/// nowhere).
fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let (ty, to) = (e.file_type().unwrap(), dst.join(e.file_name()));
        if ty.is_dir() {
            copy_tree(&e.path(), &to);
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// A reading of the tree as it is, then one after `file` is cut to `keep` of its bytes, through
/// every pane at two sizes and both snapshot forms; the file is put back afterwards.
fn run_cut(dir: &Path, tree: &str, file: &Path, keep: f64) {
    let roots = Roots::fixture(dir);
    let mut state = AppState::new("fixture".into(), 1000);
    let mut c = Collector::new(roots.clone());
    let mut first = c.sample();
    first.time_ms = 1_700_000_000_000;
    state.ingest(first);
    let path = dir.join(file);
    let bytes = std::fs::read(&path).unwrap();
    let cut = (((bytes.len() as f64) * keep) as usize).min(bytes.len());
    std::fs::write(&path, &bytes[..cut]).unwrap();
    let mut second = c.sample();
    second.time_ms = 1_700_000_002_000;
    state.ingest(second);
    for _ in 0..6 {
        for (w, h) in [(80, 24), (20, 5)] {
            let _ = term_screen::draw(&state, w, h);
        }
        apply(&mut state, Action::NextTab);
    }
    for json in [false, true] {
        let mut out = Vec::new();
        let collector = Collector::new(roots.clone());
        headroom::headless::snapshot::run(collector, json, 1, Duration::from_millis(10), &mut out)
            .unwrap();
        if json {
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert!(v.is_object(), "{tree}/{} cut at {cut}", file.display());
        }
    }
    std::fs::write(&path, &bytes).unwrap();
}

/// A fresh copy of a fixture tree.
fn copy_of(tree: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(tree);
    copy_tree(&src, dir.path());
    dir
}

/// Every file of every tree, each cut at its own pseudo-random point (the same on every run).
#[test]
fn every_fixture_file_cut_short_panics_nothing() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for (tree, files) in trees() {
        let dir = copy_of(&tree);
        for file in &files {
            // xorshift: a spread of cut points without a dependency.
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            run_cut(dir.path(), &tree, file, (seed % 1000) as f64 / 1000.0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any file of any tree cut anywhere.
    #[test]
    fn any_fixture_file_cut_anywhere_panics_nothing(
        tree in any::<prop::sample::Index>(),
        file in any::<prop::sample::Index>(),
        keep in 0.0f64..1.0,
    ) {
        let trees = trees();
        let (name, files) = tree.get(&trees);
        let dir = copy_of(name);
        let file: &PathBuf = file.get(files);
        run_cut(dir.path(), name, file, keep);
    }
}
