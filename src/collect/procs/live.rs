//! The running kernel's /proc, read the cheap way: every path is opened relative to the open
//! proc directory (two components to walk, not four), files are read into one buffer kept
//! between reads, directories are listed without an allocation per entry, and counts come
//! from one statx where the kernel gives them (the size of /proc/PID/fd since Linux 6.2, the
//! link count of /proc/PID/task).
//!
//! Only for a mounted procfs, whose files are the kernel's own: a captured tree is read with
//! [`crate::collect::read_text`], which guards against what a plain directory may hold.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{AtFlags, Mode, OFlags, RawDir, SeekFrom, StatxFlags, openat, seek, statx};
use rustix::io::{Errno, read, retry_on_intr};

use super::fds::{self, Walked};
use crate::collect::nofile::is_procfs;
use crate::collect::{Roots, SourceError};

/// The most of one file read: the longest status or limits file is a few KB.
const MAX_READ: usize = 64 << 10;
/// Directory entries are read this many bytes at a time.
const DIR_BUF: usize = 32 << 10;

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::CLOEXEC);

/// The open proc directory and the buffers reused for every read below it.
#[derive(Debug)]
pub struct LiveProc {
    dir: OwnedFd,
    /// Whether fd directories report their count as their size (Linux 6.2+).
    sized_fd_dirs: bool,
    buf: Vec<u8>,
    dir_buf: Vec<MaybeUninit<u8>>,
    path: String,
}

impl LiveProc {
    /// The proc root, when it is a mounted procfs that can be opened.
    pub fn open(roots: &Roots) -> Option<Self> {
        if !is_procfs(roots) {
            return None;
        }
        let dir = openat(rustix::fs::CWD, &roots.proc, DIR_FLAGS, Mode::empty()).ok()?;
        // Our own fd directory holds descriptors: a size of 0 means the kernel does not count.
        let sized_fd_dirs = statx(&dir, "self/fd", AtFlags::empty(), StatxFlags::SIZE)
            .is_ok_and(|st| st.stx_size > 0);
        Some(Self {
            dir,
            sized_fd_dirs,
            buf: vec![0; 4096],
            dir_buf: Vec::new(),
            path: String::new(),
        })
    }

    pub fn dir(&self) -> BorrowedFd<'_> {
        self.dir.as_fd()
    }

    /// Whether the size of /proc/PID/fd is its count on this kernel.
    pub fn sized_fd_dirs(&self) -> bool {
        self.sized_fd_dirs
    }

    /// Every pid, ascending, into `out`.
    pub fn pids(&mut self, out: &mut Vec<u32>) -> Result<(), Errno> {
        out.clear();
        if self.dir_buf.is_empty() {
            self.dir_buf = vec![MaybeUninit::uninit(); DIR_BUF];
        }
        seek(&self.dir, SeekFrom::Start(0))?;
        let mut entries = RawDir::new(&self.dir, &mut self.dir_buf);
        while let Some(entry) = entries.next() {
            if let Some(pid) = number(entry?.file_name().to_bytes()) {
                out.push(pid);
            }
        }
        out.sort_unstable();
        Ok(())
    }

    /// Open descriptors (the size of /proc/PID/fd) and the owner of the directory (the
    /// process's effective uid, or root for a process that is not dumpable), in one statx.
    /// Zero on kernels that do not count (see [`Self::sized_fd_dirs`]).
    pub fn fd_count(&mut self, pid: u32) -> Result<(u64, u32), Errno> {
        let flags = StatxFlags::SIZE | StatxFlags::UID;
        let st = statx(
            &self.dir,
            rel(&mut self.path, pid, "fd"),
            AtFlags::empty(),
            flags,
        )?;
        Ok((st.stx_size, st.stx_uid))
    }

    /// Threads: the link count of /proc/PID/task is threads + 2.
    pub fn threads(&mut self, pid: u32) -> Result<u64, Errno> {
        let rel = rel(&mut self.path, pid, "task");
        let st = statx(&self.dir, rel, AtFlags::empty(), StatxFlags::NLINK)?;
        Ok(u64::from(st.stx_nlink).saturating_sub(2))
    }

    /// Opens `PID/name` relative to the open proc root.
    fn open_file(
        &mut self,
        pid: u32,
        name: &str,
        flags: OFlags,
    ) -> Result<std::os::fd::OwnedFd, Errno> {
        openat(
            &self.dir,
            rel(&mut self.path, pid, name),
            flags,
            Mode::empty(),
        )
    }

    /// Reads every link of the process's fd directory (see [`fds::links`]).
    pub fn links(&mut self, pid: u32, each: impl FnMut(u32, &[u8])) -> Result<Walked, Errno> {
        let fd_dir = self.open_file(pid, "fd", DIR_FLAGS)?;
        if self.dir_buf.is_empty() {
            self.dir_buf = vec![MaybeUninit::uninit(); DIR_BUF];
        }
        fds::links(&fd_dir, &mut self.dir_buf, each)
    }

    /// A file the kernel writes whole in one read (a seq_file such as stat or io, shorter than
    /// the buffer): one read, with no second one to see the end.
    pub fn read_once(&mut self, pid: u32, name: &str) -> Result<Cow<'_, str>, Errno> {
        let file = self.open_file(pid, name, OFlags::RDONLY | OFlags::CLOEXEC)?;
        let n = retry_on_intr(|| read(&file, &mut self.buf[..]))?;
        if n < self.buf.len() {
            return Ok(String::from_utf8_lossy(
                self.buf.get(..n).unwrap_or_default(),
            ));
        }
        drop(file);
        self.read(pid, name, MAX_READ)
    }

    /// The whole of a file of the process (at most `max` bytes), as text.
    pub fn read(&mut self, pid: u32, name: &str, max: usize) -> Result<Cow<'_, str>, Errno> {
        let file = self.open_file(pid, name, OFlags::RDONLY | OFlags::CLOEXEC)?;
        let max = max.min(MAX_READ);
        let mut len = 0;
        while len < max {
            if len == self.buf.len() {
                self.buf.resize(len * 2, 0);
            }
            let end = max.min(self.buf.len());
            let Some(room) = self.buf.get_mut(len..end) else {
                break;
            };
            let n = retry_on_intr(|| read(&file, &mut *room))?;
            if n == 0 {
                break;
            }
            len += n;
        }
        // The kernel writes ASCII but for names and command lines, which are bytes.
        Ok(String::from_utf8_lossy(
            self.buf.get(..len).unwrap_or_default(),
        ))
    }

    /// Lines of a file of the process, counted as it streams through the buffer (a maps file
    /// can be megabytes).
    pub fn count_lines(&mut self, pid: u32, name: &str) -> Result<u64, Errno> {
        let file = self.open_file(pid, name, OFlags::RDONLY | OFlags::CLOEXEC)?;
        let mut lines = 0;
        loop {
            let n = retry_on_intr(|| read(&file, &mut self.buf[..]))?;
            if n == 0 {
                return Ok(lines);
            }
            let chunk = self.buf.get(..n).unwrap_or_default();
            lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        }
    }

    /// The error of a file below the proc root as the collectors report it.
    pub fn error(roots: &Roots, pid: u32, name: &str, e: Errno) -> SourceError {
        let path = roots.proc_path(&format!("{pid}/{name}"));
        // A process that exits between its listing and a read: gone, not broken.
        let e = if e == Errno::SRCH { Errno::NOENT } else { e };
        SourceError::io(&path, &e.into())
    }
}

