//! Neighbour tables through NETLINK_ROUTE, as `ip ntable` and `ip neigh` read them
//! (rtnetlink(7)). An RTM_GETNEIGHTBL dump gives each table's gc_thresh3 (NDTA_THRESH3), its
//! size over every network namespace (`ndtc_entries` of NDTA_CONFIG) and its refusals
//! (`ndts_table_fulls` of NDTA_STATS), in any namespace: /proc/net/stat/*_cache and
//! net.ipv*.neigh.default.* exist only in the first. An RTM_GETNEIGH dump lists the entries of
//! our own namespace, IPv6 ones too, which no file of /proc shows. Works unprivileged.
//!
//! Each answer is a `nlmsghdr` (16 bytes) and a payload: `struct ndtmsg` and attributes for a
//! table (RTM_NEWNEIGHTBL), `struct ndmsg` (family, ifindex, state, flags, type) and attributes
//! for an entry (RTM_NEWNEIGH). The payloads are decoded by netlink-packet-route.

use std::io;

use netlink_packet_core::{NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, Parseable};
use netlink_packet_route::neighbour::{NeighbourFlags, NeighbourHeader, NeighbourState};
use netlink_packet_route::neighbour_table::{NeighbourTableAttribute, NeighbourTableMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::protocols::NETLINK_ROUTE;
use netlink_sys::{Socket, SocketAddr};
use rustix::net::sockopt::Timeout;

use crate::collect::ParseError;
pub use crate::collect::nlmsg::Chunk;
use crate::collect::nlmsg::messages;

const RTM_NEWNEIGH: u16 = 28;
const RTM_NEWNEIGHTBL: u16 = 64;
/// The kernel fills dump skbs of up to 32 KiB; this takes one whole.
const RECV_BUF: usize = 64 * 1024;
/// Longest wait for one datagram of a dump.
const RECV_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// One neighbour table as the kernel keeps it: shared by every network namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub gc_thresh3: u64,
    pub entries: u64,
    pub table_fulls: u64,
}

/// One family's table, and its entries in our namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Family {
    /// None when the dump had no table for the family (IPv6 disabled).
    pub table: Option<Table>,
    /// Entries of our namespace, as `ip neigh` lists them (not the NOARP ones).
    pub here: u64,
    /// Of those, the permanent ones (`ip neigh add … nud permanent`), never garbage-collected.
    pub permanent: u64,
}

/// Both dumps, read into the IPv4 (arp_cache) and IPv6 (ndisc_cache) tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dump {
    pub v4: Family,
    pub v6: Family,
}

