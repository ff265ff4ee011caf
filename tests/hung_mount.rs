//! A mount whose server never answers (FUSE, in a private mount namespace): every one-shot mode
//! reports it and exits, and the long-running ones end on SIGTERM, whatever the thread stuck in
//! statvfs is doing. Needs root, `unshare` and /dev/fuse; skipped with a message without them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
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
    let mut cmd = Command::new("unshare");
    cmd.arg("-m")
        .arg(helper().unwrap())
        .arg(&mnt)
        .arg(env!("CARGO_BIN_EXE_headroom"))
        .args(args);
    if let Some(ms) = term_after_ms {
        cmd.env("HUNG_FUSE_TERM_AFTER_MS", ms.to_string());
    }
    let start = Instant::now();
    let out = cmd.output().unwrap();
    (out, start.elapsed(), mnt.display().to_string())
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
