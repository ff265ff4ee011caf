//! TCP rates and trends: per-second change of each state between dumps, per-minute trend of
//! each peer, and the listen-queue failure counters since the previous snapshot.

use std::collections::HashMap;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use crate::history::{TcpHistory, TcpPoint};
use crate::model::tcp::TcpState;
use crate::model::{Snapshot, counter};

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
