//! The limits processes consume per user, summed from what the per-process pass
//! ([`super::procs`]) knows of each process: processes and threads per real uid against
//! RLIMIT_NPROC, inotify instances and watches per effective uid, and, for the [`MAPS_OF`]
//! largest processes by resident memory, their mappings ([`super::maps`]).
//!
//! Nothing here reads a process's files but the maps: owners, limits and inotify use come with
//! the pass, which re-reads them now and then. Maps are counted again every [`MAPS_EVERY`]
//! passes, or when a process joins the largest three (mappings pile up in JVMs, databases,
//! Elasticsearch; a maps file can be megabytes).

use std::collections::{BTreeMap, HashMap};

use crate::collect::inotify::InotifyUse;
use crate::collect::procs::live::LiveProc;
use crate::collect::text::single_u64;
use crate::collect::{Roots, SourceError, maps, read_parsed};
use crate::model::Reading;
use crate::model::perproc::{PerProcess, ProcAmount, ProcMaps, UserUse};
use crate::model::procs::Process;

/// How many of the largest processes by resident memory have their maps counted.
pub const MAPS_OF: usize = 3;
/// Passes between counts of the same process's maps.
pub const MAPS_EVERY: u64 = 15;
/// Processes named per user and limit.
const LEADERS: usize = 5;

/// Who a process runs as and how many processes its user may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcUser {
    pub ruid: u32,
    pub euid: u32,
    /// Soft RLIMIT_NPROC; None when unlimited.
    pub nproc: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    pid: u32,
    threads: u64,
    user: ProcUser,
    inotify: Option<InotifyUse>,
}

/// What lives between passes, and the last pass's result.
#[derive(Debug)]
pub struct Pass {
    pass: u64,
    seen: Vec<Seen>,
    /// Maps counted, by pid, with the pass they were counted at.
    maps: HashMap<u32, (u64, u64)>,
    inotify_unreadable: u64,
    unreadable: u64,
    last: Reading<PerProcess>,
}

impl Default for Pass {
    fn default() -> Self {
        Self {
            pass: 0,
            seen: Vec::new(),
            maps: HashMap::new(),
            inotify_unreadable: 0,
            unreadable: 0,
            last: Err(SourceError::Missing {
                path: "processes not walked yet".into(),
            }),
        }
    }
}

impl Pass {
    /// Starts a pass.
    pub fn begin(&mut self) {
        self.pass += 1;
        self.seen.clear();
        self.inotify_unreadable = 0;
        self.unreadable = 0;
    }

    /// One process: its threads, its owner and limit (None when its status or limits could
    /// not be read) and its inotify use (None when its descriptors could not be read).
    pub fn visit(
        &mut self,
        pid: u32,
        threads: u64,
        user: Option<ProcUser>,
        inotify: Option<InotifyUse>,
    ) {
        let Some(user) = user else {
            self.unreadable += 1;
            return;
        };
        if inotify.is_none() {
            self.inotify_unreadable += 1;
        }
        self.seen.push(Seen {
            pid,
            threads: threads.max(1),
            user,
            inotify,
        });
    }

    /// Ends the pass over `procs` (by pid): sums per user, counts maps of the largest.
    pub fn finish(&mut self, roots: &Roots, live: Option<&mut LiveProc>, procs: &[Process]) {
        let sysctl = |name: &str| {
            read_parsed(&roots.proc_path(&format!("sys/{name}")), |t| {
                single_u64(t, name)
            })
        };
        let comm = |pid: u32| {
            procs
                .binary_search_by_key(&pid, |p| p.pid)
                .ok()
                .and_then(|i| procs.get(i))
                .map(|p| p.comm.to_string())
                .unwrap_or_default()
        };
        self.last = Ok(PerProcess {
            users: users(&self.seen, &comm),
            maps: self.largest_maps(roots, live, procs),
            max_user_watches: sysctl("fs/inotify/max_user_watches"),
            max_user_instances: sysctl("fs/inotify/max_user_instances"),
            max_map_count: sysctl("vm/max_map_count"),
            inotify_unreadable: self.inotify_unreadable,
            unreadable: self.unreadable,
        });
    }

