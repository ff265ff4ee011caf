//! The text snapshot says what an unprivileged user cannot see: processes whose files it may
//! not read, and a /proc mounted with hidepid.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};

fn is_root() -> bool {
    rustix::process::getuid().is_root()
}

#[test]
fn a_captured_proc_with_hidepid_is_said_in_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let proc = tmp.path().join("proc");
    std::fs::create_dir_all(proc.join("self")).unwrap();
    std::fs::write(
        proc.join("self/mountinfo"),
        "23 22 0:21 / /proc rw,nosuid,hidepid=invisible,gid=1001 shared:12 - proc proc rw\n",
    )
    .unwrap();
    let run = |json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_headroom"));
        cmd.arg("snapshot")
            .arg("--proc-root")
            .arg(&proc)
            .arg("--sys-root")
            .arg(tmp.path().join("sys"));
        if json {
            cmd.arg("--json");
        }
        let out = cmd.stdin(Stdio::null()).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(false);
    assert!(
        text.contains(
            "/proc is mounted with hidepid=invisible: other users' processes are not even \
             listed (group 1001 and root see all)."
        ),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&run(true)).unwrap();
    assert_eq!(v["proc_hidden"]["hidepid"], "invisible");
    assert_eq!(v["proc_hidden"]["gid"], 1001);
}

#[test]
fn unprivileged_text_snapshot_counts_the_processes_it_cannot_read() {
    let bin = env!("CARGO_BIN_EXE_headroom");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd.arg("snapshot").stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // PID 1 belongs to root: at least it is unreadable.
    let line = text
        .lines()
        .find(|l| l.contains("processes unreadable by this user"))
        .unwrap_or_else(|| panic!("no unreadable-process line:\n{text}"));
    let (n, rest) = line.split_once(" of ").unwrap();
    let m: u64 = rest.split_whitespace().next().unwrap().parse().unwrap();
    let n: u64 = n.parse().unwrap();
    assert!(n >= 1 && n <= m, "{line}");
    assert!(line.ends_with("(root sees all)."), "{line}");
}

/// The real thing: /proc remounted with hidepid=invisible in a private mount namespace, and
/// headroom run there as nobody.
#[test]
fn a_live_proc_mounted_with_hidepid_is_detected() {
    if !is_root() {
        eprintln!("skipped: mounting proc with hidepid in a mount namespace needs root");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_headroom");
    let script = "mount -t proc -o hidepid=invisible proc /proc || exit 77; \
                  exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$0\" snapshot";
    let out = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", script, bin])
        .stdin(Stdio::null())
        .output();
    let out = match out {
        Ok(o) if o.status.code() == Some(77) || !o.status.success() && o.stdout.is_empty() => {
            eprintln!(
                "skipped: no private mount namespace here: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            return;
        }
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipped: unshare (util-linux) not available: {e}");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("/proc is mounted with hidepid=invisible: other users' processes are not even listed (root sees all)."),
        "{text}"
    );
}

/// Seen from a child user namespace, even as its root, a process outside lists its fds but
/// denies their links: its sockets are unknown (null), not none, and its fd count stays.
#[test]
fn fd_links_denied_across_user_namespaces_leave_sockets_unknown() {
    if !is_root() {
        eprintln!("skipped: needs root to map root into a user namespace");
        return;
    }
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: `unshare --user` does not work here");
        return;
    }
    // 62 of 64 descriptors open: a consumer of the open-files limit, so listed in the JSON.
    let mut holder = Command::new("bash")
        .args([
            "-c",
            "ulimit -n 64; for i in $(seq 3 61); do eval \"exec $i</dev/null\"; done; exec sleep 30",
        ])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", env!("CARGO_BIN_EXE_headroom")])
        .args(["snapshot", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pid = u64::from(holder.id());
    let p = v["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == pid)
        .unwrap_or_else(|| panic!("pid {pid} not listed: {}", v["processes"]));
    assert!(p["fds"].as_u64().is_some_and(|n| n >= 62), "{p}");
    assert_eq!(p["sockets"], serde_json::Value::Null, "{p}");
    assert_eq!(p["unix"], serde_json::Value::Null, "{p}");
}
