//! Every process in one pass: /proc/PID/status, the size of /proc/PID/fd, /proc/PID/io, and
//! (re-read every few passes) /proc/PID/{limits,cmdline,cgroup} (proc(5)).
//!
//! Sockets per process come from the fd links (`socket:[INODE]`) matched against the inodes of
//! /proc/net/{tcp,tcp6,udp,udp6,unix}. Reading every link costs one readlink per descriptor,
//! so a process's links are read again only when its descriptor count changed, when it is
//! watched (the selected process, the largest holders), or every [`REFRESH`] passes.

pub mod cgroup;
pub mod detail;
pub mod fds;
pub mod io;
pub mod limits;
pub mod passwd;
pub mod status;

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::time::Instant;

use rustix::fs::{Mode, OFlags, open};

use crate::collect::nofile::{count_fds, is_procfs, pids};
use crate::collect::{Roots, SourceError, now_ms, read_parsed, read_text};
use crate::model::Reading;
use crate::model::procs::{Process, ProcessTable, SocketCounts};
use fds::{Proto, ProtoMap, Target};

/// Passes between re-reads of what rarely changes (limits, command line, cgroup, links).
pub const REFRESH: u64 = 10;
/// Passes between re-reads of the passwd file.
const USERS_EVERY: u64 = 60;
/// Longest command line kept, in bytes.
const CMDLINE_MAX: usize = 512;
/// The largest fd holders whose links are read every pass.
const WATCH_TOP: usize = 5;
/// The largest fd holders whose /proc/PID/io is read every pass; the others' every
/// [`REFRESH`] passes (each file costs as much as the status file, and few rows are shown).
const IO_TOP: usize = 200;

/// What lives between passes.
#[derive(Debug, Default)]
pub struct ProcCache {
    entries: HashMap<u32, Cached>,
    pass: u64,
    on_procfs: Option<bool>,
    sized_fd_dirs: Option<bool>,
    proc_dir: Option<OwnedFd>,
    users: HashMap<u32, String>,
    protos: ProtoMap,
    /// The process a drill-down is open on: its links are read every pass.
    pub selected: Option<u32>,
    /// The largest holders: their links are read every pass, whatever their count does.
    watch: Vec<u32>,
    /// The holders whose I/O counters are read every pass.
    io_every_pass: std::collections::HashSet<u32>,
}

/// What is kept of a process between passes.
#[derive(Debug, Clone, Default)]
struct Cached {
    comm: String,
    cmdline: String,
    cgroup: Option<String>,
    fd_soft: Option<u64>,
    fd_hard: Option<u64>,
    io_denied: bool,
    /// The count the sockets below were read at.
    links_at: Option<u64>,
    sockets: Option<SocketCounts>,
    links_denied: bool,
}

impl ProcCache {
    /// The user names this cache resolved uids with.
    pub fn users(&self) -> &HashMap<u32, String> {
        &self.users
    }

    fn open_root(&mut self, roots: &Roots) {
        let on_procfs = *self.on_procfs.get_or_insert_with(|| is_procfs(roots));
        let proc = roots.proc_path("self/fd");
        self.sized_fd_dirs
            .get_or_insert_with(|| on_procfs && std::fs::metadata(proc).is_ok_and(|m| m.len() > 0));
        if on_procfs && self.proc_dir.is_none() {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            self.proc_dir = open(&roots.proc, flags, Mode::empty()).ok();
        }
        if self.pass % USERS_EVERY == 1 || self.users.is_empty() {
            if let Ok(text) = read_text(&passwd_path(roots)) {
                self.users = passwd::parse(&text);
            }
        }
    }
}

/// /etc/passwd on the live system; `<tree>/etc/passwd` beside a captured tree's proc.
pub fn passwd_path(roots: &Roots) -> PathBuf {
    match roots.proc.parent() {
        Some(tree) if !roots.is_live() => tree.join("etc/passwd"),
        _ => PathBuf::from("/etc/passwd"),
    }
}

/// One pass over every process. Fails only when the proc root cannot be listed.
pub fn read(roots: &Roots, cache: &mut ProcCache) -> Reading<ProcessTable> {
    let started = Instant::now();
    let pids = pids(roots)?;
    cache.pass += 1;
    cache.open_root(roots);
    cache
        .entries
        .retain(|pid, _| pids.binary_search(pid).is_ok());
    let mut table = ProcessTable {
        time_ms: now_ms(),
        procs: Vec::with_capacity(pids.len()),
        ..ProcessTable::default()
    };
    let mut fresh_protos = false;
    for pid in pids {
        let mut bad = |e: SourceError| {
            if table.malformed.len() < 3 {
                table.malformed.push(e.to_string());
            }
        };
        match one(roots, cache, pid, &mut fresh_protos, &mut bad) {
            Ok(p) => {
                let hidden = p.sockets.is_none() && p.fds != Some(0);
                table.hidden += u64::from(hidden);
                table.procs.push(p);
            }
            Err(SourceError::Missing { .. }) => table.vanished += 1,
            Err(SourceError::Denied { .. }) => {
                table.hidden += 1;
                table.denied += 1;
            }
            Err(e) => bad(e),
        }
    }
    let mut by_fds: Vec<(u64, u32)> = table
        .procs
        .iter()
        .map(|p| (p.fds.unwrap_or(0), p.pid))
        .collect();
    by_fds.sort_unstable_by(|a, b| b.cmp(a));
    cache.watch = by_fds.iter().take(WATCH_TOP).map(|(_, pid)| *pid).collect();
    cache.io_every_pass = by_fds.iter().take(IO_TOP).map(|(_, pid)| *pid).collect();
    table.took_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    Ok(table)
}

