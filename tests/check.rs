//! `headroom check` as a monitoring system runs it: exit 0 OK, 1 WARNING, 2 CRITICAL,
//! 3 UNKNOWN, with one status line and perfdata, on the live fixtures and on captured
//! `sysctl -a` files; and `snapshot`, which reports without judging, exiting 0 on the same.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[path = "support/run.rs"]
mod run;

/// Runs `headroom check` with these arguments: (exit code, stdout).
fn check(args: &[&str]) -> (i32, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = run::headroom(&all);
    let text = String::from_utf8(out.stdout).unwrap();
    (out.status.code().expect("exit code"), text)
}

fn on_fixture(fixture: &str, extra: &[&str]) -> (i32, String) {
    let roots = run::roots_of(fixture);
    let mut args: Vec<&str> = roots.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    check(&args)
}

fn capture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sysctl")
        .join(name)
        .display()
        .to_string()
}

/// The status line has one line, a status word, text, `|` and perfdata.
fn assert_plugin_output(text: &str, word: &str) {
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with(&format!("HEADROOM {word} - ")), "{text}");
    if word != "UNKNOWN" {
        let (_, perf) = text.split_once(" | ").expect("perfdata");
        assert!(perf.starts_with('\''), "{perf}");
        assert_eq!(
            perf.matches('=').count(),
            perf.matches("'=").count(),
            "{perf}"
        );
    }
}

#[test]
fn a_container_whose_beancounter_failed_is_critical() {
    let (code, text) = on_fixture("openvz-container", &[]);
    assert_eq!(code, 2, "{text}");
    assert_plugin_output(&text, "CRITICAL");
    assert!(
        text.contains("numothersock (uid 101) at 99.8% (399 of 400), 127 failures"),
        "{text}"
    );
    assert!(
        text.contains(
            " 'ubc.101.numothersock'=399;320;380;0;400 'ubc.101.numothersock failures'=127c"
        ),
        "{text}"
    );
    assert!(
        text.contains("'ubc.101.privvmpages'=197791744B;"),
        "pages as bytes: {text}"
    );
    // Below --crit, the failures alone make it a warning.
    let (code, text) = on_fixture("openvz-container", &["--warn", "99.9", "--crit", "100"]);
    assert_eq!(code, 1, "{text}");
    assert_plugin_output(&text, "WARNING");
}

#[test]
fn a_cgroup_at_its_limit_is_critical() {
    let (code, text) = on_fixture("cgroup2-container", &[]);
    assert_eq!(code, 2, "{text}");
    assert_plugin_output(&text, "CRITICAL");
    assert!(
        text.contains("cgroup pids at 100.0% (512 of 512), 33 failures"),
        "{text}"
    );
    assert!(
        !text.contains("'proc.nofile:"),
        "no pid in perfdata labels: {text}"
    );
}

#[test]
fn a_healthy_host_is_ok() {
    let (code, text) = on_fixture("healthy-host", &[]);
    assert_eq!(code, 0, "{text}");
    assert_plugin_output(&text, "OK");
    assert!(
        text.contains("limits below 80%, highest space / at 37%"),
        "{text}"
    );
    let (code, text) = on_fixture("healthy-host", &["--warn", "30", "--crit", "90"]);
    assert_eq!(code, 1, "{text}");
}

#[test]
fn usage_errors_and_unreadable_input_are_unknown() {
    let (code, _) = check(&["--warn", "lots"]);
    assert_eq!(code, 3);
    let (code, text) = check(&["--warn", "90", "--crit", "80"]);
    assert_eq!(code, 3);
    assert_plugin_output(&text, "UNKNOWN");
    let (code, text) = check(&["--sysctl", "/nonexistent/sysctl.txt"]);
    assert_eq!(code, 3);
    assert_plugin_output(&text, "UNKNOWN");
    assert!(text.contains("/nonexistent/sysctl.txt"), "{text}");
    let help = run::headroom(&["check", "--help"]);
    assert_eq!(help.status.code(), Some(0));
}

#[test]
fn freebsd_captures_are_checked_by_their_kernel_tables() {
    let (code, text) = check(&["--sysctl", &capture("freebsd-14-web.txt")]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("open files (kern.openfiles) at 96.7% (61887 of 64000)"),
        "{text}"
    );
    assert!(
        text.contains("'kern.maxfiles'=61887;51200;60800;0;64000"),
        "{text}"
    );
    let (code, text) = check(&["--sysctl", &capture("freebsd-13-quiet.txt")]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = check(&["--sysctl", &capture("freebsd-14-mbufs-exhausted.txt")]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("'kern.ipc.nmbclusters failures'=18442c"),
        "{text}"
    );
    let (code, text) = check(&["--sysctl", &capture("linux-debian.txt")]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("conntrack entries (nf_conntrack_count) at 95.9%"),
        "{text}"
    );
}

#[test]
fn snapshot_reports_failures_and_still_exits_0() {
    let roots = run::roots_of("openvz-container");
    let mut args = vec!["snapshot"];
    args.extend(roots.iter().map(String::as_str));
    assert!(run::stdout(&args).contains("numothersock"));
}

#[test]
fn snapshot_ranks_a_freebsd_capture_with_freebsd_hints() {
    let text = run::stdout(&[
        "snapshot",
        "--sysctl",
        &capture("freebsd-14-mbufs-exhausted.txt"),
    ]);
    assert!(
        text.starts_with("headroom: FreeBSD sysctl -a of proxy2.example.net"),
        "{text}"
    );
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("limit "))
        .skip(1)
        .collect();
    assert!(
        table[0].starts_with("mbuf clusters (vm.uma.mbuf_cluster)"),
        "{text}"
    );
    assert!(
        table[0].contains("18442") && table[0].contains("/boot/loader.conf"),
        "{}",
        table[0]
    );
    assert!(
        text.contains("kern.maxvnodes in /etc/sysctl.conf"),
        "{text}"
    );
    let v = run::json(&[
        "snapshot",
        "--json",
        "--sysctl",
        &capture("freebsd-14-web.txt"),
    ]);
    assert_eq!(v["os"], "freebsd");
    assert_eq!(v["hostname"], "web3.example.net");
    assert_eq!(v["limits"][0]["id"], "kern.maxfiles");
    assert_eq!(v["limits"][0]["used"], 61887);
    assert_eq!(v["limits"].as_array().unwrap().len(), 10);
}

#[test]
fn a_failure_counter_growing_between_readings_is_critical() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    let proc_root = dir.path().join("proc");
    std::fs::create_dir_all(&proc_root).unwrap();
    let counters = proc_root.join("user_beancounters");
    std::fs::copy(
        fixtures.join("openvz-container/proc/user_beancounters"),
        &counters,
    )
    .unwrap();
    // Thresholds above the fill, so only the growing counter can make it critical.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["check", "--samples", "2", "--interval", "2s"])
        .args(["--warn", "100", "--crit", "101", "--proc-root"])
        .arg(&proc_root)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first reading is taken at once; the container refuses 17 more sockets before the second.
    std::thread::sleep(std::time::Duration::from_millis(800));
    std::fs::copy(
        fixtures.join("openvz-container-later/proc/user_beancounters"),
        &counters,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("numothersock (uid 101) at 100.0% (400 of 400), 144 failures (17 just now)"),
        "{text}"
    );
}
