//! The network limits beyond TCP in one reading: neighbour tables ([`super::neigh`]), UDP
//! counters of `/proc/net/snmp` (proc(5), udp(7)), `/proc/net/softnet_stat`
//! ([`super::softnet`]) and the SYN backlog sysctls (ip-sysctl.rst).

use crate::collect::text::single_u64;
use crate::collect::{Roots, counters, neigh, read_parsed, softnet};
use crate::model::Reading;
use crate::model::netlimits::NetLimits;

fn sysctl(roots: &Roots, name: &str) -> Reading<u64> {
    read_parsed(&roots.proc_path(&format!("sys/{name}")), |t| {
        single_u64(t, name)
    })
}

pub fn read(roots: &Roots) -> NetLimits {
    let (neigh4, neigh6) = neigh::read(roots);
    NetLimits {
        neigh4,
        neigh6,
        snmp: read_parsed(&roots.proc_path("net/snmp"), counters::parse_tables),
        rmem_max: sysctl(roots, "net/core/rmem_max"),
        softnet: read_parsed(&roots.proc_path("net/softnet_stat"), softnet::parse),
        netdev_max_backlog: sysctl(roots, "net/core/netdev_max_backlog"),
        tcp_max_syn_backlog: sysctl(roots, "net/ipv4/tcp_max_syn_backlog"),
        syncookies: sysctl(roots, "net/ipv4/tcp_syncookies"),
    }
}
