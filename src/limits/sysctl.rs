//! The limits a captured `sysctl -a` shows: each used/limit pair it can form, and the limits
//! whose usage `sysctl` does not tell (they rank last). FreeBSD's pairs and meanings follow
//! the Handbook's "Tuning with sysctl" and "Tuning Kernel Limits" sections and the sysctl
//! descriptions (`sysctl -d`); hints say whether a knob belongs in /boot/loader.conf (read at
//! boot) or /etc/sysctl.conf (set at run time).

use super::hints::{self, Hint};
use super::{Limit, Unit};
use crate::collect::beancounters::is_unlimited;
use crate::collect::sysctl_dump::{Flavor, SysctlDump};

/// Where a number comes from.
#[derive(Clone, Copy)]
enum Value {
    /// One sysctl.
    Key(&'static str),
    /// The first of several names (renamed between releases).
    AnyOf(&'static [&'static str]),
    /// The n-th number of a sysctl holding several.
    Nth(&'static str, usize),
    /// The size of a port range given as two sysctls.
    Range(&'static str, &'static str),
    /// The size of a port range given as one sysctl of two numbers.
    RangeOf(&'static str),
}

impl Value {
    fn read(self, d: &SysctlDump) -> Option<u64> {
        match self {
            Value::Key(k) => d.u64(k),
            Value::AnyOf(keys) => d.first_u64(keys).map(|(_, v)| v),
            Value::Nth(k, n) => d.u64s(k)?.get(n).copied(),
            Value::Range(first, last) => span(d.u64(first)?, d.u64(last)?),
            Value::RangeOf(k) => match d.u64s(k)?[..] {
                [first, last] => span(first, last),
                _ => None,
            },
        }
    }
}

fn span(first: u64, last: u64) -> Option<u64> {
    (last >= first).then(|| last - first + 1)
}

/// One row the capture may give.
struct Pair {
    id: &'static str,
    name: &'static str,
    used: Option<Value>,
    max: Value,
    failures: Option<&'static str>,
    unit: Unit,
    hint: Hint,
}

const fn h(breaks: &'static str, knob: &'static str) -> Hint {
    Hint { breaks, knob }
}

const fn pair(id: &'static str, name: &'static str, used: &'static str, hint: Hint) -> Pair {
    Pair {
        id,
        name,
        used: Some(Value::Key(used)),
        max: Value::Key(id),
        failures: None,
        unit: Unit::Count,
        hint,
    }
}

const fn only(id: &'static str, name: &'static str, max: Value, hint: Hint) -> Pair {
    Pair {
        id,
        name,
        used: None,
        max,
        failures: None,
        unit: Unit::Count,
        hint,
    }
}

const FREEBSD: &[Pair] = &[
    pair(
        "kern.maxfiles",
        "open files (kern.openfiles)",
        "kern.openfiles",
        h(
            "open and socket fail with 'Too many open files in system'; the console says 'kern.maxfiles limit exceeded'",
            "kern.maxfiles in /etc/sysctl.conf (at once); its boot default follows kern.maxusers in /boot/loader.conf",
        ),
    ),
    pair(
        "kern.maxvnodes",
        "vnodes (vfs.numvnodes)",
        "vfs.numvnodes",
        h(
            "vnodes are recycled: file lookups slow down and processes wait in 'vlruwk'",
            "kern.maxvnodes in /etc/sysctl.conf",
        ),
    ),
    pair(
        "kern.ipc.maxsockets",
        "sockets (kern.ipc.numopensockets)",
        "kern.ipc.numopensockets",
        h(
            "socket and accept fail with 'No buffer space available'; the console says 'kern.ipc.maxsockets limit exceeded'",
            "kern.ipc.maxsockets in /boot/loader.conf (in /etc/sysctl.conf it can only be raised)",
        ),
    ),
    Pair {
        failures: Some("vm.uma.mbuf_cluster.stats.fails"),
        ..pair(
            "kern.ipc.nmbclusters",
            "mbuf clusters (vm.uma.mbuf_cluster)",
            "vm.uma.mbuf_cluster.stats.current",
            h(
                "network I/O stalls in 'zonelimit'; the console says 'kern.ipc.nmbclusters limit reached' and netstat -m counts denied requests",
                "kern.ipc.nmbclusters in /boot/loader.conf (or raised at run time in /etc/sysctl.conf)",
            ),
        )
    },
    Pair {
        unit: Unit::Bytes,
        ..pair(
            "kern.ipc.maxpipekva",
            "pipe buffers (kern.ipc.pipekva)",
            "kern.ipc.pipekva",
            h(
                "pipes fall back to small slow buffers, then pipe() fails; the console says 'kern.ipc.maxpipekva exceeded'",
                "kern.ipc.maxpipekva in /boot/loader.conf",
            ),
        )
    },
    pair(
        "net.inet.tcp.syncache.cachelimit",
        "SYN cache (net.inet.tcp.syncache.count)",
        "net.inet.tcp.syncache.count",
        h(
            "SYNs of a connection burst are dropped and clients retry after seconds",
            "net.inet.tcp.syncache.hashsize and .bucketlimit in /boot/loader.conf (the cache limit follows them)",
        ),
    ),
    only(
        "kern.maxproc",
        "processes (kern.maxproc)",
        Value::Key("kern.maxproc"),
        h(
            "fork fails with 'Resource temporarily unavailable'; the console says 'maxproc limit exceeded'",
            "kern.maxproc in /boot/loader.conf (boot time only); its default follows kern.maxusers",
        ),
    ),
    only(
        "kern.maxfilesperproc",
        "open files per process (kern.maxfilesperproc)",
        Value::Key("kern.maxfilesperproc"),
        h(
            "open fails in one process with 'Too many open files'",
            "kern.maxfilesperproc in /etc/sysctl.conf, and openfiles of the login class in /etc/login.conf",
        ),
    ),
    only(
        "kern.ipc.soacceptqueue",
        "listen queue (kern.ipc.soacceptqueue)",
        Value::AnyOf(&["kern.ipc.soacceptqueue", "kern.ipc.somaxconn"]),
        h(
            "connections are dropped when a listen queue overflows ('Listen queue overflow' in the log)",
            "kern.ipc.soacceptqueue in /etc/sysctl.conf (kern.ipc.somaxconn before FreeBSD 10), and the server's listen backlog",
        ),
    ),
    only(
        "net.inet.ip.portrange",
        "ephemeral ports (net.inet.ip.portrange.first to .last)",
        Value::Range("net.inet.ip.portrange.first", "net.inet.ip.portrange.last"),
        h(
            "outgoing connect and bind fail with 'Can't assign requested address'",
            "net.inet.ip.portrange.first and .last in /etc/sysctl.conf",
        ),
    ),
];

const LINUX: &[Pair] = &[
    Pair {
        used: Some(Value::Nth("fs.file-nr", 0)),
        ..only(
            "fs.file-max",
            "open files (fs.file-nr)",
            Value::Key("fs.file-max"),
            hints::FILES,
        )
    },
    pair(
        "net.netfilter.nf_conntrack_max",
        "conntrack entries (nf_conntrack_count)",
        "net.netfilter.nf_conntrack_count",
        hints::CONNTRACK,
    ),
    pair(
        "fs.aio-max-nr",
        "async I/O contexts (fs.aio-nr)",
        "fs.aio-nr",
        h(
            "io_setup fails with 'Resource temporarily unavailable' (databases fall back or refuse to start)",
            "sysctl fs.aio-max-nr",
        ),
    ),
    only(
        "kernel.pid_max",
        "process ids (kernel.pid_max)",
        Value::Key("kernel.pid_max"),
        hints::TASKS,
    ),
    only(
        "kernel.threads-max",
        "tasks (kernel.threads-max)",
        Value::Key("kernel.threads-max"),
        hints::TASKS,
    ),
    only(
        "net.core.somaxconn",
        "listen queue (net.core.somaxconn)",
        Value::Key("net.core.somaxconn"),
        hints::LISTEN,
    ),
    only(
        "net.ipv4.tcp_max_orphans",
        "TCP orphans (net.ipv4.tcp_max_orphans)",
        Value::Key("net.ipv4.tcp_max_orphans"),
        hints::ORPHANS,
    ),
    only(
        "net.ipv4.ip_local_port_range",
        "ephemeral ports (net.ipv4.ip_local_port_range)",
        Value::RangeOf("net.ipv4.ip_local_port_range"),
        h(
            "outgoing connect fails with 'Cannot assign requested address'",
            "sysctl net.ipv4.ip_local_port_range",
        ),
    ),
];

/// Every row the capture gives, unsorted: pairs with both numbers, limits alone without usage.
pub fn rows(d: &SysctlDump) -> Vec<Limit> {
    let table = match d.flavor {
        Flavor::FreeBsd => FREEBSD,
        Flavor::Linux => LINUX,
    };
    table.iter().filter_map(|p| row(p, d)).collect()
}

fn row(p: &Pair, d: &SysctlDump) -> Option<Limit> {
    let max = p.max.read(d)?;
    // Linux prints LONG_MAX for "no limit" (fs.file-max on 64-bit kernels).
    let max = (!is_unlimited(max)).then_some(max);
    if max.is_none() && p.used.is_none() {
        return None;
    }
    Some(Limit {
        id: p.id.to_string(),
        group: "sysctl".into(),
        name: p.name.to_string(),
        used: p.used.and_then(|u| u.read(d)),
        max,
        unit: p.unit,
        failures: p.failures.and_then(|f| d.u64(f)),
        hint: Some(p.hint),
        note: p
            .used
            .is_none()
            .then(|| "sysctl does not show its usage".into()),
        peak_hit: false,
        no_info: false,
        consumers: Vec::new(),
        page_size: 0,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::sysctl_dump::parse;

    fn by_id<'a>(rows: &'a [Limit], id: &str) -> &'a Limit {
        rows.iter().find(|r| r.id == id).unwrap()
    }

    #[test]
    fn freebsd_pairs_limits_and_failures() {
        let d = parse(
            "kern.ostype: FreeBSD\nkern.maxfiles: 1000\nkern.openfiles: 990\n\
             kern.ipc.nmbclusters: 2000\nvm.uma.mbuf_cluster.stats.current: 2000\nvm.uma.mbuf_cluster.stats.fails: 7\n\
             kern.ipc.somaxconn: 128\nnet.inet.ip.portrange.first: 10000\nnet.inet.ip.portrange.last: 65535\n\
             kern.maxvnodes: 5000\n",
        )
        .unwrap();
        let rows = rows(&d);
        let files = by_id(&rows, "kern.maxfiles");
        assert_eq!((files.used, files.max), (Some(990), Some(1000)));
        assert!(files.hint.unwrap().knob.contains("/etc/sysctl.conf"));
        let mbufs = by_id(&rows, "kern.ipc.nmbclusters");
        assert_eq!((mbufs.used, mbufs.failures), (Some(2000), Some(7)));
        assert!(mbufs.hint.unwrap().knob.contains("/boot/loader.conf"));
        let listen = by_id(&rows, "kern.ipc.soacceptqueue");
        assert_eq!(
            (listen.used, listen.max),
            (None, Some(128)),
            "the old name counts"
        );
        assert_eq!(by_id(&rows, "net.inet.ip.portrange").max, Some(55_536));
        assert_eq!(
            by_id(&rows, "kern.maxvnodes").used,
            None,
            "no vfs.numvnodes"
        );
        assert!(
            rows.iter().all(|r| r.id != "kern.maxproc"),
            "absent, no row"
        );
    }

    #[test]
    fn linux_pairs() {
        let d = parse("fs.file-max = 100\nfs.file-nr = 90\t0\t100\nnet.ipv4.ip_local_port_range = 32768\t60999\nfs.aio-nr = 0\nfs.aio-max-nr = 65536\n").unwrap();
        let rows = rows(&d);
        assert_eq!(by_id(&rows, "fs.file-max").used, Some(90));
        let d =
            parse("fs.file-max = 9223372036854775807\nfs.file-nr = 90\t0\t9223372036854775807\n")
                .unwrap();
        let files = &super::rows(&d)[0];
        assert_eq!(
            (files.used, files.max),
            (Some(90), None),
            "LONG_MAX is no limit"
        );
        assert_eq!(
            by_id(&rows, "net.ipv4.ip_local_port_range").max,
            Some(28_232)
        );
        assert_eq!(by_id(&rows, "fs.aio-max-nr").pct(), Some(0.0));
    }

    #[test]
    fn a_backwards_port_range_is_no_row() {
        let d = parse("net.inet.ip.portrange.first: 60000\nnet.inet.ip.portrange.last: 50000\nkern.ostype: FreeBSD\n").unwrap();
        assert!(rows(&d).is_empty());
    }
}
