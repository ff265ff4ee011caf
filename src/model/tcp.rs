//! TCP sockets as the `tcp` key of a snapshot: state histogram, peers, listeners, owners.
//!
//! Plain serde data. The field names are part of the `snapshot --json` contract:
//! `{method, states: {STATE: n}, peers: [{remote, service, states, total, processes}],
//! listeners: [{local, states, accept_queue, backlog}], sockstat}`.

use std::fmt;
use std::net::SocketAddr;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::{Counters, Reading};

/// A TCP state as the kernel names it (include/net/tcp_states.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TcpState {
    #[serde(rename = "ESTABLISHED")]
    Established,
    #[serde(rename = "SYN_SENT")]
    SynSent,
    #[serde(rename = "SYN_RECV")]
    SynRecv,
    #[serde(rename = "FIN_WAIT1")]
    FinWait1,
    #[serde(rename = "FIN_WAIT2")]
    FinWait2,
    #[serde(rename = "TIME_WAIT")]
    TimeWait,
    #[serde(rename = "CLOSE")]
    Close,
    #[serde(rename = "CLOSE_WAIT")]
    CloseWait,
    #[serde(rename = "LAST_ACK")]
    LastAck,
    #[serde(rename = "LISTEN")]
    Listen,
    #[serde(rename = "CLOSING")]
    Closing,
}

impl TcpState {
    /// Every state, in the kernel's order.
    pub const ALL: [TcpState; 11] = [
        TcpState::Established,
        TcpState::SynSent,
        TcpState::SynRecv,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::TimeWait,
        TcpState::Close,
        TcpState::CloseWait,
        TcpState::LastAck,
        TcpState::Listen,
        TcpState::Closing,
    ];

    /// The kernel's number (TCP_ESTABLISHED = 1 …). TCP_NEW_SYN_RECV (12), a request
    /// socket, is reported as SYN_RECV as `ss` does; anything else is unknown.
    pub fn from_kernel(n: u8) -> Option<TcpState> {
        match n {
            1..=11 => Self::ALL.get(usize::from(n - 1)).copied(),
            12 => Some(TcpState::SynRecv),
            _ => None,
        }
    }

    /// Position in [`TcpState::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The kernel's name, e.g. "TIME_WAIT".
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
        }
    }

    pub fn from_name(name: &str) -> Option<TcpState> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Sockets per state. Serialized as `{"ESTABLISHED": n, ...}` with the non-zero states only;
/// a missing state means zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct StateCounts(pub [u64; 11]);

impl StateCounts {
    pub fn get(&self, state: TcpState) -> u64 {
        self.0.get(state.index()).copied().unwrap_or(0)
    }

    pub fn add(&mut self, state: TcpState, n: u64) {
        if let Some(slot) = self.0.get_mut(state.index()) {
            *slot = slot.saturating_add(n);
        }
    }

    pub fn merge(&mut self, other: &StateCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a = a.saturating_add(*b);
        }
    }

    pub fn total(&self) -> u64 {
        self.0.iter().fold(0u64, |a, b| a.saturating_add(*b))
    }

    /// Sockets in states other than ESTABLISHED, TIME_WAIT and CLOSE_WAIT.
    pub fn other(&self) -> u64 {
        self.total()
            .saturating_sub(self.get(TcpState::Established))
            .saturating_sub(self.get(TcpState::TimeWait))
            .saturating_sub(self.get(TcpState::CloseWait))
    }

    pub fn iter(&self) -> impl Iterator<Item = (TcpState, u64)> + '_ {
        TcpState::ALL.into_iter().map(|s| (s, self.get(s)))
    }
}

impl Serialize for StateCounts {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let n = self.0.iter().filter(|c| **c != 0).count();
        let mut map = ser.serialize_map(Some(n))?;
        for (state, count) in self.iter().filter(|(_, c)| *c != 0) {
            map.serialize_entry(state.name(), &count)?;
        }
        map.end()
    }
}

/// Writes every state, zeros included: the machine-wide histogram.
pub fn serialize_all_states<S: Serializer>(
    counts: &StateCounts,
    ser: S,
) -> Result<S::Ok, S::Error> {
    let mut map = ser.serialize_map(Some(TcpState::ALL.len()))?;
    for (state, count) in counts.iter() {
        map.serialize_entry(state.name(), &count)?;
    }
    map.end()
}

