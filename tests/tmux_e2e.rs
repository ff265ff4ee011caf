//! The real binary in a real terminal: what a person sees and types, and how it leaves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::time::Duration;

use tmux::{Tmux, copy_fixture, pane_command};

const WAIT: Duration = Duration::from_secs(10);

fn roots(dir: &Path) -> String {
    format!(
        "--proc-root {0}/proc --sys-root {0}/sys --interval 200ms",
        dir.display()
    )
}

fn assert_restored(t: &Tmux, code: &str) -> String {
    t.wait_for(&format!("EXITED {code}"), WAIT);
    // The MODE line follows EXITED; read the screen once it is there.
    let screen = t.wait_for("MODE ", WAIT);
    let mode = screen
        .lines()
        .find(|l| l.starts_with("MODE "))
        .unwrap_or_default();
    assert_eq!(
        mode.trim(),
        "MODE icanon",
        "terminal left in raw mode:\n{screen}"
    );
    assert!(!t.alternate_on(), "still on the alternate screen");
    screen
}

#[test]
fn limits_pane_shows_a_failing_beancounter_live_then_quits() {
    let dir = copy_fixture("openvz-container");
    let t = Tmux::start(&pane_command("", &roots(dir.path())), 100, 30);
    let screen = t.wait_for("numothersock (uid 101)", WAIT);
    assert!(screen.contains("has failed 127 times"), "{screen}");
    // The container refuses 17 more sockets: the row flags it and the finding says so.
    let later = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openvz-container-later/proc/user_beancounters");
    let tmp = dir.path().join("proc/.ubc.new");
    std::fs::copy(later, &tmp).unwrap();
    std::fs::rename(&tmp, dir.path().join("proc/user_beancounters")).unwrap();
    let screen = t.wait_for("was refused 17 times", WAIT);
    assert!(
        screen.contains("numothersock (uid 101) is at its limit (400 of 400)"),
        "{screen}"
    );
    assert!(screen.contains("+17"), "{screen}");
    t.send(&["?"]);
    t.wait_for("keys — Esc or ? closes", WAIT);
    t.send(&["Escape"]);
    t.wait_gone("keys — Esc or ? closes", WAIT);
    t.send(&["q"]);
    assert_restored(&t, "0");
}

#[test]
fn w_asks_which_limits_give_an_error_and_ranks_them() {
    let dir = copy_fixture("openvz-container");
    let t = Tmux::start(&pane_command("", &roots(dir.path())), 100, 30);
    t.wait_for("numothersock (uid 101)", WAIT);
    t.send(&["w"]);
    t.wait_for("why: █", WAIT);
    // Typed as a person types it, with Tab completing the message.
    t.send(&["-l", "Cannot al"]);
    t.wait_for("Tab: Cannot allocate memory (ENOMEM)", WAIT);
    t.send(&["Tab"]);
    t.wait_for("why: Cannot allocate memory█", WAIT);
    t.send(&["Enter"]);
    let screen = t.wait_for(
        "why \"Cannot allocate memory\" (ENOMEM): 7 limits here",
        WAIT,
    );
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("(uid 101)") && (l.contains('█') || l.contains('░')))
        .collect();
    // Closest first: the one refusing sockets, then by the share in use.
    assert!(rows[0].starts_with("numothersock (uid 101)"), "{screen}");
    assert!(rows[1].starts_with("privvmpages (uid 101)"), "{screen}");
    assert_eq!(rows.len(), 7, "{screen}");
    assert!(screen.contains("not seen here: cgroup.memory"), "{screen}");
    assert!(
        screen.contains("numothersock (uid 101): 399 of 400; 99.8%; failed 127 times"),
        "the evidence of the selected row:\n{screen}"
    );
    // Esc clears: every limit again.
    t.send(&["Escape"]);
    t.wait_gone("why \"Cannot", WAIT);
    t.wait_for("numiptent (uid 101)", WAIT);
    // An errno name works too; unknown text says what is known.
    t.send(&["w"]);
    t.send(&["-l", "EMFILE"]);
    t.send(&["Enter"]);
    t.wait_for("why \"Too many open files\" (EMFILE): 1 limit here", WAIT);
    // `w` starts from the question shown; Ctrl-U clears it.
    t.send(&["w"]);
    t.wait_for("why: EMFILE█", WAIT);
    t.send(&["C-u"]);
    t.send(&["-l", "printer on fire"]);
    t.send(&["Enter"]);
    let screen = t.wait_for("is not a message headroom knows", WAIT);
    assert!(
        screen.contains("Cannot allocate memory (ENOMEM) ·"),
        "{screen}"
    );
    t.send(&["Escape", "q"]);
    assert_restored(&t, "0");
}

