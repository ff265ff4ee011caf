//! A real terminal for end-to-end tests: tmux runs the binary, send-keys types, capture-pane reads.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct Tmux {
    socket: String,
}

/// The command line that runs headroom in the pane, then reports how it ended and whether the
/// terminal is back in cooked mode.
pub fn pane_command(env: &str, args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_headroom");
    format!(
        "{env} {bin} {args}; echo EXITED $?; echo MODE $(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon'); sleep 120"
    )
}

impl Tmux {
    /// Starts a detached session of the given size running `cmd`.
    pub fn start(cmd: &str, width: u16, height: u16) -> Tmux {
        let version = Command::new("tmux").arg("-V").output();
        assert!(
            version.is_ok_and(|o| o.status.success()),
            "tmux is not installed: the end-to-end tests need it (apt-get install tmux)"
        );
        let socket = format!(
            "headroom-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let t = Tmux { socket };
        let (w, h) = (width.to_string(), height.to_string());
        let ok = t
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                &w,
                "-y",
                &h,
                "-e",
                "TERM=xterm-256color",
                cmd,
            ])
            .status
            .success();
        assert!(ok, "tmux new-session failed");
        t
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    pub fn capture(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// Waits until the screen shows `needle` in a whole frame (the same screen twice, 60 ms
    /// apart, so a capture taken while a frame is half written is not read); fails with the
    /// screen if it does not in time.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                thread::sleep(Duration::from_millis(60));
                if self.capture() == screen {
                    return screen;
                }
                continue;
            }
            if start.elapsed() > timeout {
                panic!("screen never showed {needle:?}; it shows:\n{screen}");
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen no longer shows `needle`.
    pub fn wait_gone(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if !screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("screen kept showing {needle:?}:\n{screen}");
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types keys as tmux names them ("q", "Escape", "Tab", "Down").
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success(), "send-keys {keys:?}");
    }

    /// A tmux format of the pane, e.g. `#{cursor_flag}`.
    pub fn format(&self, format: &str) -> String {
        let out = self.cmd(&["display-message", "-p", "-t", "t", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn alternate_on(&self) -> bool {
        let out = self.cmd(&["display-message", "-p", "-t", "t", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// The program in the pane asked for click reports in SGR encoding.
    pub fn mouse_on(&self) -> bool {
        let flags = "#{mouse_standard_flag}#{mouse_sgr_flag}";
        let out = self.cmd(&["display-message", "-p", "-t", "t", flags]);
        String::from_utf8_lossy(&out.stdout).trim() == "11"
    }

    /// The headroom process: the child of the pane's shell.
    pub fn headroom_pid(&self) -> Option<i32> {
        let out = self.cmd(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
        let shell: i32 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
        std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let after = stat.rsplit_once(')')?.1;
            let ppid: i32 = after.split_whitespace().nth(1)?.parse().ok()?;
            let exe = std::fs::read_link(e.path().join("exe")).ok()?;
            (ppid == shell
                && exe.file_name() == Path::new(env!("CARGO_BIN_EXE_headroom")).file_name())
            .then_some(pid)
        })
    }

    pub fn kill_session(&self) {
        self.cmd(&["kill-session", "-t", "t"]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.cmd(&["kill-server"]);
    }
}

/// Copies a fixture scenario into a fresh directory the test may change.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dst = tempfile::tempdir().expect("tempdir");
    copy_dir(&src, dst.path());
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read fixture").flatten() {
        let to = dst.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
}
