//! Network limits beyond TCP: neighbour tables, UDP buffer errors, the per-CPU input backlog
//! and the SYN backlog.

use serde::{Deserialize, Serialize};

use super::{Counters, Reading, not_recorded};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetLimits {
    /// The IPv4 neighbour (ARP) table and net.ipv4.neigh.default.gc_thresh3.
    #[serde(default = "not_recorded")]
    pub neigh4: Reading<Neigh>,
    /// The IPv6 neighbour (NDP) table and net.ipv6.neigh.default.gc_thresh3.
    #[serde(default = "not_recorded")]
    pub neigh6: Reading<Neigh>,
    /// /proc/net/snmp (the Udp section carries RcvbufErrors, SndbufErrors, InErrors).
    #[serde(default = "not_recorded")]
    pub snmp: Reading<Counters>,
    #[serde(default = "not_recorded")]
    pub rmem_max: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub softnet: Reading<Softnet>,
    #[serde(default = "not_recorded")]
    pub netdev_max_backlog: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub tcp_max_syn_backlog: Reading<u64>,
    #[serde(default = "not_recorded")]
    pub syncookies: Reading<u64>,
}

impl Default for NetLimits {
    fn default() -> Self {
        Self {
            neigh4: not_recorded(),
            neigh6: not_recorded(),
            snmp: not_recorded(),
            rmem_max: not_recorded(),
            softnet: not_recorded(),
            netdev_max_backlog: not_recorded(),
            tcp_max_syn_backlog: not_recorded(),
            syncookies: not_recorded(),
        }
    }
}

/// A neighbour table: its size as the kernel counts it against gc_thresh3, and refusals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neigh {
    /// Entries of the table (all network namespaces share it), from netlink or
    /// /proc/net/stat/*_cache.
    pub entries: u64,
    /// Times an entry could not be added: "neighbour table overflow" (first namespace only).
    pub table_fulls: Option<u64>,
    /// Entries of our namespace: from netlink, or for IPv4 from /proc/net/arp.
    pub here: Option<u64>,
    pub gc_thresh3: u64,
    /// Of `here`, the permanent entries (never garbage-collected); known through netlink only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permanent: Option<u64>,
    /// Why the live table was read from /proc rather than through netlink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

/// /proc/net/softnet_stat summed over CPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Softnet {
    /// Packets dropped because a CPU's input backlog was full.
    pub dropped: u64,
    /// Times a CPU ran out of budget with work left (net.core.netdev_budget).
    pub time_squeeze: u64,
    /// The longest backlog queue now (Linux 5.10+).
    pub backlog_max: Option<u64>,
}
