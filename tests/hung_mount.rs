//! A mount whose server never answers (FUSE, in a private mount namespace): every one-shot mode
//! reports it and exits, and the long-running ones end on SIGTERM, whatever the thread stuck in
//! statvfs is doing; `scan` never opens such a mount below its root, gives up on one that hangs
//! part way, and says so when the root itself does not answer, as the Inodes pane does. Needs
//! root, `unshare` and /dev/fuse; skipped with a message without them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Far below the hang this guards against (forever), far above the half second statvfs is given.
const PROMPT: Duration = Duration::from_secs(4);

/// The `hung_fuse` example, built beside this test by `cargo test`.
fn helper() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples/hung_fuse");
    path.exists().then_some(path)
}

/// Why this machine cannot run the test, if it cannot.
fn unavailable() -> Option<String> {
    if !rustix::process::geteuid().is_root() {
        return Some("not root".into());
    }
    if !std::path::Path::new("/dev/fuse").exists() {
        return Some("no /dev/fuse".into());
    }
    let unshare = Command::new("unshare").args(["-m", "true"]).output();
    if !unshare.is_ok_and(|o| o.status.success()) {
        return Some("`unshare -m` does not work here".into());
    }
    helper()
        .is_none()
        .then(|| "examples/hung_fuse is not built".into())
}

/// Runs headroom with `args` while a hung FUSE filesystem is mounted at a fresh directory;
/// returns what it printed, how long it ran, and the mount point.
fn with_hung_mount(args: &[&str], term_after_ms: Option<u64>) -> (Output, Duration, String) {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("hung");
    std::fs::create_dir(&mnt).unwrap();
    let mut cmd = hung_fuse(&mnt);
    cmd.arg(env!("CARGO_BIN_EXE_headroom")).args(args);
    if let Some(ms) = term_after_ms {
        cmd.env("HUNG_FUSE_TERM_AFTER_MS", ms.to_string());
    }
    let start = Instant::now();
    let out = cmd.output().unwrap();
    (out, start.elapsed(), mnt.display().to_string())
}

/// `unshare -m hung_fuse MNT`, the command still to add.
fn hung_fuse(mnt: &Path) -> Command {
    let mut cmd = Command::new("unshare");
    cmd.arg("-m").arg(helper().unwrap()).arg(mnt);
    cmd
}

/// Runs `headroom scan ARGS... ROOT` while a hung FUSE filesystem is mounted at `mnt`
/// (answering for its root and one directory `listed`, when given).
fn scan_with_hung_mount(
    mnt: &Path,
    listed: Option<&str>,
    args: &[&str],
    root: &Path,
) -> (Output, Duration) {
    let mut cmd = hung_fuse(mnt);
    cmd.arg(env!("CARGO_BIN_EXE_headroom"))
        .arg("scan")
        .args(args)
        .arg(root);
    if let Some(name) = listed {
        cmd.env("HUNG_FUSE_LIST", name);
    }
    let start = Instant::now();
    let out = cmd.output().unwrap();
    (out, start.elapsed())
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn one_shot_and_long_running_modes_end_despite_a_hung_mount() {
    if let Some(why) = unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let (out, took, mnt) = with_hung_mount(&["snapshot"], None);
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    assert!(
        printed.contains(&format!("{mnt}: no answer after 500 ms")),
        "{printed}"
    );
    assert!(took < PROMPT, "snapshot took {took:?}:\n{printed}");

    let rec = tempfile::tempdir().unwrap();
    let file = rec.path().join("r.zst");
    let file = file.to_str().unwrap();
    let args = ["record", file, "--duration", "2s", "--interval", "500ms"];
    let (out, took, _) = with_hung_mount(&args, None);
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    assert!(printed.contains("recorded"), "{printed}");
    assert!(
        took < PROMPT + Duration::from_secs(2),
        "record took {took:?}"
    );

    for args in [
        &["record", file][..],
        &["export", "--listen", "127.0.0.1:0"],
    ] {
        let (out, took, _) = with_hung_mount(args, Some(1_500));
        let printed = text(&out);
        assert!(out.status.success(), "{args:?}: {printed}");
        assert!(
            took < PROMPT + Duration::from_millis(1_500),
            "{args:?} took {took:?} after SIGTERM:\n{printed}"
        );
    }
}

/// A tree of two directories and three files, with the hung mount at `hung` inside it.
fn tree_around_a_mount_point() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    for f in ["f", "a/g", "a/b/h"] {
        std::fs::write(dir.path().join(f), b"x").unwrap();
    }
    let mnt = dir.path().join("hung");
    std::fs::create_dir(&mnt).unwrap();
    (dir, mnt)
}

