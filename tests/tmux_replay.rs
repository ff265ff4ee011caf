//! Replay in a real terminal: the time cursor (pause, step, minute jumps, go to a time, event
//! jumps) moves the time in the header; and `R` in the live dashboard writes a recording that
//! replays.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::time::Duration;

use headroom::collect::{Collector, Roots};
use tmux::{Tmux, copy_fixture, pane_command};

const WAIT: Duration = Duration::from_secs(10);
const START: u64 = 1_700_000_000_000;
const GAP: u64 = 30_000;

fn collector(fixture: &str) -> Collector {
    Collector::new(Roots::fixture(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture),
    ))
}

/// Twenty frames 30 s apart from 22:13:20Z; the container is refused sockets from frame 10 on.
fn night(file: &Path) {
    let mut quiet = collector("openvz-container");
    let mut failing = collector("openvz-container-later");
    let first = quiet.sample();
    // The machine's free space is not what this test is about.
    let opts = headroom::recording::Options {
        min_free_pct: 0.0,
        ..Default::default()
    };
    let header = headroom::headless::record::header(&first, Duration::from_millis(GAP), &opts);
    let mut rec = headroom::recording::Writer::open(file, header, opts).unwrap();
    for i in 0..20 {
        let mut s = if i < 10 {
            quiet.sample()
        } else {
            failing.sample()
        };
        s.time_ms = START + i * GAP;
        rec.write(&s).unwrap();
    }
    rec.finish(START + 20 * GAP, "done").unwrap();
}

/// Where a test may write a recording: /dev/shm when it has room, else the temporary directory.
fn scratch() -> std::path::PathBuf {
    let roomy = rustix::fs::statvfs("/dev/shm")
        .is_ok_and(|s| s.f_bavail.saturating_mul(10) > s.f_blocks && s.f_blocks > 0);
    if roomy {
        "/dev/shm".into()
    } else {
        std::env::temp_dir()
    }
}

/// Waits for the header to show `time` as the replayed time.
fn at(t: &Tmux, time: &str) -> String {
    t.wait_for(&format!("{time} replay night.hr"), WAIT)
}

#[test]
fn the_time_cursor_pauses_steps_jumps_and_goes_to_events() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("night.hr");
    night(&file);
    let t = Tmux::start(
        &pane_command("", &format!("replay {} --speed 1", file.display())),
        120,
        30,
    );
    at(&t, "22:13:20Z");
    t.send(&["Space"]);
    let screen = t.wait_for("PAUSED", WAIT);
    assert!(
        screen.contains("{} event"),
        "replay keys in the footer:\n{screen}"
    );
    t.send(&["Right"]);
    at(&t, "22:13:50Z");
    t.send(&["]"]);
    at(&t, "22:14:50Z");
    t.send(&["["]);
    at(&t, "22:13:50Z");
    t.send(&["g"]);
    t.wait_for("go to (HH:MM[:SS])", WAIT);
    t.send(&["2", "2", ":", "1", "9", ":", "2", "0", "Enter"]);
    at(&t, "22:19:20Z");
    // The failures that started at 22:18:20 are an event, the first frame's crossing of 90%
    // another.
    t.send(&["6"]);
    t.wait_for("new failures", WAIT);
    t.send(&["{"]);
    at(&t, "22:18:20Z");
    t.send(&["{"]);
    at(&t, "22:13:20Z");
    t.send(&["}"]);
    at(&t, "22:18:20Z");
    t.send(&["Left"]);
    at(&t, "22:17:50Z");
    t.send(&["+"]);
    t.wait_for("×2 ", WAIT);
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
}

/// 22:00 to 06:00 at a frame a minute from the busy fixture; at 05:28 the kernel says TCP ran
/// out of memory.
fn busy_night(file: &Path) -> u64 {
    let mut busy = collector("graphs-busy");
    let first = busy.sample();
    let opts = headroom::recording::Options {
        min_free_pct: 0.0,
        ..Default::default()
    };
    let minute = 60_000;
    let header = headroom::headless::record::header(&first, Duration::from_millis(minute), &opts);
    let mut rec = headroom::recording::Writer::open(file, header, opts).unwrap();
    // 2023-11-14T22:00:00Z
    let start = 1_700_000_000_000 - 1_700_000_000_000 % 86_400_000 + 22 * 3_600_000;
    let oom = start + (7 * 60 + 28) * minute;
    for i in 0..=8 * 60 {
        let mut s = first.clone();
        s.time_ms = start + i * minute;
        s.kmsg = Ok(if s.time_ms == oom {
            vec![headroom::model::events::KernelMessage {
                seq: 7,
                level: 4,
                usec: 1,
                time_ms: Some(oom),
                text: "TCP: out of memory -- consider tuning tcp_mem".into(),
            }]
        } else {
            Vec::new()
        });
        rec.write(&s).unwrap();
    }
    rec.finish(start + 8 * 60 * minute, "done").unwrap();
    oom
}

