//! Cutting the socket table in two, so that two netlink dumps can run at once on two cores.
//!
//! Nearly all of a dump's time is the kernel filling one record per socket (about 0.65 µs
//! each here), and a dump runs on one core. Two dumps, each with a kernel-side filter
//! (`INET_DIAG_REQ_BYTECODE`) that keeps one half, split that work; both still walk the whole
//! table, which costs about a fifth of a dump.
//!
//! The cut is a key, (local port, remote port), taken at the median of the previous dump, so
//! the halves stay even whatever the ports look like: a web server's sockets share local port
//! 443 and differ in remote port, a client's differ in local port. A socket's ports do not
//! change while it lives, so every socket falls in exactly one half.

use super::RawSocket;

/// Below this many sockets a second thread does not pay for itself: with 4,150 sockets one
/// dump took 2.9 ms and two halves 3.2 ms (benches/sockets.sh); with 20,000, 19 ms and 12 ms.
pub const SPLIT_FROM: usize = 8192;

/// inet_diag.h bytecode op codes.
const BC_S_GE: u8 = 2;
const BC_S_LE: u8 = 3;
const BC_D_GE: u8 = 4;
const BC_D_LE: u8 = 5;
/// `struct inet_diag_bc_op`: code u8, yes u8, no u16. A port comparison carries its port in
/// the `no` field of a second op.
const OP_LEN: u8 = 4;
const PORT_OP_LEN: u8 = 2 * OP_LEN;

/// Where the table is cut: the lower half holds sockets whose (local port, remote port) is at
/// most this key, the upper half the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pivot {
    pub local: u16,
    pub remote: u16,
}

impl Pivot {
    /// The median key of these sockets; None when there are too few to be worth a split, or
    /// when the median is the largest key and the upper half would be empty.
    pub fn median(sockets: &[RawSocket]) -> Option<Pivot> {
        if sockets.len() < SPLIT_FROM {
            return None;
        }
        let mut keys: Vec<u32> = sockets.iter().map(key).collect();
        let mid = keys.len() / 2;
        let (_, &mut k, _) = keys.select_nth_unstable(mid);
        (k != u32::MAX).then(|| Pivot::from_key(k))
    }

    fn from_key(k: u32) -> Pivot {
        Pivot {
            local: (k >> 16) as u16,
            remote: (k & 0xffff) as u16,
        }
    }

    /// Whether a socket belongs in the lower half.
    pub fn holds_below(self, s: &RawSocket) -> bool {
        key(s) <= self.key()
    }

    fn key(self) -> u32 {
        (u32::from(self.local) << 16) | u32::from(self.remote)
    }

    /// Bytecode keeping `local < p || (local == p && remote <= q)`.
    ///
    /// The kernel runs ops in order: a true test jumps `yes` bytes, a false one `no` bytes;
    /// landing exactly on the end keeps the socket, landing 4 bytes past it drops it. Its
    /// audit follows the `yes` jumps, so every `yes` goes to the next op or the end.
    pub fn lower_filter(self) -> Vec<u8> {
        let mut p = Program::default();
        p.port(BC_S_GE, self.local, Jump::Keep); // local < p: keep
        p.port(BC_S_LE, self.local, Jump::Drop); // local > p: drop
        p.port(BC_D_LE, self.remote, Jump::Drop); // local == p: remote <= q
        p.finish()
    }

    /// Bytecode keeping everything [`Self::lower_filter`] drops; None when that is nothing.
    pub fn upper_filter(self) -> Option<Vec<u8>> {
        let mut p = Program::default();
        match (self.local.checked_add(1), self.remote.checked_add(1)) {
            (_, Some(next)) => {
                p.port(BC_S_LE, self.local, Jump::Keep); // local > p: keep
                p.port(BC_S_GE, self.local, Jump::Drop); // local < p: drop
                p.port(BC_D_GE, next, Jump::Drop); // local == p: remote > q
            }
            (Some(next), None) => p.port(BC_S_GE, next, Jump::Drop),
            (None, None) => return None,
        }
        Some(p.finish())
    }
}

fn key(s: &RawSocket) -> u32 {
    (u32::from(s.local.port()) << 16) | u32::from(s.remote.port())
}

/// Where a failed test goes.
#[derive(Debug, Clone, Copy)]
enum Jump {
    /// To the end: the socket is kept.
    Keep,
    /// Past the end: the socket is dropped.
    Drop,
}

/// Port tests in order; a passed test goes on to the next, the last one keeps the socket.
#[derive(Debug, Default)]
struct Program {
    ops: Vec<(u8, u16, Jump)>,
}

