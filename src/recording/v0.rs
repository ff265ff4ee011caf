//! Version 0: the recordings made before this format, one JSON snapshot a line in a single zstd
//! stream. Read as a stream (no index, so a seek reads from the start again).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::model::Snapshot;

type Lines = BufReader<zstd::Decoder<'static, BufReader<File>>>;

pub struct V0 {
    path: PathBuf,
    lines: Lines,
    /// Snapshots read so far.
    pub read: u64,
    /// Why the stream ended early, if it did.
    pub damaged: Option<String>,
}

impl V0 {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            path: path.to_path_buf(),
            lines: Self::lines(path)?,
            read: 0,
            damaged: None,
        })
    }

    fn lines(path: &Path) -> std::io::Result<Lines> {
        Ok(BufReader::new(zstd::Decoder::new(File::open(path)?)?))
    }

    /// Starts again from the first snapshot.
    pub fn rewind(&mut self) -> std::io::Result<()> {
        self.lines = Self::lines(&self.path)?;
        self.read = 0;
        Ok(())
    }

    /// The next whole snapshot; None at the end or at the first damage (kept in `damaged`).
    pub fn next_snapshot(&mut self) -> Option<Snapshot> {
        if self.damaged.is_some() {
            return None;
        }
        let mut line = String::new();
        let n = self.read + 1;
        let parsed = match self.lines.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) => serde_json::from_str::<Snapshot>(line.trim_end())
                .map_err(|e| format!("snapshot {n} is damaged: {e}")),
            Err(e) => Err(format!("stopped at snapshot {n}: {e}")),
        };
        match parsed {
            Ok(s) => {
                self.read = n;
                Some(s)
            }
            Err(e) => {
                self.damaged = Some(e);
                None
            }
        }
    }
}