#[test]
fn the_graphs_pane_shows_the_whole_night_and_the_next_event_is_one_not_yet_played() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("night.hr");
    busy_night(&file);
    let t = Tmux::start(
        &pane_command("", &format!("replay {} --speed 1", file.display())),
        120,
        36,
    );
    at(&t, "22:00:00Z");
    t.send(&["Space"]);
    t.wait_for("PAUSED", WAIT);
    t.send(&["4"]);
    // Read ahead, the night spans the axis from its first frame to its last, and the kernel's
    // message at 05:28 is marked though playback has not gone past 22:00.
    let screen = t.wait_for("▲ 05:28:00Z TCP: out of memory", WAIT);
    assert!(screen.contains("window all  now 22:00:00Z"), "{screen}");
    // 02:00 is the middle of 22:00 to 06:00.
    assert!(
        screen.contains("22:00──") && screen.contains("02:00"),
        "{screen}"
    );
    // Replaying, + and - set the speed: the footer names z and Z for the zoom.
    assert!(
        screen.contains("zZ zoom") && !screen.contains("+- zoom"),
        "{screen}"
    );
    t.send(&["z"]);
    t.wait_for("window 2h", WAIT);
    t.send(&["Z"]);
    t.wait_for("window all", WAIT);
    t.send(&["}"]);
    at(&t, "05:28:00Z");
    t.send(&["6"]);
    t.wait_for("TCP: out of memory -- consider tuning tcp_mem", WAIT);
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
}

#[test]
fn r_records_what_the_live_dashboard_sees_and_it_replays() {
    let dir = copy_fixture("openvz-container");
    // The recorder pauses on a filesystem under 5% free: record to a roomy tmpfs when there is one.
    let out = tempfile::tempdir_in(scratch()).unwrap();
    let file = out.path().join("seen.hr");
    let roots = format!(
        "--proc-root {0}/proc --sys-root {0}/sys --interval 200ms",
        dir.path().display()
    );
    let t = Tmux::start(
        &format!(
            "cd {} && {}",
            out.path().display(),
            pane_command("", &roots)
        ),
        120,
        30,
    );
    t.wait_for("1 Limits", WAIT);
    t.send(&["R"]);
    t.wait_for("● REC headroom-", WAIT);
    std::thread::sleep(Duration::from_millis(1_000));
    t.send(&["R"]);
    t.wait_gone("● REC", WAIT);
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
    let recorded: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "hr"))
        .collect();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    std::fs::rename(&recorded[0], &file).unwrap();
    let frames = headroom::recording::Reader::open(&file).unwrap().count();
    assert!(frames >= 3, "{frames} frames in a second at 200 ms");

    // And with --record from the start: the header says so, and the file replays.
    let named = out.path().join("night.hr");
    let t = Tmux::start(
        &pane_command("", &format!("{roots} --record {}", named.display())),
        140,
        30,
    );
    t.wait_for(&format!("● REC {}", named.display()), WAIT);
    std::thread::sleep(Duration::from_millis(600));
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
    let t = Tmux::start(
        &pane_command("", &format!("replay {} --speed 100", named.display())),
        120,
        30,
    );
    t.wait_for("replay night.hr", WAIT);
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
}

/// On the smallest terminal the time being typed is still on screen, first in the header.
#[test]
fn the_go_to_prompt_is_seen_on_a_20x5_terminal() {
    let dir = tempfile::tempdir_in(scratch()).unwrap();
    let file = dir.path().join("night.hr");
    night(&file);
    let t = Tmux::start(
        &pane_command("", &format!("replay {}", file.display())),
        20,
        5,
    );
    t.wait_for("22:", WAIT);
    t.send(&["g"]);
    t.send(&["2", "2", ":", "1", "9"]);
    let screen = t.wait_for("go to 22:19▏", WAIT);
    assert!(screen.starts_with("go to 22:19"), "{screen}");
    t.send(&[":", "2", "0", "Enter"]);
    let screen = t.wait_for("22:19:20Z", WAIT);
    assert!(!screen.contains("go to"), "{screen}");
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
}
