//! Rows of the network limits beyond TCP's own tables: neighbour tables, UDP buffer errors,
//! the per-CPU input backlog, the SYN backlog and ephemeral ports per destination.

use super::hints::Hint;
use super::{Consumer, Limit, Notes, Source, Unit};
use crate::model::tcp::TcpState;
use crate::model::{Snapshot, counter};

pub const NEIGH: Hint = Hint {
    breaks: "'neighbour: arp_cache: neighbor table overflow!' (ndisc_cache for IPv6) in the kernel log; new hosts on the LAN become unreachable ('No buffer space available')",
    knob: "sysctl net.ipv4.neigh.default.gc_thresh3 (and gc_thresh1/2; net.ipv6.neigh.* for NDP)",
};
pub const UDP_RCVBUF: Hint = Hint {
    breaks: "UDP datagrams dropped on arrival ('packet receive errors'): the receiving socket's buffer is full (DNS, syslog, statsd lose packets)",
    knob: "sysctl net.core.rmem_max and the program's SO_RCVBUF; read faster",
};
pub const UDP_SNDBUF: Hint = Hint {
    breaks: "sendto fails with 'No buffer space available' or 'Resource temporarily unavailable'",
    knob: "sysctl net.core.wmem_max and the program's SO_SNDBUF",
};
pub const UDP_IN: Hint = Hint {
    breaks: "UDP datagrams dropped ('packet receive errors'): buffer full, bad checksum or no memory",
    knob: "see RcvbufErrors; sysctl net.core.rmem_max",
};
pub const SOFTNET: Hint = Hint {
    breaks: "packets dropped before any socket sees them: a CPU's input backlog is full (retransmits, 'Connection timed out')",
    knob: "sysctl net.core.netdev_max_backlog (and netdev_budget); spread interrupts (RPS/irqbalance)",
};
pub const SYN: Hint = Hint {
    breaks: "connect fails with 'Connection timed out': SYNs dropped ('possible SYN flooding on port' in the kernel log)",
    knob: "sysctl net.ipv4.tcp_max_syn_backlog and net.core.somaxconn; tcp_syncookies=1",
};
pub const PORTS: Hint = Hint {
    breaks: "connect fails with 'Cannot assign requested address': no free local port for this destination",
    knob: "sysctl net.ipv4.ip_local_port_range; reuse connections (keep-alive, pools); tcp_tw_reuse",
};

