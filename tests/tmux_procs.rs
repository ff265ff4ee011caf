//! The Processes pane of the real binary in a real terminal, on the live /proc: a child of this
//! test renamed `hrprocpane` holds a loopback connection; the test presses 5, filters for it
//! with `/`, opens its drill-down with Enter, reads its details and returns with Esc.
//!
//! The child is this test binary run again with `HEADROOM_CHILD` set (see [`child_main`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/tmux.rs"]
mod tmux;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tmux::{Tmux, pane_command};

const WAIT: Duration = Duration::from_secs(20);
const NAME: &str = "hrprocpane";

/// Runs the child when asked to by the environment; else nothing.
#[test]
fn child_main() {
    if std::env::var_os("HEADROOM_CHILD").is_none() {
        return;
    }
    // The parent closing our stdin (or dying) ends us.
    std::thread::spawn(|| {
        let _ = std::io::stdin().read(&mut [0u8; 1]);
        std::process::exit(0);
    });
    let name = std::env::var("HEADROOM_CHILD_NAME").unwrap_or_else(|_| NAME.into());
    std::fs::write("/proc/self/comm", name).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let _held = (listener, client, server);
    loop {
        std::thread::park();
    }
}

/// The child, killed when the test ends however it ends.
struct Kid(Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn filter_drill_down_and_back_on_a_live_child() {
    let kid = Kid(Command::new(std::env::current_exe().unwrap())
        .args(["child_main", "--exact", "--nocapture", "--test-threads=1"])
        .env("HEADROOM_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap());
    let pid = kid.0.id().to_string();
    let t = Tmux::start(&pane_command("", "--interval 500ms"), 160, 40);
    t.wait_for("Limits", WAIT);
    t.send(&["5"]);
    t.wait_for("sort fds", WAIT);
    t.send(&["/"]);
    t.wait_for("filter: ", WAIT);
    t.send(&["-l", NAME]);
    t.send(&["Enter"]);
    t.wait_for(&format!("filter \"{NAME}\""), WAIT);
    // The prompt closes; a capture may still catch the frame before it.
    t.wait_gone("filter: ", WAIT);
    let screen = t.wait_for(&pid, WAIT);
    let row = screen
        .lines()
        .find(|l| l.trim_start().starts_with(&pid))
        .unwrap_or_else(|| panic!("no row for {pid}: {screen}"));
    assert!(row.contains(NAME), "{row}");
    assert!(
        row.contains("3/0/0"),
        "a listener and both ends of a connection: {row}"
    );
    t.send(&["Enter"]);
    let screen = t.wait_for(&format!("{NAME} [{pid}]"), WAIT);
    assert!(screen.contains("Esc returns"), "{screen}");
    let screen = t.wait_for("open files", WAIT);
    assert!(screen.contains("127.0.0.1:"), "its TCP peer: {screen}");
    assert!(screen.contains("parents: "), "{screen}");
    t.send(&["Escape"]);
    let screen = t.wait_gone("Esc returns", WAIT);
    assert!(screen.contains(&format!("filter \"{NAME}\"")), "{screen}");
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
    drop(kid);
}

/// Run as nobody, the drill-down of root's process cannot read its fd table but still counts
/// its descriptors (the size of /proc/PID/fd, open to all since Linux 6.2), as the table does.
#[test]
fn as_nobody_the_drill_down_of_roots_process_keeps_its_fd_count() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to run headroom as nobody beside a process of root");
        return;
    }
    if std::fs::metadata("/proc/self/fd").map_or(0, |m| m.len()) == 0 {
        eprintln!("skipped: this kernel does not count fds in the size of /proc/PID/fd");
        return;
    }
    let name = "hrprocroot";
    let kid = Kid(Command::new(std::env::current_exe().unwrap())
        .args(["child_main", "--exact", "--nocapture", "--test-threads=1"])
        .env("HEADROOM_CHILD", "1")
        .env("HEADROOM_CHILD_NAME", name)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap());
    let pid = kid.0.id();
    let nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    let t = Tmux::start(&pane_command(nobody, "--interval 500ms"), 160, 40);
    t.wait_for("Limits", WAIT);
    t.send(&["5"]);
    t.wait_for("sort fds", WAIT);
    t.send(&["/"]);
    t.wait_for("filter: ", WAIT);
    t.send(&["-l", name]);
    t.send(&["Enter"]);
    t.wait_gone("filter: ", WAIT);
    t.wait_for(&pid.to_string(), WAIT);
    t.send(&["Enter"]);
    let screen = t.wait_for("Its fd table could not be read", WAIT);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    assert!(
        screen.contains(&format!("{fds} fds by kind")),
        "{fds} fds: {screen}"
    );
    let open_files = screen
        .lines()
        .find(|l| l.contains("open files"))
        .unwrap_or_default();
    assert!(
        open_files.split_whitespace().nth(2) == Some(&fds.to_string()),
        "{open_files}"
    );
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
    drop(kid);
}
