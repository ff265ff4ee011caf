//! TCP sockets through NETLINK_SOCK_DIAG (sock_diag(7), INET_DIAG), as `ss -tan` does.
//!
//! One dump request per family (AF_INET, AF_INET6) for every state; the kernel answers with
//! `struct inet_diag_msg` records which are read at their fixed offsets:
//!
//! ```text
//! nlmsghdr (16): len u32, type u16, flags u16, seq u32, pid u32
//! inet_diag_msg (72): family u8, state u8, timer u8, retrans u8,
//!   sport be16, dport be16, src [16], dst [16], if u32, cookie [8],
//!   expires u32, rqueue u32, wqueue u32, uid u32, inode u32
//! ```
//! For a listening socket rqueue is the accept queue and wqueue the backlog.
//! Works unprivileged; it sees the sockets of the reader's network namespace.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use netlink_packet_core::{NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP};
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;
use netlink_sys::{Socket, SocketAddr};
use rustix::net::sockopt::Timeout;

use super::split::Pivot;
use super::{RawSocket, socket_addr};
use crate::collect::ParseError;
pub use crate::collect::nlmsg::Chunk;
use crate::collect::nlmsg::{NLMSG_HDRLEN, messages};
use crate::model::tcp::TcpState;

const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// The legacy inet_diag request and answer type (inet_diag.h).
const TCPDIAG_GETSOCK: u16 = 18;
const DIAG_MSG_LEN: usize = 72;
/// The request attribute carrying a filter program.
const INET_DIAG_REQ_BYTECODE: u16 = 1;
/// A receive buffer this large lets the kernel fill 32 KiB dump skbs.
const RECV_BUF: usize = 64 * 1024;
/// Longest wait for one datagram of the dump.
const RECV_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Why the netlink dump could not be had.
#[derive(Debug, thiserror::Error)]
pub enum NetlinkError {
    #[error("netlink sock_diag socket: {0}")]
    Socket(#[source] io::Error),
    #[error("netlink sock_diag: {0}")]
    Io(#[source] io::Error),
    #[error("netlink sock_diag refused the dump: {}", io::Error::from_raw_os_error(*.0))]
    Kernel(i32),
    #[error("netlink sock_diag answer: {0}")]
    Parse(ParseError),
}

/// Dumps every TCP socket, appending them to `out`: in two halves on two threads, cut at
/// `pivot`, when one is given (see [`super::split`]), else in one dump.
///
/// One legacy TCPDIAG_GETSOCK request for AF_UNSPEC walks the kernel's socket tables once for
/// both families; the per-family SOCK_DIAG_BY_FAMILY requests (what `ss` sends) walk them
/// once per family, and are the fallback when the legacy request is refused.
pub fn dump(out: &mut Vec<RawSocket>, pivot: Option<Pivot>) -> Result<(), NetlinkError> {
    let before = out.len();
    if let Some(p) = pivot
        && let Some(upper) = p.upper_filter()
    {
        match dump_halves(out, &p.lower_filter(), &upper) {
            Ok(()) => return Ok(()),
            // Anything the halves met, one plain dump will meet or report too.
            Err(_) => out.truncate(before),
        }
    }
    let socket = open()?;
    let mut buf = vec![0u8; RECV_BUF];
    match exchange(&socket, &request_both(1, None), &mut buf, out) {
        Ok(()) => return Ok(()),
        Err(NetlinkError::Kernel(_)) => out.truncate(before),
        Err(e) => return Err(e),
    }
    for (seq, family) in [(2, AF_INET), (3, AF_INET6)] {
        exchange(&socket, &request(seq, family), &mut buf, out)?;
    }
    Ok(())
}

/// Two filtered dumps at once, the lower half on a second thread.
fn dump_halves(out: &mut Vec<RawSocket>, lower: &[u8], upper: &[u8]) -> Result<(), NetlinkError> {
    let half = out.capacity() / 2;
    std::thread::scope(|s| {
        let other = std::thread::Builder::new()
            .name("headroom-tcp".into())
            .spawn_scoped(s, || {
                let mut v = Vec::with_capacity(half);
                dump_filtered(&mut v, lower).map(|()| v)
            })
            .map_err(NetlinkError::Io)?;
        let mine = dump_filtered(out, upper);
        let theirs = other
            .join()
            .map_err(|_| NetlinkError::Io(io::Error::other("dump thread panicked")))?;
        mine?;
        out.extend(theirs?);
        Ok(())
    })
}

fn dump_filtered(out: &mut Vec<RawSocket>, bytecode: &[u8]) -> Result<(), NetlinkError> {
    let socket = open()?;
    let mut buf = vec![0u8; RECV_BUF];
    exchange(&socket, &request_both(1, Some(bytecode)), &mut buf, out)
}

fn open() -> Result<Socket, NetlinkError> {
    let mut socket = Socket::new(NETLINK_SOCK_DIAG).map_err(NetlinkError::Socket)?;
    socket.bind_auto().map_err(NetlinkError::Socket)?;
    socket
        .connect(&SocketAddr::new(0, 0))
        .map_err(NetlinkError::Socket)?;
    // A dump that stops answering must not hang the collector.
    rustix::net::sockopt::set_socket_timeout(&socket, Timeout::Recv, Some(RECV_TIMEOUT))
        .map_err(|e| NetlinkError::Socket(e.into()))?;
    Ok(socket)
}

/// Sends one dump request and reads its answer to the end.
fn exchange(
    socket: &Socket,
    request: &[u8],
    buf: &mut [u8],
    out: &mut Vec<RawSocket>,
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

/// The legacy `struct inet_diag_req` dump (TCPDIAG_GETSOCK) for every family and state:
/// family u8, src_len u8, dst_len u8, ext u8, sockid [48], states u32, dbs u32; then the
/// filter, if any, as an INET_DIAG_REQ_BYTECODE attribute.
pub fn request_both(seq: u32, bytecode: Option<&[u8]>) -> Vec<u8> {
    const REQ_LEN: usize = NLMSG_HDRLEN + 60;
    let code = bytecode.unwrap_or(&[]);
    let attr = if code.is_empty() { 0 } else { 4 + code.len() };
    let len = REQ_LEN + attr;
    let mut b = vec![0u8; len];
    let put = |b: &mut [u8], at: usize, v: &[u8]| {
        if let Some(d) = b.get_mut(at..at + v.len()) {
            d.copy_from_slice(v);
        }
    };
    put(&mut b, 0, &(len as u32).to_ne_bytes());
    put(&mut b, 4, &TCPDIAG_GETSOCK.to_ne_bytes());
    put(&mut b, 6, &(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    put(&mut b, 8, &seq.to_ne_bytes());
    // family AF_UNSPEC (0), no extensions, zero socket id: all sockets
    put(
        &mut b,
        NLMSG_HDRLEN + 52,
        &StateFlags::all().bits().to_ne_bytes(),
    );
    if attr > 0 {
        put(&mut b, REQ_LEN, &(attr as u16).to_ne_bytes());
        put(&mut b, REQ_LEN + 2, &INET_DIAG_REQ_BYTECODE.to_ne_bytes());
        put(&mut b, REQ_LEN + 4, code);
    }
    b
}

/// The dump request for one family, every state, no extensions.
pub fn request(seq: u32, family: u8) -> Vec<u8> {
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.sequence_number = seq;
    let socket_id = if family == AF_INET6 {
        SocketId::new_v6()
    } else {
        SocketId::new_v4()
    };
    let mut packet = NetlinkMessage::new(
        header,
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol: IPPROTO_TCP,
            extensions: ExtensionFlags::empty(),
            states: StateFlags::all(),
            socket_id,
        })
        .into(),
    );
    packet.finalize();
    let mut buf = vec![0u8; packet.buffer_len()];
    packet.serialize(&mut buf);
    buf
}

/// Reads one received datagram of netlink messages at fixed offsets, appending the sockets.
pub fn parse_chunk(buf: &[u8], out: &mut Vec<RawSocket>) -> Result<Chunk, ParseError> {
    messages(buf, |index, kind, payload| {
        if matches!(kind, SOCK_DIAG_BY_FAMILY | TCPDIAG_GETSOCK)
            && let Some(sock) = diag_msg(index, payload)?
        {
            out.push(sock);
        }
        Ok(())
    })
}

/// One `inet_diag_msg`; None for a family or state headroom does not know.
fn diag_msg(index: usize, p: &[u8]) -> Result<Option<RawSocket>, ParseError> {
    let m: &[u8; DIAG_MSG_LEN] = p
        .get(..DIAG_MSG_LEN)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| {
            ParseError::new(
                index,
                "inet_diag_msg",
                format!("{} bytes, want 72", p.len()),
            )
        })?;
    let [family, state, ..] = *m;
    let Some(state) = TcpState::from_kernel(state) else {
        return Ok(None);
    };
    let sport = u16::from_be_bytes([m[4], m[5]]);
    let dport = u16::from_be_bytes([m[6], m[7]]);
    let (src, dst) = match family {
        AF_INET => (
            IpAddr::V4(Ipv4Addr::new(m[8], m[9], m[10], m[11])),
            IpAddr::V4(Ipv4Addr::new(m[24], m[25], m[26], m[27])),
        ),
        AF_INET6 => (
            IpAddr::V6(Ipv6Addr::from(bytes16(m, 8))),
            IpAddr::V6(Ipv6Addr::from(bytes16(m, 24))),
        ),
        _ => return Ok(None),
    };
    let word = |at: usize| u32::from_ne_bytes([m[at], m[at + 1], m[at + 2], m[at + 3]]);
    Ok(Some(RawSocket {
        local: socket_addr(src, sport),
        remote: socket_addr(dst, dport),
        state,
        rx_queue: word(56),
        tx_queue: word(60),
        uid: word(64),
        inode: u64::from(word(68)),
    }))
}

fn bytes16(m: &[u8; DIAG_MSG_LEN], at: usize) -> [u8; 16] {
    let mut b = [0u8; 16];
    if let Some(src) = m.get(at..at + 16) {
        b.copy_from_slice(src);
    }
    b
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::collect::nlmsg::{NLMSG_DONE, NLMSG_ERROR, u16_ne, u32_ne};
    use netlink_packet_core::{NLM_F_MULTIPART, NetlinkPayload};
    use netlink_packet_sock_diag::inet::{InetResponse, InetResponseHeader};
    use proptest::prelude::*;

    /// A datagram of SOCK_DIAG_BY_FAMILY answers emitted by the crate's own types.
    fn emit(responses: &[InetResponseHeader], done: bool) -> Vec<u8> {
        let mut buf = Vec::new();
        for header in responses {
            let mut nl = NetlinkHeader::default();
            nl.flags = NLM_F_MULTIPART;
            let mut msg = NetlinkMessage::new(
                nl,
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(Box::new(
                    InetResponse {
                        header: header.clone(),
                        nlas: Default::default(),
                    },
                ))),
            );
            msg.finalize();
            let mut one = vec![0u8; msg.buffer_len()];
            msg.serialize(&mut one);
            buf.extend_from_slice(&one);
        }
        if done {
            let mut one = vec![0u8; 20];
            one[..4].copy_from_slice(&20u32.to_ne_bytes());
            one[4..6].copy_from_slice(&NLMSG_DONE.to_ne_bytes());
            buf.extend_from_slice(&one);
        }
        buf
    }

    fn header(
        family: u8,
        state: u8,
        src: IpAddr,
        sport: u16,
        dst: IpAddr,
        dport: u16,
    ) -> InetResponseHeader {
        InetResponseHeader {
            family,
            state,
            timer: None,
            socket_id: SocketId {
                source_port: sport,
                destination_port: dport,
                source_address: src,
                destination_address: dst,
                interface_id: 0,
                cookie: [0; 8],
            },
            recv_queue: 5,
            send_queue: 128,
            uid: 1000,
            inode: 4242,
        }
    }

    #[test]
    fn fixed_offsets_agree_with_the_crate() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let v6: IpAddr = "2001:db8::7".parse().unwrap();
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        let buf = emit(
            &[
                header(AF_INET, 10, lo, 11211, "0.0.0.0".parse().unwrap(), 0),
                header(AF_INET6, 1, v6, 443, v6, 50000),
                header(AF_INET6, 6, mapped, 80, mapped, 40000),
                header(AF_INET, 99, lo, 1, lo, 2),
            ],
            true,
        );
        let mut out = Vec::new();
        assert_eq!(parse_chunk(&buf, &mut out), Ok(Chunk::Done));
        assert_eq!(out.len(), 3, "the unknown state is skipped");
        assert_eq!(out[0].state, TcpState::Listen);
        assert_eq!(out[0].local.to_string(), "127.0.0.1:11211");
        assert_eq!((out[0].rx_queue, out[0].tx_queue), (5, 128));
        assert_eq!((out[0].uid, out[0].inode), (1000, 4242));
        assert_eq!(out[1].remote.to_string(), "[2001:db8::7]:50000");
        assert_eq!(out[2].state, TcpState::TimeWait);
        assert_eq!(out[2].local.to_string(), "10.1.2.3:80");
    }

