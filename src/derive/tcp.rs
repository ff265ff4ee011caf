//! TCP rates and trends: per-second change of each state between dumps, per-minute trend of
//! each peer, and the listen-queue failure counters since the previous snapshot.

use std::collections::HashMap;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::{LimitView, Severity};
use crate::format::{count, size};
use crate::history::{TcpHistory, TcpPoint};
use crate::limits::net;
use crate::model::tcp::TcpState;
use crate::model::{Counters, Snapshot, counter};

/// What the sockets pane shows beyond one dump.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TcpView {
    /// Per-second change of each state (in [`TcpState::ALL`] order) between the last two dumps.
    pub state_rates: Option<[f64; 11]>,
    /// Per-minute change of each peer's sockets over the last minute of dumps.
    #[serde(skip)]
    pub peer_trends: HashMap<SocketAddr, f64>,
    /// TcpExt ListenOverflows and ListenDrops since the previous snapshot.
    pub listen_overflows: Option<u64>,
    pub listen_drops: Option<u64>,
    /// tcp_mem, orphans and TIME_WAIT buckets against their limits, from the limit rows.
    #[serde(skip)]
    pub gauges: Vec<Gauge>,
    /// Sockets in use by kind, from sockstat and sockstat6.
    #[serde(skip)]
    pub counts: SocketCounts,
}

/// A limit drawn as a gauge: its label with the numbers, how full it is and how bad that is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gauge {
    pub label: String,
    /// None when the limit (or the use) is unknown: the label says so and no bar is drawn.
    pub ratio: Option<f64>,
    pub severity: Option<Severity>,
}

/// Sockets in use: all kinds, TCP in use and allocated, UDP, unix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketCounts {
    pub sockets: Option<u64>,
    /// TCP sockets in use and allocated (orphans and TIME_WAIT included in the latter).
    pub tcp: Option<(u64, u64)>,
    pub udp: u64,
    pub unix: Option<u64>,
    /// Ports in net.ipv4.ip_local_port_range.
    pub ephemeral_ports: Option<u64>,
}

/// sockstat and sockstat6 in one table.
pub fn sockstat(snap: &Snapshot) -> Counters {
    let mut all = snap.net.sockstat.clone().unwrap_or_default();
    if let Ok(six) = &snap.tcp.sockstat6 {
        all.extend(six.clone());
    }
    all
}

/// The Sockets pane's gauges, read from the same rows the Limits pane shows.
pub fn gauges(snap: &Snapshot, views: &[LimitView]) -> Vec<Gauge> {
    let row = |id: &str| views.iter().find(|v| v.limit.id == id);
    let ratio = |v: &LimitView| v.pct.map(|p| p / 100.0);
    let mem = match row(net::TCP_MEM) {
        Some(v) => tcp_mem_gauge(snap, v),
        None => Gauge {
            label: "tcp_mem unknown".into(),
            ..Gauge::default()
        },
    };
    let table = |id: &str, name: &str| match row(id) {
        Some(v) if v.limit.max.is_some() => Gauge {
            label: format!(
                "{name} {}/{}",
                count(v.limit.used.unwrap_or(0)),
                count(v.limit.max.unwrap_or(0))
            ),
            ratio: ratio(v),
            severity: v.severity,
        },
        _ => Gauge {
            label: format!("{name} unknown"),
            ..Gauge::default()
        },
    };
    vec![
        mem,
        table(net::ORPHANS, "orphans"),
        table(net::TIME_WAIT, "tw"),
    ]
}

/// tcp_mem in pages and bytes, tagged once it passes the pressure point or the maximum.
fn tcp_mem_gauge(snap: &Snapshot, v: &LimitView) -> Gauge {
    let used = v.limit.used.unwrap_or(0);
    let bytes = size(used.saturating_mul(v.limit.page_size));
    let Some(max) = v.limit.max else {
        return Gauge {
            label: format!("tcp_mem {bytes} (limit unknown)"),
            ratio: None,
            severity: v.severity,
        };
    };
    let pressure = snap.net.tcp_mem.as_ref().ok().map(|m| m[1]);
    let tag = if used >= max {
        "AT MAX "
    } else if pressure.is_some_and(|p| used >= p) {
        "PRESSURE "
    } else {
        ""
    };
    Gauge {
        label: format!("tcp_mem {tag}{}/{} pages {bytes}", count(used), count(max)),
        ratio: v.pct.map(|p| p / 100.0),
        severity: v.severity,
    }
}

