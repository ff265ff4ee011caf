//! Reading version 1: the full frames from the index (or a walk), and one segment's decoder and
//! latest frame at a time, so memory stays the size of one frame whatever the file's length.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value;

use super::frame::{HEAD_LEN, Kind};
use super::reader::Loss;
use super::scan::Cursor;
use super::{Header, patch};

type Decoder = zstd::stream::write::Decoder<'static, Vec<u8>>;

pub struct V1 {
    pub cur: Cursor,
    pub header: Header,
    pub data_start: u64,
    /// (time, offset) of each full frame, in file order.
    pub fulls: Vec<(u64, u64)>,
    /// The next record to read.
    pos: u64,
    dec: Option<Decoder>,
    /// The latest frame decoded: the base of the next delta.
    base: Option<Value>,
    /// (time, offset) of that frame.
    pub last: Option<(u64, u64)>,
    open_loss: Option<Loss>,
    pub losses: BTreeMap<u64, Loss>,
    pub notes: BTreeMap<u64, (u64, String)>,
}

/// A decoded frame, still as JSON.
pub struct Raw<'a> {
    pub time_ms: u64,
    pub offset: u64,
    pub value: &'a Value,
}

impl V1 {
    pub fn new(cur: Cursor, header: Header, data_start: u64, fulls: Vec<(u64, u64)>) -> Self {
        Self {
            cur,
            header,
            data_start,
            fulls,
            pos: data_start,
            dec: None,
            base: None,
            last: None,
            open_loss: None,
            losses: BTreeMap::new(),
            notes: BTreeMap::new(),
        }
    }

    /// Positions before the record at `off`, with no segment state.
    pub fn reset(&mut self, off: u64) {
        self.pos = off;
        self.dec = None;
        self.base = None;
        self.last = None;
        self.open_loss = None;
    }

    fn lose(&mut self, at: u64, end: u64, frames: u64, reason: &str) {
        let loss = self.open_loss.get_or_insert_with(|| Loss {
            offset: at,
            end,
            frames: 0,
            reason: reason.to_string(),
        });
        loss.end = loss.end.max(end);
        loss.frames += frames;
        self.dec = None;
        self.base = None;
    }

    /// Closes the current run of damage; `next_ms` is the first good frame after it.
    fn close_loss(&mut self, next_ms: Option<u64>) {
        if let Some(mut loss) = self.open_loss.take() {
            // Frames whose records were unreadable are counted from the gap in time.
            if let (Some((prev, _)), Some(next)) = (self.last, next_ms) {
                let interval = self.header.interval_ms.max(1);
                let by_time = (next.saturating_sub(prev) / interval).saturating_sub(1);
                loss.frames = loss.frames.max(by_time);
            }
            self.losses.insert(loss.offset, loss);
        }
    }

    /// Where the next record would be read: for `step`'s limit.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Time of the next frame record from `pos`, reading heads only.
    pub fn peek_time(&mut self) -> Option<u64> {
        let mut p = self.pos;
        while p < self.cur.len {
            let head = self.cur.head_at(p).ok()?;
            if head.kind.is_frame() {
                return Some(head.time_ms);
            }
            p += HEAD_LEN as u64 + u64::from(head.len);
        }
        None
    }

    /// Decodes the next intact frame before `limit`; None at `limit` or the end.
    pub fn step(&mut self, limit: u64) -> Option<Raw<'_>> {
        let limit = limit.min(self.cur.len);
        loop {
            if self.pos >= limit {
                if limit >= self.cur.len {
                    self.close_loss(None);
                }
                return None;
            }
            let at = self.pos;
            let (head, payload) = match self.cur.read_at(at) {
                Ok(r) => r,
                Err(e) => {
                    let next = self.cur.resync(at + 1).ok().flatten();
                    let end = next.unwrap_or(self.cur.len);
                    self.lose(at, end, 0, &reason(&e));
                    self.pos = end;
                    continue;
                }
            };
            self.pos = at + HEAD_LEN as u64 + u64::from(head.len);
            match head.kind {
                Kind::Note => {
                    let text = String::from_utf8_lossy(&payload).into_owned();
                    self.notes.insert(at, (head.time_ms, text));
                }
                Kind::Index | Kind::Trailer => {}
                Kind::Full | Kind::Delta => {
                    if self.decode(head.kind, &payload).is_ok() {
                        self.close_loss(Some(head.time_ms));
                        self.last = Some((head.time_ms, at));
                        let value = self.base.as_ref()?;
                        return Some(Raw {
                            time_ms: head.time_ms,
                            offset: at,
                            value,
                        });
                    }
                    let why = if head.kind == Kind::Delta && self.base.is_none() {
                        "its segment's full frame is lost".to_string()
                    } else {
                        "the frame does not decode".to_string()
                    };
                    self.lose(at, self.pos, 1, &why);
                }
            }
        }
    }

    /// Decodes a frame into `base`.
    fn decode(&mut self, kind: Kind, payload: &[u8]) -> io::Result<()> {
        if kind == Kind::Full {
            self.dec = Some(zstd::stream::write::Decoder::new(Vec::new())?);
            self.base = None;
        }
        let (Some(dec), base) = (self.dec.as_mut(), &mut self.base) else {
            return Err(io::Error::other("no segment"));
        };
        dec.write_all(payload)?;
        dec.flush()?;
        let json = std::mem::take(dec.get_mut());
        let value: Value = serde_json::from_slice(&json)?;
        match (kind, base) {
            (Kind::Full, base) => *base = Some(value),
            (_, Some(b)) => patch::apply(b, &value).map_err(io::Error::other)?,
            (_, None) => return Err(io::Error::other("no base")),
        }
        Ok(())
    }
}

fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => "the file is cut short".into(),
        _ => format!("damaged record ({e})"),
    }
}
