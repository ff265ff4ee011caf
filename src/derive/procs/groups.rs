//! Processes folded by command: counts, what they hold, and the parent they share.

use std::net::SocketAddr;

use foldhash::{HashMap, HashMapExt};

use super::ProcGroup;
use crate::format::grouped;
use crate::model::Snapshot;
use crate::model::procs::ProcessTable;

/// Processes folded by command, most fds first (then most processes).
pub fn groups(table: &ProcessTable, snap: &Snapshot) -> Vec<ProcGroup> {
    let mut by_comm: HashMap<&str, (ProcGroup, Option<Option<u32>>)> = HashMap::new();
    for p in &table.procs {
        let (g, parent) = by_comm.entry(&*p.comm).or_insert_with(|| {
            (
                ProcGroup {
                    comm: p.comm.to_string(),
                    count: 0,
                    fds: 0,
                    sockets: 0,
                    tcp: 0,
                    udp: 0,
                    unix: 0,
                    threads: 0,
                    rss_bytes: 0,
                    parent: None,
                    top_peer: None,
                    label: String::new(),
                },
                None,
            )
        });
        g.count += 1;
        g.fds += p.fds.unwrap_or(0);
        let s = p.sockets.unwrap_or_default();
        g.sockets += s.total();
        g.tcp += s.tcp;
        g.udp += s.udp;
        g.unix += s.unix;
        g.threads += p.threads;
        g.rss_bytes += p.rss_bytes.unwrap_or(0);
        *parent = match *parent {
            None => Some(Some(p.ppid)),
            Some(Some(pp)) if pp == p.ppid => Some(Some(pp)),
            _ => Some(None),
        };
    }
    let peers = top_peers(table, snap);
    let mut out: Vec<ProcGroup> = by_comm
        .into_values()
        .map(|(mut g, parent)| {
            g.parent = parent
                .flatten()
                .filter(|pp| g.count > 1 && *pp > 0)
                .map(|pp| (pp, comm_of(table, pp).unwrap_or("?").to_string()));
            g.top_peer = peers.get(g.comm.as_str()).copied();
            g.label = label(&g);
            g
        })
        .collect();
    out.sort_by(|a, b| {
        b.fds
            .cmp(&a.fds)
            .then(b.count.cmp(&a.count))
            .then_with(|| a.comm.cmp(&b.comm))
    });
    out
}

/// Per command, the TCP peer its processes hold the most sockets to (from the owner map).
fn top_peers<'a>(table: &'a ProcessTable, snap: &Snapshot) -> HashMap<&'a str, (SocketAddr, u64)> {
    let Ok(tcp) = &snap.tcp.table else {
        return HashMap::new();
    };
    let mut best: HashMap<&str, (SocketAddr, u64)> = HashMap::new();
    for peer in &tcp.peers {
        let mut per_comm: HashMap<&str, u64> = HashMap::new();
        for o in &peer.processes {
            if let Some(c) = comm_of(table, o.pid) {
                *per_comm.entry(c).or_default() += o.sockets;
            }
        }
        for (c, n) in per_comm {
            let e = best.entry(c).or_insert((peer.remote, 0));
            if n > e.1 {
                *e = (peer.remote, n);
            }
        }
    }
    best
}

/// The command of a process of the table, which lists them by pid.
fn comm_of(table: &ProcessTable, pid: u32) -> Option<&str> {
    let i = table.procs.binary_search_by_key(&pid, |p| p.pid).ok()?;
    table.procs.get(i).map(|p| &*p.comm)
}

/// "php-fpm ×10 · 993 TCP to 127.0.0.1:11211": what most describes a group.
pub fn label(g: &ProcGroup) -> String {
    let head = format!("{} ×{}", g.comm, grouped(g.count));
    let kinds = [(g.tcp, "TCP"), (g.unix, "unix"), (g.udp, "UDP")];
    let (most, kind) = kinds.into_iter().max_by_key(|(n, _)| *n).unwrap_or((0, ""));
    let what = match (&g.top_peer, &g.parent) {
        (Some((peer, n)), _) if kind == "TCP" && most > 0 => {
            format!("{} TCP to {peer}", grouped(*n))
        }
        _ if most > 0 => format!("{} {kind} sockets", grouped(most)),
        (_, Some((pid, comm))) => format!("children of {comm}[{pid}]"),
        _ => format!("{} fds", grouped(g.fds)),
    };
    format!("{head} · {what}")
}
