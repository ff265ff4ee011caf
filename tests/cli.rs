//! The real binary: the `snapshot` contract and the no-terminal message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "support/run.rs"]
mod run;

use run::{headroom, json};

fn fixture(name: &str) -> (String, String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    (
        dir.join("proc").display().to_string(),
        dir.join("sys").display().to_string(),
    )
}

#[test]
fn snapshot_json_contract() {
    let (proc, sys) = fixture("openvz-container");
    let v = json(&[
        "snapshot",
        "--json",
        "--proc-root",
        &proc,
        "--sys-root",
        &sys,
    ]);
    let time = v["time"].as_str().expect("time");
    assert!(
        time.len() == 20 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
        "{time}"
    );
    assert!(v["hostname"].is_string());
    let top = &v["limits"][0];
    for key in [
        "id",
        "group",
        "name",
        "used",
        "max",
        "unit",
        "pct",
        "failures",
        "failures_delta",
        "hint",
    ] {
        assert!(top.get(key).is_some(), "limits[0].{key} missing: {top}");
    }
    assert_eq!(top["id"], "ubc.101.numothersock");
    assert_eq!(top["group"], "beancounters");
    assert_eq!(top["used"], 399);
    assert_eq!(top["max"], 400);
    assert_eq!(top["unit"], "count");
    assert_eq!(top["failures"], 127);
    assert!(top["failures_delta"].is_null());
    let physpages = v["limits"]
        .as_array()
        .expect("array")
        .iter()
        .find(|l| l["id"] == "ubc.101.physpages")
        .expect("physpages");
    assert!(physpages["max"].is_null(), "unlimited is null");
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["limit"], "ubc.101.numothersock");
    assert!(f["text"].as_str().unwrap_or("").contains("127 times"));
    assert!(v["errors"].as_array().expect("errors").is_empty());
}

#[test]
fn snapshot_with_samples_has_real_deltas() {
    let v = json(&[
        "snapshot",
        "--json",
        "--samples",
        "2",
        "--interval",
        "100ms",
    ]);
    let limits = v["limits"].as_array().expect("limits");
    assert!(!limits.is_empty());
    let tcp = limits
        .iter()
        .find(|l| l["id"] == "net.tcp.mem")
        .expect("tcp mem");
    assert!(tcp["failures_delta"].is_u64(), "{tcp}");
    assert!(
        limits
            .iter()
            .any(|l| l["id"] == "kernel.tasks" && l["pct"].is_f64())
    );
}

#[test]
fn snapshot_reports_errors_for_malformed_files() {
    let (proc, sys) = fixture("malformed");
    let v = json(&[
        "snapshot",
        "--json",
        "--proc-root",
        &proc,
        "--sys-root",
        &sys,
    ]);
    let errors = v["errors"].as_array().expect("errors");
    assert!(errors.len() >= 8, "{errors:?}");
    assert!(
        errors
            .iter()
            .all(|e| e["source"].is_string() && e["message"].is_string())
    );
}

