//! `headroom scan PATH [--json] [--top N] [--bytes]`: the heaviest directories by entry count.
//!
//! JSON contract: `{root, total_entries, elapsed_ms, complete, dirs: [{path, entries,
//! own_entries, bytes}], errors: {permission_denied, too_many_open_files, other, no_answer},
//! not_read: [{path, reason}], other_mounts}`, `bytes` null without `--bytes`, dirs by entries
//! descending; `entries` of a directory is what `find DIR -xdev | wc -l` counts. `complete`
//! is false when some directory could not be read (the counts are then a lower bound), and
//! the process then exits with [`INCOMPLETE_EXIT`]. `not_read` names the directories whose
//! filesystem stopped answering (`"mount did not answer"`); the walk gives up on them about a
//! second after the rest is read. `other_mounts` counts mount points of other filesystems
//! below the root, which are not entered.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::format::{grouped, noun};

use crate::scan::{self, Progress, ScanErrors, ScanEvent, ScanOptions, ScanResult, SortKey};

/// Exit status of a scan whose counts are incomplete: some directories could not be read.
pub const INCOMPLETE_EXIT: u8 = 3;

/// Whether a scan read every directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Complete,
    /// Some directories were not read; the counts are a lower bound.
    Incomplete,
}

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(
    after_help = "Exit status: 0 when every directory was read, 3 when some could not be \
                  (permission denied, too many open files, a mount that did not answer, ...; \
                  the counts are then a lower bound), 1 on error."
)]
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
    /// Every directory was read.
    pub complete: bool,
    pub dirs: Vec<DirReport>,
    pub errors: ScanErrors,
    pub not_read: Vec<NotRead>,
    pub other_mounts: u64,
}

/// A directory the walk gave up waiting for, and why.
#[derive(Debug, Serialize)]
pub struct NotRead {
    pub path: String,
    pub reason: String,
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
            complete: result.errors.is_complete(),
            dirs,
            errors: result.errors,
            not_read: result
                .no_answer
                .iter()
                .map(|n| NotRead {
                    path: n.path.display().to_string(),
                    reason: n.reason(),
                })
                .collect(),
            other_mounts: result.other_mounts,
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
pub fn run(args: &ScanArgs, out: &mut dyn Write) -> anyhow::Result<Counted> {
    let options = ScanOptions::from(args);
    let result = if std::io::stderr().is_terminal() {
        scan_showing_progress(options)?
    } else {
        scan::scan(&options, &std::sync::Arc::new(Progress::new()))?
    };
    let report = ScanReport::new(&result, args.top);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write_table(&report, &result, out)?;
    }
    Ok(if report.complete {
        Counted::Complete
    } else {
        Counted::Incomplete
    })
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
    for (why, n) in [
        ("permission denied", errors.permission_denied),
        ("too many open files", errors.too_many_open_files),
        ("other errors", errors.other),
        ("no answer", errors.no_answer),
    ] {
        if n > 0 {
            write!(out, "; {why}: {} directories not read", grouped(n))?;
        }
    }
    if result.lowest_parallelism < result.threads {
        write!(
            out,
            "; short of file descriptors: down to {} of {} directories at once",
            result.lowest_parallelism, result.threads
        )?;
    }
    if result.other_mounts > 0 {
        let what = noun(result.other_mounts, "filesystem", "filesystems");
        write!(out, "; {} other {what} not entered", result.other_mounts)?;
    }
    writeln!(out)?;
    for n in &report.not_read {
        writeln!(out, "not read: {} ({})", n.path, n.reason)?;
    }
    if !report.complete {
        writeln!(
            out,
            "incomplete: {} directories not read, the counts below are a lower bound",
            grouped(errors.total())
        )?;
    }
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

    #[test]
    fn help_names_the_exit_status_of_an_incomplete_count() {
        let help = parse(&["scan", "--help"]).unwrap_err().to_string();
        assert!(help.contains("3 when some could not be"), "{help}");
    }
}
