//! `headroom record` and `headroom replay --json` as a user runs them: signals, kill -9, damage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use headroom::recording::Reader;
use rustix::process::{Pid, Signal, kill_process};

#[path = "support/run.rs"]
mod run;

fn fixture_recording() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recordings/openvz-v1.hr")
}

fn start_recording(path: &Path) -> Child {
    let roots = run::roots_of("openvz-container");
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("record")
        .arg(path)
        .args(["--interval", "100ms"])
        .args(&roots)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the file holds at least `n` frames.
fn wait_for_frames(path: &Path, n: usize) {
    let due = Instant::now() + Duration::from_secs(20);
    while Instant::now() < due {
        if Reader::open(path).is_ok_and(|r| r.count() >= n) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no {n} frames in {}", path.display());
}

fn signal(child: &Child, sig: Signal) {
    kill_process(Pid::from_raw(child.id() as i32).unwrap(), sig).unwrap();
}

#[test]
fn sigterm_closes_a_recording_that_replays_fully() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("night.hr");
    let child = start_recording(&path);
    wait_for_frames(&path, 3);
    signal(&child, Signal::TERM);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
    let mut r = Reader::open(&path).unwrap();
    let n = r.by_ref().count();
    assert!(n >= 3);
    assert!(r.lost().is_empty());
    assert!(r.notes().iter().any(|(_, t)| t == "stopped by SIGTERM"));
    assert!(
        stderr.contains(&format!("recorded {n} snapshots")),
        "{stderr}"
    );
}

#[test]
fn kill_9_loses_at_most_the_frame_being_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("night.hr");
    let mut child = start_recording(&path);
    wait_for_frames(&path, 4);
    signal(&child, Signal::KILL);
    child.wait().unwrap();
    let mut r = Reader::open(&path).unwrap();
    let frames: Vec<u64> = r.by_ref().map(|f| f.time_ms).collect();
    assert!(frames.len() >= 4);
    assert!(r.lost().len() <= 1, "{:?}", r.lost());
    assert!(r.lost().iter().all(|l| l.frames <= 1), "{:?}", r.lost());
    // Recording again appends to it.
    let child = start_recording(&path);
    wait_for_frames(&path, frames.len() + 2);
    signal(&child, Signal::INT);
    assert!(child.wait_with_output().unwrap().status.success());
    let again: Vec<u64> = Reader::open(&path).unwrap().map(|f| f.time_ms).collect();
    assert_eq!(again[..frames.len()], frames[..]);
}

#[test]
fn replay_json_prints_one_snapshot_a_frame_within_the_window() {
    let file = fixture_recording();
    let file = file.to_str().unwrap();
    let all = run::stdout(&["replay", file, "--json"]);
    let lines: Vec<serde_json::Value> = all
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    for l in &lines {
        assert!(l["limits"].as_array().is_some_and(|a| !a.is_empty()));
        assert!(l["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    }
    assert!(lines[0]["limits"][0]["failures_delta"].is_null());
    assert!(
        lines[1]["limits"][0]["failures_delta"].is_u64(),
        "rates from the 2nd frame"
    );
    // The first second after the recording's first: it has a frame before it.
    let second = lines
        .iter()
        .filter_map(|l| l["time"].as_str())
        .find(|t| *t != lines[0]["time"])
        .unwrap();
    let from = run::stdout(&["replay", file, "--json", "--from", second, "--to", second]);
    assert!(from.lines().count() >= 1);
    let first: serde_json::Value = serde_json::from_str(from.lines().next().unwrap()).unwrap();
    assert_eq!(first["time"], second);
    assert!(
        first["limits"][0]["failures_delta"].is_u64(),
        "derived from the frame before"
    );
}

#[test]
fn a_damaged_file_says_what_was_lost_and_an_empty_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.hr");
    let bytes = std::fs::read(fixture_recording()).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 120]).unwrap();
    let out = run::headroom(&["replay", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lost"), "{stderr}");
    assert!(!out.stdout.is_empty());
    std::fs::write(&path, b"").unwrap();
    let out = run::headroom(&["replay", path.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is empty"), "{stderr}");
}

#[test]
fn the_version_1_fixture_recording_replays_forever() {
    let mut r = Reader::open(&fixture_recording()).unwrap();
    assert_eq!(r.version(), 1);
    let h = r.header().unwrap().clone();
    assert_eq!(h.interval_ms, 200);
    let frames: Vec<_> = r.by_ref().collect();
    assert_eq!(frames.len(), 6);
    assert!(r.lost().is_empty());
    let ubc = frames[0].snapshot.beancounters.as_ref().unwrap();
    assert_eq!(ubc.blocks[0].uid, 101);
    assert!(frames.windows(2).all(|w| w[0].time_ms < w[1].time_ms));
    assert!(
        frames
            .iter()
            .all(|f| f.snapshot.beancounters == frames[0].snapshot.beancounters)
    );
}
