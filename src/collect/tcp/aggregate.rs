//! Turns a list of sockets into the state histogram, the peer table and the listener table.
//!
//! The listener rule: a connection whose local address matches a listening socket (same port,
//! and the same address or a wildcard listener) was accepted by it and counts in that
//! listener's row; every other socket counts under its remote address. A busy server thus
//! shows one row per listener, not one per client.

use foldhash::{HashMap, HashMapExt};
use std::net::SocketAddr;

use super::RawSocket;
use super::owners::OwnerMap;
use super::services::service_name;
use crate::model::tcp::{Listener, Peer, SocketOwner, StateCounts, TcpState};

/// What the aggregation needs besides the sockets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The source reports a listener's backlog in tx_queue (netlink does, procfs does not).
    pub backlog_known: bool,
    /// net.ipv4.ip_local_port_range.
    pub port_range: Option<(u16, u16)>,
    pub owners: Option<&'a OwnerMap>,
}

/// The aggregated view of one dump.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregate {
    pub states: StateCounts,
    pub total: u64,
    /// Most sockets first.
    pub peers: Vec<Peer>,
    /// Most connections first.
    pub listeners: Vec<Listener>,
    /// Sockets whose owning process was found.
    pub sockets_owned: u64,
}

#[derive(Default)]
struct Row {
    states: StateCounts,
    ephemeral: u64,
    accept_queue: u64,
    backlog: u64,
    sockets: u64,
    owners: HashMap<u32, u64>,
}

impl Row {
    fn own(&mut self, owners: Option<&OwnerMap>, inode: u64) -> bool {
        let Some(map) = owners else { return false };
        if inode == 0 {
            return false;
        }
        let pids = map.holders(inode);
        for pid in pids {
            *self.owners.entry(*pid).or_insert(0) += 1;
        }
        !pids.is_empty()
    }

    fn processes(&self, owners: Option<&OwnerMap>) -> Vec<SocketOwner> {
        let Some(map) = owners else { return Vec::new() };
        let mut v: Vec<SocketOwner> = self
            .owners
            .iter()
            .map(|(pid, n)| SocketOwner {
                pid: *pid,
                comm: map.comm(*pid).to_string(),
                sockets: *n,
            })
            .collect();
        v.sort_by(|a, b| b.sockets.cmp(&a.sockets).then(a.pid.cmp(&b.pid)));
        v
    }
}

/// Aggregates one dump.
pub fn aggregate(socks: &[RawSocket], ctx: &Context<'_>) -> Aggregate {
    let mut out = Aggregate::default();
    let mut listen_rows: Vec<(SocketAddr, Row)> = Vec::new();
    let mut exact: HashMap<SocketAddr, usize> = HashMap::new();
    let mut wildcard: HashMap<u16, Vec<usize>> = HashMap::new();
    for s in socks {
        out.states.add(s.state, 1);
        if s.state != TcpState::Listen {
            continue;
        }
        let idx = *exact.entry(s.local).or_insert_with(|| {
            listen_rows.push((s.local, Row::default()));
            let idx = listen_rows.len() - 1;
            if s.local.ip().is_unspecified() {
                wildcard.entry(s.local.port()).or_default().push(idx);
            }
            idx
        });
        if let Some((_, row)) = listen_rows.get_mut(idx) {
            row.accept_queue += u64::from(s.rx_queue);
            row.backlog += u64::from(s.tx_queue);
            row.sockets += 1;
            if row.own(ctx.owners, s.inode) {
                out.sockets_owned += 1;
            }
        }
    }
    out.total = out.states.total();

    let mut peer_rows: HashMap<SocketAddr, Row> = HashMap::new();
    for s in socks.iter().filter(|s| s.state != TcpState::Listen) {
        let row = match listener_of(s.local, &exact, &wildcard, &listen_rows) {
            Some(idx) => listen_rows.get_mut(idx).map(|(_, r)| r),
            None => Some(peer_rows.entry(s.remote).or_default()),
        };
        let Some(row) = row else { continue };
        row.states.add(s.state, 1);
        if ctx
            .port_range
            .is_some_and(|(lo, hi)| (lo..=hi).contains(&s.local.port()))
        {
            row.ephemeral += 1;
        }
        if row.own(ctx.owners, s.inode) {
            out.sockets_owned += 1;
        }
    }

    out.peers = peer_rows
        .into_iter()
        .map(|(remote, row)| Peer {
            remote,
            service: service_name(remote.port()).map(str::to_string),
            total: row.states.total(),
            states: row.states,
            ephemeral: row.ephemeral,
            processes: row.processes(ctx.owners),
        })
        .collect();
    out.peers
        .sort_by(|a, b| b.total.cmp(&a.total).then(a.remote.cmp(&b.remote)));

    out.listeners = listen_rows
        .into_iter()
        .map(|(local, row)| {
            let processes = row.processes(ctx.owners);
            Listener {
                local,
                service: listener_service(local.port(), &processes),
                states: row.states,
                accept_queue: row.accept_queue,
                backlog: ctx.backlog_known.then_some(row.backlog),
                sockets: row.sockets,
                processes,
            }
        })
        .collect();
    out.listeners.sort_by(|a, b| {
        b.states
            .total()
            .cmp(&a.states.total())
            .then(a.local.cmp(&b.local))
    });
    out
}