fn one(
    roots: &Roots,
    cache: &mut ProcCache,
    pid: u32,
    fresh_protos: &mut bool,
    malformed: &mut impl FnMut(SourceError),
) -> Result<Process, SourceError> {
    let st = read_status(roots, pid)?;
    let proc_dir = cache
        .proc_dir
        .as_ref()
        .filter(|_| cache.on_procfs == Some(true));
    let sized = cache.sized_fd_dirs == Some(true);
    let fds = match count_fds(roots, proc_dir, sized, pid) {
        Ok(n) => Some(n),
        Err(e @ SourceError::Missing { .. }) => return Err(e),
        Err(_) => None,
    };
    let due = (cache.pass + u64::from(pid)) % REFRESH == 0;
    let mut c = match cache.entries.remove(&pid) {
        Some(c) if !due && c.comm == st.name => c,
        _ => {
            let (c, err) = read_static(roots, pid, &st.name);
            if let Some(e) = err {
                malformed(e);
            }
            c
        }
    };
    let watched = cache.selected == Some(pid) || cache.watch.contains(&pid);
    let io_due = due || watched || cache.io_every_pass.contains(&pid) || c.links_at.is_none();
    let io = if !io_due || (c.io_denied && !due) {
        None
    } else {
        match read_parsed(&roots.proc_path(&format!("{pid}/io")), io::parse) {
            Ok(io) => Some(io),
            Err(e) => {
                c.io_denied = matches!(e, SourceError::Denied { .. });
                None
            }
        }
    };
    let stale = c.links_at != fds || due || watched;
    if fds == Some(0) {
        c.sockets = Some(SocketCounts::default());
        c.links_at = fds;
    } else if fds.is_some() && stale && (due || !c.links_denied) {
        let proc_dir = cache
            .proc_dir
            .as_ref()
            .filter(|_| cache.on_procfs == Some(true));
        let mut inodes = Vec::new();
        let walked = fds::walk(roots, proc_dir, pid, |_, t| {
            if let Target::Socket(i) = t {
                inodes.push(i);
            }
        });
        c.links_denied = matches!(walked, Err(SourceError::Denied { .. }));
        c.sockets = match walked {
            Ok(()) => Some(count_sockets(
                roots,
                &mut cache.protos,
                fresh_protos,
                &inodes,
            )),
            Err(_) => None,
        };
        c.links_at = fds;
    }
    let p = Process {
        pid,
        ppid: st.ppid,
        comm: st.name,
        cmdline: c.cmdline.clone(),
        uid: st.uid,
        user: st
            .uid
            .map(|u| passwd::name(&cache.users, u))
            .unwrap_or_default(),
        state: st.state,
        threads: st.threads,
        fds,
        fd_soft: c.fd_soft,
        fd_hard: c.fd_hard,
        sockets: c.sockets,
        rss_bytes: st.rss_bytes,
        read_bytes: io.map(|(r, _)| r),
        write_bytes: io.map(|(_, w)| w),
        cgroup: c.cgroup.clone(),
    };
    c.comm.clone_from(&p.comm);
    cache.entries.insert(pid, c);
    Ok(p)
}

/// Counts sockets by protocol, each inode once; the tables are read again (once per pass) when
/// an inode is not in them yet.
fn count_sockets(
    roots: &Roots,
    protos: &mut ProtoMap,
    fresh: &mut bool,
    inodes: &[u64],
) -> SocketCounts {
    let mut inodes = inodes.to_vec();
    inodes.sort_unstable();
    inodes.dedup();
    if !*fresh && inodes.iter().any(|i| !protos.contains_key(i)) {
        *protos = fds::read_protos(roots);
        *fresh = true;
    }
    let mut n = SocketCounts::default();
    for i in inodes {
        match protos.get(&i) {
            Some(Proto::Tcp) => n.tcp += 1,
            Some(Proto::Udp) => n.udp += 1,
            Some(Proto::Unix) => n.unix += 1,
            None => n.other += 1,
        }
    }
    n
}

