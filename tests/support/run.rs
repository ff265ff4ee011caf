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

/// Runs `headroom export` on a free loopback port with these extra arguments, scrapes
/// `/metrics` until the page contains `wanted` (or 5 s pass), then stops the exporter with
/// SIGTERM, requires a clean exit, and returns the last HTTP answer, headers included.
pub fn scrape_export(args: &[&str], wanted: &str) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["export", "--listen", "127.0.0.1:0", "--interval", "200ms"])
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run headroom export");
    let mut line = String::new();
    if let Some(err) = child.stderr.as_mut() {
        BufReader::new(err).read_line(&mut line).expect("stderr");
    }
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap_or_default()
        .trim_end_matches("/metrics")
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    let mut body = String::new();
    for _ in 0..100 {
        let mut s = std::net::TcpStream::connect(&addr).expect("connect to the exporter");
        write!(
            s,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        body.clear();
        s.read_to_string(&mut body).expect("read");
        if body.contains(wanted) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    assert!(child.wait().expect("wait").success());
    body
}
