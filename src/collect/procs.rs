//! Every process in one pass, as cheaply as each column allows (proc(5)):
//!
//! - the pids: listed again only when /proc/loadavg says a process may have come or gone
//!   ([`ProcCache::list_pids`]);
//! - its descriptor count (one statx of /proc/PID/fd, whose size is the count since Linux
//!   6.2) every pass for the new, the selected and the [`IO_TOP`] largest holders, every
//!   [`FDS_EVERY`] passes for the others; while the Processes pane is shown ([`Depth::Full`]),
//!   /proc/PID/stat (state, parent, threads, memory) every pass for the largest by
//!   descriptors, memory and threads, every [`STAT_EVERY`] passes for the others; otherwise
//!   ([`Depth::Counts`]) only their threads (one statx of /proc/PID/task) every
//!   [`THREADS_EVERY`] passes, which is what the limits need. A process whose count or stat
//!   line did not move for [`QUIET_AFTER`] readings has that one read every [`QUIET_EVERY`]
//!   passes until it moves (every [`LARGEST_QUIET_EVERY`] for the largest), see [`watch`];
//! - when a process is first seen, on the next pass (a fork is mostly followed by exec), when
//!   its name, start time or owner changes, and every [`REFRESH`] × [`STATUS_REFRESHES`]
//!   passes otherwise: its owner (status), limits, command line and cgroup; its limits alone
//!   every [`REFRESH`] passes;
//! - its links (`socket:[INODE]` matched against /proc/net/{tcp,tcp6,udp,udp6,unix}, inotify
//!   instances) only when its count changed, when it is selected (every pass), when it is one
//!   of the largest holders (every [`WATCH_EVERY`] passes: a socket may replace a file), or
//!   every [`LINKS_EVERY`] passes;
//! - /proc/PID/io for the largest holders every pass, for the others with the rest.
//!
//! On the live system every file is opened relative to the open proc root and read into one
//! buffer ([`live`]); a captured tree (`--proc-root`) is read by path, status every pass.

pub mod cgroup;
pub mod detail;
mod entry;
pub mod fds;
pub mod io;
pub mod limits;
mod links;
pub mod live;
mod moving;
pub mod passwd;
pub mod stat;
pub mod status;
mod watch;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::collect::inotify::InotifyUse;
use crate::collect::perproc::ProcUser;
use crate::collect::{Roots, SourceError, now_ms, read_parsed, read_text};
use crate::model::Reading;
use crate::model::procs::{Process, ProcessTable, SocketCounts};
use entry::{Entry, Files};
use live::LiveProc;
use moving::{count, dynamic};
use watch::{Due, Largest};

/// Passes between re-reads of a process's limits: two minutes at the dashboard's pace.
/// prlimit(1) on a running process shows within that.
pub const REFRESH: u64 = 60;
/// Limits re-reads between re-reads of the status file, command line and cgroup, which change
/// only with what the pass notices anyway (an exec renames, a setuid changes the owner of
/// /proc/PID/fd) or with rarer moves (reparenting, a move to another cgroup): ten minutes.
const STATUS_REFRESHES: u64 = 5;
/// Passes between re-reads of the links of a process whose descriptor count did not move.
pub const LINKS_EVERY: u64 = 60;
/// Passes between thread counts of one process at [`Depth::Counts`].
const THREADS_EVERY: u64 = 5;
/// Passes between stat lines of one process at [`Depth::Full`], but for the new, the selected
/// and the largest (see [`watch_largest`]), read every pass: the state and memory of a
/// process the pane does not put on top may be three passes old (6 s).
const STAT_EVERY: u64 = 4;
/// The largest processes by memory, and by threads, whose stat line is read every pass.
const STAT_TOP: usize = 20;
/// Passes between descriptor counts of a process that is not new, selected or one of the
/// [`IO_TOP`] largest holders: on a host of thousands of processes most hold a few
/// descriptors that never move, and a leak makes its process a large holder within a pass.
const FDS_EVERY: u64 = 2;
/// Readings in a row that found nothing moved, after which a process counts as quiet.
const QUIET_AFTER: u8 = 3;
/// Passes between descriptor counts, and between stat lines, of a quiet process that is not
/// new, selected or one of the largest: most of a host's thousands of processes sleep with
/// the same few descriptors and pages for hours, and reading each every pass or two costs
/// more than anything else the dashboard does. The first reading that finds one moved puts it
/// back on the common pace, so a process that wakes up and leaks is seen at most this many
/// passes late (16 s at the dashboard's pace of a pass every 2 s), once.
const QUIET_EVERY: u64 = 8;
/// Passes between readings of a quiet process among the largest (read every pass while they
/// move): a screen of rows that did not move for a while may be one pass older than the rest.
const LARGEST_QUIET_EVERY: u64 = 2;
/// Passes between re-reads of the passwd file.
const USERS_EVERY: u64 = 60;
/// Longest command line kept, in bytes.
const CMDLINE_MAX: usize = 512;
/// The largest fd holders, whose links are read every [`WATCH_EVERY`] passes.
const WATCH_TOP: usize = 5;
/// Passes between reads of the largest holders' links when their count did not move.
pub const WATCH_EVERY: u64 = 5;
/// The largest fd holders whose /proc/PID/io is read every pass; the others' every
/// [`REFRESH`] passes (each file costs as much as the stat file, and few rows are shown).
const IO_TOP: usize = 40;

