//! /proc/net/tcp and /proc/net/tcp6: one line per TCP socket (proc(5), "/proc/net/tcp").
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//!    0: 0100007F:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 40151 1 ...
//! ```
//! Addresses are the kernel's `__be32` words printed as host-order hex, ports are host order.
//! For a listening socket rx_queue is the accept queue; the backlog is not shown here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{RawSocket, socket_addr};
use crate::collect::ParseError;
use crate::model::tcp::TcpState;

/// Parses a whole /proc/net/tcp or tcp6 file.
pub fn parse(text: &str) -> Result<Vec<RawSocket>, ParseError> {
    let mut out = Vec::new();
    parse_into(text, &mut out)?;
    Ok(out)
}

/// Parses a whole file, appending its sockets to `out` (tcp and tcp6 share one vector).
/// Sockets in states headroom does not know are skipped.
pub fn parse_into(text: &str, out: &mut Vec<RawSocket>) -> Result<(), ParseError> {
    let mut lines = text.lines();
    match lines.next() {
        Some(h) if h.trim_start().starts_with("sl") => {}
        Some(_) => {
            return Err(ParseError::new(
                1,
                "header",
                "expected the \"sl local_address\" header",
            ));
        }
        None => return Err(ParseError::new(0, "header", "empty file")),
    }
    out.reserve(text.len() / 150);
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(sock) = parse_line(i + 2, line)? {
            out.push(sock);
        }
    }
    Ok(())
}

/// One socket line; None for a state headroom does not know.
pub fn parse_line(n: usize, line: &str) -> Result<Option<RawSocket>, ParseError> {
    let mut f = line.split_ascii_whitespace();
    let mut next = |item: &'static str| f.next().ok_or_else(|| ParseError::new(n, item, "missing"));
    let _sl = next("sl")?;
    let local = next("local_address")?;
    let remote = next("rem_address")?;
    let st = next("st")?;
    let queues = next("tx_queue:rx_queue")?;
    let _timer = next("tr:tm->when")?;
    let _retr = next("retrnsmt")?;
    let uid = next("uid")?;
    let _timeout = next("timeout")?;
    let inode = next("inode")?;

    let (lip, lport) = endpoint(n, "local_address", local)?;
    let (rip, rport) = endpoint(n, "rem_address", remote)?;
    let st = u8::from_str_radix(st, 16)
        .map_err(|_| ParseError::new(n, "st", format!("{st:?} is not a hex state")))?;
    let Some(state) = TcpState::from_kernel(st) else {
        return Ok(None);
    };
    let (tx, rx) = queues
        .split_once(':')
        .ok_or_else(|| ParseError::new(n, "tx_queue:rx_queue", "no colon"))?;
    Ok(Some(RawSocket {
        local: socket_addr(lip, lport),
        remote: socket_addr(rip, rport),
        state,
        tx_queue: hex_u32(n, "tx_queue", tx)?,
        rx_queue: hex_u32(n, "rx_queue", rx)?,
        uid: uid
            .parse()
            .map_err(|_| ParseError::new(n, "uid", format!("{uid:?} is not a uid")))?,
        inode: inode
            .parse()
            .map_err(|_| ParseError::new(n, "inode", format!("{inode:?} is not an inode")))?,
    }))
}

fn hex_u32(n: usize, item: &str, text: &str) -> Result<u32, ParseError> {
    u32::from_str_radix(text, 16)
        .map_err(|_| ParseError::new(n, item, format!("{text:?} is not hex")))
}

/// "0100007F:2BCB" or the 32-digit IPv6 form.
fn endpoint(n: usize, item: &str, text: &str) -> Result<(IpAddr, u16), ParseError> {
    let (addr, port) = text
        .split_once(':')
        .ok_or_else(|| ParseError::new(n, item, format!("{text:?} has no port")))?;
    let port = u16::from_str_radix(port, 16)
        .map_err(|_| ParseError::new(n, item, format!("{port:?} is not a hex port")))?;
    let bad = || ParseError::new(n, item, format!("{addr:?} is not a hex address"));
    let ip = match addr.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(addr).ok_or_else(bad)?)),
        32 => {
            let mut bytes = [0u8; 16];
            for (k, chunk) in bytes.chunks_exact_mut(4).enumerate() {
                let w = addr.get(k * 8..k * 8 + 8).and_then(word).ok_or_else(bad)?;
                chunk.copy_from_slice(&w);
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return Err(bad()),
    };
    Ok((ip, port))
}

/// One 8-digit word as the bytes it has in memory (network order).
fn word(hex: &str) -> Option<[u8; 4]> {
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok().map(u32::to_ne_bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEAD: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    #[test]
    fn reads_listener_established_and_time_wait() {
        let text = format!(
            "{HEAD}   0: 0100007F:2BCB 00000000:0000 0A 00000000:00000003 00:00000000 00000000   112        0 40151 1 0000000000000000 100 0 0 10 0\n\
             \x20  1: 0100007F:2BCB 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000   112        0 40160 1 0000000000000000 20 4 30 10 -1\n\
             \x20  2: 0100007F:D3A4 0100007F:2BCB 06 00000000:00000000 03:00001726 00000000     0        0 0 3 0000000000000000\n"
        );
        let socks = parse(&text).unwrap();
        assert_eq!(socks.len(), 3);
        assert_eq!(socks[0].state, TcpState::Listen);
        assert_eq!(socks[0].local.to_string(), "127.0.0.1:11211");
        assert_eq!(socks[0].rx_queue, 3);
        assert_eq!(socks[0].uid, 112);
        assert_eq!(socks[0].inode, 40151);
        assert_eq!(socks[1].remote.to_string(), "127.0.0.1:54178");
        assert_eq!(socks[2].state, TcpState::TimeWait);
        assert_eq!(socks[2].inode, 0);
    }

    #[test]
    fn reads_ipv6_and_unmaps_ipv4() {
        let text = format!(
            "{HEAD}   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0000000000000000 100 0 0 10 0\n\
             \x20  1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:C001 01 00000000:00000000 00:00000000 00000000     0        0 101 1 0000000000000000 20 4 30 10 -1\n"
        );
        let socks = parse(&text).unwrap();
        assert_eq!(socks[0].local.to_string(), "[::1]:8080");
        assert_eq!(socks[1].local.to_string(), "127.0.0.1:8080");
        assert_eq!(socks[1].remote.to_string(), "127.0.0.1:49153");
    }

    #[test]
    fn rejects_garbage_and_truncation() {
        assert!(parse("").is_err());
        assert!(parse("hello\n").is_err());
        let cut = format!("{HEAD}   0: 0100007F:2BCB 00000000:0000 0A\n");
        assert_eq!(parse(&cut).unwrap_err().item, "tx_queue:rx_queue");
        let bad = format!(
            "{HEAD}   0: 0100007G:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"
        );
        assert_eq!(parse(&bad).unwrap_err().line, 2);
        let unknown_state = format!(
            "{HEAD}   0: 0100007F:2BCB 00000000:0000 FF 00000000:00000000 00:00000000 00000000 0 0 1\n"
        );
        assert_eq!(parse(&unknown_state).unwrap(), vec![]);
    }

    #[test]
    fn header_only_is_empty() {
        assert_eq!(parse(HEAD).unwrap(), vec![]);
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn arbitrary_lines_after_header_never_panic(s in "[ 0-9A-Fa-fx:.\n-]{0,300}") {
            let _ = parse(&format!("{HEAD}{s}"));
        }
    }
}
