//! `headroom scan PATH [--json] [--top N] [--bytes]`: the heaviest directories by entry count.
//!
//! JSON contract: `{root, total_entries, elapsed_ms, dirs: [{path, entries, own_entries,
//! bytes}], errors: {permission_denied, other}}`, `bytes` null without `--bytes`, dirs by
//! entries descending; `entries` of a directory is what `find DIR -xdev | wc -l` counts.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::scan::{self, Progress, ScanErrors, ScanEvent, ScanOptions, ScanResult, SortKey};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ScanArgs {
    /// Directory to scan (stays on its filesystem).
    pub path: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// How many directories to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Also sum disk usage per directory (a stat per entry, slower).
    #[arg(long)]
    pub bytes: bool,
    /// Scan network and pseudo filesystems too.
    #[arg(long)]
    pub all_fs: bool,
    /// Worker threads (default: two per core, 4 to 16).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct ScanReport {
    pub root: String,
    pub total_entries: u64,
    pub elapsed_ms: u64,
    pub dirs: Vec<DirReport>,
    pub errors: ScanErrors,
}

#[derive(Debug, Serialize)]
pub struct DirReport {
    pub path: String,
    pub entries: u64,
    pub own_entries: u64,
    pub bytes: Option<u64>,
}

impl ScanReport {
    /// The `top` heaviest directories of a result, by entries.
    pub fn new(result: &ScanResult, top: usize) -> Self {
        let dirs = result
            .tree
            .top(SortKey::Entries, top)
            .into_iter()
            .filter_map(|i| {
                let n = result.tree.get(i)?;
                Some(DirReport {
                    path: result.path(i).display().to_string(),
                    entries: n.entries,
                    own_entries: n.own_entries,
                    bytes: result.bytes.then_some(n.bytes),
                })
            })
            .collect();
        Self {
            root: result.root.display().to_string(),
            total_entries: result.total_entries(),
            elapsed_ms: u64::try_from(result.elapsed.as_millis()).unwrap_or(u64::MAX),
            dirs,
            errors: result.errors,
        }
    }
}

impl From<&ScanArgs> for ScanOptions {
    fn from(args: &ScanArgs) -> Self {
        ScanOptions {
            root: args.path.clone(),
            bytes: args.bytes,
            any_fs: args.all_fs,
            threads: args.threads,
        }
    }
}

/// Runs the scan and prints the report; on a terminal, live progress goes to stderr meanwhile.
pub fn run(args: &ScanArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let options = ScanOptions::from(args);
    let result = if std::io::stderr().is_terminal() {
        scan_showing_progress(options)?
    } else {
        scan::scan(&options, &Progress::new())?
    };
    let report = ScanReport::new(&result, args.top);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write_table(&report, &result, out)?;
    }
    Ok(())
}

fn scan_showing_progress(options: ScanOptions) -> anyhow::Result<ScanResult> {
    let (_handle, events) = scan::start(options)?;
    let mut err = std::io::stderr();
    for event in events {
        match event {
            ScanEvent::Progress(p) => {
                let _ = write!(
                    err,
                    "\r\x1b[K{} entries, {} dirs, {:.0}/s, {:.1} s",
                    p.entries,
                    p.dirs,
                    p.entries_per_sec,
                    p.elapsed.as_secs_f64()
                );
            }
            ScanEvent::Done(outcome) => {
                let _ = write!(err, "\r\x1b[K");
                return Ok(*outcome?);
            }
        }
    }
    anyhow::bail!("the scan thread ended without a result")
}

fn write_table(
    report: &ScanReport,
    result: &ScanResult,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let errors = &report.errors;
    write!(
        out,
        "{}: {} entries in {} directories, {:.2} s",
        report.root,
        report.total_entries,
        result.tree.len(),
        result.elapsed.as_secs_f64()
    )?;
    if errors.total() > 0 {
        write!(
            out,
            "; unreadable directories: {} permission denied, {} other",
            errors.permission_denied, errors.other
        )?;
    }
    if result.other_mounts > 0 {
        write!(
            out,
            "; {} other filesystems not entered",
            result.other_mounts
        )?;
    }
    writeln!(out)?;
    if result.bytes {
        writeln!(out, "{:>12} {:>10} {:>10}  PATH", "ENTRIES", "OWN", "BYTES")?;
    } else {
        writeln!(out, "{:>12} {:>10}  PATH", "ENTRIES", "OWN")?;
    }
    for d in &report.dirs {
        match d.bytes {
            Some(b) => writeln!(
                out,
                "{:>12} {:>10} {:>10}  {}",
                d.entries,
                d.own_entries,
                humansize::format_size(b, humansize::BINARY),
                d.path
            )?,
            None => writeln!(out, "{:>12} {:>10}  {}", d.entries, d.own_entries, d.path)?,
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use clap::Parser;

    use crate::cli::{Args, Command};

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("headroom").chain(args.iter().copied()))
    }

    #[test]
    fn scan_takes_a_path_and_its_options() {
        let a = parse(&["scan", "/var", "--json", "--top", "5", "--bytes"]).unwrap();
        let Some(Command::Scan(s)) = a.command else {
            panic!("not scan")
        };
        assert_eq!(s.path, std::path::PathBuf::from("/var"));
        assert!(s.json && s.bytes && !s.all_fs);
        assert_eq!(s.top, 5);
        let d = parse(&["scan", "/"]).unwrap();
        let Some(Command::Scan(s)) = d.command else {
            panic!("not scan")
        };
        assert_eq!(s.top, 20);
        assert!(!s.json && !s.bytes);
        assert!(parse(&["scan"]).is_err(), "a path is needed");
        assert!(parse(&["scan", "/", "--top", "many"]).is_err());
    }
}