#[test]
fn sigterm_and_sighup_leave_a_clean_terminal() {
    for sig in [rustix::process::Signal::TERM, rustix::process::Signal::HUP] {
        let dir = copy_fixture("cgroup2-container");
        let t = Tmux::start(&pane_command("", &roots(dir.path())), 100, 30);
        t.wait_for("cgroup pids", WAIT);
        let pid = t.headroom_pid().expect("headroom pid");
        rustix::process::kill_process(rustix::process::Pid::from_raw(pid).unwrap(), sig).unwrap();
        assert_restored(&t, "0");
    }
}

#[test]
fn dropped_session_ends_the_process() {
    let t = Tmux::start(&pane_command("", "--interval 200ms"), 100, 30);
    t.wait_for("Limits", WAIT);
    let pid = t.headroom_pid().expect("headroom pid");
    t.kill_session();
    let proc_dir = format!("/proc/{pid}");
    let start = std::time::Instant::now();
    while Path::new(&proc_dir).exists() && start.elapsed() < WAIT {
        // A zombie has left already; only a live process counts.
        let state = std::fs::read_to_string(format!("{proc_dir}/stat")).unwrap_or_default();
        if state
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let state = std::fs::read_to_string(format!("{proc_dir}/stat")).unwrap_or_default();
    assert!(
        state.is_empty() || state.contains(") Z"),
        "headroom still running after SIGHUP: {state}"
    );
}

#[test]
fn a_panic_restores_the_terminal_before_printing() {
    let dir = copy_fixture("healthy-host");
    let t = Tmux::start(
        &pane_command("RUST_BACKTRACE=0 HEADROOM_TEST_PANIC=1", &roots(dir.path())),
        100,
        30,
    );
    let screen = assert_restored(&t, "101");
    assert!(!t.mouse_on(), "the mouse is given back on a panic");
    assert!(screen.contains("HEADROOM_TEST_PANIC is set"), "{screen}");
    assert!(
        screen.contains("thread 'main'"),
        "panic message overwritten:\n{screen}"
    );
}

#[test]
fn tiny_terminal_still_draws_and_quits() {
    let dir = copy_fixture("openvz-hostnode");
    let t = Tmux::start(&pane_command("", &roots(dir.path())), 20, 5);
    t.wait_for("headroom", WAIT);
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
}

#[test]
fn replay_shows_what_was_recorded() {
    let dir = copy_fixture("openvz-container");
    let file = dir.path().join("rec.zst");
    let snaps = [
        "openvz-container",
        "openvz-container",
        "openvz-container-later",
    ]
    .map(|f| {
        let mut c = headroom::collect::Collector::new(headroom::collect::Roots::fixture(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(f),
        ));
        c.sample()
    });
    let header = headroom::recording::Header {
        host: snaps[0].hostname.clone(),
        start_ms: 1_700_000_000_000,
        interval_ms: 30_000,
        full_every_ms: 600_000,
        writer: "test".into(),
    };
    let opts = headroom::recording::Options {
        min_free_pct: 0.0,
        ..Default::default()
    };
    let mut rec = headroom::recording::Writer::open(&file, header, opts).unwrap();
    for (i, mut s) in snaps.into_iter().enumerate() {
        s.time_ms = 1_700_000_000_000 + i as u64 * 30_000;
        rec.write(&s).unwrap();
    }
    rec.finish(1_700_000_000_000, "done").unwrap();
    let t = Tmux::start(
        &pane_command("", &format!("replay {} --speed 100", file.display())),
        100,
        30,
    );
    let screen = t.wait_for("was refused 17 times in the last minute", WAIT);
    assert!(screen.contains("replay rec.zst"), "{screen}");
    t.send(&["q"]);
    assert_restored(&t, "0");
}

#[test]
fn inodes_pane_scans_a_typed_path_with_progress_then_cancels_a_rescan() {
    // 42 directories (root, cache, 40 below it) of 5 files; each directory read is slowed
    // down so the progress is on screen long enough to be seen.
    let tree = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let d = tree.path().join(format!("cache/d{i:02}"));
        std::fs::create_dir_all(&d).unwrap();
        for f in 0..5 {
            std::fs::write(d.join(format!("f{f}")), b"").unwrap();
        }
    }
    let t = Tmux::start(
        &pane_command("HEADROOM_TEST_SCAN_DELAY_MS=100", "--interval 500ms"),
        120,
        40,
    );
    t.wait_for("Limits", WAIT);
    t.send(&["2"]);
    t.wait_for("inode use", WAIT);
    t.send(&["/"]);
    t.wait_for("scan path:", WAIT);
    let erase = vec!["BSpace"; 80];
    t.send(&erase);
    t.send(&["-l", &tree.path().display().to_string()]);
    t.send(&["Enter"]);
    let screen = t.wait_for("scanning ", WAIT);
    assert!(screen.contains("Esc cancel"), "{screen}");
    let screen = t.wait_for("242 entries in 42 dirs", WAIT);
    assert!(
        screen.contains("▾ cache"),
        "the heaviest branch is open:\n{screen}"
    );
    // A rescan, cancelled with Esc: the result stays, the status says so.
    t.send(&["r"]);
    t.wait_for("scanning ", WAIT);
    t.send(&["Escape"]);
    let screen = t.wait_for("scan cancelled", WAIT);
    assert!(screen.contains("d00"), "the tree is still shown:\n{screen}");
    t.send(&["q"]);
    assert_restored(&t, "0");
}