/// Why the dumps could not be had.
#[derive(Debug, thiserror::Error)]
pub enum NetlinkError {
    #[error("netlink route socket: {0}")]
    Socket(#[source] io::Error),
    #[error("netlink neighbour dump: {0}")]
    Io(#[source] io::Error),
    #[error("netlink neighbour dump refused: {}", io::Error::from_raw_os_error(*.0))]
    Kernel(i32),
    #[error("netlink neighbour dump answer: {0}")]
    Parse(ParseError),
}

/// Dumps the tables, then our namespace's entries.
pub fn dump() -> Result<Dump, NetlinkError> {
    let mut socket = Socket::new(NETLINK_ROUTE).map_err(NetlinkError::Socket)?;
    socket.bind_auto().map_err(NetlinkError::Socket)?;
    socket
        .connect(&SocketAddr::new(0, 0))
        .map_err(NetlinkError::Socket)?;
    // A dump that stops answering must not hang the collector.
    rustix::net::sockopt::set_socket_timeout(&socket, Timeout::Recv, Some(RECV_TIMEOUT))
        .map_err(|e| NetlinkError::Socket(e.into()))?;
    let mut buf = vec![0u8; RECV_BUF];
    let mut out = Dump::default();
    let tables = RouteNetlinkMessage::GetNeighbourTable(NeighbourTableMessage::default());
    exchange(&socket, &request(tables, 1), &mut buf, &mut out)?;
    let entries = RouteNetlinkMessage::GetNeighbour(Default::default());
    exchange(&socket, &request(entries, 2), &mut buf, &mut out)?;
    Ok(out)
}

/// A dump request of every family.
pub fn request(message: RouteNetlinkMessage, seq: u32) -> Vec<u8> {
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.sequence_number = seq;
    let mut packet = NetlinkMessage::new(header, message.into());
    packet.finalize();
    let mut buf = vec![0u8; packet.buffer_len()];
    packet.serialize(&mut buf);
    buf
}

/// Sends one dump request and reads its answer to the end.
fn exchange(
    socket: &Socket,
    request: &[u8],
    buf: &mut [u8],
    out: &mut Dump,
) -> Result<(), NetlinkError> {
    socket.send(request, 0).map_err(NetlinkError::Io)?;
    loop {
        let n = socket
            .recv(&mut &mut buf[..], 0)
            .map_err(NetlinkError::Io)?;
        let got = buf.get(..n.min(buf.len())).unwrap_or(&[]);
        match parse_chunk(got, out).map_err(NetlinkError::Parse)? {
            Chunk::More => {}
            Chunk::Done => return Ok(()),
            Chunk::Error(errno) => return Err(NetlinkError::Kernel(errno)),
        }
    }
}

/// Reads one received datagram of netlink messages into `out`.
pub fn parse_chunk(buf: &[u8], out: &mut Dump) -> Result<Chunk, ParseError> {
    messages(buf, |index, kind, payload| match kind {
        RTM_NEWNEIGHTBL => table(index, payload, out),
        RTM_NEWNEIGH => entry(index, payload, out),
        _ => Ok(()),
    })
}

/// A table's thresholds, size and refusals. The dump also sends one message per device's
/// parameters, without them: those are skipped.
fn table(index: usize, payload: &[u8], out: &mut Dump) -> Result<(), ParseError> {
    let msg = NeighbourTableMessage::parse(payload)
        .map_err(|e| ParseError::new(index, "ndtmsg", e.to_string()))?;
    let (mut name, mut thresh3, mut config, mut fulls) = (None, None, None, 0);
    for a in &msg.attributes {
        match a {
            NeighbourTableAttribute::Name(n) => name = Some(n.as_str()),
            NeighbourTableAttribute::Threshold3(t) => thresh3 = Some(u64::from(*t)),
            NeighbourTableAttribute::Config(c) => config = Some(u64::from(c.entries)),
            NeighbourTableAttribute::Stats(s) => fulls = s.table_fulls,
            _ => {}
        }
    }
    let family = match (name, msg.header.family) {
        (Some("arp_cache"), AddressFamily::Inet) => &mut out.v4,
        (Some("ndisc_cache"), AddressFamily::Inet6) => &mut out.v6,
        _ => return Ok(()),
    };
    if let (Some(gc_thresh3), Some(entries)) = (thresh3, config) {
        family.table = Some(Table {
            gc_thresh3,
            entries,
            table_fulls: fulls,
        });
    }
    Ok(())
}

/// One entry of our namespace, counted as `ip neigh` lists them: not the NOARP ones
/// (multicast, loopback) nor proxies.
fn entry(index: usize, payload: &[u8], out: &mut Dump) -> Result<(), ParseError> {
    let h = NeighbourHeader::parse(payload)
        .map_err(|e| ParseError::new(index, "ndmsg", e.to_string()))?;
    let family = match h.family {
        AddressFamily::Inet => &mut out.v4,
        AddressFamily::Inet6 => &mut out.v6,
        _ => return Ok(()),
    };
    if h.state == NeighbourState::Noarp || h.flags.contains(NeighbourFlags::Proxy) {
        return Ok(());
    }
    family.here += 1;
    if h.state == NeighbourState::Permanent {
        family.permanent += 1;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::nlmsg::{NLMSG_ERROR, NLMSG_HDRLEN, u16_ne};
    use proptest::prelude::*;

    /// A captured answer: `ip link add v0 type veth peer name v1; ip -6 neigh add fe80::N
    /// lladdr … dev v0` three times (one `nud permanent`), `ip -4 neigh add 10.9.0.1 … nud
    /// stale`, in a fresh network namespace; each dump as received, to its NLMSG_DONE.
    const TABLES: &[u8] = include_bytes!("../../../tests/fixtures/netlink/neightbl.bin");
    const ENTRIES: &[u8] = include_bytes!("../../../tests/fixtures/netlink/neigh.bin");

    #[test]
    fn a_captured_dump() {
        let mut d = Dump::default();
        assert_eq!(parse_chunk(TABLES, &mut d), Ok(Chunk::Done));
        assert_eq!(parse_chunk(ENTRIES, &mut d), Ok(Chunk::Done));
        let (v4, v6) = (d.v4.table.unwrap(), d.v6.table.unwrap());
        assert_eq!((v4.gc_thresh3, v6.gc_thresh3), (1024, 1024));
        assert!(v6.entries >= 3, "the table counts every namespace: {v6:?}");
        assert_eq!((d.v6.here, d.v6.permanent), (3, 1));
        assert_eq!((d.v4.here, d.v4.permanent), (1, 0));
    }

    #[test]
    fn errors_and_truncation() {
        let mut d = Dump::default();
        // NLMSG_ERROR with -EPERM.
        let mut err = vec![0u8; 20];
        err[..4].copy_from_slice(&20u32.to_ne_bytes());
        err[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        err[16..20].copy_from_slice(&(-1i32).to_ne_bytes());
        assert_eq!(parse_chunk(&err, &mut d), Ok(Chunk::Error(1)));
        assert!(parse_chunk(&TABLES[..TABLES.len() / 2], &mut d).is_err());
        assert!(parse_chunk(&[1, 2, 3], &mut d).is_err());
        assert_eq!(parse_chunk(&[], &mut d), Ok(Chunk::More));
    }

    #[test]
    fn requests_are_dumps_of_every_family() {
        let r = request(RouteNetlinkMessage::GetNeighbour(Default::default()), 7);
        assert_eq!(u16_ne(&r, 4), Some(30), "RTM_GETNEIGH");
        assert_eq!(u16_ne(&r, 6), Some(NLM_F_REQUEST | NLM_F_DUMP));
        assert_eq!(r.get(NLMSG_HDRLEN), Some(&0), "AF_UNSPEC");
        let t = request(
            RouteNetlinkMessage::GetNeighbourTable(NeighbourTableMessage::default()),
            8,
        );
        assert_eq!(u16_ne(&t, 4), Some(66), "RTM_GETNEIGHTBL");
    }

    #[test]
    fn live_dump_has_both_tables() {
        let d = dump().unwrap();
        let v4 = d.v4.table.unwrap();
        assert!(v4.gc_thresh3 > 0);
        let ipv6 = std::path::Path::new("/proc/sys/net/ipv6").exists();
        assert_eq!(d.v6.table.is_some(), ipv6);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_chunk(&b, &mut Dump::default());
        }

        #[test]
        fn a_captured_dump_cut_anywhere_never_panics(cut in 0..2000usize, flip in any::<u8>()) {
            let mut b = TABLES.to_vec();
            b.extend_from_slice(ENTRIES);
            b.truncate(cut);
            if let Some(x) = b.get_mut(cut / 2) {
                *x ^= flip;
            }
            let _ = parse_chunk(&b, &mut Dump::default());
        }
    }
}
