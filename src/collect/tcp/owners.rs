//! Socket owners: socket inode → processes, from the links in /proc/PID/fd (proc(5)).
//!
//! Each open socket is a link named "socket:[INODE]"; the same inode appears in every process
//! that shares the socket (a pre-forked server's listener). An unprivileged user reads only
//! its own processes' fd tables; the others are counted as unreadable (root sees all).

use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::Instant;

use rustix::fs::{CWD, Dir, Mode, OFlags, openat, readlinkat_raw};
use rustix::io::Errno;

use crate::collect::{Roots, SourceError, read_text};
use crate::model::tcp::OwnerScan;

/// Which processes hold which socket inodes, and their command names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerMap {
    holders: foldhash::HashMap<u64, Holders>,
    comms: foldhash::HashMap<u32, String>,
    pub scan: OwnerScan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Holders {
    One(u32),
    Many(Vec<u32>),
}

impl OwnerMap {
    /// Records that `pid` holds socket `inode` (once per process, however many fds).
    pub fn insert(&mut self, inode: u64, pid: u32) {
        match self.holders.get_mut(&inode) {
            None => {
                self.holders.insert(inode, Holders::One(pid));
            }
            Some(Holders::One(p)) if *p == pid => {}
            Some(h @ Holders::One(_)) => {
                if let Holders::One(p) = *h {
                    *h = Holders::Many(vec![p, pid]);
                }
            }
            Some(Holders::Many(v)) => {
                if !v.contains(&pid) {
                    v.push(pid);
                }
            }
        }
    }

    pub fn set_comm(&mut self, pid: u32, comm: impl Into<String>) {
        self.comms.insert(pid, comm.into());
    }

    /// The processes holding a socket; empty when unknown (not visible, or a TIME_WAIT).
    pub fn holders(&self, inode: u64) -> &[u32] {
        match self.holders.get(&inode) {
            None => &[],
            Some(Holders::One(p)) => std::slice::from_ref(p),
            Some(Holders::Many(v)) => v,
        }
    }

    pub fn comm(&self, pid: u32) -> &str {
        self.comms.get(&pid).map_or("?", String::as_str)
    }

    pub fn sockets(&self) -> usize {
        self.holders.len()
    }
}

/// The inode of a "socket:[12345]" link target.
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, d| {
        let d = d.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// The command name as /proc/PID/comm holds it.
pub fn parse_comm(text: &str) -> String {
    text.trim_end_matches('\n').to_string()
}

/// What one worker found in its share of the processes.
#[derive(Default)]
struct Found {
    links: Vec<(u64, u32)>,
    comms: Vec<(u32, String)>,
    processes: u64,
    unreadable: u64,
}

/// Walks /proc/*/fd under the roots (or only the fd directories of `only`). Fails only when
/// the proc root itself cannot be opened or listed.
///
/// The walk costs one readlink per open file of every process (~2.5 µs each), so it is split
/// over up to four threads by process.
pub fn scan(roots: &Roots, only: Option<&[u32]>) -> Result<OwnerMap, SourceError> {
    let started = Instant::now();
    let io_err = |path: &Path, e: Errno| SourceError::io(path, &std::io::Error::from(e));
    let proc_fd =
        openat(CWD, &roots.proc, DIR_FLAGS, Mode::empty()).map_err(|e| io_err(&roots.proc, e))?;
    let pids: Vec<u32> = match only {
        Some(pids) => pids.to_vec(),
        None => Dir::read_from(&proc_fd)
            .map_err(|e| io_err(&roots.proc, e))?
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str().ok()?.parse::<u32>().ok())
            .collect(),
    };

    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(pids.len() / 64 + 1);
    let chunk = pids.len().div_ceil(workers).max(1);
    let found: Vec<Found> = if workers <= 1 {
        vec![scan_pids(roots, &proc_fd, &pids)]
    } else {
        std::thread::scope(|s| {
            let proc_fd = &proc_fd;
            // A share whose thread cannot be had (out of threads) is walked right here.
            let mut inline = Vec::new();
            let handles: Vec<_> = pids
                .chunks(chunk)
                .filter_map(|part| {
                    let work = move || scan_pids(roots, proc_fd, part);
                    let spawned = std::thread::Builder::new()
                        .name("headroom-owners".into())
                        .spawn_scoped(s, work);
                    spawned.map_err(|_| inline.push(work())).ok()
                })
                .collect();
            inline.extend(handles.into_iter().filter_map(|h| h.join().ok()));
            inline
        })
    };

    let mut map = OwnerMap::default();
    map.holders
        .reserve(found.iter().map(|f| f.links.len()).sum());
    for f in found {
        for (inode, pid) in f.links {
            map.insert(inode, pid);
        }
        map.comms.extend(f.comms);
        map.scan.processes += f.processes;
        map.scan.unreadable += f.unreadable;
    }
    map.scan.took_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    Ok(map)
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::CLOEXEC);

