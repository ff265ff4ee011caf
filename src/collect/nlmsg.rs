//! The framing every netlink dump shares (netlink(7)): messages one after another in each
//! received datagram, each behind a 16-byte header, the dump ended by NLMSG_DONE or refused
//! by NLMSG_ERROR.

use crate::collect::ParseError;

pub const NLMSG_HDRLEN: usize = 16;
pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;

/// What one received datagram held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    /// More datagrams follow.
    More,
    /// NLMSG_DONE: the dump is complete.
    Done,
    /// NLMSG_ERROR with this errno (positive).
    Error(i32),
}

/// Hands every message of one received datagram to `each` (its 1-based index, type and
/// payload), up to the end of the dump or the kernel's error.
pub fn messages(
    buf: &[u8],
    mut each: impl FnMut(usize, u16, &[u8]) -> Result<(), ParseError>,
) -> Result<Chunk, ParseError> {
    let mut off = 0usize;
    let mut index = 0usize;
    while off < buf.len() {
        index += 1;
        let rest = buf.get(off..).unwrap_or(&[]);
        let len = u32_ne(rest, 0).ok_or_else(|| ParseError::new(index, "nlmsghdr", "truncated"))?;
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if len < NLMSG_HDRLEN || len > rest.len() {
            return Err(ParseError::new(
                index,
                "nlmsg_len",
                format!("{len} does not fit the {} bytes left", rest.len()),
            ));
        }
        let payload = rest.get(NLMSG_HDRLEN..len).unwrap_or(&[]);
        match u16_ne(rest, 4).unwrap_or(0) {
            NLMSG_DONE => return Ok(Chunk::Done),
            NLMSG_ERROR => {
                let err = u32_ne(payload, 0)
                    .ok_or_else(|| ParseError::new(index, "nlmsgerr", "truncated"))?;
                // A negative errno; 0 would be an acknowledgement.
                let errno = (err as i32).checked_neg().unwrap_or(i32::MAX);
                if errno != 0 {
                    return Ok(Chunk::Error(errno));
                }
            }
            kind => each(index, kind, payload)?,
        }
        // NLMSG_ALIGN
        off = off.saturating_add(len.saturating_add(3) & !3);
    }
    Ok(Chunk::More)
}

pub fn u32_ne(b: &[u8], at: usize) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_ne_bytes(s))
}

pub fn u16_ne(b: &[u8], at: usize) -> Option<u16> {
    let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_ne_bytes(s))
}