/// How many sockets of each kind are in use.
pub fn counts(snap: &Snapshot) -> SocketCounts {
    let all = sockstat(snap);
    let tcp = |name: &str| counter(&all, "TCP", name);
    SocketCounts {
        sockets: counter(&all, "sockets", "used"),
        tcp: tcp("inuse").zip(tcp("alloc")),
        udp: counter(&all, "UDP", "inuse").unwrap_or(0)
            + counter(&all, "UDP6", "inuse").unwrap_or(0),
        unix: snap.tcp.unix_sockets.as_ref().ok().copied(),
        ephemeral_ports: snap
            .tcp
            .table
            .as_ref()
            .ok()
            .and_then(|t| t.local_port_range)
            .map(crate::collect::tcp::port_range::size),
    }
}

impl TcpView {
    pub fn state_rate(&self, s: TcpState) -> Option<f64> {
        self.state_rates?.get(s.index()).copied()
    }
}

#[derive(Debug, Default)]
pub struct TcpDeriver {
    history: TcpHistory,
    prev_listen: Option<(Option<u64>, Option<u64>)>,
}

impl TcpDeriver {
    pub fn update(&mut self, snap: &Snapshot) -> TcpView {
        let listen = snap.net.netstat.as_ref().ok().map(|n| {
            (
                counter(n, "TcpExt", "ListenOverflows"),
                counter(n, "TcpExt", "ListenDrops"),
            )
        });
        let delta = |now: Option<u64>, before: Option<u64>| Some(now?.saturating_sub(before?));
        let (listen_overflows, listen_drops) = match (self.prev_listen, listen) {
            (Some((o0, d0)), Some((o1, d1))) => (delta(o1, o0), delta(d1, d0)),
            _ => (None, None),
        };
        self.prev_listen = listen;

        if let Ok(t) = &snap.tcp.table {
            self.history.push(TcpPoint {
                time_ms: t.time_ms,
                states: t.states,
                peers: t.peers.iter().map(|p| (p.remote, p.total)).collect(),
            });
        }
        let state_rates = self.history.last_two().map(|(a, b)| {
            let dt = b.time_ms.saturating_sub(a.time_ms).max(1) as f64 / 1000.0;
            let mut r = [0.0; 11];
            for (slot, s) in r.iter_mut().zip(TcpState::ALL) {
                *slot = (b.states.get(s) as f64 - a.states.get(s) as f64) / dt;
            }
            r
        });
        let peer_trends = self
            .history
            .span()
            .map(|(a, b)| {
                let dt_min = b.time_ms.saturating_sub(a.time_ms).max(1) as f64 / 60_000.0;
                b.peers
                    .iter()
                    .map(|(k, n)| {
                        let before = a.peers.get(k).copied().unwrap_or(0);
                        (*k, (*n as f64 - before as f64) / dt_min)
                    })
                    .collect()
            })
            .unwrap_or_default();
        TcpView {
            state_rates,
            peer_trends,
            listen_overflows,
            listen_drops,
            gauges: Vec::new(),
            counts: counts(snap),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};

    fn at(mut s: Snapshot, t: u64) -> Snapshot {
        s.time_ms = t;
        if let Ok(table) = &mut s.tcp.table {
            table.time_ms = t;
        }
        s
    }

    #[test]
    fn rates_trends_and_listen_queue_deltas() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/memcached-clients");
        let a = at(Collector::new(Roots::fixture(dir)).sample(), 10_000);
        let mut b = at(a.clone(), 12_000);
        let remote = {
            let t = b.tcp.table.as_mut().unwrap();
            t.states.0[TcpState::TimeWait.index()] -= 100;
            t.peers[0].total += 30;
            t.peers[0].remote
        };
        let ext = b
            .net
            .netstat
            .as_mut()
            .unwrap()
            .entry("TcpExt".into())
            .or_default();
        *ext.entry("ListenOverflows".into()).or_default() += 5;
        *ext.entry("ListenDrops".into()).or_default() += 7;

        let mut d = TcpDeriver::default();
        let first = d.update(&a);
        assert_eq!(first.state_rates, None);
        assert_eq!(first.listen_overflows, None);
        // A dump reused by a later snapshot adds nothing.
        let mut reused = a.clone();
        reused.time_ms = 11_000;
        let same = d.update(&reused);
        assert_eq!(same.state_rates, None);
        let v = d.update(&b);
        assert_eq!(v.state_rate(TcpState::TimeWait), Some(-50.0));
        assert_eq!(v.state_rate(TcpState::Established), Some(0.0));
        assert_eq!(v.peer_trends.get(&remote).copied(), Some(900.0));
        assert_eq!((v.listen_overflows, v.listen_drops), (Some(5), Some(7)));
    }
}
