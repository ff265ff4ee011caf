//! A streaming reader over any version: `next`, `prev` and `seek(time)`, for replay (the feed
//! steps it a frame or a minute at a time) and for the JSON and report sinks.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::frame::{HEAD_LEN, Kind};
use super::scan::{self, Cursor};
use super::segments::V1;
use super::v0::V0;
use super::{Header, OpenError};
use crate::format::noun;
use crate::model::Snapshot;

/// A frame of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub time_ms: u64,
    /// Where its record starts (version 0: its line number).
    pub offset: u64,
    pub snapshot: Snapshot,
}

/// A run of damage: the bytes it covers and the frames lost in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub offset: u64,
    pub end: u64,
    pub frames: u64,
    pub reason: String,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "bytes {}..{}: {} {} lost: {}",
            self.offset,
            self.end,
            self.frames,
            noun(self.frames, "frame", "frames"),
            self.reason
        )
    }
}

enum Source {
    V1(Box<V1>),
    V0(Box<V0>),
}

pub struct Reader {
    path: PathBuf,
    version: u16,
    src: Source,
}

/// Where an appending writer continues: after the last intact record.
pub struct Tail {
    pub end: u64,
    pub last_index: Option<u64>,
}

/// Finds the end of the intact records of a version 1 file.
pub fn scan_tail(path: &Path) -> Result<Tail, OpenError> {
    let mut file = File::open(path)?;
    let super::Kind::Recording { data_start, .. } = super::identify(&mut file)? else {
        return Err(OpenError::Foreign("a version 0 recording".into()));
    };
    let mut cur = Cursor::new(file)?;
    let w = scan::walk(&mut cur, data_start)?;
    Ok(Tail {
        end: w.end,
        last_index: w.last_index,
    })
}

/// The full frames, from the trailer and the index chain; None when any link is missing.
fn from_index(cur: &mut Cursor, data_start: u64) -> Option<Vec<(u64, u64)>> {
    const TRAILER: u64 = HEAD_LEN as u64 + 8;
    let at = cur.len.checked_sub(TRAILER).filter(|a| *a >= data_start)?;
    let (head, payload) = cur.read_at(at).ok()?;
    if head.kind != Kind::Trailer {
        return None;
    }
    let mut next = Some(u64::from_le_bytes(payload.try_into().ok()?));
    let mut chunks = Vec::new();
    while let Some(off) = next {
        let (head, payload) = cur.read_at(off).ok()?;
        if head.kind != Kind::Index {
            return None;
        }
        #[derive(serde::Deserialize)]
        struct Index {
            prev: Option<u64>,
            fulls: Vec<(u64, u64)>,
        }
        let index: Index = serde_json::from_slice(&payload).ok()?;
        // Each index points back past itself; anything else is a loop in a damaged file.
        next = index.prev.filter(|p| *p < off);
        chunks.push(index.fulls);
    }
    Some(chunks.into_iter().rev().flatten().collect())
}

impl Reader {
    /// Opens a recording; an error says why it is not one, or that no frame is intact.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let mut file = File::open(path)?;
        let (version, src) = match super::identify(&mut file)? {
            super::Kind::Version0 => (0, Source::V0(Box::new(V0::open(path)?))),
            super::Kind::Recording {
                version,
                header,
                data_start,
            } => {
                let mut cur = Cursor::new(file)?;
                let fulls = match from_index(&mut cur, data_start) {
                    Some(f) => f,
                    None => scan::walk(&mut cur, data_start)?.fulls,
                };
                let v1 = V1::new(cur, header, data_start, fulls);
                (version, Source::V1(Box::new(v1)))
            }
        };
        let mut r = Self {
            path: path.to_path_buf(),
            version,
            src,
        };
        if r.next_frame().is_none() {
            let lost: Vec<String> = r.lost().iter().map(ToString::to_string).collect();
            let why = if lost.is_empty() {
                String::new()
            } else {
                format!(": {}", lost.join("; "))
            };
            return Err(OpenError::NoFrames(why));
        }
        r.rewind();
        Ok(r)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn version(&self) -> u16 {
        self.version
    }

    /// The header (version 0 has none: its fields are left empty).
    pub fn header(&self) -> Option<&Header> {
        match &self.src {
            Source::V1(v) => Some(&v.header),
            Source::V0(_) => None,
        }
    }

    /// Back to before the first frame.
    pub fn rewind(&mut self) {
        match &mut self.src {
            Source::V1(v) => {
                let start = v.data_start;
                v.reset(start);
            }
            Source::V0(v) => {
                let _ = v.rewind();
            }
        }
    }