/// `PID/NAME` in a buffer kept for it.
fn rel<'a>(path: &'a mut String, pid: u32, name: &str) -> &'a str {
    path.clear();
    let _ = write!(path, "{pid}/{name}");
    path
}

/// A directory entry's name as a number (a pid, a descriptor).
pub fn number(name: &[u8]) -> Option<u32> {
    std::str::from_utf8(name).ok()?.parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_relative_to_the_proc_root() {
        let mut live = LiveProc::open(&Roots::default()).unwrap();
        let me = std::process::id();
        let mut pids = Vec::new();
        live.pids(&mut pids).unwrap();
        assert!(pids.binary_search(&me).is_ok());
        live.pids(&mut pids).unwrap();
        assert!(
            pids.windows(2).all(|w| w[0] < w[1]),
            "listed again from the start"
        );
        let stat = live.read(me, "stat", usize::MAX).unwrap().to_string();
        assert!(stat.starts_with(&format!("{me} (")), "{stat}");
        let once = live.read_once(me, "stat").unwrap().to_string();
        assert!(
            once.starts_with(&format!("{me} (")) && once.ends_with('\n'),
            "{once}"
        );
        assert!(live.threads(me).unwrap() >= 1);
        let uid = rustix::process::geteuid().as_raw();
        if live.sized_fd_dirs() {
            let (fds, owner) = live.fd_count(me).unwrap();
            assert!(fds >= 3);
            assert_eq!(owner, uid);
        }
        let gone = live.read(u32::MAX - 1, "stat", 4096).unwrap_err();
        assert!(LiveProc::error(&Roots::default(), 1, "stat", gone).is_missing());
    }

    #[test]
    fn a_long_file_is_read_whole_up_to_the_bound() {
        let mut live = LiveProc::open(&Roots::default()).unwrap();
        let me = std::process::id();
        let maps = live.read(me, "smaps", usize::MAX).unwrap().len();
        assert!(maps > 4096, "{maps} bytes of smaps");
        assert_eq!(live.read(me, "smaps", 100).unwrap().len(), 100);
        let lines = live.count_lines(me, "smaps").unwrap();
        let text = std::fs::read_to_string(format!("/proc/{me}/smaps")).unwrap();
        // smaps runs to kilobytes in any process; ours may change between the two reads.
        assert!(lines.abs_diff(text.lines().count() as u64) <= 64, "{lines}");
    }

    #[test]
    fn names_are_numbers_or_not() {
        assert_eq!(number(b"4242"), Some(4242));
        assert_eq!(number(b"self"), None);
        assert_eq!(number(b""), None);
    }
}
