//! The limits processes consume per user, gathered as the per-process walk visits each process:
//! RLIMIT_NPROC ([`super::proc_user`]), inotify ([`super::inotify`]) and, for the
//! [`MAPS_OF`] largest processes by resident memory, their mappings ([`super::maps`]).
//!
//! A process's user, limits and inotify use are read when first seen and then every
//! [`REFRESH`] walks (staggered by pid, as the fd walk does with limits), so a walk costs a
//! few file reads per process only now and then; maps are read on every walk, but only for the
//! largest few, where mappings pile up (JVMs, databases, Elasticsearch).

use std::collections::{BTreeMap, HashMap};

use crate::collect::inotify::{self, InotifyUse};
use crate::collect::proc_user::{self, ProcUser};
use crate::collect::text::single_u64;
use crate::collect::{Roots, SourceError, maps, read_parsed};
use crate::model::Reading;
use crate::model::perproc::{PerProcess, ProcAmount, ProcMaps, UserUse};

/// Walks between re-reads of one process's user, limits and inotify use.
pub const REFRESH: u64 = 10;
/// How many of the largest processes by resident memory have their maps counted.
pub const MAPS_OF: usize = 3;
/// Processes named per user and limit.
const LEADERS: usize = 5;

#[derive(Debug, Clone)]
struct Seen {
    comm: String,
    threads: u64,
    user: ProcUser,
    inotify: Option<InotifyUse>,
}

#[derive(Debug, Clone, Copy)]
struct Cached {
    user: ProcUser,
    inotify: Option<InotifyUse>,
}

/// What lives between walks, and the last walk's result.
#[derive(Debug)]
pub struct Pass {
    cache: HashMap<u32, Cached>,
    walk: u64,
    seen: Vec<(u32, Seen)>,
    inotify_unreadable: u64,
    unreadable: u64,
    last: Reading<PerProcess>,
}

impl Default for Pass {
    fn default() -> Self {
        Self {
            cache: HashMap::new(),
            walk: 0,
            seen: Vec::new(),
            inotify_unreadable: 0,
            unreadable: 0,
            last: Err(SourceError::Missing {
                path: "processes not walked yet".into(),
            }),
        }
    }
}

impl Pass {
    /// Starts a walk over `pids` (sorted): forgets processes that are gone.
    pub fn begin(&mut self, pids: &[u32]) {
        self.walk += 1;
        self.cache.retain(|pid, _| pids.binary_search(pid).is_ok());
        self.seen.clear();
        self.inotify_unreadable = 0;
        self.unreadable = 0;
    }

    /// One process of the walk.
    pub fn visit(&mut self, roots: &Roots, pid: u32, comm: &str, threads: Option<u64>) {
        let due = (self.walk + u64::from(pid)).is_multiple_of(REFRESH);
        let cached = match self.cache.get(&pid) {
            Some(c) if !due => *c,
            _ => match proc_user::read(roots, pid) {
                Ok(user) => {
                    let inotify = inotify::read(roots, pid).ok();
                    let c = Cached { user, inotify };
                    self.cache.insert(pid, c);
                    c
                }
                Err(SourceError::Missing { .. }) => return,
                Err(_) => {
                    self.unreadable += 1;
                    return;
                }
            },
        };
        if cached.inotify.is_none() {
            self.inotify_unreadable += 1;
        }
        self.seen.push((
            pid,
            Seen {
                comm: comm.to_string(),
                threads: threads.unwrap_or(1).max(1),
                user: cached.user,
                inotify: cached.inotify,
            },
        ));
    }

    /// Ends the walk: sums per user, counts maps of the largest processes.
    pub fn finish(&mut self, roots: &Roots) {
        let sysctl = |name: &str| {
            read_parsed(&roots.proc_path(&format!("sys/{name}")), |t| {
                single_u64(t, name)
            })
        };
        self.last = Ok(PerProcess {
            users: users(&self.seen),
            maps: largest_maps(roots, &self.seen),
            max_user_watches: sysctl("fs/inotify/max_user_watches"),
            max_user_instances: sysctl("fs/inotify/max_user_instances"),
            max_map_count: sysctl("vm/max_map_count"),
            inotify_unreadable: self.inotify_unreadable,
            unreadable: self.unreadable,
        });
    }

    /// The last walk's result.
    pub fn last(&self) -> Reading<PerProcess> {
        self.last.clone()
    }
}

fn amount(pid: u32, s: &Seen, amount: u64) -> ProcAmount {
    ProcAmount {
        pid,
        comm: s.comm.clone(),
        amount,
    }
}

fn leaders(mut v: Vec<ProcAmount>) -> Vec<ProcAmount> {
    v.retain(|p| p.amount > 0);
    v.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.pid.cmp(&b.pid)));
    v.truncate(LEADERS);
    v
}

/// Per user: tasks by real uid (what RLIMIT_NPROC counts), inotify by effective uid.
fn users(seen: &[(u32, Seen)]) -> Vec<UserUse> {
    let mut by_uid: BTreeMap<u32, Acc> = BTreeMap::new();
    for (pid, s) in seen {
        let (u, tasks, _, _) = by_uid
            .entry(s.user.ruid)
            .or_insert_with(|| blank(s.user.ruid));
        u.tasks += s.threads;
        u.nproc = match (u.nproc, s.user.nproc) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        tasks.push(amount(*pid, s, s.threads));
        if let Some(i) = s.inotify {
            let (u, _, watches, instances) = by_uid
                .entry(s.user.euid)
                .or_insert_with(|| blank(s.user.euid));
            u.inotify_instances += i.instances;
            u.inotify_watches += i.watches;
            watches.push(amount(*pid, s, i.watches));
            instances.push(amount(*pid, s, i.instances));
        }
    }
    by_uid
        .into_values()
        .map(|(mut u, tasks, watches, instances)| {
            u.most_tasks = leaders(tasks);
            u.most_watches = leaders(watches);
            u.most_instances = leaders(instances);
            u
        })
        .collect()
}

type Acc = (UserUse, Vec<ProcAmount>, Vec<ProcAmount>, Vec<ProcAmount>);

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

/// Maps of the [`MAPS_OF`] largest processes by resident memory (kernel threads have none).
fn largest_maps(roots: &Roots, seen: &[(u32, Seen)]) -> Vec<ProcMaps> {
    let mut big: Vec<(&u32, &Seen, u64)> = seen
        .iter()
        .filter_map(|(pid, s)| Some((pid, s, s.user.rss_bytes.filter(|r| *r > 0)?)))
        .collect();
    big.sort_by_key(|b| std::cmp::Reverse(b.2));
    big.into_iter()
        .filter_map(|(pid, s, rss)| {
            Some(ProcMaps {
                pid: *pid,
                comm: s.comm.clone(),
                rss_bytes: rss,
                maps: maps::read(roots, *pid).ok()?,
            })
        })
        .take(MAPS_OF)
        .collect()
}