/// How much of every process a pass reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Depth {
    /// Every column of the Processes pane: state, parent, threads, memory and I/O (see
    /// [`STAT_EVERY`]).
    #[default]
    Full,
    /// What the limits need while no pane shows processes: descriptor and thread counts;
    /// state and memory stay as last read.
    Counts,
}

/// What lives between passes.
#[derive(Debug, Default)]
pub struct ProcCache {
    /// Boxed: the map's free slots then cost a pointer each, not an entry.
    entries: foldhash::HashMap<u32, Box<Entry>>,
    pass: u64,
    /// The open proc root (decided on the first pass): None for a captured tree.
    live: Option<LiveProc>,
    opened: bool,
    users: HashMap<u32, Arc<str>>,
    pids: Vec<u32>,
    /// The last pid and the count of threads /proc/loadavg gave when `pids` was listed.
    listed_at: Option<(u64, u64)>,
    scratch: links::Scratch,
    /// The process a drill-down is open on: its links are read every pass.
    pub selected: Option<u32>,
    pub depth: Depth,
    /// The largest holders, by descriptors, memory and threads: read every pass.
    largest: Largest,
    /// Per-user and per-process limits (nproc, inotify, maps) summed on the same pass.
    pub perproc: crate::collect::perproc::Pass,
}

impl ProcCache {
    /// The user names this cache resolved uids with.
    pub fn users(&self) -> &HashMap<u32, Arc<str>> {
        &self.users
    }

    fn open(&mut self, roots: &Roots) {
        if !self.opened {
            self.opened = true;
            self.live = LiveProc::open(roots);
        }
        if (self.pass % USERS_EVERY == 1 || self.users.is_empty())
            && let Ok(text) = read_text(&passwd_path(roots))
        {
            self.users = passwd::parse(&text);
        }
    }

