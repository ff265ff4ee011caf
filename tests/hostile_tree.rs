//! A captured tree with traps where kernel files belong: a FIFO (an open would wait for a writer
//! forever) and a symlink to /dev/zero (a read would never end). `snapshot` finishes, and its
//! errors name each file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/tmux.rs"]
mod tmux;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn snapshot_of_a_tree_with_a_fifo_and_dev_zero_finishes_naming_them() {
    let dir = tmux::copy_fixture("openvz-container");
    let proc = dir.path().join("proc");
    let ubc = proc.join("user_beancounters");
    std::fs::remove_file(&ubc).unwrap();
    rustix::fs::mkfifoat(rustix::fs::CWD, &ubc, rustix::fs::Mode::RUSR).unwrap();
    let file_nr = proc.join("sys/fs/file-nr");
    std::fs::create_dir_all(proc.join("sys/fs")).unwrap();
    std::fs::remove_file(&file_nr).ok();
    std::os::unix::fs::symlink("/dev/zero", &file_nr).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("snapshot")
        .arg("--proc-root")
        .arg(&proc)
        .arg("--sys-root")
        .arg(dir.path().join("sys"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("snapshot hung on the FIFO or /dev/zero");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{}: not a regular file (a FIFO)", ubc.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}: not a regular file (a character device)",
            file_nr.display()
        )),
        "{text}"
    );
}