/// The listener that accepted a connection with this local address, if any: an exact
/// address first, then a wildcard of the same family, then any wildcard on the port.
/// The well-known name of a listening port, or else the command of the process that owns it
/// (memcached on 11411 is still memcached).
fn listener_service(port: u16, processes: &[SocketOwner]) -> Option<String> {
    service_name(port)
        .map(str::to_string)
        .or_else(|| processes.first().map(|p| p.comm.clone()))
        .filter(|s| !s.is_empty())
}

fn listener_of(
    local: SocketAddr,
    exact: &HashMap<SocketAddr, usize>,
    wildcard: &HashMap<u16, Vec<usize>>,
    rows: &[(SocketAddr, Row)],
) -> Option<usize> {
    if let Some(idx) = exact.get(&local) {
        return Some(*idx);
    }
    let candidates = wildcard.get(&local.port())?;
    candidates
        .iter()
        .find(|idx| {
            rows.get(**idx)
                .is_some_and(|(a, _)| a.is_ipv4() == local.is_ipv4())
        })
        .or_else(|| candidates.first())
        .copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn sock(state: TcpState, local: &str, remote: &str, inode: u64) -> RawSocket {
        RawSocket {
            local: local.parse().unwrap(),
            remote: remote.parse().unwrap(),
            state,
            rx_queue: 0,
            tx_queue: 0,
            uid: 0,
            inode,
        }
    }

    #[test]
    fn accepted_connections_count_under_their_listener() {
        use TcpState::*;
        let mut l = sock(Listen, "127.0.0.1:11211", "0.0.0.0:0", 1);
        l.rx_queue = 3;
        l.tx_queue = 1024;
        let socks = vec![
            l,
            sock(Listen, "0.0.0.0:80", "0.0.0.0:0", 2),
            sock(Listen, "[::]:443", "[::]:0", 3),
            // client side of memcached connections
            sock(Established, "127.0.0.1:40000", "127.0.0.1:11211", 10),
            sock(Established, "127.0.0.1:40001", "127.0.0.1:11211", 11),
            sock(TimeWait, "127.0.0.1:40002", "127.0.0.1:11211", 0),
            // server side
            sock(Established, "127.0.0.1:11211", "127.0.0.1:40000", 12),
            sock(Established, "127.0.0.1:11211", "127.0.0.1:40001", 13),
            // accepted by wildcard listeners, IPv4 on the IPv6 one too
            sock(CloseWait, "10.0.0.5:80", "192.0.2.9:5555", 14),
            sock(Established, "10.0.0.5:443", "192.0.2.9:5556", 15),
            // outgoing to a database
            sock(Established, "10.0.0.5:50000", "10.0.0.9:5432", 16),
        ];
        let mut owners = OwnerMap::default();
        for inode in [10, 11, 1] {
            owners.insert(inode, 500);
        }
        owners.insert(1, 501);
        owners.set_comm(500, "php-fpm");
        owners.set_comm(501, "memcached");
        let agg = aggregate(
            &socks,
            &Context {
                backlog_known: true,
                port_range: Some((32768, 60999)),
                owners: Some(&owners),
            },
        );
        assert_eq!(agg.total, 11);
        assert_eq!(agg.states.get(Listen), 3);
        assert_eq!(agg.states.get(Established), 6);
        assert_eq!(agg.peers.len(), 2);
        let mc = &agg.peers[0];
        assert_eq!(mc.remote.to_string(), "127.0.0.1:11211");
        assert_eq!(mc.service.as_deref(), Some("memcached"));
        assert_eq!(
            (
                mc.total,
                mc.states.get(Established),
                mc.states.get(TimeWait)
            ),
            (3, 2, 1)
        );
        assert_eq!(mc.ephemeral, 3);
        assert_eq!(
            mc.processes,
            vec![SocketOwner {
                pid: 500,
                comm: "php-fpm".into(),
                sockets: 2
            }]
        );
        assert_eq!(agg.peers[1].remote.to_string(), "10.0.0.9:5432");

        let l = agg
            .listeners
            .iter()
            .find(|l| l.local.port() == 11211)
            .unwrap();
        assert_eq!(l.states.get(Established), 2);
        assert_eq!((l.accept_queue, l.backlog, l.sockets), (3, Some(1024), 1));
        assert_eq!(l.processes.len(), 2);
        let http = agg.listeners.iter().find(|l| l.local.port() == 80).unwrap();
        assert_eq!(http.states.get(CloseWait), 1);
        let https = agg
            .listeners
            .iter()
            .find(|l| l.local.port() == 443)
            .unwrap();
        assert_eq!(https.states.get(Established), 1);
        assert_eq!(agg.sockets_owned, 3);
    }

    #[test]
    fn procfs_has_no_backlog_and_reuseport_sockets_merge() {
        use TcpState::*;
        let mut a = sock(Listen, "0.0.0.0:8080", "0.0.0.0:0", 1);
        a.rx_queue = 2;
        let mut b = sock(Listen, "0.0.0.0:8080", "0.0.0.0:0", 2);
        b.rx_queue = 5;
        let agg = aggregate(&[a, b], &Context::default());
        assert_eq!(agg.listeners.len(), 1);
        assert_eq!(agg.listeners[0].accept_queue, 7);
        assert_eq!(agg.listeners[0].sockets, 2);
        assert_eq!(agg.listeners[0].backlog, None);
        assert!(agg.listeners[0].processes.is_empty());
    }

    #[test]
    fn empty_dump_is_empty() {
        let agg = aggregate(&[], &Context::default());
        assert_eq!(agg, Aggregate::default());
    }

    #[test]
    fn a_listener_without_a_well_known_port_is_named_by_its_owner() {
        let socks = vec![
            sock(TcpState::Listen, "127.0.0.1:11411", "0.0.0.0:0", 1),
            sock(TcpState::Listen, "127.0.0.1:11211", "0.0.0.0:0", 2),
            sock(TcpState::Listen, "127.0.0.1:40404", "0.0.0.0:0", 3),
        ];
        let mut owners = OwnerMap::default();
        owners.insert(1, 700);
        owners.insert(2, 700);
        owners.set_comm(700, "memcached-alt");
        let agg = aggregate(
            &socks,
            &Context {
                owners: Some(&owners),
                ..Context::default()
            },
        );
        let service = |port: u16| {
            agg.listeners
                .iter()
                .find(|l| l.local.port() == port)
                .and_then(|l| l.service.clone())
        };
        assert_eq!(service(11411).as_deref(), Some("memcached-alt"));
        // A well-known name wins over the owner's.
        assert_eq!(service(11211).as_deref(), Some("memcached"));
        // No name and no owner: no service.
        assert_eq!(service(40404), None);
    }
}
