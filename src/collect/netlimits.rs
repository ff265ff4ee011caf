//! The network limits beyond TCP in one reading: neighbour tables ([`super::neigh`]), UDP
//! counters of `/proc/net/snmp` (proc(5), udp(7)), `/proc/net/softnet_stat`
//! ([`super::softnet`]) and the SYN backlog sysctls (ip-sysctl.rst).

use crate::collect::sysctl_cache::SysctlCache;
use crate::collect::{Roots, counters, neigh, read_parsed, softnet};
use crate::model::Reading;
use crate::model::netlimits::{Neigh, NetLimits};

/// Samples between two dumps of the neighbour tables: their size moves with hosts seen on
/// the link, over minutes, and the dump is the costliest part of this reading.
pub const NEIGH_EVERY: u32 = 5;

/// The last neighbour tables read, and how many samples ago.
#[derive(Debug, Default)]
pub struct NeighCache {
    last: Option<(Reading<Neigh>, Reading<Neigh>)>,
    age: u32,
}

impl NeighCache {
    fn read(
        &mut self,
        roots: &Roots,
        limits: &mut SysctlCache,
    ) -> (Reading<Neigh>, Reading<Neigh>) {
        self.age += 1;
        match &self.last {
            Some(last) if self.age < NEIGH_EVERY => last.clone(),
            _ => {
                self.age = 0;
                let fresh = neigh::read(roots, limits);
                self.last = Some(fresh.clone());
                fresh
            }
        }
    }
}

/// The counters every sample; the neighbour tables every [`NEIGH_EVERY`]; the sysctls that
/// bound them from `limits`.
pub fn read(roots: &Roots, limits: &mut SysctlCache, neighs: &mut NeighCache) -> NetLimits {
    let (neigh4, neigh6) = neighs.read(roots, limits);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn neighbour_tables_are_read_again_every_few_samples() {
        let dir = tempfile::tempdir().unwrap();
        let stat = dir.path().join("proc/net/stat/arp_cache");
        let thresh = dir
            .path()
            .join("proc/sys/net/ipv4/neigh/default/gc_thresh3");
        std::fs::create_dir_all(stat.parent().unwrap()).unwrap();
        std::fs::create_dir_all(thresh.parent().unwrap()).unwrap();
        std::fs::write(&thresh, "1024\n").unwrap();
        let table = |entries: u32| {
            format!("entries  allocs table_fulls\n{entries:08x} 00000001 00000000\n")
        };
        std::fs::write(&stat, table(3)).unwrap();
        let roots = Roots::fixture(dir.path());
        let (mut sysctls, mut neighs) = (SysctlCache::default(), NeighCache::default());
        let entries =
            |n: &mut NeighCache, s: &mut SysctlCache| n.read(&roots, s).0.unwrap().entries;
        assert_eq!(entries(&mut neighs, &mut sysctls), 3);
        std::fs::write(&stat, table(9)).unwrap();
        let seen: Vec<u64> = (0..NEIGH_EVERY)
            .map(|_| entries(&mut neighs, &mut sysctls))
            .collect();
        assert_eq!(seen.last(), Some(&9), "{seen:?}");
        assert!(
            seen[..NEIGH_EVERY as usize - 1].iter().all(|n| *n == 3),
            "{seen:?}"
        );
    }
}
