//! The `tcp` object of `snapshot --json`, and its lines in the text report.
//!
//! `{method, states: {STATE: n}, peers: [{remote, service, states, total, processes}],
//! listeners: [{local, states, accept_queue, backlog}], sockstat: {...}}` plus what else the
//! pane shows (rates, listen-queue failures, socket memory limits, owner scan).

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::derive::Derived;
use crate::model::tcp::{Listener, OwnerScan, Peer, StateCounts, TcpMethod, TcpState};
use crate::model::{Counters, Snapshot};

/// Every state, zeros included.
#[derive(Debug)]
pub struct AllStates<'a>(pub &'a StateCounts);

impl Serialize for AllStates<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(Some(TcpState::ALL.len()))?;
        for (state, n) in self.0.iter() {
            map.serialize_entry(state.name(), &n)?;
        }
        map.end()
    }
}

#[derive(Debug, Serialize)]
pub struct TcpReport<'a> {
    pub method: TcpMethod,
    /// Why netlink was not used, when it was not.
    pub fallback: Option<&'a str>,
    /// When the sockets were enumerated and how long it took.
    pub time: String,
    pub took_ms: f64,
    pub states: AllStates<'a>,
    /// Per-second change of each state since the previous dump (with --samples > 1).
    pub rates: Option<BTreeMap<&'static str, f64>>,
    pub total: u64,
    pub peers: &'a [Peer],
    pub listeners: &'a [Listener],
    /// TcpExt ListenOverflows / ListenDrops since the previous reading.
    pub listen_overflows: Option<u64>,
    pub listen_drops: Option<u64>,
    /// /proc/net/sockstat and sockstat6 merged.
    pub sockstat: Counters,
    pub unix_sockets: Option<u64>,
    /// net.ipv4.tcp_mem (pages) and net.ipv4.tcp_max_orphans.
    pub tcp_mem: Option<[u64; 3]>,
    pub tcp_max_orphans: Option<u64>,
    pub local_port_range: Option<(u16, u16)>,
    pub owners: Option<OwnerScan>,
}

/// The `tcp` value: the report, or why there is none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum TcpValue<'a> {
    Report(Box<TcpReport<'a>>),
    Error { error: String },
}

pub fn report<'a>(snap: &'a Snapshot, derived: &'a Derived) -> TcpValue<'a> {
    let t = match &snap.tcp.table {
        Ok(t) => t,
        Err(e) => {
            return TcpValue::Error {
                error: e.to_string(),
            };
        }
    };
    let rates = derived.tcp.state_rates.map(|r| {
        TcpState::ALL
            .iter()
            .zip(r)
            .map(|(s, v)| (s.name(), (v * 10.0).round() / 10.0))
            .collect()
    });
    TcpValue::Report(Box::new(TcpReport {
        method: t.method,
        fallback: t.fallback.as_deref(),
        time: super::snapshot::rfc3339(t.time_ms),
        took_ms: t.took_us as f64 / 1000.0,
        states: AllStates(&t.states),
        rates,
        total: t.total,
        peers: &t.peers,
        listeners: &t.listeners,
        listen_overflows: derived.tcp.listen_overflows,
        listen_drops: derived.tcp.listen_drops,
        sockstat: crate::derive::tcp::sockstat(snap),
        unix_sockets: snap.tcp.unix_sockets.as_ref().ok().copied(),
        tcp_mem: snap.net.tcp_mem.as_ref().ok().copied(),
        tcp_max_orphans: snap.net.tcp_max_orphans.as_ref().ok().copied(),
        local_port_range: t.local_port_range,
        owners: t.owners,
    }))
}

/// The sockets section of the text report: states, the busiest peers and listeners.
pub fn write_text(v: &TcpValue, out: &mut impl Write) -> std::io::Result<()> {
    let r = match v {
        TcpValue::Report(r) => r,
        TcpValue::Error { error } => return writeln!(out, "TCP sockets: {error}"),
    };
    writeln!(
        out,
        "TCP sockets via {} ({} in {:.1} ms):",
        r.method, r.total, r.took_ms
    )?;
    let states: Vec<String> = r
        .states
        .0
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    writeln!(out, "  {}", states.join("  "))?;
    writeln!(
        out,
        "  {:<28} {:<11} {:>7} {:>9} {:>10} {:>6} {:>6}",
        "peer", "service", "ESTAB", "TIME_WAIT", "CLOSE_WAIT", "other", "total"
    )?;
    for p in r.peers.iter().take(10) {
        writeln!(
            out,
            "  {:<28} {:<11} {:>7} {:>9} {:>10} {:>6} {:>6}",
            p.remote.to_string(),
            p.service.as_deref().unwrap_or("-"),
            p.states.get(TcpState::Established),
            p.states.get(TcpState::TimeWait),
            p.states.get(TcpState::CloseWait),
            p.states.other(),
            p.total
        )?;
    }
    for l in r.listeners.iter().take(10) {
        let backlog = l.backlog.map_or_else(|| "?".to_string(), |b| b.to_string());
        writeln!(
            out,
            "  listen {:<21} {:<11} {:>7} accept queue {}/{}{}",
            l.local.to_string(),
            l.service.as_deref().unwrap_or("-"),
            l.states.total(),
            l.accept_queue,
            backlog,
            if l.queue_full() { " FULL" } else { "" }
        )?;
    }
    Ok(())
}
