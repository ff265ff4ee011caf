//! Finding records in a file: reading one at an offset, finding the next intact one after damage,
//! and walking them all when a file has no trailer (it was killed, or is damaged at the end).

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use super::frame::{self, HEAD_LEN, Head, Kind};

/// A buffered file that knows where it is, so sequential reads do not seek.
pub struct Cursor {
    r: BufReader<File>,
    at: u64,
    pub len: u64,
}

impl Cursor {
    pub fn new(mut file: File) -> io::Result<Self> {
        let len = file.metadata()?.len();
        let at = file.stream_position()?;
        Ok(Self {
            r: BufReader::with_capacity(64 * 1024, file),
            at,
            len,
        })
    }

    /// Moves to `off`: within the buffer when it can (`at` is `u64::MAX` after a failed read,
    /// when the buffer's place is unknown).
    fn goto(&mut self, off: u64) -> io::Result<()> {
        if off == self.at {
            return Ok(());
        }
        let near = (self.at != u64::MAX)
            .then(|| i64::try_from(i128::from(off) - i128::from(self.at)).ok())
            .flatten();
        match near {
            Some(delta) => self.r.seek_relative(delta)?,
            None => {
                self.r.seek(SeekFrom::Start(off))?;
            }
        }
        self.at = off;
        Ok(())
    }

    /// The fixed part of the record at `off`.
    pub fn head_at(&mut self, off: u64) -> io::Result<Head> {
        self.goto(off)?;
        let head = frame::read_head(&mut self.r)
            .inspect_err(|_| self.at = u64::MAX)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "end of file"))?;
        self.at = off + HEAD_LEN as u64;
        if self.at + u64::from(head.len) > self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file ends inside this record",
            ));
        }
        Ok(head)
    }

    /// The record at `off`, checked against its CRC.
    pub fn read_at(&mut self, off: u64) -> io::Result<(Head, Vec<u8>)> {
        let head = self.head_at(off)?;
        let payload = frame::read_payload(&mut self.r, &head);
        self.at = if payload.is_ok() {
            off + HEAD_LEN as u64 + u64::from(head.len)
        } else {
            u64::MAX
        };
        Ok((head, payload?))
    }

    /// Reads `buf.len()` bytes at `off` (fewer at the end of the file).
    fn bytes_at(&mut self, off: u64, buf: &mut [u8]) -> io::Result<usize> {
        self.goto(off)?;
        let mut got = 0;
        while got < buf.len() {
            match self.r.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => {
                    self.at = u64::MAX;
                    return Err(e);
                }
            }
        }
        self.at = off + got as u64;
        Ok(got)
    }

    /// The offset of the first intact record at or after `from`.
    pub fn resync(&mut self, from: u64) -> io::Result<Option<u64>> {
        let mut chunk = vec![0u8; 64 * 1024];
        let mut base = from;
        while base < self.len {
            let n = self.bytes_at(base, &mut chunk)?;
            let candidates: Vec<u64> = chunk[..n]
                .windows(2)
                .enumerate()
                .filter(|(_, w)| *w == frame::MARKER)
                .map(|(i, _)| base + i as u64)
                .collect();
            for c in candidates {
                if self.read_at(c).is_ok() {
                    return Ok(Some(c));
                }
            }
            // Overlap by one byte so a marker split across chunks is seen.
            base += (n as u64).saturating_sub(1).max(1);
        }
        Ok(None)
    }
}

/// What a walk over every record found.
#[derive(Debug, Default)]
pub struct Walk {
    /// (time, offset) of every intact full frame.
    pub fulls: Vec<(u64, u64)>,
    /// The end of the last intact record: where an appending writer continues.
    pub end: u64,
    pub last_index: Option<u64>,
}

/// Walks every record from `start`, skipping damage.
pub fn walk(cur: &mut Cursor, start: u64) -> io::Result<Walk> {
    let mut w = Walk {
        end: start,
        ..Walk::default()
    };
    let mut pos = start;
    while pos < cur.len {
        let head = match cur.read_at(pos) {
            Ok((head, _)) => head,
            Err(_) => match cur.resync(pos + 1)? {
                Some(p) => {
                    pos = p;
                    continue;
                }
                None => break,
            },
        };
        match head.kind {
            Kind::Full => w.fulls.push((head.time_ms, pos)),
            Kind::Index => w.last_index = Some(pos),
            _ => {}
        }
        pos += HEAD_LEN as u64 + u64::from(head.len);
        w.end = pos;
    }
    Ok(w)
}