#[test]
fn sockets_pane_is_reached_by_its_key() {
    // Read in place: the fixture's fd links ("socket:[N]") do not survive a copy.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/memcached-clients");
    let t = Tmux::start(&pane_command("", &roots(&dir)), 120, 40);
    t.wait_for("1 Limits", WAIT);
    t.send(&["3"]);
    // The Limits pane names the same peer in its ports rows: wait for the Sockets pane itself.
    let screen = t.wait_for("owners of 10.0.0.7:11211", WAIT);
    assert!(screen.contains("memcached"), "{screen}");
    assert!(screen.contains("via procfs"), "{screen}");
    assert!(screen.contains("owners of 10.0.0.7:11211"), "{screen}");
    assert!(screen.contains("php-fpm"), "{screen}");
    t.send(&["b"]);
    let screen = t.wait_for("by ip ·", WAIT);
    assert!(screen.contains("10.0.0.7 "), "{screen}");
    t.send(&["q"]);
    assert_restored(&t, "0");
}

#[test]
fn the_live_sockets_pane_uses_the_method_asked_for() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for (args, method) in [
        ("--interval 200ms", "via netlink"),
        ("--interval 200ms --sockets-via procfs", "via procfs"),
    ] {
        let t = Tmux::start(&pane_command("", args), 160, 50);
        t.wait_for("1 Limits", WAIT);
        t.send(&["3"]);
        t.wait_for(method, WAIT);
        // Read once the frame is whole: the first capture may catch it half written.
        t.wait_for(&format!(":{port}"), WAIT);
        t.send(&["q"]);
        assert_restored(&t, "0");
    }
}

/// Sends a left click at (x, y), 0-based, as a terminal reports it with SGR mouse encoding.
fn click(t: &Tmux, x: usize, y: usize) {
    for end in ['M', 'm'] {
        let seq = format!("\x1b[<0;{};{}{end}", x + 1, y + 1);
        let hex: Vec<String> = seq.bytes().map(|b| format!("{b:02x}")).collect();
        let mut args = vec!["-H"];
        args.extend(hex.iter().map(String::as_str));
        t.send(&args);
    }
}

/// The column and line of `needle` on the screen.
fn find(screen: &str, needle: &str) -> (usize, usize) {
    screen
        .lines()
        .enumerate()
        .find_map(|(y, l)| l.find(needle).map(|i| (l[..i].chars().count(), y)))
        .unwrap_or_else(|| panic!("{needle:?} is not on the screen:\n{screen}"))
}

#[test]
fn mouse_clicks_tabs_and_rows_f1_helps_esc_closes_f10_quits() {
    let dir = copy_fixture("openvz-container");
    // Wide enough for every tab's title beside a temporary path.
    let t = Tmux::start(&pane_command("", &roots(dir.path())), 130, 30);
    let screen = t.wait_for("numiptent (uid 101)", WAIT);
    assert!(t.mouse_on(), "headroom asks the terminal for clicks");
    // A click on a row selects it: the details below the table follow.
    let (x, y) = find(&screen, "numiptent (uid 101)");
    click(&t, x, y);
    t.wait_for("numiptent (uid 101): at the limit, iptables rules", WAIT);
    // A click on a tab shows its pane.
    let (x, y) = find(&screen, "3 Sockets");
    click(&t, x + 2, y);
    t.wait_for("/proc/net/tcp is not present", WAIT);
    // F1 opens help on every pane and Esc closes it, on Graphs too.
    t.send(&["4"]);
    t.wait_for("←→ cursor", WAIT);
    t.send(&["F1"]);
    let screen = t.wait_for("keys — Esc or ? closes", WAIT);
    assert!(screen.contains("q/F10"), "{screen}");
    t.send(&["Escape"]);
    t.wait_gone("keys — Esc or ? closes", WAIT);
    t.send(&["F10"]);
    assert_restored(&t, "0");
    assert!(!t.mouse_on(), "the mouse is given back");
}
