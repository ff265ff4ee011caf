//! `headroom record FILE`: raw snapshots in the recording format (see `docs/recording.md`). Rates
//! are not stored; a replay derives them again, as the live dashboard does.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::collect::Collector;
use crate::feed::signals::{JobControl, Signal, Signals};
use crate::feed::{Feed, Source};
use crate::model::Snapshot;
use crate::recording::{Header, Options, Reader, Writer, writer::Outcome};

/// What reading a whole recording gave: the snapshots, and what was lost if anything.
#[derive(Debug, Default)]
pub struct Recording {
    pub snapshots: Vec<Snapshot>,
    /// What was lost ("bytes 120..480: 3 frames lost: …"), when anything was.
    pub damaged: Option<String>,
}

/// Reads every intact snapshot of a recording of any version into memory.
pub fn read(path: &Path) -> anyhow::Result<Recording> {
    let mut reader = open(path)?;
    let snapshots: Vec<Snapshot> = reader.by_ref().map(|f| f.snapshot).collect();
    let lost: Vec<String> = reader.lost().iter().map(ToString::to_string).collect();
    Ok(Recording {
        snapshots,
        damaged: (!lost.is_empty()).then(|| lost.join("; ")),
    })
}

/// Opens a recording, naming the file in any error.
pub fn open(path: &Path) -> anyhow::Result<Reader> {
    Reader::open(path).map_err(|e| anyhow::anyhow!("{} {e}", path.display()))
}

/// How long to record: a number of samples, a duration, or until stopped.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub samples: Option<u64>,
    pub duration: Option<Duration>,
}

/// The header of a new recording from its first snapshot.
pub fn header(first: &Snapshot, interval: Duration, opts: &Options) -> Header {
    Header {
        host: first.hostname.clone(),
        start_ms: first.time_ms,
        interval_ms: interval.as_millis() as u64,
        full_every_ms: opts.full_every.as_millis() as u64,
        writer: format!("headroom {}", env!("CARGO_PKG_VERSION")),
    }
}

/// Records from the feed until the span is over or a signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT)
/// says stop; the file is then closed with the reason. A duration ends the recording on time
/// even when a sample is stuck (a hung mount): the file is finished without it. A second signal
/// ends the process at once (see `feed::signals`).
pub fn run(
    collector: Collector,
    path: &Path,
    interval: Duration,
    span: Span,
    opts: Options,
) -> anyhow::Result<u64> {
    let rt = crate::feed::runtime()?;
    let mut signals = Signals::listen(JobControl::Default)?;
    let mut feed = Feed::start(Source::Live(Box::new(collector)), interval)?;
    let start = Instant::now();
    // The last sample due within the duration may arrive a little after it; wait that long.
    let hard_stop = span.duration.map(|d| start + d + interval.min(GRACE));
    let (rec, why) = rt.block_on(async {
        let mut rec: Option<Writer> = None;
        let why = loop {
            let snap = tokio::select! {
                snap = feed.next() => snap,
                () = sleep_until(hard_stop) => None,
                sig = signals.recv() => match sig {
                    Signal::Stop(name) => break format!("stopped by {name}"),
                    _ => continue,
                },
            };
            let Some(snap) = snap else {
                break "the requested span is over".to_string();
            };
            let w = match rec.as_mut() {
                Some(w) => w,
                None => rec.insert(Writer::open(
                    path,
                    header(&snap, interval, &opts),
                    opts.clone(),
                )?),
            };
            if w.write(&snap)? == Outcome::Capped {
                break "stopped at the size cap".to_string();
            }
            let done = span.samples.is_some_and(|n| w.frames >= n)
                || span
                    .duration
                    .is_some_and(|d| start.elapsed() + interval > d);
            if done {
                break "the requested span is over".to_string();
            }
        };
        anyhow::Ok((rec, why))
    })?;
    let n = match rec {
        Some(w) => w.finish(crate::collect::now_ms(), &why)?,
        None => 0,
    };
    eprintln!(
        "headroom: recorded {n} snapshots to {} ({why})",
        path.display()
    );
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

/// The recording's header fields for a report: host, start, interval.
pub fn describe(reader: &Reader) -> String {
    match reader.header() {
        Some(h) => format!(
            "a recording of {} (version {}, every {} ms)",
            h.host,
            reader.version(),
            h.interval_ms
        ),
        None => "a recording of version 0".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::io::Write;

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
