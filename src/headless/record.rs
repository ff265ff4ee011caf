//! `headroom record FILE`: raw snapshots, one JSON object per line, zstd-compressed. Rates are
//! not stored; a replay derives them again, as the live dashboard does.
//!
//! Each snapshot is flushed as it is written, so a recording cut short (the machine froze, the
//! process was killed) still replays up to its last whole snapshot.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::collect::Collector;
use crate::feed::signals::{JobControl, Signals};
use crate::feed::{Feed, Source};
use crate::model::Snapshot;

/// zstd level: cheap enough for a 1 s interval on a busy host.
const LEVEL: i32 = 3;

pub struct Recorder {
    out: zstd::Encoder<'static, BufWriter<File>>,
    pub written: u64,
}

impl Recorder {
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self {
            out: zstd::Encoder::new(BufWriter::new(file), LEVEL)?,
            written: 0,
        })
    }

    pub fn write(&mut self, snap: &Snapshot) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.out, snap)?;
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        self.written += 1;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<()> {
        self.out.finish()?.flush()?;
        Ok(())
    }
}

/// What reading a recording gave: the snapshots, and why it stopped early if it did.
#[derive(Debug, Default)]
pub struct Recording {
    pub snapshots: Vec<Snapshot>,
    /// Set when the file ended inside a snapshot or held a line that is not one.
    pub damaged: Option<String>,
}

/// Reads every whole snapshot of a recording.
pub fn read(path: &Path) -> anyhow::Result<Recording> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let decoder = zstd::Decoder::new(file)
        .with_context(|| format!("{} is not a recording", path.display()))?;
    let mut rec = Recording::default();
    for (n, line) in BufReader::new(decoder).lines().enumerate() {
        let parsed = line
            .map_err(|e| format!("stopped at snapshot {}: {e}", n + 1))
            .and_then(|l| {
                serde_json::from_str::<Snapshot>(&l)
                    .map_err(|e| format!("snapshot {} is damaged: {e}", n + 1))
            });
        match parsed {
            Ok(s) => rec.snapshots.push(s),
            Err(e) => {
                rec.damaged = Some(e);
                break;
            }
        }
    }
    if rec.snapshots.is_empty() {
        anyhow::bail!(
            "{} holds no snapshot{}",
            path.display(),
            rec.damaged
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        );
    }
    Ok(rec)
}

/// How long to record: a number of samples, a duration, or until stopped.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub samples: Option<u64>,
    pub duration: Option<Duration>,
}

/// Records from the feed until the span is over or a signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT)
/// says stop; reports progress on stderr. A duration ends the recording on time even when a
/// sample is stuck (a hung mount): the file is finished without it.
pub fn run(
    collector: Collector,
    path: &Path,
    interval: Duration,
    span: Span,
) -> anyhow::Result<u64> {
    let mut rec = Recorder::create(path)?;
    let rt = crate::feed::runtime()?;
    rt.block_on(async {
        let mut feed = Feed::start(Source::Live(Box::new(collector)), interval)?;
        let mut signals = Signals::listen(JobControl::Default)?;
        let start = Instant::now();
        // The last sample due within the duration may arrive a little after it; wait that long.
        let hard_stop = span.duration.map(|d| start + d + interval.min(GRACE));
        loop {
            let snap = tokio::select! {
                snap = feed.next() => snap,
                () = sleep_until(hard_stop) => None,
                _ = signals.recv() => None,
            };
            let Some(snap) = snap else { break };
            rec.write(&snap)?;
            let done = span.samples.is_some_and(|n| rec.written >= n)
                || span
                    .duration
                    .is_some_and(|d| start.elapsed() + interval > d);
            if done {
                break;
            }
        }
        anyhow::Ok(())
    })?;
    let n = rec.written;
    rec.finish()?;
    eprintln!("headroom: recorded {n} snapshots to {}", path.display());
    Ok(n)
}

/// How late the last sample of a duration may be.
const GRACE: Duration = Duration::from_millis(500);

/// Sleeps until `at`, or forever without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::Roots;

    #[test]
    fn round_trip_and_a_cut_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.zst");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openvz-container");
        let mut c = Collector::new(Roots::fixture(&fixture));
        let snaps: Vec<Snapshot> = (0..3).map(|_| c.sample()).collect();
        let mut rec = Recorder::create(&path).unwrap();
        for s in &snaps {
            rec.write(s).unwrap();
        }
        rec.finish().unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.snapshots, snaps);
        assert!(back.damaged.is_none());

        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 20]).unwrap();
        let cut = read(&path).unwrap();
        assert!(!cut.snapshots.is_empty() && cut.snapshots.len() <= 3);
        assert_eq!(cut.snapshots[0], snaps[0]);

        std::fs::write(&path, b"not zstd at all").unwrap();
        assert!(read(&path).is_err());
    }

    #[test]
    fn older_recordings_lacking_a_source_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.zst");
        let line = br#"{"time_ms":5,"hostname":"h","os":""}"#;
        let mut enc = zstd::Encoder::new(File::create(&path).unwrap(), 1).unwrap();
        enc.write_all(line).unwrap();
        enc.finish().unwrap();
        let rec = read(&path).unwrap();
        assert_eq!(rec.snapshots[0].time_ms, 5);
        assert!(rec.snapshots[0].beancounters.is_err());
    }
}
