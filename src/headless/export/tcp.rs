//! The Sockets pane's numbers as metrics: sockets per state, per peer and per listener, and
//! the listeners' accept queues. Peers are the busiest [`PEERS`] only, so that a client host
//! with thousands of remote addresses does not flood the scrape.

use std::net::SocketAddr;

use crate::model::tcp::{Listener, StateCounts, TcpSample};

use super::{family, sample};

/// Peers exported, most sockets first.
pub const PEERS: usize = 50;
/// Listening addresses exported, most connections first.
pub const LISTENERS: usize = 100;

pub fn write(out: &mut String, tcp: &TcpSample) {
    if let Ok(n) = &tcp.unix_sockets {
        family(
            out,
            "headroom_unix_sockets",
            "gauge",
            "Unix-domain sockets.",
        );
        sample(out, "headroom_unix_sockets", &[], *n as f64);
    }
    let Ok(t) = &tcp.table else { return };
    family(
        out,
        "headroom_tcp_sockets",
        "gauge",
        "TCP sockets per state, IPv4 and IPv6.",
    );
    for (state, n) in t.states.iter() {
        sample(
            out,
            "headroom_tcp_sockets",
            &[("state", state.name())],
            n as f64,
        );
    }
    family(
        out,
        "headroom_tcp_peer_sockets",
        "gauge",
        "Sockets towards one remote address, per state (the busiest peers only).",
    );
    let peers = t.peers.iter().take(PEERS);
    let rows = peers.map(|p| (p.remote, p.service.as_deref(), &p.states));
    per_state(out, "headroom_tcp_peer_sockets", "remote", rows);
    family(
        out,
        "headroom_tcp_listener_sockets",
        "gauge",
        "Connections accepted by one local listening address, per state.",
    );
    let listeners = || t.listeners.iter().take(LISTENERS);
    let rows = listeners().map(|l| (l.local, l.service.as_deref(), &l.states));
    per_state(out, "headroom_tcp_listener_sockets", "local", rows);
    family(
        out,
        "headroom_tcp_listener_accept_queue",
        "gauge",
        "Connections waiting to be accepted.",
    );
    per_listener(
        out,
        "headroom_tcp_listener_accept_queue",
        listeners(),
        |l| Some(l.accept_queue),
    );
    family(
        out,
        "headroom_tcp_listener_backlog",
        "gauge",
        "The listen() backlog; absent when the enumeration does not tell it.",
    );
    per_listener(out, "headroom_tcp_listener_backlog", listeners(), |l| {
        l.backlog
    });
    family(
        out,
        "headroom_tcp_dump_timestamp_seconds",
        "gauge",
        "When the socket table was enumerated; it may lag the snapshot.",
    );
    let method = t.method.to_string();
    let labels = [("method", method.as_str())];
    sample(
        out,
        "headroom_tcp_dump_timestamp_seconds",
        &labels,
        t.time_ms as f64 / 1000.0,
    );
    family(
        out,
        "headroom_tcp_dump_duration_seconds",
        "gauge",
        "How long the enumeration and its aggregation took.",
    );
    sample(
        out,
        "headroom_tcp_dump_duration_seconds",
        &labels,
        t.took_us as f64 / 1e6,
    );
}

/// One sample per listener that has a value, labelled with its local address.
fn per_listener<'a>(
    out: &mut String,
    name: &str,
    listeners: impl Iterator<Item = &'a Listener>,
    value: impl Fn(&Listener) -> Option<u64>,
) {
    for l in listeners {
        if let Some(v) = value(l) {
            sample(out, name, &[("local", &l.local.to_string())], v as f64);
        }
    }
}

/// One sample per row and non-zero state, the row's address under the label `key`.
fn per_state<'a>(
    out: &mut String,
    name: &str,
    key: &str,
    rows: impl Iterator<Item = (SocketAddr, Option<&'a str>, &'a StateCounts)>,
) {
    for (addr, service, states) in rows {
        let addr = addr.to_string();
        for (state, n) in states.iter().filter(|(_, n)| *n > 0) {
            let labels = [
                (key, addr.as_str()),
                ("service", service.unwrap_or("")),
                ("state", state.name()),
            ];
            sample(out, name, &labels, n as f64);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::collect::{Collector, Roots};
    use crate::derive::Deriver;

    #[test]
    fn exposition_of_memcached_clients() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/memcached-clients");
        let snap = Collector::new(Roots::fixture(root)).sample();
        let t = snap.tcp.table.as_ref().unwrap();
        let text = super::super::metrics(&snap, &Deriver::default().update(&snap));
        for (state, n) in t.states.iter() {
            let line = format!("headroom_tcp_sockets{{state=\"{state}\"}} {n}\n");
            assert!(text.contains(&line), "{line}");
        }
        assert!(text.contains(
            "headroom_tcp_peer_sockets{remote=\"10.0.0.7:11211\",service=\"memcached\",state=\"ESTABLISHED\"} 1000\n"
        ), "{text}");
        assert!(text.contains(
            "headroom_tcp_peer_sockets{remote=\"10.0.0.7:11211\",service=\"memcached\",state=\"TIME_WAIT\"} 300\n"
        ));
        assert!(
            !text.contains("remote=\"10.0.0.7:11211\",service=\"memcached\",state=\"CLOSE_WAIT\""),
            "zero states are left out"
        );
        assert!(text.contains(
            "headroom_tcp_listener_sockets{local=\"[::]:443\",service=\"https\",state=\"ESTABLISHED\"} 6\n"
        ));
        assert!(text.contains("headroom_tcp_listener_accept_queue{local=\"127.0.0.1:9000\"} 7\n"));
        assert!(
            !text.contains("headroom_tcp_listener_backlog{"),
            "procfs has no backlog"
        );
        assert!(text.contains("headroom_tcp_dump_timestamp_seconds{method=\"procfs\"}"));
        let peers = text
            .lines()
            .filter(|l| l.starts_with("headroom_tcp_peer_sockets{"));
        let rows: std::collections::HashSet<_> =
            peers.map(|l| l.split(",service").next().unwrap()).collect();
        assert_eq!(rows.len(), t.peers.len().min(super::PEERS));
    }
}
