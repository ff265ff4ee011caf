//! What breaks when a limit is hit, and the knob that raises it.

/// The error users see, and where to raise the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub breaks: &'static str,
    pub knob: &'static str,
}

const fn h(breaks: &'static str, knob: &'static str) -> Hint {
    Hint { breaks, knob }
}

pub const GUARANTEE: &str = "a guarantee, not a limit";

/// Hints for OpenVZ/Virtuozzo beancounter resources.
pub fn beancounter(resource: &str) -> Hint {
    match resource {
        "numothersock" => h(
            "new unix/UDP sockets fail with 'Cannot allocate memory'",
            "vzctl set --numothersock; fewer daemon processes (Postfix default_process_limit)",
        ),
        "numtcpsock" => h(
            "new TCP connections fail with 'Cannot allocate memory'",
            "vzctl set --numtcpsock; fewer persistent connections",
        ),
        "numproc" => h(
            "fork fails with 'Resource temporarily unavailable'",
            "vzctl set --numproc; fewer worker processes",
        ),
        "numfile" => h(
            "open fails with 'Too many open files in system'",
            "vzctl set --numfile",
        ),
        "kmemsize" => h(
            "fork, sockets and files fail with 'Cannot allocate memory'",
            "vzctl set --kmemsize",
        ),
        "privvmpages" => h(
            "malloc and mmap fail with 'Cannot allocate memory'",
            "vzctl set --privvmpages (or --ram/--swap on vSwap)",
        ),
        "physpages" => h(
            "container RAM is full: swapping, then 'Out of memory: Killed process'",
            "vzctl set --physpages (--ram)",
        ),
        "swappages" => h(
            "container swap is full: 'Out of memory: Killed process'",
            "vzctl set --swap",
        ),
        "shmpages" => h(
            "shmget fails with 'Cannot allocate memory'",
            "vzctl set --shmpages",
        ),
        "lockedpages" => h(
            "mlock fails with 'Resource temporarily unavailable'",
            "vzctl set --lockedpages",
        ),
        "numflock" => h(
            "file locks fail with 'No locks available'",
            "vzctl set --numflock",
        ),
        "numpty" => h(
            "no new terminals: ssh logins fail to get a pty",
            "vzctl set --numpty",
        ),
        "numsiginfo" => h("queued signals are refused", "vzctl set --numsiginfo"),
        "tcpsndbuf" | "tcprcvbuf" => h(
            "TCP sends stall and connections hang",
            "vzctl set --tcpsndbuf/--tcprcvbuf",
        ),
        "othersockbuf" => h(
            "unix/UDP socket writes stall or fail with 'Cannot allocate memory'",
            "vzctl set --othersockbuf",
        ),
        "dgramrcvbuf" => h(
            "incoming UDP datagrams are dropped",
            "vzctl set --dgramrcvbuf",
        ),
        "dcachesize" => h(
            "open and stat fail with 'Cannot allocate memory'",
            "vzctl set --dcachesize",
        ),
        "numiptent" => h("iptables rules are refused", "vzctl set --numiptent"),
        "vmguarpages" | "oomguarpages" => h(GUARANTEE, "vzctl set --vmguarpages/--oomguarpages"),
        _ => h(
            "allocations of this resource fail",
            "vzctl set --<resource>",
        ),
    }
}

pub const FILES: Hint = h(
    "open fails system-wide with 'Too many open files in system'",
    "sysctl fs.file-max",
);
pub const INODES: Hint = h(
    "creating files fails with 'No space left on device' while bytes are free",
    "delete files (find the directory with `headroom scan`); inodes are fixed at mkfs",
);
pub const BYTES: Hint = h(
    "writes fail with 'No space left on device'",
    "free space or grow the filesystem",
);
pub const TASKS: Hint = h(
    "fork and thread creation fail with 'Resource temporarily unavailable'",
    "sysctl kernel.pid_max and kernel.threads-max",
);
pub const CGROUP_PIDS: Hint = h(
    "fork fails with 'Resource temporarily unavailable'",
    "pids.max of the cgroup (systemd TasksMax=, docker --pids-limit)",
);
pub const CGROUP_MEMORY: Hint = h(
    "reclaim stalls, then the OOM killer ends processes ('Memory cgroup out of memory: Killed process')",
    "memory limit of the cgroup (systemd MemoryMax=, docker --memory)",
);
pub const ORPHANS: Hint = h(
    "'Out of socket memory' and 'too many orphaned sockets'; connections are reset",
    "sysctl net.ipv4.tcp_max_orphans",
);
pub const TIME_WAIT: Hint = h(
    "'time wait bucket table overflow'; TIME_WAIT sockets are dropped early",
    "sysctl net.ipv4.tcp_max_tw_buckets",
);
pub const TCP_MEM: Hint = h(
    "'Out of socket memory': sends fail and connections are dropped",
    "sysctl net.ipv4.tcp_mem (pages)",
);
pub const LISTEN: Hint = h(
    "connect fails with 'Connection timed out': the accept queue overflows ('possible SYN flooding on port' in the kernel log)",
    "sysctl net.core.somaxconn and the server's listen backlog",
);
pub const CONNTRACK: Hint = h(
    "packets dropped: 'nf_conntrack: table full, dropping packet'",
    "sysctl net.netfilter.nf_conntrack_max",
);
pub const NOFILE: Hint = h(
    "open, socket and accept fail with 'Too many open files'",
    "ulimit -n, LimitNOFILE= in the unit, /etc/security/limits.conf",
);
