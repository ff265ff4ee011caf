//! `headroom scan` with few file descriptors left: the walker slows down rather than skip
//! directories, and when even one at a time is too many it says so, in text, JSON and the
//! exit status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// A bushy tree: `width` subdirectories per directory, `depth` levels, `files` files in each.
/// Returns the number of entries `find ROOT` prints.
fn build(dir: &Path, width: usize, depth: usize, files: usize) -> u64 {
    fs::create_dir_all(dir).unwrap();
    let mut n = 1;
    for f in 0..files {
        fs::write(dir.join(format!("f{f}")), b"").unwrap();
        n += 1;
    }
    if depth > 0 {
        for d in 0..width {
            n += build(&dir.join(format!("d{d}")), width, depth - 1, files);
        }
    }
    n
}

/// A comb `depth` deep: every level holds the next one, three empty side directories and a
/// file. Returns the number of entries `find ROOT` prints.
fn comb(dir: &Path, depth: usize) -> u64 {
    let mut n = 0;
    let mut level = dir.to_path_buf();
    fs::create_dir_all(&level).unwrap();
    for _ in 0..depth {
        for side in ["a", "b", "c"] {
            fs::create_dir(level.join(side)).unwrap();
        }
        fs::write(level.join("f"), b"").unwrap();
        level = level.join("d");
        fs::create_dir(&level).unwrap();
        n += 5;
    }
    n + 1
}

/// Runs the real binary with RLIMIT_NOFILE lowered to `nofile` (by the shell's ulimit, then
/// exec, so the limit holds from the first instruction).
fn scan(root: &Path, nofile: u32, json: bool) -> Output {
    let bin = env!("CARGO_BIN_EXE_headroom");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
        .arg(bin)
        .arg("scan")
        .arg(root)
        .args(["--top", "3", "--threads", "8"]);
    if json {
        cmd.arg("--json");
    }
    cmd.output().unwrap()
}

#[test]
fn few_descriptors_slow_the_walk_down_but_every_directory_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("t");
    let expected = build(&root.join("bushy"), 6, 4, 8) + comb(&root.join("comb"), 40) + 1;
    // Eight workers, each going depth first, want about forty descriptors at once, and the
    // comb alone holds one per level open while its side directories wait: at 20 the walk
    // must come down to fewer at once and put the bottom of the comb off until the rest is
    // read.
    let out = scan(&root, 20, true);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["total_entries"], expected, "{report}");
    assert_eq!(report["complete"], true);
    assert_eq!(report["errors"]["too_many_open_files"], 0);
    assert_eq!(report["errors"]["other"], 0);

    // The text says the walk slowed down for want of descriptors.
    let out = scan(&root, 20, false);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("; short of file descriptors: down to "),
        "{text}"
    );
}

#[test]
fn too_few_descriptors_are_named_and_the_exit_status_says_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("t");
    let expected = build(&root, 4, 5, 2);
    // stdin, stdout, stderr and the root: not one subdirectory can be opened. (With one
    // descriptor more the walk gets through, a path at a time.)
    let out = scan(&root, 4, true);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["complete"], false);
    let unread = report["errors"]["too_many_open_files"].as_u64().unwrap();
    assert!(unread > 0, "{report}");
    assert!(report["total_entries"].as_u64().unwrap() < expected);

    let out = scan(&root, 4, false);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    // How many are left unread depends on the workers' timing; the wording does not.
    let first = text.lines().next().unwrap();
    let clause = first.split("; too many open files: ").nth(1).unwrap_or("");
    let (count, rest) = clause.split_once(' ').unwrap_or(("", ""));
    assert!(
        count.replace(',', "").parse::<u64>().unwrap_or(0) > 0,
        "{text}"
    );
    assert!(rest.starts_with("directories not read"), "{text}");
    assert!(text.contains("incomplete:"), "{text}");
}
