//! Runs the built binary without a terminal, for tests of its headless modes.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs headroom with these arguments, stdin closed.
pub fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run headroom")
}

/// Runs headroom, requires success, and returns what it printed.
pub fn stdout(args: &[&str]) -> String {
    let out = headroom(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs headroom, requires success, and parses the one JSON object it printed.
pub fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(args)).expect("one JSON object")
}

/// `--proc-root` and `--sys-root` arguments for a fixture scenario.
pub fn roots_of(fixture: &str) -> [String; 4] {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    [
        "--proc-root".into(),
        dir.join("proc").display().to_string(),
        "--sys-root".into(),
        dir.join("sys").display().to_string(),
    ]
}
