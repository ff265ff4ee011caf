//! A terminal that stops reading (a frozen SSH session, a paused terminal emulator): the
//! dashboard runs on a pseudo-terminal whose other end is never read, at a 100 ms interval,
//! and its memory stays flat for a minute; SIGTERM still ends it promptly.
//!
//! A memory bound, not a speed test: it takes almost three minutes by design.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

/// How much the resident set may grow while nothing reads the terminal.
const GROWTH_KB: u64 = 2 * 1024;

fn rss_kb(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

#[test]
fn memory_stays_flat_while_the_terminal_does_not_read() {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let size = rustix::termios::Winsize {
        ws_row: 50,
        ws_col: 160,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    rustix::termios::tcsetwinsize(&master, size).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let slave = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open(name.to_str().unwrap())
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["--interval", "100ms"])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap();
    // Long enough for the terminal's buffer to fill and the writer to block, and for the limit
    // history to fill its window (`history::LIMIT_WINDOW_MS`, 90 s: at 100 ms that is every
    // limit's 900 readings, memory it is meant to hold); what grows after that is backlog.
    std::thread::sleep(Duration::from_secs(100));
    assert!(child.try_wait().unwrap().is_none(), "the dashboard ended");
    let base = rss_kb(&child);
    let mut seen = vec![base];
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_secs(5));
        seen.push(rss_kb(&child));
    }
    let most = seen.iter().copied().max().unwrap_or(base);
    eprintln!("VmRSS every 5 s over 60 s, in kB: {seen:?}");
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let asked = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if asked.elapsed() > Duration::from_secs(5) {
            child.kill().unwrap();
            panic!("SIGTERM did not end the dashboard on a terminal that does not read");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(master);
    assert!(
        most - base <= GROWTH_KB,
        "resident memory grew from {base} kB to {most} kB"
    );
}
