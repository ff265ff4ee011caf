//! The network limits beyond TCP in one reading: neighbour tables ([`super::neigh`]), UDP
//! counters of `/proc/net/snmp` (proc(5), udp(7)), `/proc/net/softnet_stat`
//! ([`super::softnet`]) and the SYN backlog sysctls (ip-sysctl.rst).

use crate::collect::sysctl_cache::SysctlCache;
use crate::collect::{Roots, counters, neigh, read_parsed, softnet};
use crate::model::netlimits::NetLimits;

/// The counters every sample; the sysctls that bound them from `limits`.
pub fn read(roots: &Roots, limits: &mut SysctlCache) -> NetLimits {
    let (neigh4, neigh6) = neigh::read(roots, limits);
    NetLimits {
        neigh4,
        neigh6,
        snmp: read_parsed(&roots.proc_path("net/snmp"), counters::parse_tables),
        rmem_max: limits.u64(roots, "net/core/rmem_max"),
        softnet: read_parsed(&roots.proc_path("net/softnet_stat"), softnet::parse),
        netdev_max_backlog: limits.u64(roots, "net/core/netdev_max_backlog"),
        tcp_max_syn_backlog: limits.u64(roots, "net/ipv4/tcp_max_syn_backlog"),
        syncookies: limits.u64(roots, "net/ipv4/tcp_syncookies"),
    }
}
