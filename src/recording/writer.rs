//! Writes a recording: a full frame every `full_every`, deltas between, an index before each new
//! full frame and at the end, then a trailer pointing at the last index.
//!
//! Every record goes out in one `write` on an unbuffered file, so `kill -9` cuts at most the
//! record being written. A failed write is cut back off the file, so earlier frames stay whole.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::frame::{self, Kind};
use super::{Header, OpenError, patch, reader, reserve};
use crate::model::Snapshot;

/// How a recording is written.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rotate (or stop, with `keep` 0) before the file grows past this many bytes.
    pub max_size: Option<u64>,
    /// Rotated files kept beside the current one (`night.hr.1` is the newest); 0 caps the file.
    pub keep: u32,
    /// Overwrite a file that is not a recording of this host.
    pub force: bool,
    /// A full frame this often; deltas between.
    pub full_every: Duration,
    /// Stop writing while the filesystem has less than this share of bytes or inodes free.
    pub min_free_pct: f64,
    /// zstd level.
    pub level: i32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_size: None,
            keep: 9,
            force: false,
            full_every: Duration::from_secs(600),
            min_free_pct: 5.0,
            level: 3,
        }
    }
}

/// Why a frame could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: no space left on the device after {frames} frames; those frames are intact")]
    NoSpace { path: String, frames: u64 },
    #[error("{path}: {error} (after {frames} frames)")]
    Io {
        path: String,
        frames: u64,
        /// Not the error's source: it is in the message already.
        error: io::Error,
    },
    /// The file could not be created or opened: nothing was written.
    #[error("{path}: {why}")]
    Open { path: String, why: String },
    #[error("{0}")]
    Refused(String),
}

/// What became of a snapshot handed to [`Writer::write`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    /// Not written: the disk reserve is reached.
    Paused,
    /// Not written: the file reached `max_size` and rotation is off.
    Capped,
}

/// The zstd stream of the current segment and the frame the next delta is made against.
struct Segment {
    enc: zstd::stream::write::Encoder<'static, Vec<u8>>,
    base: Value,
    started_ms: u64,
}

pub struct Writer {
    path: PathBuf,
    file: File,
    size: u64,
    header: Header,
    opts: Options,
    seg: Option<Segment>,
    /// Full frames (time, offset) since the last index, and that index's offset.
    fulls: Vec<(u64, u64)>,
    last_index: Option<u64>,
    /// Frames written by this writer (over every rotated file).
    pub frames: u64,
    frames_in_file: u64,
    paused: bool,
    capped: bool,
}

impl Writer {
    /// Opens `path`: a new file, or an existing recording of this host to append to.
    pub fn open(path: &Path, header: Header, opts: Options) -> Result<Self, WriteError> {
        let io_err = |error: io::Error| WriteError::Open {
            path: path.display().to_string(),
            why: if error.raw_os_error() == Some(rustix::io::Errno::NOSPC.raw_os_error()) {
                reserve::why_full(path)
            } else {
                format!("cannot create it: {error}")
            },
        };
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if existing > 0 && !opts.force {
            return Self::append(path, header, opts);
        }
        let mut file = File::create(path).map_err(io_err)?;
        let size = match super::write_header(&mut file, &header) {
            Ok(size) => size,
            Err(e) => {
                // Not even a header: no file is left behind (and its inode is given back).
                drop(file);
                let _ = std::fs::remove_file(path);
                return Err(io_err(e));
            }
        };
        Ok(Self::with(path, file, size, header, opts, None))
    }

    fn with(
        path: &Path,
        file: File,
        size: u64,
        header: Header,
        opts: Options,
        last_index: Option<u64>,
    ) -> Self {
        Self {
            path: path.to_path_buf(),
            file,
            size,
            header,
            opts,
            seg: None,
            fulls: Vec::new(),
            last_index,
            frames: 0,
            frames_in_file: 0,
            paused: false,
            capped: false,
        }
    }

