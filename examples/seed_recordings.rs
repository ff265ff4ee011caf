//! Writes small recordings of every shape the reader meets, as a seed corpus for the
//! `recording` fuzz target: written by the current writer (full frames, deltas, indexes,
//! notes and a trailer; one cut short as by `kill -9`) and one of version 0 (zstd JSON lines).
//! Used by scripts/fuzz.sh.
//!
//!   cargo run --example seed_recordings -- DIR

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use headroom::collect::{Collector, Roots};
use headroom::model::Snapshot;
use headroom::recording::{Header, Options, Writer};

const START: u64 = 1_764_457_200_000;

fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus/recording".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let snaps = frames(8);
    let deltas = dir.join("writer-deltas.hr");
    write(&deltas, &snaps, Duration::from_secs(3), false)?;
    write(
        &dir.join("writer-notes.hr"),
        &snaps,
        Duration::from_secs(60),
        true,
    )?;
    // Killed while writing: no trailer, the last record cut in half.
    let mut cut = std::fs::read(&deltas)?;
    cut.truncate(cut.len() * 2 / 3);
    std::fs::write(dir.join("writer-killed.hr"), cut)?;
    write_v0(&dir.join("version0.zst"), &snaps[..3])?;
    println!("wrote 4 recordings to {}", dir.display());
    Ok(())
}

/// `n` snapshots a second apart, alternating between two small fixture trees.
fn frames(n: u64) -> Vec<Snapshot> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let trees = ["openvz-container", "openvz-container-later"];
    let snaps: Vec<Snapshot> = trees
        .iter()
        .map(|t| Collector::new(Roots::fixture(dir.join(t))).sample())
        .collect();
    (0..n)
        .filter_map(|i| {
            let mut s = snaps.get(usize::from(i % 3 == 2))?.clone();
            s.time_ms = START + i * 1000;
            Some(s)
        })
        .collect()
}

fn write(path: &Path, snaps: &[Snapshot], full_every: Duration, notes: bool) -> anyhow::Result<()> {
    let _ = std::fs::remove_file(path);
    let header = Header {
        host: snaps
            .first()
            .map(|s| s.hostname.clone())
            .unwrap_or_default(),
        start_ms: START,
        interval_ms: 1000,
        full_every_ms: full_every.as_millis() as u64,
        writer: "seed_recordings".into(),
    };
    let opts = Options {
        full_every,
        min_free_pct: 0.0,
        ..Options::default()
    };
    let mut w = Writer::open(path, header, opts)?;
    for (i, s) in snaps.iter().enumerate() {
        if notes && i == 4 {
            w.note(s.time_ms, "paused: less than 5% of the disk free")?;
            w.note(s.time_ms + 1, "resumed")?;
        }
        w.write(s)?;
    }
    w.finish(START + snaps.len() as u64 * 1000, "the seed is written")?;
    Ok(())
}

fn write_v0(path: &Path, snaps: &[Snapshot]) -> anyhow::Result<()> {
    let mut enc = zstd::stream::write::Encoder::new(std::fs::File::create(path)?, 3)?;
    for s in snaps {
        serde_json::to_writer(&mut enc, s)?;
        enc.write_all(b"\n")?;
    }
    enc.finish()?;
    Ok(())
}