    /// Every pid. Listing /proc costs a dentry lookup per process, so on the live system the
    /// last listing is reused while /proc/loadavg says no process came or went: its last pid
    /// moves with every fork (in this namespace and those below it) and its count of threads
    /// with every fork and exit anywhere. Processes found gone meanwhile leave the list.
    fn list_pids(&mut self, roots: &Roots) -> Result<Vec<u32>, SourceError> {
        let mut pids = std::mem::take(&mut self.pids);
        let Some(live) = self.live.as_mut() else {
            return crate::collect::nofile::pids(roots);
        };
        let mark = crate::collect::loadavg::read(roots)
            .ok()
            .map(|l| (l.last_pid, l.entities));
        if mark.is_some() && mark == self.listed_at && !pids.is_empty() {
            return Ok(pids);
        }
        live.pids(&mut pids)
            .map_err(|e| SourceError::io(&roots.proc, &e.into()))?;
        self.listed_at = mark;
        Ok(pids)
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
    cache.pass += 1;
    cache.open(roots);
    let mut pids = cache.list_pids(roots)?;
    cache
        .entries
        .retain(|pid, _| pids.binary_search(pid).is_ok());
    let mut table = ProcessTable {
        time_ms: now_ms(),
        procs: Vec::with_capacity(pids.len()),
        as_root: cache.live.is_some() && rustix::process::geteuid().is_root(),
        ..ProcessTable::default()
    };
    cache.scratch.fresh_protos = false;
    cache.perproc.begin();
    let mut gone = Vec::new();
    for &pid in &pids {
        match one(roots, cache, pid, &mut table.malformed) {
            Ok((p, user, inotify)) => {
                cache.perproc.visit(pid, p.threads, user, inotify);
                let hidden = p.sockets.is_none() && p.fds != Some(0);
                table.hidden += u64::from(hidden);
                table.procs.push(p);
            }
            Err(SourceError::Missing { .. }) => {
                table.vanished += 1;
                gone.push(pid);
            }
            Err(SourceError::Denied { .. }) => {
                table.hidden += 1;
                table.denied += 1;
            }
            Err(e) => report(&mut table.malformed, e),
        }
    }
    pids.retain(|p| gone.binary_search(p).is_err());
    cache.pids = pids;
    cache
        .perproc
        .finish(roots, cache.live.as_mut(), &table.procs);
    cache.largest = Largest::of(&table);
    table.took_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    Ok(table)
}

/// The first few files that could not be parsed.
fn report(malformed: &mut Vec<String>, e: SourceError) {
    if malformed.len() < 3 {
        malformed.push(e.to_string());
    }
}

type Read = (Process, Option<ProcUser>, Option<InotifyUse>);

fn one(
    roots: &Roots,
    cache: &mut ProcCache,
    pid: u32,
    malformed: &mut Vec<String>,
) -> Result<Read, SourceError> {
    let pass = cache.pass;
    let mut files = Files {
        roots,
        live: cache.live.as_mut(),
    };
    let e = cache.entries.entry(pid).or_insert_with(|| {
        Box::new(Entry {
            first_pass: pass,
            ..Entry::default()
        })
    });
    let staggered = |every: u64| watch::staggered(pass, pid, every);
    let selected = cache.selected == Some(pid);
    let Due {
        watched,
        depth,
        count: count_due,
    } = cache.largest.due(pass, pid, selected, cache.depth, e);
    let moved = dynamic(&mut files, depth, pid, e)?;
    let (fds, owner) = if count_due {
        let counted = count(&mut files, pid)?;
        e.fds_still = watch::still(e.fds_still, counted.0 != e.fds);
        e.fds = counted.0;
        counted
    } else {
        (e.fds, None)
    };
    let static_due = e.static_pass == 0
        || pass == e.first_pass + 1
        || staggered(REFRESH * STATUS_REFRESHES)
        || moved.again
        || (owner.is_some() && owner != e.owner);
    if static_due {
        if let Some(err) = entry::read_static(&mut files, pid, e, pass)? {
            report(malformed, err);
        }
        e.owner = owner;
        if let Some(comm) = moved.name {
            e.comm = comm;
        }
    } else if staggered(REFRESH)
        && let Some(err) = entry::read_limits(&mut files, pid, e)
    {
        report(malformed, err);
    }
    let io = if cache.depth == Depth::Full
        && (static_due || staggered(REFRESH) || (!e.io_denied && watched))
    {
        let io = files.read_once(pid, "io", io::parse);
        e.io_denied = matches!(io, Err(SourceError::Denied { .. }));
        io.ok()
    } else {
        None
    };
    let links_due = staggered(LINKS_EVERY);
    let mut walked = false;
    if fds == Some(0) {
        e.sockets = Some(SocketCounts::default());
        e.inotify_fds.clear();
        e.links_at = fds;
    } else if fds.is_some()
        && (e.links_at != fds
            || selected
            || (cache.largest.links.contains(&pid) && staggered(WATCH_EVERY))
            || links_due)
        && (links_due || !e.links_denied)
    {
        links::read(&mut files, &mut cache.scratch, pid, e);
        e.links_at = fds;
        walked = true;
    }
    if walked || static_due || fds == Some(0) {
        e.inotify = links::inotify(roots, pid, e);
    }
    let user = e
        .ruid
        .map(|u| passwd::name(&cache.users, u))
        .unwrap_or_default();
    Ok((process(pid, e, fds, io, user), e.user(), e.inotify))
}

/// The process as the pass shows it.
fn process(
    pid: u32,
    e: &Entry,
    fds: Option<u64>,
    io: Option<(u64, u64)>,
    user: Arc<str>,
) -> Process {
    Process {
        pid,
        ppid: e.ppid,
        comm: e.comm.clone(),
        cmdline: e.cmdline.clone(),
        uid: e.ruid,
        user,
        state: e.state,
        threads: e.threads,
        fds,
        fd_soft: e.fd_soft,
        fd_hard: e.fd_hard,
        sockets: e.sockets,
        rss_bytes: e.rss_bytes,
        read_bytes: io.map(|(r, _)| r),
        write_bytes: io.map(|(_, w)| w),
        cgroup: e.cgroup.clone(),
    }
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
        assert_eq!(&*bash.comm, "bash");
        assert_eq!(&*bash.user, "alice");
        assert_eq!(&*bash.cmdline, "-bash --login");
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
        assert_eq!((&*worker.user, worker.read_bytes), ("33", None));
        assert_eq!(t.malformed.len(), 1, "{:?}", t.malformed);
    }

