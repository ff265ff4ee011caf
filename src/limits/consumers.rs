//! Who eats a limit, named by what an admin would act on: tasks by command and parent (a fork
//! storm names the children and their parent), descriptors by fds, sockets by kind, each
//! folded by command. A command run by one process is named as that process.

use foldhash::{HashMap, HashMapExt};

use serde::{Deserialize, Serialize};

use super::Limit;
use crate::model::procs::Process;
use crate::model::{ProcNofile, Snapshot};

/// How many consumers a limit names.
pub const LEADERS: usize = 5;

/// A process or a group of processes of one command, and how much of a limit it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Consumer {
    Process {
        pid: u32,
        comm: String,
        amount: u64,
    },
    Group {
        comm: String,
        count: u64,
        amount: u64,
        /// The one parent all of them share.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<Parent>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    pub pid: u32,
    pub comm: String,
}

impl Consumer {
    /// The process's pid; None for a group.
    pub fn pid(&self) -> Option<u32> {
        match self {
            Self::Process { pid, .. } => Some(*pid),
            Self::Group { .. } => None,
        }
    }

    pub fn amount(&self) -> u64 {
        match self {
            Self::Process { amount, .. } | Self::Group { amount, .. } => *amount,
        }
    }

    pub fn comm(&self) -> &str {
        match self {
            Self::Process { comm, .. } | Self::Group { comm, .. } => comm,
        }
    }

    /// "nginx[1234] (5,021)", "sleep ×1,500, children of bash[4242] (1,500)", with the amount
    /// formatted by the caller.
    pub fn text(&self, amount: &str) -> String {
        match self {
            Self::Process { pid, comm, .. } => format!("{comm}[{pid}] ({amount})"),
            Self::Group {
                comm,
                count,
                parent,
                ..
            } => {
                let count = crate::format::grouped(*count);
                match parent {
                    Some(p) => format!(
                        "{comm} ×{count}, children of {}[{}] ({amount})",
                        p.comm, p.pid
                    ),
                    None => format!("{comm} ×{count} ({amount})"),
                }
            }
        }
    }
}

/// What of a process a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Resource {
    Tasks,
    Fds,
    TcpSockets,
    OtherSockets,
}

impl Resource {
    fn of(self, p: &Process) -> u64 {
        let s = p.sockets.unwrap_or_default();
        match self {
            Self::Tasks => p.threads,
            Self::Fds => p.fds.unwrap_or(0),
            Self::TcpSockets => s.tcp,
            Self::OtherSockets => s.udp + s.unix + s.other,
        }
    }
}

/// Which resource a row counts. Inside one container /proc shows only its processes, so a
/// single beancounter block can be attributed too; on a host node it cannot.
fn resource(id: &str, one_block: bool) -> Option<Resource> {
    let ubc = one_block && id.starts_with("ubc.");
    match id {
        "kernel.tasks" | "cgroup.pids" => Some(Resource::Tasks),
        "fs.files" => Some(Resource::Fds),
        _ if ubc && id.ends_with(".numproc") => Some(Resource::Tasks),
        _ if ubc && id.ends_with(".numfile") => Some(Resource::Fds),
        _ if ubc && id.ends_with(".numtcpsock") => Some(Resource::TcpSockets),
        _ if ubc && id.ends_with(".numothersock") => Some(Resource::OtherSockets),
        _ => None,
    }
}

/// The consumers of the last process pass, by resource: the samples between two passes share
/// its table, so they share its consumers too.
#[derive(Debug, Default)]
pub struct Cache {
    /// The pass (its time) and the attribution (one beancounter block) they were named for.
    key: Option<(u64, bool)>,
    done: HashMap<Resource, Vec<Consumer>>,
}

impl Cache {
    /// Names the consumers of every row processes fill, from this cache when the pass is
    /// the one it was filled from.
    pub fn name(&mut self, snap: &Snapshot, rows: &mut [Limit]) {
        let one_block = snap
            .beancounters
            .as_ref()
            .is_ok_and(|b| b.blocks.len() == 1);
        let Ok(table) = &snap.processes else {
            from_nofile(snap, rows, one_block);
            return;
        };
        let key = Some((table.time_ms, one_block));
        if self.key != key {
            self.key = key;
            self.done.clear();
        }
        for row in rows.iter_mut() {
            if let Some(r) = resource(&row.id, one_block) {
                row.consumers = self
                    .done
                    .entry(r)
                    .or_insert_with(|| by_command(&table.procs, |p| r.of(p)))
                    .clone();
            }
        }
    }
}

