//! The drill-down reading of one process: its command line, owner, parents, cgroup, the
//! limits that matter against use, every descriptor by kind, its TCP sockets by peer and
//! state (the Sockets pane's aggregation) and the directories holding its open files.

use std::collections::{HashMap, HashSet};
use std::os::fd::AsFd;

use super::fds::{self, Proto, Target};
use super::{cgroup, limits, parse_cmdline, passwd, status};
use crate::collect::nofile::{count_fds, is_procfs};
use crate::collect::tcp::{self, aggregate};
use crate::collect::{Roots, SourceError, read_parsed, read_text};
use crate::model::Reading;
use crate::model::procs::{DetailLimit, FdKindCount, ProcDetail, ProcessTable};
use crate::model::tcp::TcpMethod;

/// What the reading borrows from the collector.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub users: &'a HashMap<u32, std::sync::Arc<str>>,
    /// The last process pass, for the use of per-user limits.
    pub table: Option<&'a ProcessTable>,
    pub method: tcp::Method,
}

/// The kind of descriptors whose links the kernel would not let us read.
pub const UNREADABLE: &str = "link not readable";
/// Most directories named.
const DIRS: usize = 5;
/// Longest parent chain followed.
const PARENTS: usize = 32;

pub fn read(roots: &Roots, pid: u32, ctx: &Context<'_>) -> Reading<ProcDetail> {
    let st = super::read_status(roots, pid)?;
    let mut d = ProcDetail {
        pid,
        comm: st.name.clone(),
        cmdline: read_text(&roots.proc_path(&format!("{pid}/cmdline")))
            .map(|t| parse_cmdline(&t))
            .unwrap_or_default(),
        user: st
            .uid
            .map(|u| passwd::name(ctx.users, u).to_string())
            .unwrap_or_default(),
        parents: parents(roots, st.ppid),
        cgroup: read_text(&roots.proc_path(&format!("{pid}/cgroup")))
            .ok()
            .and_then(|t| cgroup::parse(&t)),
        ..ProcDetail::default()
    };
    let mut targets = Vec::new();
    let counted = match fds::walk(roots, None, pid, |fd, t| targets.push((fd, t))) {
        Ok(walked) => {
            d.fds_unreadable = walked.unreadable;
            Some(walked.listed)
        }
        Err(SourceError::Denied { .. }) => {
            d.fds_hidden = true;
            // Counted all the same: since Linux 6.2 anyone may stat PID/fd; else the pass's count.
            fd_count(roots, pid).or_else(|| {
                let t = ctx.table?;
                let i = t.procs.binary_search_by_key(&pid, |p| p.pid).ok()?;
                t.procs.get(i)?.fds
            })
        }
        Err(e) => return Err(e),
    };
    d.fds_total = counted.unwrap_or(0);
    describe_fds(roots, pid, &targets, ctx.method, &mut d);
    if let Ok(l) = read_parsed(&roots.proc_path(&format!("{pid}/limits")), limits::parse) {
        let tasks = ctx.table.map(|t| {
            t.procs
                .iter()
                .filter(|p| st.uid.is_some() && p.uid == st.uid)
                .map(|p| p.threads)
                .sum()
        });
        let row = |name: &str, used, pair: Option<limits::Pair>, bytes| {
            let (soft, hard) = pair?;
            Some(DetailLimit {
                name: name.to_string(),
                used,
                soft,
                hard,
                bytes,
            })
        };
        d.limits = [
            row("open files", counted, l.open_files, false),
            row("processes", tasks, l.processes, false),
            row("locked memory", st.locked_bytes, l.locked_memory, true),
            row("address space", st.vm_bytes, l.address_space, true),
        ]
        .into_iter()
        .flatten()
        .collect();
    }
    Ok(d)
}

/// Open descriptors, counted as the process table counts them: on a live /proc the size of
/// `PID/fd`, which anyone may stat (Linux 6.2 and later), so another user's count is known
/// even when its fd table is not; else by listing the directory.
fn fd_count(roots: &Roots, pid: u32) -> Option<u64> {
    let flags =
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC;
    let proc_dir = is_procfs(roots)
        .then(|| rustix::fs::open(&roots.proc, flags, rustix::fs::Mode::empty()).ok())
        .flatten();
    count_fds(roots, proc_dir.as_ref().map(AsFd::as_fd), false, pid).ok()
}

/// Parent first, up to the first process (or a parent that cannot be read).
fn parents(roots: &Roots, mut ppid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    while ppid != 0 && out.len() < PARENTS {
        let Ok(st) = read_parsed(&roots.proc_path(&format!("{ppid}/status")), status::parse) else {
            break;
        };
        out.push((ppid, st.name));
        ppid = st.ppid;
    }
    out
}

