//! The terminal given back on every turn an incident takes: Ctrl-Z and `fg`, a SIGTSTP from
//! outside, SIGQUIT, and a shell with almost no file descriptors left.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process};
use tmux::{Tmux, copy_fixture, pane_command};

const WAIT: Duration = Duration::from_secs(10);

fn roots(dir: &Path) -> String {
    format!(
        "--proc-root {0}/proc --sys-root {0}/sys --interval 200ms",
        dir.display()
    )
}

/// An interactive shell with job control, running headroom on the fixture.
fn shell_running_headroom(dir: &Path) -> Tmux {
    let t = Tmux::start("bash --norc --noprofile -i", 100, 30);
    t.send(&["PS1='$ '", "Enter"]);
    let bin = env!("CARGO_BIN_EXE_headroom");
    let line = format!("{bin} {}; echo EXITED $?", roots(dir));
    t.send(&["-l", &line]);
    t.send(&["Enter"]);
    t.wait_for("numothersock (uid 101)", WAIT);
    t
}

fn cursor_visible(t: &Tmux) -> bool {
    t.format("#{cursor_flag}") == "1"
}

/// Stopped, the shell has the main screen back with a visible cursor; after `fg` the dashboard
/// is drawn again at once, and keys reach it (raw mode: `q` quits without Enter).
fn assert_suspends_and_resumes(t: &Tmux, stop: impl Fn()) {
    stop();
    let screen = t.wait_for("Stopped", WAIT);
    assert!(
        !t.alternate_on(),
        "still on the alternate screen:\n{screen}"
    );
    assert!(cursor_visible(t), "cursor left hidden:\n{screen}");
    t.send(&["fg", "Enter"]);
    t.wait_for("numothersock (uid 101)", WAIT);
    assert!(t.alternate_on(), "not back on the alternate screen");
}

#[test]
fn ctrl_z_and_sigtstp_give_the_terminal_back_and_fg_takes_it_again() {
    let dir = copy_fixture("openvz-container");
    let t = shell_running_headroom(dir.path());
    assert_suspends_and_resumes(&t, || t.send(&["C-z"]));
    let pid = t.headroom_pid().expect("headroom pid");
    assert_suspends_and_resumes(&t, || {
        kill_process(Pid::from_raw(pid).unwrap(), Signal::TSTP).unwrap();
    });
    t.send(&["q"]);
    // The line's `echo` ran at the first stop; ask the shell how `fg` ended.
    t.wait_gone("numothersock (uid 101)", WAIT);
    t.send(&["-l", "echo FG $?"]);
    t.send(&["Enter"]);
    let screen = t.wait_for("FG 0", WAIT);
    assert!(!t.alternate_on(), "{screen}");
    assert!(cursor_visible(&t), "{screen}");
}

#[test]
fn sigquit_leaves_a_clean_terminal() {
    let dir = copy_fixture("openvz-container");
    let t = Tmux::start(&pane_command("", &roots(dir.path())), 100, 30);
    t.wait_for("numothersock (uid 101)", WAIT);
    let pid = t.headroom_pid().expect("headroom pid");
    kill_process(Pid::from_raw(pid).unwrap(), Signal::QUIT).unwrap();
    t.wait_for("EXITED 0", WAIT);
    let screen = t.wait_for("MODE ", WAIT);
    assert!(screen.contains("MODE icanon"), "{screen}");
    assert!(!t.alternate_on(), "{screen}");
}

#[test]
fn too_few_file_descriptors_are_said_in_one_line_or_the_dashboard_starts() {
    let dir = copy_fixture("openvz-container");
    let t = Tmux::start(&pane_command("ulimit -n 10;", &roots(dir.path())), 100, 30);
    let screen = t.wait_for("EXITED 1", WAIT);
    assert!(
        screen.contains("the dashboard needs 11 open files and `ulimit -n` allows 10"),
        "{screen}"
    );
    assert!(!screen.contains("panicked"), "{screen}");

    let t = Tmux::start(&pane_command("ulimit -n 12;", &roots(dir.path())), 100, 30);
    t.wait_for("numothersock (uid 101)", WAIT);
    t.send(&["q"]);
    t.wait_for("EXITED 0", WAIT);
}