impl<'de> Deserialize<'de> for StateCounts {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StateCounts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of TCP state names to counts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StateCounts, A::Error> {
                let mut counts = StateCounts::default();
                while let Some((name, n)) = map.next_entry::<String, u64>()? {
                    if let Some(state) = TcpState::from_name(&name) {
                        counts.add(state, n);
                    }
                }
                Ok(counts)
            }
        }
        de.deserialize_map(V)
    }
}

/// How the sockets were enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TcpMethod {
    /// NETLINK_SOCK_DIAG / INET_DIAG, as `ss` does.
    Netlink,
    /// /proc/net/tcp and /proc/net/tcp6.
    Procfs,
}

impl fmt::Display for TcpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TcpMethod::Netlink => "netlink",
            TcpMethod::Procfs => "procfs",
        })
    }
}

/// A process holding some of a row's sockets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketOwner {
    pub pid: u32,
    pub comm: String,
    pub sockets: u64,
}

/// Sockets towards one remote address (or one group of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    /// "ip:port"; IPv6 in brackets, IPv4-mapped IPv6 as IPv4.
    pub remote: SocketAddr,
    /// The well-known service on the remote port, e.g. "memcached".
    pub service: Option<String>,
    pub states: StateCounts,
    pub total: u64,
    /// Of these, sockets whose local port lies in net.ipv4.ip_local_port_range.
    pub ephemeral: u64,
    /// Most sockets first; empty when the owner map was not taken.
    pub processes: Vec<SocketOwner>,
}

/// A local listening address and the connections it accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    pub local: SocketAddr,
    pub service: Option<String>,
    /// Accepted connections by state (the listening sockets themselves are not counted).
    pub states: StateCounts,
    /// Connections waiting to be accepted (summed over SO_REUSEPORT sockets).
    pub accept_queue: u64,
    /// The listen() backlog; None when the source does not say (/proc/net/tcp does not).
    pub backlog: Option<u64>,
    /// Listening sockets on this address (more than one with SO_REUSEPORT).
    pub sockets: u64,
    pub processes: Vec<SocketOwner>,
}

impl Listener {
    /// True when the accept queue has reached the backlog: new connections are dropped.
    pub fn queue_full(&self) -> bool {
        // The kernel refuses once the queue exceeds the backlog (sk_acceptq_is_full).
        matches!(self.backlog, Some(b) if self.accept_queue >= b.max(1))
    }
}

/// What the socket-inode → process scan saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerScan {
    pub processes: u64,
    /// Processes whose fd table this user may not read (root sees all).
    pub unreadable: u64,
    /// Sockets of the dump whose owner was found.
    pub sockets_owned: u64,
    /// Wall-clock time of the scan, milliseconds since the Unix epoch.
    pub time_ms: u64,
    pub took_us: u64,
}

/// One enumeration of the machine's TCP sockets, aggregated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TcpTable {
    pub method: TcpMethod,
    /// Why netlink was not used, when it was not.
    pub fallback: Option<String>,
    /// Wall-clock time of the dump, milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// How long the dump and its aggregation took.
    pub took_us: u64,
    #[serde(serialize_with = "serialize_all_states")]
    pub states: StateCounts,
    pub total: u64,
    /// Most sockets first.
    pub peers: Vec<Peer>,
    /// Most connections first.
    pub listeners: Vec<Listener>,
    /// net.ipv4.ip_local_port_range, when readable.
    pub local_port_range: Option<(u16, u16)>,
    /// None when owners were not looked up.
    pub owners: Option<OwnerScan>,
}

/// What one collector tick knows about sockets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TcpSample {
    /// The newest dump; its own `time_ms` says how old it is (it may lag the snapshot).
    pub table: Reading<TcpTable>,
    /// /proc/net/sockstat6 (sockstat itself is in the snapshot's `net`).
    pub sockstat6: Reading<Counters>,
    /// Unix-domain sockets (/proc/net/unix), what OpenVZ's numothersock counts.
    pub unix_sockets: Reading<u64>,
}

impl Default for TcpSample {
    /// What an older recording without sockets holds.
    fn default() -> Self {
        Self {
            table: super::not_recorded(),
            sockstat6: super::not_recorded(),
            unix_sockets: super::not_recorded(),
        }
    }
}