/// Counts descriptors by kind, groups its TCP sockets and finds the busiest directories.
fn describe_fds(
    roots: &Roots,
    pid: u32,
    targets: &[(u32, Target)],
    method: tcp::Method,
    d: &mut ProcDetail,
) {
    let mut kinds: HashMap<String, u64> = HashMap::new();
    let mut dirs: HashMap<String, u64> = HashMap::new();
    let sockets: HashSet<u64> = targets
        .iter()
        .filter_map(|(_, t)| match t {
            Target::Socket(i) => Some(*i),
            _ => None,
        })
        .collect();
    let protos = if sockets.is_empty() {
        fds::ProtoMap::new()
    } else {
        fds::read_protos(roots)
    };
    let tcp_states = tcp_sockets(roots, method, &sockets, d);
    for (fd, t) in targets {
        let kind = match t {
            Target::Socket(i) => match protos.get(i) {
                Some(Proto::Tcp) => match tcp_states.get(i) {
                    Some(state) => format!("socket TCP {}", state.name()),
                    None => "socket TCP".into(),
                },
                Some(Proto::Udp) => "socket UDP".into(),
                Some(Proto::Unix) => "socket unix".into(),
                None => "socket (other)".into(),
            },
            Target::Pipe => "pipe".into(),
            Target::Anon(name) => name.clone(),
            Target::Memfd => "memfd".into(),
            Target::Device => "device".into(),
            Target::Path(path) => {
                let link = roots.proc_path(&format!("{pid}/fd/{fd}"));
                if std::fs::metadata(link).is_ok_and(|m| m.is_dir()) {
                    "directory".into()
                } else {
                    let dir = path.rsplit_once('/').map_or("/", |(d, _)| d);
                    let dir = if dir.is_empty() { "/" } else { dir };
                    *dirs.entry(dir.to_string()).or_default() += 1;
                    "regular file".into()
                }
            }
            Target::Other(_) => "other".into(),
        };
        *kinds.entry(kind).or_default() += 1;
    }
    if d.fds_unreadable > 0 {
        kinds.insert(UNREADABLE.to_string(), d.fds_unreadable);
    }
    d.fds = most_first(kinds)
        .into_iter()
        .map(|(kind, count)| FdKindCount { kind, count })
        .collect();
    d.dirs = most_first(dirs);
    d.dirs.truncate(DIRS);
}

/// Aggregates the process's TCP sockets into peers and listeners; returns each one's state.
fn tcp_sockets(
    roots: &Roots,
    method: tcp::Method,
    inodes: &HashSet<u64>,
    d: &mut ProcDetail,
) -> HashMap<u64, crate::model::tcp::TcpState> {
    if inodes.is_empty() {
        return HashMap::new();
    }
    let Ok(dump) = tcp::dump(roots, method) else {
        return HashMap::new();
    };
    let mine: Vec<tcp::RawSocket> = dump
        .sockets
        .into_iter()
        .filter(|s| inodes.contains(&s.inode))
        .collect();
    let agg = aggregate::aggregate(
        &mine,
        &aggregate::Context {
            backlog_known: dump.method == TcpMethod::Netlink,
            port_range: tcp::read_port_range(roots).ok(),
            owners: None,
        },
    );
    d.tcp_peers = agg.peers;
    d.tcp_listeners = agg.listeners;
    mine.iter().map(|s| (s.inode, s.state)).collect()
}

fn most_first(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
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
    fn every_kind_of_descriptor_in_a_captured_tree() {
        let users = HashMap::from([(1000, "alice".into())]);
        let ctx = Context {
            users: &users,
            table: None,
            method: tcp::Method::Auto,
        };
        let d = read(&fixture(), 4242, &ctx).unwrap();
        assert_eq!(d.user, "alice");
        assert_eq!(d.cmdline, "-bash --login");
        assert_eq!(d.parents, vec![(1, "systemd".to_string())]);
        assert_eq!(d.fds_total, 13);
        let kind = |k: &str| d.fds.iter().find(|f| f.kind == k).map(|f| f.count);
        assert_eq!(kind("socket TCP ESTABLISHED"), Some(1));
        assert_eq!(kind("socket TCP LISTEN"), Some(1));
        assert_eq!(kind("socket UDP"), Some(1));
        assert_eq!(kind("socket unix"), Some(1));
        assert_eq!(kind("device"), Some(2));
        assert_eq!(kind("pipe"), Some(1));
        assert_eq!(kind("eventfd"), Some(1));
        assert_eq!(kind("eventpoll"), Some(1));
        assert_eq!(kind("memfd"), Some(1));
        assert_eq!(kind("regular file"), Some(2));
        assert_eq!(kind("directory"), Some(1));
        assert_eq!(d.dirs, vec![("/var/log/app".to_string(), 2)]);
        assert_eq!(d.tcp_peers.len(), 1);
        let peer = &d.tcp_peers[0];
        assert_eq!(peer.remote.to_string(), "127.0.0.1:11211");
        assert_eq!(peer.service.as_deref(), Some("memcached"));
        assert_eq!(d.tcp_listeners.len(), 1);
        let open = &d.limits[0];
        assert_eq!(
            (open.used, open.soft, open.hard),
            (Some(13), Some(2048), Some(4096))
        );
        assert_eq!(d.limits[3].soft, None, "address space unlimited");
    }

    #[test]
    fn a_vanished_process_is_missing() {
        let users = HashMap::new();
        let ctx = Context {
            users: &users,
            table: None,
            method: tcp::Method::Auto,
        };
        assert!(read(&fixture(), 999_999, &ctx).unwrap_err().is_missing());
        assert!(read(&fixture(), 4300, &ctx).unwrap_err().is_missing());
    }
}