#[test]
fn snapshot_text_has_findings_then_table() {
    let (proc, sys) = fixture("cgroup2-container");
    let out = headroom(&["snapshot", "--proc-root", &proc, "--sys-root", &sys]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let finding = text
        .find("CRITICAL cgroup pids is at its limit (512 of 512)")
        .expect(&text);
    let table = text.find("limit  ").expect("table header");
    assert!(finding < table);
    assert!(text.contains("Not available here:"));
}

#[test]
fn dashboard_without_terminal_points_to_snapshot() {
    let out = headroom(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("headroom snapshot"));
}

#[test]
fn bad_arguments_get_a_clear_message() {
    let out = headroom(&["snapshot", "--interval", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--interval"));
}

/// Runs headroom as an unprivileged user when the tests run as root.
fn unprivileged(args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_headroom");
    let mut cmd = if rustix::process::getuid().is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run headroom (setpriv is in util-linux)")
}

#[test]
fn unreadable_beancounters_say_root_is_needed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let proc = dir.path().join("proc");
    std::fs::create_dir(&proc).unwrap();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openvz-container/proc/user_beancounters");
    let ubc = proc.join("user_beancounters");
    std::fs::copy(src, &ubc).unwrap();
    std::fs::set_permissions(&ubc, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = unprivileged(&["snapshot", "--json", "--proc-root", proc.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == "beancounters")
        .expect("beancounters error");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("permission denied (root sees it)"),
        "{e}"
    );
}

#[test]
fn unprivileged_live_snapshot_still_sees_every_process_fd_count() {
    let out = unprivileged(&["snapshot", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let limits = v["limits"].as_array().unwrap();
    assert!(limits.iter().any(|l| l["id"] == "kernel.tasks"));
    assert!(limits.iter().filter(|l| l["group"] == "process").count() >= 2);
}

#[test]
fn record_ends_cleanly_on_sigterm_and_keeps_every_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("night.zst");
    let (proc, sys) = fixture("openvz-container");
    let child = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args([
            "record",
            file.to_str().unwrap(),
            "--interval",
            "100ms",
            "--proc-root",
            &proc,
            "--sys-root",
            &sys,
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("recorded"));
    let rec = headroom::headless::record::read(&file).unwrap();
    assert!(rec.damaged.is_none(), "{:?}", rec.damaged);
    assert!(
        (3..=9).contains(&rec.snapshots.len()),
        "{}",
        rec.snapshots.len()
    );
    assert!(
        rec.snapshots
            .windows(2)
            .all(|w| w[0].time_ms < w[1].time_ms)
    );
}

#[test]
fn record_stops_after_its_samples_and_replay_refuses_junk() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.zst");
    let out = headroom(&[
        "record",
        file.to_str().unwrap(),
        "--samples",
        "2",
        "--interval",
        "100ms",
    ]);
    assert!(out.status.success());
    assert_eq!(
        headroom::headless::record::read(&file)
            .unwrap()
            .snapshots
            .len(),
        2
    );
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "hello").unwrap();
    let out = headroom(&["replay", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("junk"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn export_serves_metrics_on_loopback_and_stops_on_sigterm() {
    let roots = run::roots_of("openvz-container");
    let args: Vec<&str> = roots.iter().map(String::as_str).collect();
    let body = run::scrape_export(&args, "headroom_limit_failures_total");
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(
        body.contains("headroom_limit_failures_total{limit=\"ubc.101.numothersock\""),
        "{body}"
    );
}

/// What a person trips on first: a path that is not there, a file that is not a recording, a
/// directory that may not be written. Each error names the file once and the cause once.
#[test]
fn failures_name_the_file_and_the_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let missing = missing.to_str().unwrap();
    let stderr = |args: &[&str]| {
        let out = headroom(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    for (args, said) in [
        (
            vec!["scan", missing],
            format!("headroom: {missing}: No such file"),
        ),
        (
            vec!["replay", "--json", missing],
            format!("headroom: {missing} cannot be read: No such file"),
        ),
        (
            vec!["report", missing],
            format!("headroom: {missing} cannot be read: No such file"),
        ),
    ] {
        let err = stderr(&args);
        assert!(err.starts_with(&said), "{args:?}: {err}");
        assert_eq!(err.matches("No such file").count(), 1, "{args:?}: {err}");
    }
    let file = dir.path().join("missing/night.hr");
    let file = file.to_str().unwrap();
    let err = stderr(&["record", file, "--samples", "1"]);
    assert!(
        err.starts_with(&format!("headroom: {file}: cannot create it: No such file")),
        "{err}"
    );
    assert!(
        !err.contains("frames"),
        "nothing was recorded to speak of: {err}"
    );
}

/// A /proc that gives nothing does not read as a healthy machine.
#[test]
fn a_snapshot_that_read_no_limit_says_so_instead_of_all_clear() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().display().to_string();
    let text = run::stdout(&["snapshot", "--proc-root", &root, "--sys-root", &root]);
    assert!(
        text.contains("No limit could be read: none of their sources is here (listed below)."),
        "{text}"
    );
    assert!(!text.contains("No limit is near"), "{text}");
}
