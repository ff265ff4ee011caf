//! The real binary in a real terminal: tmux runs headroom on the busy fixture, the Graphs pane
//! is reached by its key, zoom and cursor keys change it, and `q` exits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is not installed: apt-get install tmux")
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "g"]).stdout).into_owned()
    }

    /// Waits until the screen shows `text`; panics with the screen after 10 s.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{text:?} never appeared; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "g"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

#[test]
fn graphs_pane_by_its_key_with_zoom_and_cursor() {
    assert!(
        Command::new("tmux").arg("-V").output().is_ok(),
        "tmux is not installed: apt-get install tmux"
    );
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/graphs-busy");
    let cmd = format!(
        "{} --proc-root {} --sys-root {}",
        env!("CARGO_BIN_EXE_headroom"),
        fixture.join("proc").display(),
        fixture.join("sys").display()
    );
    let tmux = Tmux {
        socket: format!("headroom-graphs-{}", std::process::id()),
    };
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "g",
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ]);
    assert!(started.status.success(), "{started:?}");
    tmux.wait_for("1 Limits");

    tmux.keys(&["4"]);
    let screen = tmux.wait_for("window 5m");
    assert!(screen.contains("Dirty"), "{screen}");
    assert!(screen.contains("CPU 0.8–3.5GHz"), "{screen}");
    assert!(screen.contains("cores ████"), "{screen}");
    assert!(screen.contains("coretemp Package id 0 45°C"), "{screen}");
    assert!(screen.contains("PSI cpu 0.5"), "{screen}");
    assert!(screen.contains("Load 0.42"), "{screen}");

    tmux.keys(&["-"]);
    tmux.wait_for("window 30m");
    tmux.keys(&["+", "+"]);
    tmux.wait_for("window 1m");
    tmux.keys(&["-"]);
    tmux.wait_for("window 5m");
    tmux.keys(&["Left", "Left"]);
    tmux.wait_for("Z (-1s)");
    tmux.keys(&["Escape"]);
    let start = Instant::now();
    while tmux.capture().contains("Z (-") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "Esc kept the cursor"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.run(&["has-session", "-t", "g"]).status.success() {
        assert!(start.elapsed() < Duration::from_secs(10), "q did not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
}