    /// The last pass's result.
    pub fn last(&self) -> Reading<PerProcess> {
        self.last.clone()
    }

    /// Maps of the [`MAPS_OF`] largest processes by resident memory (kernel threads have
    /// none), counted again when [`MAPS_EVERY`] passes old.
    fn largest_maps(
        &mut self,
        roots: &Roots,
        mut live: Option<&mut LiveProc>,
        procs: &[Process],
    ) -> Vec<ProcMaps> {
        let mut big: Vec<(&Process, u64)> = procs
            .iter()
            .filter_map(|p| Some((p, p.rss_bytes.filter(|r| *r > 0)?)))
            .collect();
        big.sort_by_key(|b| std::cmp::Reverse(b.1));
        let pass = self.pass;
        let mut out = Vec::new();
        for (p, rss) in big {
            if out.len() == MAPS_OF {
                break;
            }
            let fresh = self
                .maps
                .get(&p.pid)
                .filter(|(at, _)| pass < at + MAPS_EVERY)
                .map(|(_, n)| *n);
            let maps = match fresh {
                Some(n) => n,
                None => {
                    let Some(n) = count_maps(roots, live.as_deref_mut(), p.pid) else {
                        continue;
                    };
                    self.maps.insert(p.pid, (pass, n));
                    n
                }
            };
            out.push(ProcMaps {
                pid: p.pid,
                comm: p.comm.to_string(),
                rss_bytes: rss,
                maps,
            });
        }
        self.maps.retain(|pid, _| out.iter().any(|m| m.pid == *pid));
        out
    }
}

/// Mappings of one process (owner or root): lines of its maps file, counted as they stream
/// by on the live system.
fn count_maps(roots: &Roots, live: Option<&mut LiveProc>, pid: u32) -> Option<u64> {
    match live {
        Some(live) => live.count_lines(pid, "maps").ok(),
        None => maps::read(roots, pid).ok(),
    }
}

fn amount(pid: u32, comm: &impl Fn(u32) -> String, amount: u64) -> ProcAmount {
    ProcAmount {
        pid,
        comm: comm(pid),
        amount,
    }
}

/// The [`LEADERS`] largest, largest first; names are looked up for those alone.
fn leaders(mut v: Vec<(u32, u64)>, comm: &impl Fn(u32) -> String) -> Vec<ProcAmount> {
    v.retain(|p| p.1 > 0);
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(LEADERS);
    v.into_iter().map(|(pid, n)| amount(pid, comm, n)).collect()
}

/// Per user: tasks by real uid (what RLIMIT_NPROC counts), inotify by effective uid.
fn users(seen: &[Seen], comm: &impl Fn(u32) -> String) -> Vec<UserUse> {
    let mut by_uid: BTreeMap<u32, Acc> = BTreeMap::new();
    for s in seen {
        let (u, tasks, _, _) = by_uid
            .entry(s.user.ruid)
            .or_insert_with(|| blank(s.user.ruid));
        u.tasks += s.threads;
        u.nproc = match (u.nproc, s.user.nproc) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        tasks.push((s.pid, s.threads));
        if let Some(i) = s.inotify {
            let (u, _, watches, instances) = by_uid
                .entry(s.user.euid)
                .or_insert_with(|| blank(s.user.euid));
            u.inotify_instances += i.instances;
            u.inotify_watches += i.watches;
            watches.push((s.pid, i.watches));
            instances.push((s.pid, i.instances));
        }
    }
    by_uid
        .into_values()
        .map(|(mut u, tasks, watches, instances)| {
            u.most_tasks = leaders(tasks, comm);
            u.most_watches = leaders(watches, comm);
            u.most_instances = leaders(instances, comm);
            u
        })
        .collect()
}

type Acc = (UserUse, Vec<(u32, u64)>, Vec<(u32, u64)>, Vec<(u32, u64)>);

fn blank(uid: u32) -> Acc {
    (
        UserUse {
            uid,
            tasks: 0,
            nproc: None,
            inotify_instances: 0,
            inotify_watches: 0,
            most_tasks: Vec::new(),
            most_watches: Vec::new(),
            most_instances: Vec::new(),
        },
        Vec::new(),
        Vec::new(),
        Vec::new(),
    )
}
