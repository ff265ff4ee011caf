//! Events from the kernel log and from our own readings, in `snapshot --json` and through a
//! recording.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use serde_json::Value;

#[path = "support/run.rs"]
mod run;

fn kmsg_fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kmsg/limits.kmsg")
        .display()
        .to_string()
}

fn events_of(v: &Value) -> Vec<Value> {
    v["events"].as_array().expect("events").clone()
}

#[test]
fn every_kernel_message_of_the_table_is_an_event_on_its_limit() {
    let roots = run::roots_of("openvz-container");
    let mut args = vec!["snapshot", "--json", "--kmsg"];
    let kmsg = kmsg_fixture();
    args.push(&kmsg);
    args.extend(roots.iter().map(String::as_str));
    let v = run::json(&args);
    let events = events_of(&v);
    let kernel: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["source"] == "kmsg")
        .map(|e| {
            (
                e["limit"].as_str().unwrap_or("-"),
                e["text"].as_str().unwrap(),
            )
        })
        .collect();
    let limits: Vec<&str> = kernel.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        limits,
        [
            "net.tcp.mem",
            "net.tcp.orphans",
            "net.tcp.orphans",
            "net.tcp.tw",
            "net.tcp.tw",
            "fs.files",
            "net.conntrack",
            "net.conntrack",
            "net.listen",
            // A container's global OOM kill is its beancounter's: it has no cgroup row.
            "ubc.101.physpages",
            "cgroup.memory",
            "cgroup.pids",
            "net.neigh6",
        ],
        "{kernel:#?}"
    );
    let notes: Vec<&Value> = events.iter().filter(|e| e["suppressed"].is_u64()).collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["suppressed"], 42);
    assert_eq!(notes[1]["suppressed"], 17);
    assert_eq!(notes[1]["limit"], "net.conntrack");
    for e in &events {
        assert!(e["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{e}");
        assert!(
            ["warning", "critical"].contains(&e["severity"].as_str().unwrap()),
            "{e}"
        );
    }
    // Our own readings: the fixture's numothersock is at 399 of 400.
    assert!(
        events
            .iter()
            .any(|e| e["source"] == "threshold" && e["limit"] == "ubc.101.numothersock"),
        "{events:#?}"
    );
}

#[test]
fn events_are_recorded_and_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("night.hr");
    let file = file.to_str().unwrap();
    let roots = run::roots_of("openvz-container");
    let kmsg = kmsg_fixture();
    let mut args = vec![
        "record",
        file,
        "--samples",
        "2",
        "--interval",
        "100ms",
        "--kmsg",
        &kmsg,
    ];
    args.extend(roots.iter().map(String::as_str));
    run::stdout(&args);
    let out = run::stdout(&["replay", file, "--json"]);
    let frames: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(frames.len(), 2);
    let kernel = |f: &Value| {
        events_of(f)
            .iter()
            .filter(|e| e["source"] == "kmsg")
            .count()
    };
    assert_eq!(kernel(&frames[0]), 13);
    assert_eq!(kernel(&frames[1]), 0, "each message once");
}

#[test]
fn an_unreadable_kernel_log_says_why() {
    let roots = run::roots_of("openvz-container");
    let mut args = vec!["snapshot", "--json", "--kmsg", "/nonexistent/kmsg"];
    args.extend(roots.iter().map(String::as_str));
    let v = run::json(&args);
    assert!(events_of(&v).iter().all(|e| e["source"] != "kmsg"));
}

#[test]
fn a_kernel_log_that_cannot_be_read_is_listed_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A directory is not a log: reading it fails the way a refused device does.
    let roots = run::roots_of("openvz-container");
    let path = dir.path().to_str().unwrap();
    let mut args = vec!["snapshot", "--json", "--kmsg", path];
    args.extend(roots.iter().map(String::as_str));
    let v = run::json(&args);
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["source"] == "kmsg" && e["message"].as_str().unwrap().contains(path)),
        "{errors:?}"
    );
}
