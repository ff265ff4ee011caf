//! Network tables: TCP orphans, TIME_WAIT buckets and socket memory (/proc/net/sockstat against
//! their sysctls, failures from /proc/net/netstat), the fullest listen queue and conntrack.

use super::{Limit, Notes, Source, Unit, hints};
use crate::model::{Snapshot, counter};

pub const SOURCE: Source = Source { rows, notes };

/// Row ids the Sockets pane draws as gauges.
pub const TCP_MEM: &str = "net.tcp.mem";
pub const ORPHANS: &str = "net.tcp.orphans";
pub const TIME_WAIT: &str = "net.tcp.tw";

fn netstat(snap: &Snapshot, name: &str) -> Option<u64> {
    snap.net
        .netstat
        .as_ref()
        .ok()
        .and_then(|t| counter(t, "TcpExt", name))
}

fn sockstat_tcp(snap: &Snapshot, name: &str) -> Option<u64> {
    snap.net
        .sockstat
        .as_ref()
        .ok()
        .and_then(|s| counter(s, "TCP", name))
}

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    tcp_rows(snap, out);
    listen_row(snap, out);
    let n = &snap.net;
    if let (Ok(count), Ok(max)) = (&n.conntrack_count, &n.conntrack_max) {
        out.push(
            Limit::new(
                "net.conntrack",
                "net",
                "conntrack entries",
                Unit::Count,
                hints::CONNTRACK,
            )
            .with(*count, Some(*max))
            .failing(n.conntrack_drops.as_ref().ok().copied()),
        );
    }
}

fn tcp_rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let n = &snap.net;
    if let Some(orphan) = sockstat_tcp(snap, "orphan") {
        let row = Limit::new(ORPHANS, "net", "TCP orphans", Unit::Count, hints::ORPHANS);
        out.push(
            row.with(orphan, n.tcp_max_orphans.as_ref().ok().copied())
                .failing(netstat(snap, "TCPAbortOnMemory")),
        );
    }
    if let Some(tw) = sockstat_tcp(snap, "tw") {
        let row = Limit::new(
            TIME_WAIT,
            "net",
            "TCP TIME_WAIT",
            Unit::Count,
            hints::TIME_WAIT,
        );
        out.push(
            row.with(tw, n.tcp_max_tw_buckets.as_ref().ok().copied())
                .failing(netstat(snap, "TCPTimeWaitOverflow")),
        );
    }
    if let Some(mem) = sockstat_tcp(snap, "mem") {
        let mut row = Limit::new(TCP_MEM, "net", "TCP memory", Unit::Pages, hints::TCP_MEM)
            .paged(snap)
            .with(mem, n.tcp_mem.as_ref().ok().map(|m| m[2]))
            .failing(netstat(snap, "TCPMemoryPressures"));
        if let Ok([_, pressure, _]) = n.tcp_mem {
            row.note = Some(format!("pressure at {pressure} pages"));
        }
        out.push(row);
    }
}

fn listen_row(snap: &Snapshot, out: &mut Vec<Limit>) {
    // ListenDrops counts every dropped SYN or ACK of a listener, overflows of the accept
    // queue included; older kernels may lack it.
    let drops = netstat(snap, "ListenDrops").or_else(|| netstat(snap, "ListenOverflows"));
    let fullest = fullest_listener(snap);
    if drops.is_none() && fullest.is_none() {
        return;
    }
    let mut row = Limit::new(
        "net.listen",
        "net",
        "listen queue",
        Unit::Count,
        hints::LISTEN,
    )
    .failing(drops);
    if let Some(l) = fullest {
        row = row.with(l.accept_queue, l.backlog);
        row.note = Some(format!("fullest: {}", l.local));
    }
    out.push(row);
}

/// The listener whose accept queue is fullest against its backlog.
fn fullest_listener(snap: &Snapshot) -> Option<&crate::model::tcp::Listener> {
    let table = snap.tcp.table.as_ref().ok()?;
    let fill = |l: &crate::model::tcp::Listener| match l.backlog {
        Some(b) if b > 0 => l.accept_queue as f64 / b as f64,
        _ => 0.0,
    };
    // Without backlogs (the /proc/net/tcp fallback has none), the longest queue.
    table.listeners.iter().max_by(|a, b| {
        fill(a)
            .total_cmp(&fill(b))
            .then(a.accept_queue.cmp(&b.accept_queue))
    })
}

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    let n = &snap.net;
    notes.check("net.sockstat", &n.sockstat);
    notes.check("net.netstat", &n.netstat);
    notes.check("net.tcp_max_orphans", &n.tcp_max_orphans);
    notes.check("net.tcp_max_tw_buckets", &n.tcp_max_tw_buckets);
    notes.check("net.tcp_mem", &n.tcp_mem);
    notes.check("net.conntrack", &n.conntrack_max);
    notes.check("net.conntrack_drops", &n.conntrack_drops);
}