    #[test]
    fn a_reused_listing_still_sees_processes_come_and_go() {
        let roots = Roots::default();
        let mut cache = ProcCache::default();
        read(&roots, &mut cache).unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let id = child.id();
        let has = |t: &ProcessTable| t.procs.iter().any(|p| p.pid == id);
        assert!(has(&read(&roots, &mut cache).unwrap()), "the fork is seen");
        child.kill().unwrap();
        child.wait().unwrap();
        // Gone from the table within two passes, and from the listing with it.
        let seen: Vec<bool> = (0..2)
            .map(|_| has(&read(&roots, &mut cache).unwrap()))
            .collect();
        assert_eq!(seen.last(), Some(&false), "{seen:?}");
        assert!(!cache.pids.contains(&id));
    }

    #[test]
    fn a_quiet_process_is_read_less_often_and_still_seen_to_move() {
        use std::io::Write;
        let roots = Roots::default();
        let mut cache = ProcCache::default();
        // A shell that waits on its input, then opens two descriptors and waits on.
        let mut child = std::process::Command::new("sh")
            .args(["-c", "read x; exec 3</dev/null 4</dev/null; sleep 30"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let id = child.id();
        for _ in 0..QUIET_EVERY * u64::from(QUIET_AFTER) + 2 {
            read(&roots, &mut cache).unwrap();
        }
        let e = &cache.entries[&id];
        assert!(e.fds_still >= QUIET_AFTER, "{e:?}");
        assert!(e.stat_still >= QUIET_AFTER, "{e:?}");
        let before = e.fds.unwrap();
        child.stdin.take().unwrap().write_all(b"go\n").unwrap();
        // Once the shell has opened them, a pass must see them within the quiet pace.
        let fd_dir = format!("/proc/{id}/fd");
        let opened = (0..200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(10));
            std::fs::read_dir(&fd_dir).map_or(0, Iterator::count) as u64 == before + 2
        });
        let seen: Vec<Option<u64>> = (0..QUIET_EVERY)
            .map(|_| {
                let t = read(&roots, &mut cache).unwrap();
                t.procs.iter().find(|p| p.pid == id).and_then(|p| p.fds)
            })
            .collect();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(opened, "the shell never opened its descriptors");
        assert!(seen.contains(&Some(before + 2)), "{seen:?}");
    }

    #[test]
    fn live_pass_sees_this_process_and_its_sockets() {
        let roots = Roots::default();
        let me = std::process::id();
        let mut cache = ProcCache {
            selected: Some(me),
            ..ProcCache::default()
        };
        let find = |t: &ProcessTable| t.procs.iter().find(|p| p.pid == me).cloned().unwrap();
        // Other tests of this binary open and close descriptors in threads beside this one:
        // the exact change must be seen in one of a few tries, not necessarily the first.
        let mut seen = Vec::new();
        for _ in 0..5 {
            let a = find(&read(&roots, &mut cache).unwrap());
            let (x, y) = std::os::unix::net::UnixStream::pair().unwrap();
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let b = find(&read(&roots, &mut cache).unwrap());
            drop((x, y, l));
            assert!(b.threads >= 1 && b.rss_bytes.is_some() && b.fd_soft.is_some());
            let (sa, sb) = (a.sockets.unwrap(), b.sockets.unwrap());
            let delta = (
                b.fds.zip(a.fds).map(|(b, a)| b as i64 - a as i64),
                sb.unix as i64 - sa.unix as i64,
                sb.tcp as i64 - sa.tcp as i64,
            );
            if delta == (Some(3), 2, 1) {
                return;
            }
            seen.push(delta);
        }
        panic!("never saw +3 fds, +2 unix, +1 tcp: {seen:?}");
    }
}
