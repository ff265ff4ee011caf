//! `headroom report FILE [--html OUT]`: what a person reads at 9:00 about the night. The window
//! covered, each limit that failed or passed 80% (when, how long), the events in order, the peaks
//! of dirty pages, writeback, CPU frequency, pressure and load with who was behind them.

pub mod html;
pub mod summary;
pub mod text;

use std::io::Write;
use std::path::Path;

use crate::derive::Deriver;
use crate::recording::Loss;

pub use summary::Summary;

/// The summary of a recording and what reading it lost.
pub struct Night {
    pub file: String,
    pub summary: Summary,
    pub lost: Vec<Loss>,
    pub notes: Vec<(u64, String)>,
}

/// Reads a whole recording, one frame at a time.
pub fn read(path: &Path) -> anyhow::Result<Night> {
    let mut reader = super::record::open(path)?;
    let mut deriver = Deriver::default();
    let mut summary = Summary::default();
    for frame in reader.by_ref() {
        let derived = deriver.update(&frame.snapshot);
        summary.add(&frame.snapshot, &derived);
    }
    if summary.host.is_empty()
        && let Some(h) = reader.header()
    {
        summary.host.clone_from(&h.host);
    }
    Ok(Night {
        file: path.display().to_string(),
        summary,
        lost: reader.lost(),
        notes: reader.notes(),
    })
}

pub fn run(path: &Path, html: Option<&Path>, out: &mut impl Write) -> anyhow::Result<()> {
    let night = read(path)?;
    text::write(&night, out)?;
    if let Some(html_path) = html {
        let page = html::page(&night);
        std::fs::write(html_path, page)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", html_path.display()))?;
        writeln!(out, "\nHTML report written to {}", html_path.display())?;
    }
    Ok(())
}

/// "05:28:03" (UTC).
pub fn clock(time_ms: u64) -> String {
    let s = time_ms / 1000 % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// "2025-11-30T05:28:03Z".
pub fn stamp(time_ms: u64) -> String {
    super::snapshot::rfc3339(time_ms)
}

/// "1h 2m 5s".
pub fn span(ms: u64) -> String {
    humantime::format_duration(std::time::Duration::from_secs(ms / 1000)).to_string()
}

/// A value of a series in its unit.
pub fn value(key: &str, v: f64) -> String {
    match key {
        "dirty" | "writeback" => humansize::format_size(v.max(0.0) as u64, humansize::BINARY),
        "freq" => format!("{v:.0} MHz"),
        "load" => format!("{v:.2}"),
        _ => format!("{v:.2}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_spans_read_as_people_write_them() {
        // 2025-11-30T05:28:03Z
        let t = 1_764_480_483_000;
        assert_eq!(clock(t), "05:28:03");
        assert_eq!(stamp(t), "2025-11-30T05:28:03Z");
        assert_eq!(span(3_725_000), "1h 2m 5s");
        assert_eq!(value("dirty", 1536.0 * 1024.0 * 1024.0), "1.50 GiB");
        assert_eq!(value("psi_io", 12.345), "12.35%");
    }
}
