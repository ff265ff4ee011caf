//! The peer table's rows: peers grouped, sorted, and the stray ephemeral ones folded.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::{GroupBy, PeerColumn, PeerRow};
use crate::collect::tcp::services::service_name;
use crate::model::tcp::{Peer, SocketOwner, StateCounts, TcpState};

/// Splits off the stray peers: one socket each to an ephemeral remote port with no service
/// (someone else's TIME_WAIT, a port scan) — when there are at least two of them. Returns
/// (strays, the rest); no rest (all peers stay) when there is nothing to fold, so the common
/// case copies nothing.
pub fn stray_ephemeral(
    peers: &[Peer],
    range: Option<(u16, u16)>,
) -> (Vec<Peer>, Option<Vec<Peer>>) {
    // Linux's default ip_local_port_range when the host's is unknown.
    let (lo, hi) = range.unwrap_or((32768, 60999));
    let stray =
        |p: &Peer| p.total == 1 && p.service.is_none() && (lo..=hi).contains(&p.remote.port());
    if peers.iter().filter(|p| stray(p)).take(2).count() < 2 {
        return (Vec::new(), None);
    }
    let (strays, rest) = peers.iter().cloned().partition(|p| stray(p));
    (strays, Some(rest))
}

/// The stray peers as one row, "N ephemeral peers" (none for none), shown last.
pub(super) fn fold(strays: &[Peer]) -> Option<PeerRow> {
    if strays.is_empty() {
        return None;
    }
    let mut row = PeerRow {
        label: format!("{} ephemeral peers", strays.len()),
        service: None,
        states: StateCounts::default(),
        total: 0,
        trend: None,
        ephemeral: 0,
        members: strays.len(),
        processes: Vec::new(),
    };
    let mut owners: HashMap<(u32, String), u64> = HashMap::new();
    for p in strays {
        row.states.merge(&p.states);
        row.total += p.total;
        row.ephemeral += p.ephemeral;
        for o in &p.processes {
            *owners.entry((o.pid, o.comm.clone())).or_insert(0) += o.sockets;
        }
    }
    row.processes = owners
        .into_iter()
        .map(|((pid, comm), sockets)| SocketOwner { pid, comm, sockets })
        .collect();
    row.processes
        .sort_by(|a, b| b.sockets.cmp(&a.sockets).then(a.pid.cmp(&b.pid)));
    Some(row)
}

/// Groups and sorts the peers.
pub fn peer_rows(
    peers: &[Peer],
    trends: &HashMap<SocketAddr, f64>,
    group: GroupBy,
    sort: PeerColumn,
    descending: bool,
) -> Vec<PeerRow> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<PeerRow> = Vec::new();
    let mut owners: Vec<HashMap<(u32, String), u64>> = Vec::new();
    for p in peers {
        let key = group.key(p.remote);
        let i = *index.entry(key.clone()).or_insert_with(|| {
            rows.push(PeerRow {
                label: key,
                service: match group {
                    GroupBy::Ip => None,
                    _ => service_name(p.remote.port()).map(str::to_string),
                },
                states: StateCounts::default(),
                total: 0,
                trend: None,
                ephemeral: 0,
                members: 0,
                processes: Vec::new(),
            });
            owners.push(HashMap::new());
            rows.len() - 1
        });
        let (Some(row), Some(own)) = (rows.get_mut(i), owners.get_mut(i)) else {
            continue;
        };
        row.states.merge(&p.states);
        row.total += p.total;
        row.ephemeral += p.ephemeral;
        row.members += 1;
        if let Some(t) = trends.get(&p.remote) {
            row.trend = Some(row.trend.unwrap_or(0.0) + t);
        }
        for o in &p.processes {
            *own.entry((o.pid, o.comm.clone())).or_insert(0) += o.sockets;
        }
    }
    for (row, own) in rows.iter_mut().zip(owners) {
        row.processes = own
            .into_iter()
            .map(|((pid, comm), sockets)| SocketOwner { pid, comm, sockets })
            .collect();
        row.processes
            .sort_by(|a, b| b.sockets.cmp(&a.sockets).then(a.pid.cmp(&b.pid)));
    }
    rows.sort_by(|a, b| {
        let ord = match sort {
            PeerColumn::Remote => a.label.cmp(&b.label),
            PeerColumn::Service => a.service.cmp(&b.service),
            PeerColumn::Established => a
                .states
                .get(TcpState::Established)
                .cmp(&b.states.get(TcpState::Established)),
            PeerColumn::TimeWait => a
                .states
                .get(TcpState::TimeWait)
                .cmp(&b.states.get(TcpState::TimeWait)),
            PeerColumn::CloseWait => a
                .states
                .get(TcpState::CloseWait)
                .cmp(&b.states.get(TcpState::CloseWait)),
            PeerColumn::Other => a.states.other().cmp(&b.states.other()),
            PeerColumn::Total => a.total.cmp(&b.total),
            PeerColumn::Trend => a.trend.unwrap_or(0.0).total_cmp(&b.trend.unwrap_or(0.0)),
            PeerColumn::Ephemeral => a.ephemeral.cmp(&b.ephemeral),
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then_with(|| a.label.cmp(&b.label))
    });
    rows
}