/// The status file; where a captured tree holds only `comm` (and `task/`), what those tell.
pub fn read_status(roots: &Roots, pid: u32) -> Result<status::Status, SourceError> {
    match read_parsed(&roots.proc_path(&format!("{pid}/status")), status::parse) {
        Err(e) if e.is_missing() => {
            let comm = read_text(&roots.proc_path(&format!("{pid}/comm")))?;
            let threads = std::fs::read_dir(roots.proc_path(&format!("{pid}/task")))
                .map_or(1, |d| d.count() as u64);
            Ok(status::Status {
                name: comm.trim_end().to_string(),
                state: '?',
                threads,
                ..status::Status::default()
            })
        }
        other => other,
    }
}

/// Limits, command line and cgroup; a file that cannot be read leaves its field empty, and
/// one that cannot be parsed is returned to be reported.
fn read_static(roots: &Roots, pid: u32, comm: &str) -> (Cached, Option<SourceError>) {
    let limits = read_parsed(&roots.proc_path(&format!("{pid}/limits")), limits::parse);
    let (fd_soft, fd_hard) = limits
        .as_ref()
        .ok()
        .and_then(|l| l.open_files)
        .unwrap_or((None, None));
    let err = limits
        .err()
        .filter(|e| matches!(e, SourceError::Parse { .. }));
    let c = Cached {
        comm: comm.to_string(),
        cmdline: read_text(&roots.proc_path(&format!("{pid}/cmdline")))
            .map(|t| parse_cmdline(&t))
            .unwrap_or_default(),
        cgroup: read_text(&roots.proc_path(&format!("{pid}/cgroup")))
            .ok()
            .and_then(|t| cgroup::parse(&t)),
        fd_soft,
        fd_hard,
        ..Cached::default()
    };
    (c, err)
}

/// NUL-separated arguments as one line, cut at [`CMDLINE_MAX`] bytes.
pub fn parse_cmdline(text: &str) -> String {
    let mut s: String = text.trim_end_matches('\0').replace('\0', " ");
    if s.len() > CMDLINE_MAX {
        let mut cut = CMDLINE_MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fixture() -> Roots {
        Roots::fixture(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs"),
        )
    }

    #[test]
    fn command_lines() {
        assert_eq!(parse_cmdline("php-fpm: pool www\0\0"), "php-fpm: pool www");
        assert_eq!(parse_cmdline("/bin/sleep\u{0}60\0"), "/bin/sleep 60");
        assert_eq!(parse_cmdline(""), "");
        let long = parse_cmdline(&"é".repeat(400));
        assert!(long.len() <= CMDLINE_MAX + '…'.len_utf8());
    }

    #[test]
    fn reads_a_captured_tree() {
        let t = read(&fixture(), &mut ProcCache::default()).unwrap();
        let bash = t.procs.iter().find(|p| p.pid == 4242).unwrap();
        assert_eq!(bash.comm, "bash");
        assert_eq!(bash.user, "alice");
        assert_eq!(bash.cmdline, "-bash --login");
        assert_eq!(bash.fd_soft, Some(2048));
        assert_eq!(bash.read_bytes, Some(4_096_000));
        assert_eq!(
            bash.cgroup.as_deref(),
            Some("/user.slice/user-1000.slice/session-3.scope")
        );
        assert_eq!(bash.fds, Some(13));
        let s = bash.sockets.unwrap();
        assert_eq!((s.tcp, s.udp, s.unix, s.other), (2, 1, 1, 0));
        assert_eq!(t.vanished, 1, "4300 exited between its status and its fds");
        assert!(t.procs.iter().all(|p| p.pid != 4300));
        let worker = t.procs.iter().find(|p| p.pid == 4243).unwrap();
        assert_eq!((worker.user.as_str(), worker.read_bytes), ("33", None));
        assert_eq!(t.malformed.len(), 1, "{:?}", t.malformed);
    }

    #[test]
    fn live_pass_sees_this_process_and_its_sockets() {
        let roots = Roots::default();
        let mut cache = ProcCache::default();
        let before = read(&roots, &mut cache).unwrap();
        let me = std::process::id();
        let find = |t: &ProcessTable| t.procs.iter().find(|p| p.pid == me).cloned().unwrap();
        let a = find(&before);
        let (x, y) = std::os::unix::net::UnixStream::pair().unwrap();
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let b = find(&read(&roots, &mut cache).unwrap());
        assert_eq!(b.fds, a.fds.map(|n| n + 3));
        let (sa, sb) = (a.sockets.unwrap(), b.sockets.unwrap());
        assert_eq!(sb.unix, sa.unix + 2);
        assert_eq!(sb.tcp, sa.tcp + 1);
        assert!(b.threads >= 1 && b.rss_bytes.is_some() && b.fd_soft.is_some());
        drop((x, y, l));
    }
}
