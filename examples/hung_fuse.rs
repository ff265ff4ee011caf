//! A FUSE filesystem whose server answers the kernel's INIT and nothing else, as a server stuck
//! on a dead backend (or an NFS hard mount whose server is gone) behaves: every statvfs, lookup
//! or read on it waits until the caller is killed. For tests.
//!
//! `hung_fuse MOUNTPOINT COMMAND [ARGS...]` mounts it at MOUNTPOINT, runs COMMAND, and exits
//! with COMMAND's status, or 124 if COMMAND is still running after 20 s (it is killed then).
//! With `HUNG_FUSE_TERM_AFTER_MS=N` set, COMMAND gets a SIGTERM after N ms. On stderr it says
//! how long COMMAND ran: `hung_fuse: ran 612 ms`.
//!
//! With `HUNG_FUSE_LIST=NAME` set, the root answers (its attributes, statfs, a listing holding
//! one directory NAME, the lookup of NAME) and the server stops reading once NAME was looked
//! up: the filesystem hangs part way, below its root, as a server whose backend died does.
//!
//! Run it as root in a private mount namespace (`unshare -m hung_fuse ...`): the mount vanishes
//! with the namespace, and nothing outside ever sees it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

#[path = "hung_fuse/answer.rs"]
mod answer;

const FUSE_INIT: u32 = 26;
/// The kernel refuses reads into smaller buffers.
const READ_BUFFER: usize = 1 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mountpoint, command, rest @ ..] = &args[..] else {
        eprintln!("usage: hung_fuse MOUNTPOINT COMMAND [ARGS...]");
        return ExitCode::from(2);
    };
    let dev = match mount(mountpoint) {
        Ok(dev) => dev,
        Err(e) => {
            eprintln!("hung_fuse: cannot mount at {mountpoint}: {e}");
            return ExitCode::from(3);
        }
    };
    let listed = std::env::var("HUNG_FUSE_LIST").ok();
    std::thread::spawn(move || serve(dev, listed));
    let term_after = std::env::var("HUNG_FUSE_TERM_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis);
    match run(command, rest, term_after) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hung_fuse: cannot run {command}: {e}");
            ExitCode::from(3)
        }
    }
}

fn mount(mountpoint: &str) -> std::io::Result<File> {
    let dev = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")?;
    let data = format!("fd={},rootmode=40000,user_id=0,group_id=0", dev.as_raw_fd());
    let data = std::ffi::CString::new(data)?;
    rustix::mount::mount(
        "hung",
        mountpoint,
        "fuse",
        rustix::mount::MountFlags::empty(),
        data.as_c_str(),
    )?;
    Ok(dev)
}

/// Answers INIT so the mount is up, then (with `listed`, after answering for the root until
/// that name was looked up) reads nothing more: every request stays queued in the kernel,
/// where the caller waits for it until killed. (A server that read a request and never
/// answered would leave its caller waiting even through SIGKILL, until the server exits.)
fn serve(mut dev: File, listed: Option<String>) {
    let mut buf = vec![0u8; READ_BUFFER];
    if let Ok(n) = dev.read(&mut buf) {
        let word = |at: usize| buf.get(at..at + 4).and_then(|b| b.try_into().ok());
        let (Some(opcode), Some(unique)) = (
            word(4).map(u32::from_ne_bytes),
            buf.get(8..16)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_ne_bytes),
        ) else {
            return;
        };
        if n >= 40 && opcode == FUSE_INIT {
            let _ = dev.write_all(&init_reply(unique));
        }
    }
    if let Some(name) = listed {
        answer::root_until_looked_up(&mut dev, &mut buf, name.as_bytes());
    }
    // Holding the device open keeps the mount alive, and hung, until the process exits.
    loop {
        std::thread::park();
    }
}

/// fuse_out_header, then fuse_init_out (protocol 7.31) with every optional feature off.
fn init_reply(unique: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(80);
    out.extend_from_slice(&80u32.to_ne_bytes());
    out.extend_from_slice(&0i32.to_ne_bytes());
    out.extend_from_slice(&unique.to_ne_bytes());
    for v in [7u32, 31, 0, 0] {
        // major, minor, max_readahead, flags
        out.extend_from_slice(&v.to_ne_bytes());
    }
    out.extend_from_slice(&[0; 4]); // max_background, congestion_threshold
    out.extend_from_slice(&4096u32.to_ne_bytes()); // max_write
    out.resize(80, 0);
    out
}

fn run(command: &str, args: &[String], term_after: Option<Duration>) -> std::io::Result<u8> {
    let start = Instant::now();
    let mut child = Command::new(command).args(args).spawn()?;
    let mut termed = false;
    loop {
        if let Some(status) = child.try_wait()? {
            eprintln!("hung_fuse: ran {} ms", start.elapsed().as_millis());
            let signalled =
                std::os::unix::process::ExitStatusExt::signal(&status).map(|s| 128 + s as u8);
            return Ok(status.code().map(|c| c as u8).or(signalled).unwrap_or(1));
        }
        if let Some(after) = term_after
            && !termed
            && start.elapsed() >= after
        {
            termed = true;
            let pid = rustix::process::Pid::from_child(&child);
            rustix::process::kill_process(pid, rustix::process::Signal::TERM)?;
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill()?;
            child.wait()?;
            eprintln!("hung_fuse: still running after 20 s, killed");
            return Ok(124);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
