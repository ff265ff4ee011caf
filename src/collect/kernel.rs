//! Kernel tables and sysctls: `/proc/sys/fs/file-nr` (allocated, free, max file handles),
//! the task count (from `/proc/loadavg`, whose fourth field counts every task, threads included),
//! `kernel.pid_max`, `kernel.threads-max`, and the network sysctls behind the net limits.
//! See proc(5) and the kernel's Documentation/admin-guide/sysctl/.

use crate::collect::sysctl_cache::SysctlCache;
use crate::collect::text::{single_u64, u64_list};
use crate::collect::{ParseError, Roots, counters, read_parsed};
use crate::model::{FileNr, Kernel, Net, Reading};

pub fn parse_file_nr(text: &str) -> Result<FileNr, ParseError> {
    let v = u64_list(1, "file-nr", text.lines().next().unwrap_or(""))?;
    match v[..] {
        [allocated, free, max] => Ok(FileNr {
            allocated,
            free,
            max,
        }),
        _ => Err(ParseError::new(
            1,
            "file-nr",
            format!("expected 3 numbers, found {}", v.len()),
        )),
    }
}

/// tcp_mem: three page counts (min, pressure, max).
pub fn parse_triple(text: &str) -> Result<[u64; 3], ParseError> {
    let v = u64_list(1, "tcp_mem", text.lines().next().unwrap_or(""))?;
    match v[..] {
        [a, b, c] => Ok([a, b, c]),
        _ => Err(ParseError::new(
            1,
            "tcp_mem",
            format!("expected 3 numbers, found {}", v.len()),
        )),
    }
}

pub fn read_files(roots: &Roots) -> Reading<FileNr> {
    read_parsed(&roots.proc_path("sys/fs/file-nr"), parse_file_nr)
}

/// The kernel tables; the task count is the "entities" field of the load average reading.
pub fn read_kernel(
    roots: &Roots,
    loadavg: &Reading<crate::model::graphs::LoadAvg>,
    limits: &mut SysctlCache,
) -> Kernel {
    Kernel {
        tasks: loadavg.as_ref().map(|l| l.entities).map_err(Clone::clone),
        pid_max: limits.u64(roots, "kernel/pid_max"),
        threads_max: limits.u64(roots, "kernel/threads-max"),
    }
}

/// The TCP and conntrack counters every sample; the sysctls that bound them from `limits`.
pub fn read_net(roots: &Roots, limits: &mut SysctlCache) -> Net {
    Net {
        sockstat: read_parsed(&roots.proc_path("net/sockstat"), counters::parse_pairs),
        netstat: read_parsed(&roots.proc_path("net/netstat"), counters::parse_tables),
        tcp_max_orphans: limits.u64(roots, "net/ipv4/tcp_max_orphans"),
        tcp_max_tw_buckets: limits.u64(roots, "net/ipv4/tcp_max_tw_buckets"),
        tcp_mem: limits.parsed(roots, "net/ipv4/tcp_mem", parse_triple),
        conntrack_count: read_parsed(
            &roots.proc_path("sys/net/netfilter/nf_conntrack_count"),
            |t| single_u64(t, "nf_conntrack_count"),
        ),
        conntrack_max: limits.u64(roots, "net/netfilter/nf_conntrack_max"),
        conntrack_drops: crate::collect::conntrack::read_drops(roots),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn file_nr_and_tcp_mem() {
        let f = parse_file_nr("410\t0\t2466170\n").unwrap();
        assert_eq!((f.allocated, f.free, f.max), (410, 0, 2_466_170));
        assert!(parse_file_nr("410 0").is_err());
        assert_eq!(
            parse_triple("188319\t251092\t376638\n"),
            Ok([188_319, 251_092, 376_638])
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_file_nr(&s);
            let _ = parse_triple(&s);
        }
    }
}