/// The [`LEADERS`] largest commands by `amount`; a command of one process names the process.
pub fn by_command(procs: &[Process], amount: impl Fn(&Process) -> u64) -> Vec<Consumer> {
    struct Acc<'a> {
        first: &'a Process,
        count: u64,
        amount: u64,
        ppid: Option<u32>,
    }
    let mut groups: HashMap<&str, Acc> = HashMap::new();
    for p in procs {
        let a = amount(p);
        let g = groups.entry(&*p.comm).or_insert(Acc {
            first: p,
            count: 0,
            amount: 0,
            ppid: Some(p.ppid),
        });
        g.count += 1;
        g.amount += a;
        if g.ppid != Some(p.ppid) {
            g.ppid = None;
        }
    }
    let comm_of = |pid: u32| {
        procs
            .iter()
            .find(|p| p.pid == pid)
            .map(|p| p.comm.to_string())
    };
    let mut v: Vec<Acc> = groups.into_values().filter(|g| g.amount > 0).collect();
    v.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then_with(|| a.first.comm.cmp(&b.first.comm))
    });
    v.into_iter()
        .take(LEADERS)
        .map(|g| {
            if g.count == 1 {
                Consumer::Process {
                    pid: g.first.pid,
                    comm: g.first.comm.to_string(),
                    amount: g.amount,
                }
            } else {
                Consumer::Group {
                    comm: g.first.comm.to_string(),
                    count: g.count,
                    amount: g.amount,
                    parent: g.ppid.filter(|pp| *pp > 0).map(|pid| Parent {
                        pid,
                        comm: comm_of(pid).unwrap_or_else(|| "?".into()),
                    }),
                }
            }
        })
        .collect()
}

/// A recording made before the process pass: the per-process leaders it kept.
fn from_nofile(snap: &Snapshot, rows: &mut [Limit], one_block: bool) {
    let Ok(scan) = &snap.nofile else { return };
    let list = |procs: &[ProcNofile], amount: fn(&ProcNofile) -> Option<u64>| -> Vec<Consumer> {
        procs
            .iter()
            .filter_map(|p| {
                Some(Consumer::Process {
                    pid: p.pid,
                    comm: p.comm.clone(),
                    amount: amount(p).filter(|a| *a > 0)?,
                })
            })
            .collect()
    };
    let fds = list(&scan.most_fds, |p| Some(p.open));
    let threads = list(&scan.most_threads, |p| p.threads);
    for row in rows.iter_mut() {
        match resource(&row.id, one_block) {
            Some(Resource::Fds) => row.consumers.clone_from(&fds),
            Some(Resource::Tasks) => row.consumers.clone_from(&threads),
            _ => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::procs::SocketCounts;

    fn p(pid: u32, ppid: u32, comm: &str, threads: u64) -> Process {
        Process {
            pid,
            ppid,
            comm: comm.into(),
            threads,
            fds: Some(3),
            ..Process::default()
        }
    }

    #[test]
    fn a_fork_storm_names_the_children_and_their_parent() {
        let mut procs = vec![
            p(1, 0, "systemd", 1),
            p(4242, 1, "bash", 1),
            p(77, 1, "java", 300),
        ];
        procs.extend((0..1500).map(|i| p(5000 + i, 4242, "sleep", 1)));
        let c = by_command(&procs, |p| p.threads);
        assert_eq!(
            c[0],
            Consumer::Group {
                comm: "sleep".into(),
                count: 1500,
                amount: 1500,
                parent: Some(Parent {
                    pid: 4242,
                    comm: "bash".into()
                })
            }
        );
        assert_eq!(
            c[1],
            Consumer::Process {
                pid: 77,
                comm: "java".into(),
                amount: 300
            }
        );
        assert_eq!(
            c[0].text("1,500"),
            "sleep ×1,500, children of bash[4242] (1,500)"
        );
        assert_eq!(c[1].text("300"), "java[77] (300)");
    }

    #[test]
    fn sockets_of_a_kind_by_command() {
        let unix = SocketCounts {
            unix: 4,
            ..SocketCounts::default()
        };
        let mut procs: Vec<Process> = (0..30)
            .map(|i| Process {
                sockets: Some(unix),
                ..p(100 + i, 1 + i, "cleanup", 1)
            })
            .collect();
        procs.push(p(9, 1, "nginx", 1));
        let c = by_command(&procs, |p| Resource::OtherSockets.of(p));
        assert_eq!(c.len(), 1, "nothing without sockets");
        assert_eq!(c[0].amount(), 120);
        assert!(matches!(
            &c[0],
            Consumer::Group {
                count: 30,
                parent: None,
                ..
            }
        ));
    }

    #[test]
    fn both_shapes_round_trip_as_json() {
        let v = vec![
            Consumer::Process {
                pid: 1,
                comm: "a".into(),
                amount: 2,
            },
            Consumer::Group {
                comm: "b".into(),
                count: 3,
                amount: 4,
                parent: None,
            },
        ];
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(
            json,
            r#"[{"pid":1,"comm":"a","amount":2},{"comm":"b","count":3,"amount":4}]"#
        );
        assert_eq!(serde_json::from_str::<Vec<Consumer>>(&json).unwrap(), v);
    }
}
