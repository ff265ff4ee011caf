//! Writes a synthetic recording of a whole day at a 1 s interval (86,400 frames) from fixture
//! snapshots, without waiting a day. Used by benches/recording.sh to measure replay.
//!
//!   cargo run --release --example synthetic_night -- OUT.hr [FRAMES]

use std::path::{Path, PathBuf};

use headroom::collect::{Collector, Roots};
use headroom::recording::{Header, Options, Writer};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "night.hr".into()));
    let frames: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(86_400);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let trees = ["openvz-container", "openvz-container-later", "graphs-busy"];
    let snaps: Vec<_> = trees
        .iter()
        .map(|t| Collector::new(Roots::fixture(dir.join(t))).sample())
        .collect();
    let start = 1_764_457_200_000u64;
    let header = Header {
        host: snaps[0].hostname.clone(),
        start_ms: start,
        interval_ms: 1000,
        full_every_ms: 600_000,
        writer: "synthetic_night".into(),
    };
    let _ = std::fs::remove_file(&out);
    let mut w = Writer::open(&out, header, Options::default())?;
    for i in 0..frames {
        // Mostly one state with another now and then, and a counter that moves every second.
        let pick = match i % 60 {
            0..=44 => 0,
            45..=54 => 1,
            _ => 2,
        };
        let mut s = snaps[pick].clone();
        s.time_ms = start + i * 1000;
        s.kernel.tasks = Ok(400 + i % 97);
        w.write(&s)?;
    }
    let n = w.finish(start + frames * 1000, "synthetic night written")?;
    let size = std::fs::metadata(&out)?.len();
    println!(
        "{n} frames, {size} bytes, {:.0} bytes/frame",
        size as f64 / n as f64
    );
    Ok(())
}