/// Our namespace's share of a neighbour table, and how it was read when not through netlink.
fn neigh_note(t: &crate::model::netlimits::Neigh) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(here) = t.here {
        let permanent = match t.permanent {
            Some(p) if p > 0 => format!(", {p} permanent"),
            _ => String::new(),
        };
        parts.push(format!(
            "{here} in this namespace{permanent} (all namespaces share the table)"
        ));
    }
    if let Some(why) = &t.fallback {
        parts.push(format!("read from /proc: {why}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// How many destinations get a ports row.
pub const PORT_ROWS: usize = 5;

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let n = &snap.net_limits;
    for (id, name, r) in [
        ("net.neigh", "ARP neighbours", &n.neigh4),
        ("net.neigh6", "NDP neighbours", &n.neigh6),
    ] {
        if let Ok(t) = r {
            let mut row = Limit::new(id, "net", name, Unit::Count, NEIGH)
                .with(t.entries, Some(t.gc_thresh3))
                .failing(t.table_fulls);
            row.note = neigh_note(t);
            out.push(row);
        }
    }
    if let Ok(snmp) = &n.snmp {
        let rmem = n
            .rmem_max
            .as_ref()
            .ok()
            .map(|m| format!("net.core.rmem_max {m} bytes"));
        for (id, name, key, hint) in [
            (
                "net.udp.rcvbuf_errors",
                "UDP receive buffer errors",
                "RcvbufErrors",
                UDP_RCVBUF,
            ),
            (
                "net.udp.sndbuf_errors",
                "UDP send buffer errors",
                "SndbufErrors",
                UDP_SNDBUF,
            ),
            ("net.udp.in_errors", "UDP input errors", "InErrors", UDP_IN),
        ] {
            if let Some(v) = counter(snmp, "Udp", key) {
                let mut row = Limit::new(id, "net", name, Unit::Count, hint).failing(Some(v));
                row.note = rmem.clone().filter(|_| key != "SndbufErrors");
                out.push(row);
            }
        }
    }
    if let Ok(s) = &n.softnet {
        let mut row = Limit::new(
            "net.softnet",
            "net",
            "input backlog (per CPU)",
            Unit::Count,
            SOFTNET,
        )
        .failing(Some(s.dropped));
        row.max = n.netdev_max_backlog.as_ref().ok().copied();
        row.used = s.backlog_max;
        row.note = Some(format!(
            "{} times out of budget (time_squeeze)",
            s.time_squeeze
        ));
        out.push(row);
    }
    syn_row(snap, out);
    port_rows(snap, out);
}

/// The listener with the most half-open connections against tcp_max_syn_backlog.
fn syn_row(snap: &Snapshot, out: &mut Vec<Limit>) {
    let n = &snap.net_limits;
    let Ok(max) = n.tcp_max_syn_backlog else {
        return;
    };
    let drops = snap
        .net
        .netstat
        .as_ref()
        .ok()
        .and_then(|t| counter(t, "TcpExt", "TCPReqQFullDrop"));
    let mut row =
        Limit::new("net.syn_backlog", "net", "SYN backlog", Unit::Count, SYN).failing(drops);
    row.max = Some(max);
    if let Ok(table) = &snap.tcp.table {
        let fullest = table
            .listeners
            .iter()
            .max_by_key(|l| l.states.get(TcpState::SynRecv));
        row.used = Some(fullest.map_or(0, |l| l.states.get(TcpState::SynRecv)));
        if let Some(l) = fullest.filter(|l| l.states.get(TcpState::SynRecv) > 0) {
            row.note = Some(format!("fullest: {}", l.local));
        }
    }
    if n.syncookies.as_ref().is_ok_and(|c| *c > 0) && row.note.is_none() {
        row.note = Some("syncookies on: past the backlog SYNs get cookies, not drops".into());
    }
    out.push(row);
}

/// Ephemeral ports per destination: connect() may reuse a local port for different remote
/// ip:port pairs, so the range runs out per destination (everything to memcached:11211).
fn port_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(table) = &snap.tcp.table else { return };
    let Some(range) = table.local_port_range else {
        return;
    };
    let size = crate::collect::tcp::port_range::size(range);
    let mut peers: Vec<_> = table.peers.iter().filter(|p| p.ephemeral > 0).collect();
    peers.sort_by_key(|p| std::cmp::Reverse(p.ephemeral));
    for p in peers.into_iter().take(PORT_ROWS) {
        let service = p
            .service
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let mut row = Limit::new(
            format!("net.ports:{}", p.remote),
            "net",
            format!("ports to {}{service}", p.remote),
            Unit::Count,
            PORTS,
        )
        .with(p.ephemeral, Some(size));
        row.note = Some(format!("range {}-{}", range.0, range.1));
        row.consumers = p
            .processes
            .iter()
            .map(|o| Consumer::Process {
                pid: o.pid,
                comm: o.comm.clone(),
                amount: o.sockets,
            })
            .collect();
        out.push(row);
    }
}

pub const SOURCE: Source = Source { rows, notes };

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    let n = &snap.net_limits;
    notes.check("net.neigh", &n.neigh4);
    notes.check("net.neigh6", &n.neigh6);
    notes.check("net.snmp", &n.snmp);
    notes.check("net.softnet", &n.softnet);
    notes.check("net.tcp_max_syn_backlog", &n.tcp_max_syn_backlog);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::netlimits::Neigh;

    fn table() -> Neigh {
        Neigh {
            entries: 900,
            table_fulls: Some(0),
            here: Some(12),
            gc_thresh3: 1024,
            permanent: Some(1),
            fallback: None,
        }
    }

    #[test]
    fn the_note_gives_our_share_and_how_it_was_read() {
        assert_eq!(
            neigh_note(&table()).as_deref(),
            Some("12 in this namespace, 1 permanent (all namespaces share the table)")
        );
        let procfs = Neigh {
            here: None,
            permanent: None,
            fallback: Some("netlink route socket: Protocol not supported".into()),
            ..table()
        };
        assert_eq!(
            neigh_note(&procfs).as_deref(),
            Some("read from /proc: netlink route socket: Protocol not supported")
        );
        let captured = Neigh {
            here: None,
            fallback: None,
            ..table()
        };
        assert_eq!(neigh_note(&captured), None);
    }
}