fn scan_pids(roots: &Roots, proc_fd: &OwnedFd, pids: &[u32]) -> Found {
    let mut found = Found::default();
    let mut link = [0u8; 64];
    let mut rel = String::with_capacity(24);
    for pid in pids {
        rel.clear();
        rel.push_str(&pid.to_string());
        rel.push_str("/fd");
        let fd_dir = match openat(proc_fd, rel.as_str(), DIR_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::ACCESS | Errno::PERM) => {
                found.processes += 1;
                found.unreadable += 1;
                continue;
            }
            // Gone since the listing, or not a process directory.
            Err(_) => continue,
        };
        found.processes += 1;
        let Ok(mut entries) = Dir::new(fd_dir) else {
            found.unreadable += 1;
            continue;
        };
        let mut held = false;
        while let Some(entry) = entries.read() {
            let Ok(entry) = entry else {
                break;
            };
            let name = entry.file_name();
            if name.to_bytes().first() == Some(&b'.') {
                continue;
            }
            let Ok(dirfd) = entries.fd() else {
                break;
            };
            let Ok(n) = readlinkat_raw(dirfd, name, &mut link[..]) else {
                continue;
            };
            if let Some(inode) = link.get(..n).and_then(socket_inode) {
                found.links.push((inode, *pid));
                held = true;
            }
        }
        if held {
            let comm = read_text(&roots.proc_path(&format!("{pid}/comm")))
                .map(|t| parse_comm(&t))
                .unwrap_or_else(|_| "?".to_string());
            found.comms.push((*pid, comm));
        }
    }
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn reads_socket_links() {
        assert_eq!(socket_inode(b"socket:[40151]"), Some(40151));
        assert_eq!(socket_inode(b"pipe:[40151]"), None);
        assert_eq!(socket_inode(b"socket:[]"), None);
        assert_eq!(socket_inode(b"socket:[12a]"), None);
        assert_eq!(socket_inode(b"socket:[99999999999999999999]"), None);
        assert_eq!(socket_inode(b"/dev/null"), None);
    }

    #[test]
    fn shared_sockets_keep_every_holder_once() {
        let mut m = OwnerMap::default();
        m.insert(7, 100);
        m.insert(7, 100);
        m.insert(7, 200);
        m.insert(7, 200);
        m.insert(8, 300);
        assert_eq!(m.holders(7), &[100, 200]);
        assert_eq!(m.holders(8), &[300]);
        assert_eq!(m.holders(9), &[] as &[u32]);
    }

    #[test]
    fn live_scan_finds_our_own_socket() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let fd = {
            use std::os::fd::AsRawFd;
            listener.as_raw_fd()
        };
        let inode = std::fs::metadata(format!("/proc/self/fd/{fd}"))
            .unwrap()
            .ino();
        let map = scan(&Roots::default(), None).unwrap();
        let me = std::process::id();
        assert!(map.holders(inode).contains(&me));
        assert!(!map.comm(me).is_empty());
        assert!(map.scan.processes >= 1);
    }

    #[test]
    fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            scan(&Roots::fixture(dir.path()), None)
                .unwrap_err()
                .is_missing()
        );
    }

    proptest! {
        #[test]
        fn arbitrary_links_never_panic(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = socket_inode(&b);
        }
    }
}
