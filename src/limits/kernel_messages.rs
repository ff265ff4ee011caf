//! Kernel log lines about limits, and the limit each concerns. (`messages` maps the errors programs
//! see to the limits behind them.)
//! Kernel log messages that mean a limit was hit, and the limits they concern: the one table
//! the collector filters /dev/kmsg with and the events are matched by.

/// A kernel message about a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Every one of these appears in the text.
    pub words: &'static [&'static str],
    /// The ids of the limits it concerns (rows of the Limits pane).
    pub limits: &'static [&'static str],
    /// Something failed (a packet dropped, a process killed), not just a warning.
    pub critical: bool,
}

const fn m(
    words: &'static [&'static str],
    limits: &'static [&'static str],
    critical: bool,
) -> Message {
    Message {
        words,
        limits,
        critical,
    }
}

pub const MESSAGES: &[Message] = &[
    m(
        &["Out of socket memory"],
        &["net.tcp.orphans", "net.tcp.mem"],
        true,
    ),
    m(
        &["too many orphaned sockets"],
        &["net.tcp.orphans", "net.tcp.mem"],
        true,
    ),
    m(
        &["TCP: out of memory -- consider tuning tcp_mem"],
        &["net.tcp.mem"],
        true,
    ),
    m(&["time wait bucket table overflow"], &["net.tcp.tw"], false),
    m(&["VFS: file-max limit", "reached"], &["fs.files"], true),
    m(
        &["nf_conntrack: table full, dropping packet"],
        &["net.conntrack"],
        true,
    ),
    m(&["possible SYN flooding on port"], &["net.listen"], false),
    m(&["Out of memory: Killed process"], &["cgroup.memory"], true),
    m(&["Memory cgroup out of memory"], &["cgroup.memory"], true),
    m(
        &["fork rejected by pids controller"],
        &["cgroup.pids"],
        true,
    ),
];

/// The table entry a kernel message matches.
/// Case is ignored: kernels have written "possible" and "Possible SYN flooding".
pub fn matching(text: &str) -> Option<&'static Message> {
    let text = text.to_ascii_lowercase();
    MESSAGES.iter().find(|m| {
        m.words
            .iter()
            .all(|w| text.contains(&w.to_ascii_lowercase()))
    })
}

/// A rate-limit note, "net_ratelimit: 42 callbacks suppressed": who, and how many were dropped.
pub fn suppressed(text: &str) -> Option<(&str, u64)> {
    let (who, rest) = text.trim().rsplit_once(": ")?;
    let n = rest
        .strip_suffix(" callbacks suppressed")?
        .trim()
        .parse()
        .ok()?;
    Some((who, n))
}

/// True for the records worth keeping: a limit message or a rate-limit note.
pub fn is_about_limits(text: &str) -> bool {
    matching(text).is_some() || suppressed(text).is_some()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_message_of_the_table_names_its_limits() {
        let cases = [
            ("TCP: Out of socket memory", "net.tcp.orphans"),
            ("TCP: too many orphaned sockets", "net.tcp.orphans"),
            (
                "TCP: out of memory -- consider tuning tcp_mem",
                "net.tcp.mem",
            ),
            ("TCP: time wait bucket table overflow", "net.tcp.tw"),
            ("VFS: file-max limit 1048576 reached", "fs.files"),
            (
                "nf_conntrack: nf_conntrack: table full, dropping packet",
                "net.conntrack",
            ),
            (
                "TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.",
                "net.listen",
            ),
            (
                "TCP: request_sock_TCP: possible SYN flooding on port [::]:80. Sending cookies.",
                "net.listen",
            ),
            (
                "Out of memory: Killed process 4242 (java) total-vm:9GB",
                "cgroup.memory",
            ),
            (
                "Memory cgroup out of memory: Killed process 77 (php)",
                "cgroup.memory",
            ),
            (
                "cgroup: fork rejected by pids controller in /system.slice/x.service",
                "cgroup.pids",
            ),
            ("usb 1-1: new high-speed USB device", ""),
        ];
        for (text, limit) in cases {
            let got = matching(text).map_or("", |m| m.limits[0]);
            assert_eq!(got, limit, "{text}");
        }
        for m in MESSAGES {
            assert!(matching(&m.words.join(" 123 ")).is_some(), "{m:?}");
        }
    }

    #[test]
    fn rate_limit_notes_keep_their_count() {
        assert_eq!(
            suppressed("net_ratelimit: 42 callbacks suppressed"),
            Some(("net_ratelimit", 42))
        );
        assert_eq!(suppressed("TCP: 7 callbacks suppressed"), Some(("TCP", 7)));
        assert_eq!(suppressed("TCP: many callbacks suppressed"), None);
        assert_eq!(suppressed("callbacks suppressed"), None);
        assert!(is_about_limits("nf_conntrack: 3 callbacks suppressed"));
        assert!(!is_about_limits("eth0: link up"));
    }
}
