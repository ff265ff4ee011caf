//! The table itself: every message headroom knows, in the order `why` and docs/messages.md list
//! them (the errors programs see first, then the kernel's log lines).

use super::{Message, kernel, program};

pub const MESSAGES: &[Message] = &[
    program(
        "Cannot allocate memory",
        "ENOMEM",
        &[
            "ubc.*.privvmpages",
            "ubc.*.kmemsize",
            "ubc.*.numothersock",
            "ubc.*.numtcpsock",
            "ubc.*.shmpages",
            "ubc.*.dcachesize",
            "ubc.*.othersockbuf",
            "cgroup.memory",
            "vm.overcommit",
            "proc.maps:",
        ],
    ),
    program(
        "Too many open files in system",
        "ENFILE",
        &["fs.files", "ubc.*.numfile"],
    ),
    program(
        "Too many open files",
        "EMFILE",
        &[
            "proc.nofile:",
            "fs.inotify.instances:",
            "fs.nr_open",
            "fs.files",
            "ubc.*.numfile",
        ],
    ),
    program(
        "No space left on device",
        "ENOSPC",
        &[
            "fs.bytes:",
            "fs.inodes:",
            "fs.inotify.watches:",
            "ipc.sem",
            "ipc.msg",
            "kernel.pty",
            "fs.mounts",
        ],
    ),
    program(
        "Resource temporarily unavailable",
        "EAGAIN",
        &[
            "user.nproc:",
            "cgroup.pids",
            "cgroup.pids:",
            "kernel.tasks",
            "ubc.*.numproc",
            "ubc.*.lockedpages",
            "fs.aio",
            "net.udp.sndbuf_errors",
        ],
    ),
    program(
        "Cannot assign requested address",
        "EADDRNOTAVAIL",
        &["net.ports:", "net.tcp.tw"],
    ),
    program(
        "No buffer space available",
        "ENOBUFS",
        &[
            "net.neigh",
            "net.neigh6",
            "net.udp.sndbuf_errors",
            "ubc.*.othersockbuf",
            "ubc.*.numothersock",
        ],
    ),
    program("Disk quota exceeded", "EDQUOT", &["keys:"]),
    program("No locks available", "ENOLCK", &["ubc.*.numflock"]),
    program(
        "Connection timed out",
        "ETIMEDOUT",
        &[
            "net.listen",
            "net.syn_backlog",
            "net.softnet",
            "net.conntrack",
            "net.tcp.orphans",
            "cgroup.cpu",
            "cgroup.cpu:",
        ],
    ),
    // netstat -su and nstat print the UDP counters under this name.
    program(
        "packet receive errors",
        "",
        &["net.udp.rcvbuf_errors", "net.udp.in_errors", "net.softnet"],
    ),
    kernel("arp_cache: neighbor table overflow", &["net.neigh"], true),
    kernel(
        "ndisc_cache: neighbor table overflow",
        &["net.neigh6"],
        true,
    ),
    // Kernels before 4.19 did not say which table.
    kernel(
        "Neighbour table overflow",
        &["net.neigh", "net.neigh6"],
        true,
    ),
    kernel(
        "nf_conntrack: table full, dropping packet",
        &["net.conntrack"],
        true,
    ),
    kernel(
        "Out of socket memory",
        &["net.tcp.orphans", "net.tcp.mem"],
        true,
    ),
    kernel("too many orphaned sockets", &["net.tcp.orphans"], true),
    kernel(
        "TCP: out of memory -- consider tuning tcp_mem",
        &["net.tcp.mem"],
        true,
    ),
    kernel("time wait bucket table overflow", &["net.tcp.tw"], false),
    kernel(
        "possible SYN flooding on port",
        &["net.listen", "net.syn_backlog"],
        false,
    ),
    kernel("VFS: file-max limit … reached", &["fs.files"], true),
    // "Killed process" since 5.0, "Kill process … or sacrifice child" before.
    kernel(
        "Out of memory: Kill … process",
        &[
            "cgroup.memory",
            "ubc.*.physpages",
            "ubc.*.swappages",
            "cgroup.swap",
        ],
        true,
    ),
    kernel(
        "Memory cgroup out of memory: Kill … process",
        &["cgroup.memory", "cgroup.memory:", "cgroup.swap"],
        true,
    ),
    kernel(
        "fork rejected by pids controller",
        &["cgroup.pids", "cgroup.pids:"],
        true,
    ),
];