    #[test]
    fn errors_and_truncation() {
        let mut out = Vec::new();
        let mut err = vec![0u8; 36];
        err[..4].copy_from_slice(&36u32.to_ne_bytes());
        err[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        err[16..20].copy_from_slice(&(-2i32).to_ne_bytes());
        assert_eq!(parse_chunk(&err, &mut out), Ok(Chunk::Error(2)));
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let buf = emit(&[header(AF_INET, 1, lo, 1, lo, 2)], false);
        assert_eq!(parse_chunk(&buf, &mut out), Ok(Chunk::More));
        assert!(parse_chunk(&buf[..buf.len() - 1], &mut out).is_err());
        assert!(parse_chunk(&buf[..10], &mut out).is_err());
        assert_eq!(parse_chunk(&[], &mut out), Ok(Chunk::More));
    }

    #[test]
    fn request_is_a_dump_of_every_state() {
        let req = request(7, AF_INET6);
        // nlmsghdr + inet_diag_req_v2 (56 bytes)
        assert_eq!(req.len(), 72);
        assert_eq!(u32_ne(&req, 0), Some(72));
        assert_eq!(u16_ne(&req, 4), Some(SOCK_DIAG_BY_FAMILY));
        assert_eq!(u16_ne(&req, 6), Some(NLM_F_REQUEST | NLM_F_DUMP));
        assert_eq!(u32_ne(&req, 8), Some(7));
        assert_eq!((req[16], req[17]), (AF_INET6, IPPROTO_TCP));
        assert_eq!(u32_ne(&req, 20), Some(StateFlags::all().bits()));
    }

    #[test]
    fn live_dump_sees_our_listener() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut out = Vec::new();
        dump(&mut out, None).unwrap();
        assert!(
            out.iter()
                .any(|s| s.local == addr && s.state == TcpState::Listen),
            "{addr} not in the dump of {} sockets",
            out.len()
        );
    }