impl Program {
    fn port(&mut self, code: u8, port: u16, on_fail: Jump) {
        self.ops.push((code, port, on_fail));
    }

    fn finish(self) -> Vec<u8> {
        let total = self.ops.len() * usize::from(PORT_OP_LEN);
        let mut b = Vec::with_capacity(total);
        for (i, (code, port, on_fail)) in self.ops.into_iter().enumerate() {
            let left = total - i * usize::from(PORT_OP_LEN);
            let no = match on_fail {
                Jump::Keep => left,
                Jump::Drop => left + usize::from(OP_LEN),
            };
            b.extend_from_slice(&[code, PORT_OP_LEN]);
            b.extend_from_slice(&u16::try_from(no).unwrap_or(u16::MAX).to_ne_bytes());
            b.extend_from_slice(&[0, 0]);
            b.extend_from_slice(&port.to_ne_bytes());
        }
        b
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::tcp::TcpState;
    use proptest::prelude::*;

    fn sock(local: u16, remote: u16) -> RawSocket {
        RawSocket {
            local: format!("127.0.0.1:{local}").parse().unwrap(),
            remote: format!("10.0.0.1:{remote}").parse().unwrap(),
            state: TcpState::Established,
            rx_queue: 0,
            tx_queue: 0,
            uid: 0,
            inode: 0,
        }
    }

    /// The kernel's `inet_diag_bc_run` for port ops, to check the programs' meaning.
    fn run(bc: &[u8], local: u16, remote: u16) -> bool {
        let mut at = 0i64;
        let len = bc.len() as i64;
        while at < len {
            let i = at as usize;
            let (code, yes) = (bc[i], i64::from(bc[i + 1]));
            let no = i64::from(u16::from_ne_bytes([bc[i + 2], bc[i + 3]]));
            let port = u16::from_ne_bytes([bc[i + 6], bc[i + 7]]);
            let pass = match code {
                BC_S_GE => local >= port,
                BC_S_LE => local <= port,
                BC_D_GE => remote >= port,
                BC_D_LE => remote <= port,
                _ => panic!("unknown op {code}"),
            };
            at += if pass { yes } else { no };
        }
        at == len
    }

    /// The kernel's `inet_diag_bc_audit` for port ops: every `yes` lands on an op or the end,
    /// every `no` on an op, the end, or 4 bytes past it.
    fn audit(bc: &[u8]) -> bool {
        let mut len = bc.len() as i64;
        let mut at = 0usize;
        while len > 0 {
            let (yes, no) = (
                i64::from(bc[at + 1]),
                i64::from(u16::from_ne_bytes([bc[at + 2], bc[at + 3]])),
            );
            let min = i64::from(PORT_OP_LEN);
            if len < min || no < min || no > len + 4 || no & 3 != 0 {
                return false;
            }
            if yes < min || yes > len + 4 || yes & 3 != 0 {
                return false;
            }
            at += yes as usize;
            len -= yes;
        }
        len == 0
    }

    #[test]
    fn median_of_a_web_server_cuts_by_remote_port() {
        let sockets: Vec<_> = (0..10_000).map(|i| sock(443, 30000 + i)).collect();
        let p = Pivot::median(&sockets).unwrap();
        assert_eq!(p.local, 443);
        let below = sockets.iter().filter(|s| p.holds_below(s)).count();
        assert_eq!(below, 5001);
    }

    #[test]
    fn too_few_sockets_are_not_split() {
        let sockets: Vec<_> = (0..100).map(|i| sock(443, i)).collect();
        assert_eq!(Pivot::median(&sockets), None);
        let same = vec![sock(u16::MAX, u16::MAX); SPLIT_FROM];
        assert_eq!(Pivot::median(&same), None, "nothing would be above");
    }

    #[test]
    fn filters_pass_the_kernel_audit() {
        for p in [(0, 0), (443, 65535), (65534, 65535), (80, 0), (65535, 7)] {
            let p = Pivot {
                local: p.0,
                remote: p.1,
            };
            assert!(audit(&p.lower_filter()), "{p:?}");
            assert!(audit(&p.upper_filter().unwrap()), "{p:?}");
        }
    }

    proptest! {
        #[test]
        fn every_socket_is_in_exactly_one_half(
            pl in any::<u16>(), pr in any::<u16>(), l in any::<u16>(), r in any::<u16>()
        ) {
            let p = Pivot { local: pl, remote: pr };
            let below = run(&p.lower_filter(), l, r);
            let above = p.upper_filter().is_some_and(|bc| run(&bc, l, r));
            prop_assert!(below != above);
            prop_assert_eq!(below, p.holds_below(&sock(l, r)));
        }
    }
}
