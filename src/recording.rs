//! The recording format: a header, then checksummed records holding full frames, deltas, seek
//! indexes and notes. `docs/recording.md` describes it byte by byte.
//!
//! [`Writer`] appends snapshots; [`Reader`] streams them back with `seek`, `next` and `prev`,
//! holding one segment's state at a time, and lists what a damaged file lost.

pub mod frame;
pub mod patch;
pub mod reader;
pub mod reserve;
pub mod scan;
pub mod segments;
pub mod v0;
pub mod writer;

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

pub use reader::{Frame, Loss, Reader};
pub use writer::{Options, Writer};

/// The first bytes of every recording (PNG-style: a high byte and a CR LF catch text mangling).
pub const MAGIC: [u8; 8] = *b"\x89HRREC\r\n";
/// The version this build writes. Readers take every version up to it.
pub const VERSION: u16 = 1;
/// zstd's own magic: the JSON-lines recordings made before this format (version 0).
pub const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// What a recording says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub host: String,
    /// When the recording started, ms since the Unix epoch.
    pub start_ms: u64,
    /// The sampling interval it was made with.
    pub interval_ms: u64,
    /// A full frame starts a new segment this often; deltas fill the time between.
    #[serde(default)]
    pub full_every_ms: u64,
    /// The program that wrote it, e.g. "headroom 0.1.0".
    #[serde(default)]
    pub writer: String,
}

/// Writes the header: magic, version, length, JSON, CRC-32 of the JSON. Returns its length.
pub fn write_header(w: &mut impl Write, h: &Header) -> io::Result<u64> {
    let json = serde_json::to_vec(h).map_err(io::Error::other)?;
    let mut out = Vec::with_capacity(json.len() + 18);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&crc32fast::hash(&json).to_le_bytes());
    w.write_all(&out)?;
    Ok(out.len() as u64)
}

/// What kind of file this is, from its first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// This format, with its version and header, and where the records start.
    Recording {
        version: u16,
        header: Header,
        data_start: u64,
    },
    /// A zstd stream: a recording made before this format.
    Version0,
}

/// Why a file cannot be read as a recording (each message follows the file's name).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Follows the file's name, as every message here does.
    #[error("cannot be read: {0}")]
    Io(io::Error),
    #[error("is empty (0 bytes): not a recording")]
    Empty,
    #[error("is not a headroom recording (it starts with {0})")]
    Foreign(String),
    #[error(
        "is a recording of version {found}, newer than this headroom reads (up to {VERSION}); upgrade headroom to read it"
    )]
    Newer { found: u16 },
    #[error("has a damaged header: {0}")]
    BadHeader(String),
    #[error("holds no intact frame{0}")]
    NoFrames(String),
}

/// Not `#[from]`: that would make the I/O error the source too, and a chain printed with
/// `{:#}` would say it twice.
impl From<io::Error> for OpenError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Reads the first bytes of a recording and says what it is.
pub fn identify(r: &mut impl Read) -> Result<Kind, OpenError> {
    let mut start = [0u8; 14];
    let mut got = 0;
    while got < start.len() {
        match r.read(&mut start[got..])? {
            0 => break,
            n => got += n,
        }
    }
    let start = &start[..got];
    if start.is_empty() {
        return Err(OpenError::Empty);
    }
    if start.starts_with(&ZSTD_MAGIC) {
        return Ok(Kind::Version0);
    }
    if !start.starts_with(&MAGIC) {
        return Err(OpenError::Foreign(describe_start(start)));
    }
    let [_, _, _, _, _, _, _, _, v0, v1, l0, l1, l2, l3] = start else {
        return Err(OpenError::BadHeader("cut short".into()));
    };
    let version = u16::from_le_bytes([*v0, *v1]);
    if version > VERSION {
        return Err(OpenError::Newer { found: version });
    }
    let len = u32::from_le_bytes([*l0, *l1, *l2, *l3]);
    if len > 1 << 20 {
        return Err(OpenError::BadHeader(format!("a header of {len} bytes")));
    }
    let mut json = vec![0u8; len as usize + 4];
    r.read_exact(&mut json)
        .map_err(|_| OpenError::BadHeader("cut short".into()))?;
    let crc = json.split_off(len as usize);
    if crc32fast::hash(&json).to_le_bytes()[..] != crc[..] {
        return Err(OpenError::BadHeader("checksum mismatch".into()));
    }
    let header = serde_json::from_slice(&json).map_err(|e| OpenError::BadHeader(e.to_string()))?;
    Ok(Kind::Recording {
        version,
        header,
        data_start: 14 + len as u64 + 4,
    })
}

/// The first bytes of a foreign file, as text when they are text.
fn describe_start(b: &[u8]) -> String {
    let head = &b[..b.len().min(8)];
    if head.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
        format!("{:?}", String::from_utf8_lossy(head))
    } else {
        head.iter()
            .map(|c| format!("{c:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_header_reads_back_and_strangers_are_named() {
        let h = Header {
            host: "db1".into(),
            start_ms: 5,
            interval_ms: 1000,
            full_every_ms: 600_000,
            writer: "headroom test".into(),
        };
        let mut buf = Vec::new();
        let n = write_header(&mut buf, &h).unwrap();
        assert_eq!(n as usize, buf.len());
        let kind = identify(&mut &buf[..]).unwrap();
        assert_eq!(
            kind,
            Kind::Recording {
                version: VERSION,
                header: h,
                data_start: n
            }
        );
        assert!(matches!(identify(&mut &b""[..]), Err(OpenError::Empty)));
        let e = identify(&mut &b"<html><body>"[..]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "is not a headroom recording (it starts with \"<html><b\")"
        );
        let mut newer = buf.clone();
        newer[8] = 9;
        assert!(matches!(
            identify(&mut &newer[..]),
            Err(OpenError::Newer { found: 9 })
        ));
        let mut flipped = buf.clone();
        flipped[20] ^= 1;
        assert!(matches!(
            identify(&mut &flipped[..]),
            Err(OpenError::BadHeader(_))
        ));
        assert_eq!(identify(&mut &ZSTD_MAGIC[..]).unwrap(), Kind::Version0);
    }
}
