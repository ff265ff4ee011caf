//! Records: the unit of a recording after its header. Each is
//!
//! ```text
//! "HR" | kind: u8 | length: u32 LE | time_ms: u64 LE | crc32: u32 LE | payload (length bytes)
//! ```
//!
//! The CRC-32 covers kind, length, time and payload, so a flipped bit anywhere in a record is
//! caught, and a reader that lost its place finds the next record by its marker and a CRC that
//! holds.

use std::io::{self, Read, Write};

pub const MARKER: [u8; 2] = *b"HR";
pub const HEAD_LEN: usize = 19;
/// No record is larger: a full frame of a very busy host is a few MB of JSON before zstd.
pub const MAX_PAYLOAD: u32 = 64 << 20;

/// What a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole snapshot: the first of a segment, which starts a new zstd stream.
    Full = 1,
    /// The patch from the previous frame, continuing the segment's zstd stream.
    Delta = 2,
    /// Where the full frames since the previous index are (JSON, uncompressed).
    Index = 3,
    /// A line of text for whoever reads the file: paused, resumed, closed on a signal.
    Note = 4,
    /// The offset of the last index (8 bytes LE): always the last record of a closed file.
    Trailer = 5,
}

impl Kind {
    pub fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            1 => Self::Full,
            2 => Self::Delta,
            3 => Self::Index,
            4 => Self::Note,
            5 => Self::Trailer,
            _ => return None,
        })
    }

    pub fn is_frame(self) -> bool {
        matches!(self, Self::Full | Self::Delta)
    }
}

/// A record's fixed part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub kind: Kind,
    pub len: u32,
    pub time_ms: u64,
    pub crc: u32,
}

fn checksum(kind: u8, len: u32, time_ms: u64, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&[kind]);
    h.update(&len.to_le_bytes());
    h.update(&time_ms.to_le_bytes());
    h.update(payload);
    h.finalize()
}

/// One record as bytes, ready for a single write.
pub fn encode(kind: Kind, time_ms: u64, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = Vec::with_capacity(HEAD_LEN + payload.len());
    out.extend_from_slice(&MARKER);
    out.push(kind as u8);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&time_ms.to_le_bytes());
    out.extend_from_slice(&checksum(kind as u8, len, time_ms, payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Reads a record's fixed part: None at a clean end of file, an error when the bytes are not one.
pub fn read_head(r: &mut impl Read) -> io::Result<Option<Head>> {
    let mut b = [0u8; HEAD_LEN];
    let mut got = 0;
    while got < HEAD_LEN {
        match r.read(&mut b[got..])? {
            0 if got == 0 => return Ok(None),
            0 => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "cut inside a record",
                ));
            }
            n => got += n,
        }
    }
    parse_head(&b).map(Some)
}

pub fn parse_head(b: &[u8; HEAD_LEN]) -> io::Result<Head> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    if b[..2] != MARKER {
        return Err(bad("no record marker"));
    }
    let kind = Kind::from_u8(b[2]).ok_or_else(|| bad("unknown record kind"))?;
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let mut t = [0u8; 8];
    t.copy_from_slice(&b[7..15]);
    let len = u32_at(3);
    if len > MAX_PAYLOAD {
        return Err(bad("record length out of range"));
    }
    Ok(Head {
        kind,
        len,
        time_ms: u64::from_le_bytes(t),
        crc: u32_at(15),
    })
}

/// Reads and checks the payload of `head`.
pub fn read_payload(r: &mut impl Read, head: &Head) -> io::Result<Vec<u8>> {
    let mut payload = vec![0u8; head.len as usize];
    r.read_exact(&mut payload)?;
    if checksum(head.kind as u8, head.len, head.time_ms, &payload) != head.crc {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "checksum mismatch",
        ));
    }
    Ok(payload)
}

/// Writes a record; the caller writes it in one call so a kill leaves at most this one cut.
pub fn write(w: &mut impl Write, kind: Kind, time_ms: u64, payload: &[u8]) -> io::Result<u64> {
    let bytes = encode(kind, time_ms, payload);
    w.write_all(&bytes)?;
    Ok(bytes.len() as u64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_a_flipped_bit_is_caught() {
        let bytes = encode(Kind::Delta, 1234, b"payload");
        let mut r = &bytes[..];
        let head = read_head(&mut r).unwrap().unwrap();
        assert_eq!((head.kind, head.len, head.time_ms), (Kind::Delta, 7, 1234));
        assert_eq!(read_payload(&mut r, &head).unwrap(), b"payload");
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            let mut r = &bad[..];
            let ok = read_head(&mut r)
                .ok()
                .flatten()
                .and_then(|h| read_payload(&mut r, &h).ok());
            assert!(ok.is_none(), "flip at {i} went unnoticed");
        }
        assert!(read_head(&mut &bytes[..5]).is_err());
        assert!(read_head(&mut &b""[..]).unwrap().is_none());
    }
}