#[test]
fn scan_counts_a_hung_mount_below_its_root_without_opening_it() {
    if let Some(why) = unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let (dir, mnt) = tree_around_a_mount_point();
    let (out, took) = scan_with_hung_mount(&mnt, None, &[], dir.path());
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(took < PROMPT, "scan took {took:?}:\n{printed}");
    // root, f, a, a/g, a/b, a/b/h and the mount point itself, as find -xdev counts.
    assert!(
        printed.contains(": 7 entries in 3 directories"),
        "{printed}"
    );
    assert!(
        printed.contains("1 other filesystem not entered"),
        "{printed}"
    );

    let (out, _) = scan_with_hung_mount(&mnt, None, &["--json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["complete"], true, "{json}");
    assert_eq!(json["other_mounts"], 1, "{json}");
    assert_eq!(json["not_read"], serde_json::json!([]), "{json}");
}

#[test]
fn scan_of_a_hung_mount_itself_ends_with_a_message() {
    if let Some(why) = unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let (_dir, mnt) = tree_around_a_mount_point();
    let (out, took) = scan_with_hung_mount(&mnt, None, &[], &mnt);
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(took < PROMPT, "scan took {took:?}:\n{printed}");
    let expected = format!(
        "{}: mount did not answer within 1 s; nothing scanned",
        mnt.display()
    );
    assert!(printed.contains(&expected), "{printed}");

    // Below it, the mount is named.
    let (out, took) = scan_with_hung_mount(&mnt, None, &[], &mnt.join("deeper"));
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(took < PROMPT, "scan took {took:?}:\n{printed}");
    let expected = format!("fuse mount {} did not answer", mnt.display());
    assert!(printed.contains(&expected), "{printed}");
}

#[test]
fn scan_gives_up_on_a_directory_that_does_not_answer_and_names_it() {
    if let Some(why) = unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let (_dir, mnt) = tree_around_a_mount_point();
    // One worker: the root is listed in full before the stuck directory is opened.
    let args = ["--threads", "1"];
    let (out, took) = scan_with_hung_mount(&mnt, Some("stuck"), &args, &mnt);
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(3), "incomplete:\n{printed}");
    assert!(took < PROMPT, "scan took {took:?}:\n{printed}");
    let stuck = mnt.join("stuck");
    let expected = format!(
        "not read: {} (fuse mount {} did not answer)",
        stuck.display(),
        mnt.display()
    );
    assert!(printed.contains(&expected), "{printed}");
    assert!(
        printed.contains("no answer: 1 directories not read"),
        "{printed}"
    );

    let args = ["--threads", "1", "--json"];
    let (out, _) = scan_with_hung_mount(&mnt, Some("stuck"), &args, &mnt);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["complete"], false, "{json}");
    assert_eq!(json["errors"]["no_answer"], 1, "{json}");
    assert_eq!(json["total_entries"], 2, "{json}");
    assert_eq!(
        json["not_read"][0]["path"],
        stuck.display().to_string(),
        "{json}"
    );

    // With every worker, however the root's listing and the stuck directory interleave.
    let (out, took) = scan_with_hung_mount(&mnt, Some("stuck"), &[], &mnt);
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(3), "{printed}");
    assert!(took < PROMPT, "scan took {took:?}:\n{printed}");
    assert!(printed.contains("did not answer)"), "{printed}");
}

#[test]
fn the_inodes_pane_stays_responsive_and_names_the_hung_mount() {
    if let Some(why) = unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let (dir, mnt) = tree_around_a_mount_point();
    let cmd = format!(
        "unshare -m {} {} {} --interval 500ms; echo EXITED $?; sleep 60",
        helper().unwrap().display(),
        mnt.display(),
        env!("CARGO_BIN_EXE_headroom"),
    );
    let t = tmux::Tmux::start(&cmd, 160, 40);
    let wait = Duration::from_secs(10);
    t.wait_for("Limits", wait);
    t.send(&["2"]);
    t.wait_for("inode use", wait);
    let scan = |path: &Path| {
        t.send(&["/"]);
        t.wait_for("scan path:", wait);
        t.send(&vec!["BSpace"; 120]);
        t.send(&["-l", &path.display().to_string()]);
        t.send(&["Enter"]);
    };
    // The tree around the mount: read in full, the mount counted and not entered.
    scan(dir.path());
    let screen = t.wait_for("7 entries in 3 dirs", wait);
    assert!(screen.contains("1 mounts not entered"), "{screen}");
    // The mount itself: the pane keeps answering keys while the scan waits, then says why.
    scan(&mnt);
    t.send(&["?"]);
    t.wait_for("keys — Esc or ? closes", wait);
    t.send(&["?"]);
    t.wait_gone("keys — Esc or ? closes", wait);
    let screen = t.wait_for("mount did not answer within 1 s", wait);
    assert!(screen.contains(&mnt.display().to_string()), "{screen}");
    let asked = Instant::now();
    t.send(&["q"]);
    t.wait_for("EXITED 0", wait);
    assert!(
        asked.elapsed() < PROMPT,
        "quitting took {:?}",
        asked.elapsed()
    );
}
