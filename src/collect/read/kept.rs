//! The live system's own files (/proc/meminfo, /proc/net/netstat, /sys/...), kept open between
//! samples and read again from offset 0: the kernel writes a /proc or sysfs file anew on every
//! read from its start, so the path walk, open and close of each file every second are saved:
//! a live sample without the process pass went from 487 to 443 µs (`cargo bench --bench
//! collect`).
//!
//! Only files read again within [`KEEP_WITHIN`] (those a sample reads, not the sysctls read
//! every ten) whose path names no other process (not /proc/PID/...) are kept, at most
//! [`KEPT_MAX`] per thread, and only on the live system: a captured tree's files may be
//! replaced between reads, and an open descriptor would go on reading the old one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most files kept open per thread: the collector reads about forty such files a sample.
/// Fewer under a low descriptor limit (see [`room`]).
const KEPT_MAX: usize = 48;
/// A file read again this soon is kept open.
const KEEP_WITHIN: Duration = Duration::from_millis(2500);
/// Most files remembered as read once, before the memory starts over.
const SEEN_MAX: usize = 256;

#[derive(Default)]
struct Kept {
    open: HashMap<PathBuf, File>,
    /// When files not kept were last read.
    seen: HashMap<PathBuf, Instant>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// Whether a file is the live system's own and may be kept open.
pub fn keepable(path: &Path) -> bool {
    let mut parts = path
        .components()
        .skip(1)
        .map(|c| c.as_os_str().as_encoded_bytes());
    match (parts.next(), parts.next()) {
        // /proc/self stays bound to this process; thread-self to the thread that opened it,
        // which need not be the one that reads it next.
        (Some(b"proc"), Some(next)) => {
            !next.first().is_some_and(u8::is_ascii_digit) && next != b"thread-self"
        }
        (Some(b"sys"), Some(_)) => true,
        _ => false,
    }
}

/// The file read again from its start into `bytes`, when it is kept open; None when it is not
/// kept or the read failed (the file then is no longer kept: a removed cgroup's files fail
/// with ENODEV), so the caller opens it anew.
pub fn read_again(path: &Path, bytes: &mut Vec<u8>, max: u64) -> Option<()> {
    KEPT.with_borrow_mut(|kept| {
        let file = kept.open.get(path)?;
        match read_from_start(file, bytes, max) {
            Ok(()) => Some(()),
            Err(_) => {
                kept.open.remove(path);
                None
            }
        }
    })
}

/// Keeps a file just opened and read, when it was read lately too and there is room.
pub fn keep(path: &Path, file: File) {
    KEPT.with_borrow_mut(|kept| {
        let now = Instant::now();
        let lately = kept
            .seen
            .get(path)
            .is_some_and(|at| now.duration_since(*at) < KEEP_WITHIN);
        if lately && kept.open.len() < room() {
            kept.seen.remove(path);
            kept.open.insert(path.to_path_buf(), file);
            return;
        }
        if kept.seen.len() >= SEEN_MAX {
            kept.seen.clear();
        }
        kept.seen.insert(path.to_path_buf(), now);
    });
}

/// How many files may be kept: a sixteenth of the soft descriptor limit, at most
/// [`KEPT_MAX`], so that a process started with `ulimit -n 64` keeps four and still has its
/// descriptors for everything else.
fn room() -> usize {
    let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX);
    usize::try_from(soft / 16).unwrap_or(KEPT_MAX).min(KEPT_MAX)
}

/// Reads the whole file from offset 0, at most `max` + 1 bytes, into the room `bytes` has
/// before growing it (most files fit the caller's first page). Each read starts where the
/// last ended, as a seq_file expects (any other offset makes it walk from the start again).
fn read_from_start(file: &File, bytes: &mut Vec<u8>, max: u64) -> std::io::Result<()> {
    const CHUNK: usize = 16 << 10;
    bytes.clear();
    loop {
        let len = bytes.len();
        if bytes.capacity() == len {
            bytes.reserve(CHUNK);
        }
        bytes.resize(bytes.capacity(), 0);
        let read = file.read_at(bytes.get_mut(len..).unwrap_or_default(), len as u64);
        bytes.truncate(len + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(0) => return Ok(()),
            Ok(_) if bytes.len() as u64 > max => return Ok(()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_the_systems_own_files_are_kept() {
        for path in [
            "/proc/meminfo",
            "/proc/net/netstat",
            "/proc/sys/fs/file-nr",
            "/sys/fs/cgroup/pids/pids.max",
            "/proc/self/mountinfo",
        ] {
            assert!(keepable(Path::new(path)), "{path}");
        }
        for path in [
            "/proc/1/stat",
            "/proc/thread-self/stat",
            "/proc",
            "/etc/passwd",
            "tests/fixtures/procs/proc/meminfo",
            "/tmp/proc/meminfo",
        ] {
            assert!(!keepable(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn a_file_longer_than_the_buffer_is_read_whole() {
        let path = std::env::temp_dir().join(format!("kept-{}", std::process::id()));
        let text: Vec<u8> = (0..50_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &text).unwrap();
        let mut bytes = Vec::with_capacity(4096);
        read_from_start(&File::open(&path).unwrap(), &mut bytes, 1 << 20).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(bytes, text);
    }

    #[test]
    fn a_kept_file_reads_what_it_holds_now() {
        let path = Path::new("/proc/uptime");
        let file = File::open(path).unwrap();
        let mut first = Vec::new();
        read_from_start(&file, &mut first, 1 << 20).unwrap();
        keep(path, File::open(path).unwrap());
        keep(path, file);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut again = Vec::new();
        read_again(path, &mut again, 1 << 20).unwrap();
        assert!(!again.is_empty());
        assert_ne!(first, again, "uptime moved between the reads");
    }
}