    #[test]
    fn one_legacy_request_sees_both_families() {
        let v4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let v6 = std::net::TcpListener::bind("[::1]:0").unwrap();
        let mut socket = Socket::new(NETLINK_SOCK_DIAG).unwrap();
        socket.bind_auto().unwrap();
        socket.connect(&SocketAddr::new(0, 0)).unwrap();
        let mut buf = vec![0u8; RECV_BUF];
        let mut out = Vec::new();
        exchange(&socket, &request_both(9, None), &mut buf, &mut out).unwrap();
        for l in [&v4, &v6] {
            let addr = l.local_addr().unwrap();
            assert!(
                out.iter()
                    .any(|s| s.local == addr && s.state == TcpState::Listen),
                "{addr}"
            );
        }
    }

    #[test]
    fn halves_split_the_live_table_exactly() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let clients: Vec<_> = (0..40)
            .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        let servers: Vec<_> = (0..40).map(|_| listener.accept().unwrap().0).collect();
        let ours = |v: &[RawSocket]| {
            let mut v: Vec<_> = v
                .iter()
                .filter(|s| s.local.port() == port || s.remote.port() == port)
                .map(|s| (s.local, s.remote, s.state))
                .collect();
            v.sort();
            v
        };
        let mut whole = Vec::new();
        dump(&mut whole, None).unwrap();
        let whole = ours(&whole);
        assert_eq!(whole.len(), 81, "listener, 40 clients, 40 accepted");
        // Cut among the accepted sockets: local port `port`, remote ports of the clients.
        let mut remotes: Vec<u16> = clients
            .iter()
            .map(|c| c.local_addr().unwrap().port())
            .collect();
        remotes.sort_unstable();
        let pivot = Pivot {
            local: port,
            remote: remotes[20],
        };
        let (mut lower, mut upper) = (Vec::new(), Vec::new());
        dump_filtered(&mut lower, &pivot.lower_filter()).unwrap();
        dump_filtered(&mut upper, &pivot.upper_filter().unwrap()).unwrap();
        let (lower, upper) = (ours(&lower), ours(&upper));
        assert!(lower.iter().all(|s| !upper.contains(s)));
        assert!(
            lower
                .iter()
                .any(|(l, r, _)| l.port() == port && r.port() == remotes[0])
        );
        assert!(
            upper
                .iter()
                .any(|(l, r, _)| l.port() == port && r.port() == remotes[39])
        );
        let mut both = Vec::new();
        dump(&mut both, Some(pivot)).unwrap();
        assert_eq!(ours(&both), whole);
        drop((clients, servers));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut out = Vec::new();
            let _ = parse_chunk(&b, &mut out);
        }
    }
}