    /// The next intact frame (also the `Iterator`'s `next`).
    pub fn next_frame(&mut self) -> Option<Frame> {
        match &mut self.src {
            Source::V1(v) => frame(v.step(u64::MAX)?),
            Source::V0(v) => {
                let snapshot = v.next_snapshot()?;
                Some(Frame {
                    time_ms: snapshot.time_ms,
                    offset: v.read,
                    snapshot,
                })
            }
        }
    }

    /// The frame before the one `next` last gave.
    pub fn prev(&mut self) -> Option<Frame> {
        match &mut self.src {
            Source::V1(v) => {
                let (_, off) = v.last?;
                frame_before(v, off)
            }
            Source::V0(v) => {
                let n = v.read.checked_sub(1).filter(|n| *n > 0)?;
                let _ = v.rewind();
                (1..n).for_each(|_| drop(v.next_snapshot()));
                self.next_frame()
            }
        }
    }

    /// The last frame at or before `time_ms` (the first frame when it is earlier than all).
    pub fn seek(&mut self, time_ms: u64) -> Option<Frame> {
        match &mut self.src {
            Source::V1(v) => seek_v1(v, time_ms),
            Source::V0(_) => {
                self.rewind();
                let mut best = self.next_frame()?;
                while let Some(f) = self.next_frame() {
                    if f.time_ms > time_ms {
                        // Leave the reader just after `best`.
                        let _ = self.prev();
                        break;
                    }
                    best = f;
                }
                Some(best)
            }
        }
    }

    /// The damage met so far, in file order (a full read meets all of it).
    pub fn lost(&self) -> Vec<Loss> {
        match &self.src {
            Source::V1(v) => v.losses.values().cloned().collect(),
            Source::V0(v) => v
                .damaged
                .iter()
                .map(|d| Loss {
                    offset: v.read,
                    end: v.read,
                    frames: 0,
                    reason: d.clone(),
                })
                .collect(),
        }
    }

    /// The notes met so far (paused, resumed, closed…), with their times.
    pub fn notes(&self) -> Vec<(u64, String)> {
        match &self.src {
            Source::V1(v) => v.notes.values().cloned().collect(),
            Source::V0(_) => Vec::new(),
        }
    }

    /// The time of the first full frame of each segment: where a seek is cheap.
    pub fn segment_times(&self) -> Vec<u64> {
        match &self.src {
            Source::V1(v) => v.fulls.iter().map(|(t, _)| *t).collect(),
            Source::V0(_) => Vec::new(),
        }
    }
}

impl Iterator for Reader {
    type Item = Frame;

    fn next(&mut self) -> Option<Frame> {
        self.next_frame()
    }
}

fn frame(raw: super::segments::Raw<'_>) -> Option<Frame> {
    Some(Frame {
        time_ms: raw.time_ms,
        offset: raw.offset,
        // Read in place: a copy of the whole tree per frame costs more than the reading.
        snapshot: serde::Deserialize::deserialize(raw.value).ok()?,
    })
}

/// Decodes from the segment before `off` up to the last frame before it.
fn frame_before(v: &mut V1, off: u64) -> Option<Frame> {
    let starts: Vec<u64> = v
        .fulls
        .iter()
        .map(|(_, o)| *o)
        .filter(|o| *o < off)
        .collect();
    for start in starts.into_iter().rev() {
        v.reset(start);
        let mut best = None;
        while let Some(raw) = v.step(off) {
            best = Some((raw.offset, frame(raw)));
        }
        if let Some((at, f)) = best {
            // Leave the reader just after the frame returned.
            v.reset(start);
            while v.step(at + 1).is_some() {}
            return f;
        }
    }
    None
}

fn seek_v1(v: &mut V1, time_ms: u64) -> Option<Frame> {
    let upto = v.fulls.partition_point(|(t, _)| *t <= time_ms).max(1);
    let starts: Vec<u64> = v.fulls[..upto.min(v.fulls.len())]
        .iter()
        .map(|(_, o)| *o)
        .collect();
    for start in starts.into_iter().rev() {
        v.reset(start);
        let mut best = None;
        while best.is_none() || v.peek_time().is_some_and(|t| t <= time_ms) {
            let Some(raw) = v.step(u64::MAX) else { break };
            best = frame(raw).or(best);
        }
        if best.is_some() {
            return best;
        }
    }
    None
}
