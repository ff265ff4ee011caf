//! The error messages programs print, and the limits that can produce each: one table that the
//! Limits pane's hints, `headroom why` and the README read. A limit is named by its id, a prefix
//! ending in ':' (one row per user, process or destination) or a pattern with one '*'
//! (beancounters of any container: `ubc.*.numproc`).

/// An error as programs print it (strerror text), its errno, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub text: &'static str,
    /// The errno name, e.g. "ENOMEM"; empty for kernel log lines.
    pub errno: &'static str,
    /// Limits that can produce it, most common first.
    pub limits: &'static [&'static str],
}

const fn m(text: &'static str, errno: &'static str, limits: &'static [&'static str]) -> Message {
    Message {
        text,
        errno,
        limits,
    }
}

/// Every message we know, in the order `why` lists them.
pub const MESSAGES: &[Message] = &[
    m(
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
    m(
        "Too many open files in system",
        "ENFILE",
        &["fs.files", "ubc.*.numfile"],
    ),
    m(
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
    m(
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
    m(
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
    m(
        "Cannot assign requested address",
        "EADDRNOTAVAIL",
        &["net.ports:", "net.tcp.tw"],
    ),
    m(
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
    m("Disk quota exceeded", "EDQUOT", &["keys:"]),
    m("No locks available", "ENOLCK", &["ubc.*.numflock"]),
    m(
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
    m("neighbour table overflow", "", &["net.neigh", "net.neigh6"]),
    m(
        "nf_conntrack: table full, dropping packet",
        "",
        &["net.conntrack"],
    ),
    m(
        "Out of socket memory",
        "",
        &["net.tcp.mem", "net.tcp.orphans"],
    ),
    m("too many orphaned sockets", "", &["net.tcp.orphans"]),
    m("time wait bucket table overflow", "", &["net.tcp.tw"]),
    m(
        "possible SYN flooding",
        "",
        &["net.syn_backlog", "net.listen"],
    ),
    m(
        "packet receive errors",
        "",
        &["net.udp.rcvbuf_errors", "net.udp.in_errors", "net.softnet"],
    ),
    m(
        "Out of memory: Killed process",
        "",
        &[
            "cgroup.memory",
            "ubc.*.physpages",
            "ubc.*.swappages",
            "vm.overcommit",
        ],
    ),
];

/// Whether a limit id is one of `pattern`'s rows.
pub fn covers(pattern: &str, id: &str) -> bool {
    if let Some((head, tail)) = pattern.split_once('*') {
        id.len() >= head.len() + tail.len() && id.starts_with(head) && id.ends_with(tail)
    } else if pattern.ends_with(':') {
        id.starts_with(pattern)
    } else {
        id == pattern
    }
}

fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The messages `text` names: an errno name, the message itself, or a line that contains it
/// ("bash: fork: retry: Resource temporarily unavailable"). When both a message and a longer one
/// that contains it match ("Too many open files in system"), only the longer one is meant.
pub fn lookup(text: &str) -> Vec<&'static Message> {
    let said = fold(text);
    if said.is_empty() {
        return Vec::new();
    }
    let contained: Vec<&Message> = MESSAGES
        .iter()
        .filter(|msg| {
            let errno = msg.errno.to_lowercase();
            said.contains(&fold(msg.text))
                || (!errno.is_empty() && said.split(' ').any(|w| w == errno))
        })
        .collect();
    // A fragment ("cannot allocate") names the messages it begins, when nothing matched whole.
    let hits = if contained.is_empty() && said.len() >= 8 {
        MESSAGES
            .iter()
            .filter(|msg| fold(msg.text).starts_with(&said))
            .collect()
    } else {
        contained
    };
    hits.iter()
        .filter(|msg| {
            !hits.iter().any(|longer| {
                longer.text.len() > msg.text.len()
                    && fold(longer.text).contains(&fold(msg.text))
                    && said.contains(&fold(longer.text))
            })
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errnos(text: &str) -> Vec<&'static str> {
        lookup(text).iter().map(|m| m.errno).collect()
    }

    #[test]
    fn errno_names_and_texts() {
        assert_eq!(errnos("EAGAIN"), ["EAGAIN"]);
        assert_eq!(errnos("enospc"), ["ENOSPC"]);
        assert_eq!(
            errnos("bash: fork: retry: Resource temporarily unavailable"),
            ["EAGAIN"]
        );
        assert_eq!(errnos("open: Too many open files"), ["EMFILE"]);
        assert_eq!(
            errnos("VFS: file-max limit 100 reached; Too many open files in system"),
            ["ENFILE"]
        );
        assert_eq!(errnos("cannot allocate"), ["ENOMEM"]);
        assert_eq!(errnos("Too many open files"), ["EMFILE"]);
        assert_eq!(errnos("too many open"), ["ENFILE", "EMFILE"]);
        assert!(lookup("the printer is on fire").is_empty());
        assert!(lookup("  ").is_empty());
    }

    #[test]
    fn patterns() {
        assert!(covers("ubc.*.numproc", "ubc.101.numproc"));
        assert!(!covers("ubc.*.numproc", "ubc.101.numfile"));
        assert!(covers("proc.nofile:", "proc.nofile:42"));
        assert!(covers("net.neigh", "net.neigh"));
        assert!(!covers("net.neigh", "net.neigh6"));
    }

    #[test]
    fn every_message_is_distinct() {
        for (i, a) in MESSAGES.iter().enumerate() {
            assert!(!a.limits.is_empty(), "{}", a.text);
            for b in &MESSAGES[i + 1..] {
                assert_ne!(a.text, b.text);
            }
        }
    }
}