    /// Appends to a recording of this host; refuses anything else.
    fn append(path: &Path, header: Header, opts: Options) -> Result<Self, WriteError> {
        let shown = path.display();
        let refuse = |what: String| {
            WriteError::Refused(format!(
                "{shown} exists and {what}; give another file name, or --force to overwrite it"
            ))
        };
        let found = File::open(path)
            .map_err(OpenError::from)
            .and_then(|mut f| super::identify(&mut f));
        let old = match found {
            Ok(super::Kind::Recording { header: old, .. }) => old,
            Ok(super::Kind::Version0) => {
                return Err(refuse(
                    "is a recording in the old format (version 0)".into(),
                ));
            }
            Err(e) => return Err(refuse(e.to_string())),
        };
        if old.host != header.host {
            return Err(refuse(format!("is a recording of host {:?}", old.host)));
        }
        let tail = reader::scan_tail(path).map_err(|e| refuse(e.to_string()))?;
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| {
                // Drop a record cut by a crash; everything before it stays.
                f.set_len(tail.end)?;
                f.seek(SeekFrom::End(0))?;
                Ok(f)
            })
            .map_err(|error| WriteError::Open {
                path: shown.to_string(),
                why: format!("cannot write to it: {error}"),
            })?;
        let mut w = Self::with(path, file, tail.end, old, opts, tail.last_index);
        w.header.interval_ms = header.interval_ms;
        let text = format!(
            "appending from {} at a {} ms interval",
            header.writer, header.interval_ms
        );
        w.note(header.start_ms, &text)?;
        Ok(w)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, error: io::Error) -> WriteError {
        if error.raw_os_error() == Some(rustix::io::Errno::NOSPC.raw_os_error()) {
            WriteError::NoSpace {
                path: self.path.display().to_string(),
                frames: self.frames,
            }
        } else {
            WriteError::Io {
                path: self.path.display().to_string(),
                frames: self.frames,
                error,
            }
        }
    }

    /// Writes one record, or cuts the file back to where it was and says why not.
    fn record(&mut self, kind: Kind, time_ms: u64, payload: &[u8]) -> Result<u64, WriteError> {
        let at = self.size;
        match frame::write(&mut self.file, kind, time_ms, payload) {
            Ok(n) => {
                self.size += n;
                Ok(at)
            }
            Err(e) => {
                let _ = self.file.set_len(at);
                let _ = self.file.seek(SeekFrom::Start(at));
                Err(self.io(e))
            }
        }
    }

    /// A line for the reader of the file (and the person behind it).
    pub fn note(&mut self, time_ms: u64, text: &str) -> Result<(), WriteError> {
        self.record(Kind::Note, time_ms, text.as_bytes()).map(drop)
    }

    /// Writes the full frames since the last index.
    fn index(&mut self, time_ms: u64) -> Result<(), WriteError> {
        let body = serde_json::json!({ "prev": self.last_index, "fulls": self.fulls });
        let at = self.record(Kind::Index, time_ms, body.to_string().as_bytes())?;
        self.last_index = Some(at);
        self.fulls.clear();
        Ok(())
    }

    /// Stops writing below the reserve and starts again above it, saying so both times.
    fn check_reserve(&mut self, time_ms: u64) -> Result<bool, WriteError> {
        let Ok(free) = reserve::free(&self.file) else {
            return Ok(true);
        };
        let low = free.is_low(self.opts.min_free_pct);
        if low != self.paused {
            self.paused = low;
            let text = if low {
                format!(
                    "paused after {} frames: the filesystem has {}, under the {}% reserve",
                    self.frames,
                    free.describe(),
                    self.opts.min_free_pct
                )
            } else {
                self.seg = None;
                format!("resumed: the filesystem has {}", free.describe())
            };
            eprintln!("headroom: {}: {text}", self.path.display());
            // The note is small; if even it does not fit, the message on stderr stands.
            let _ = self.note(time_ms, &text);
        }
        Ok(!low)
    }

    /// Compresses a frame: a full one starts a new zstd stream, a delta continues it.
    fn encode(&mut self, value: &Value, time_ms: u64) -> io::Result<(Kind, Vec<u8>)> {
        let full_due = self.seg.as_ref().is_none_or(|s| {
            time_ms.saturating_sub(s.started_ms) >= self.opts.full_every.as_millis() as u64
        });
        if full_due {
            let mut enc = zstd::stream::write::Encoder::new(Vec::new(), self.opts.level)?;
            let bytes = squeeze(&mut enc, &serde_json::to_vec(value)?)?;
            self.seg = Some(Segment {
                enc,
                base: value.clone(),
                started_ms: time_ms,
            });
            return Ok((Kind::Full, bytes));
        }
        let Some(seg) = self.seg.as_mut() else {
            return Err(io::Error::other("no segment"));
        };
        let p = patch::diff(&seg.base, value).unwrap_or_else(|| Value::Object(Default::default()));
        let bytes = squeeze(&mut seg.enc, &serde_json::to_vec(&p)?)?;
        seg.base = value.clone();
        Ok((Kind::Delta, bytes))
    }

    /// Writes a snapshot, unless the reserve or the size cap says not to.
    pub fn write(&mut self, snap: &Snapshot) -> Result<Outcome, WriteError> {
        if self.capped {
            return Ok(Outcome::Capped);
        }
        if !self.check_reserve(snap.time_ms)? {
            return Ok(Outcome::Paused);
        }
        let value = serde_json::to_value(snap).map_err(|e| self.io(e.into()))?;
        let (mut kind, mut bytes) = self.encode(&value, snap.time_ms).map_err(|e| self.io(e))?;
        if self.over_size(bytes.len()) {
            if self.opts.keep == 0 {
                self.capped = true;
                let text = format!("stopped at the size cap after {} frames", self.frames);
                eprintln!("headroom: {}: {text}", self.path.display());
                let _ = self.note(snap.time_ms, &text);
                return Ok(Outcome::Capped);
            }
            self.rotate(snap.time_ms)?;
            (kind, bytes) = self.encode(&value, snap.time_ms).map_err(|e| self.io(e))?;
        }
        if kind == Kind::Full && self.frames_in_file > 0 {
            self.index(snap.time_ms)?;
        }
        let at = self.record(kind, snap.time_ms, &bytes).inspect_err(|_| {
            // The stream saw this frame; the next one must start a fresh segment.
            self.seg = None;
        })?;
        if kind == Kind::Full {
            self.fulls.push((snap.time_ms, at));
        }
        self.frames += 1;
        self.frames_in_file += 1;
        Ok(Outcome::Written)
    }

    /// True when a record of `len` bytes and the closing index would pass `max_size`.
    fn over_size(&self, len: usize) -> bool {
        const CLOSING: u64 = 4096;
        self.opts.max_size.is_some_and(|max| {
            self.frames_in_file > 0 && self.size + (len + frame::HEAD_LEN) as u64 + CLOSING > max
        })
    }

    /// Closes this file, shifts `night.hr.N` to `.N+1` (dropping the oldest), starts afresh.
    fn rotate(&mut self, time_ms: u64) -> Result<(), WriteError> {
        self.close(time_ms, "rotated: the file reached --max-size")?;
        let numbered = |n: u32| PathBuf::from(format!("{}.{n}", self.path.display()));
        for n in (1..self.opts.keep).rev() {
            let _ = std::fs::rename(numbered(n), numbered(n + 1));
        }
        std::fs::rename(&self.path, numbered(1)).map_err(|e| self.io(e))?;
        let mut file = File::create(&self.path).map_err(|e| self.io(e))?;
        let mut header = self.header.clone();
        header.start_ms = time_ms;
        self.size = super::write_header(&mut file, &header).map_err(|e| self.io(e))?;
        self.file = file;
        self.header = header;
        self.seg = None;
        self.last_index = None;
        self.frames_in_file = 0;
        Ok(())
    }

    /// The closing records: a note saying why, the last index, the trailer.
    fn close(&mut self, time_ms: u64, why: &str) -> Result<(), WriteError> {
        self.note(time_ms, why)?;
        self.index(time_ms)?;
        let trailer = self.last_index.unwrap_or(0).to_le_bytes();
        self.record(Kind::Trailer, time_ms, &trailer)?;
        self.file.sync_all().map_err(|e| self.io(e))
    }

    /// Ends the recording, saying why (e.g. "stopped by SIGTERM").
    pub fn finish(mut self, time_ms: u64, why: &str) -> Result<u64, WriteError> {
        self.close(time_ms, why)?;
        Ok(self.frames)
    }
}

/// Compresses `data` into the stream and flushes, so the record can be decoded on its own
/// given the records before it in the segment.
fn squeeze(
    enc: &mut zstd::stream::write::Encoder<'static, Vec<u8>>,
    data: &[u8],
) -> io::Result<Vec<u8>> {
    enc.write_all(data)?;
    enc.flush()?;
    Ok(std::mem::take(enc.get_mut()))
}
