//! Open file descriptors per process against RLIMIT_NOFILE: entries of `/proc/PID/fd` and the
//! "Max open files" row of `/proc/PID/limits` (proc(5), getrlimit(2)).

use std::fs;

use crate::collect::{ParseError, Roots, SourceError, read_text};
use crate::model::{NofileScan, ProcNofile, Reading};

/// How many processes the snapshot keeps, closest to their limit first.
pub const KEEP: usize = 20;

/// The soft and hard "Max open files" limits; None means unlimited.
pub fn parse_limits(text: &str) -> Result<(Option<u64>, Option<u64>), ParseError> {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("Max open files"))
        .ok_or_else(|| ParseError::new(0, "Max open files", "row absent"))?;
    let mut words = line["Max open files".len()..].split_whitespace();
    let value = |w: Option<&str>| match w {
        Some("unlimited") => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| ParseError::new(n + 1, "Max open files", format!("{v:?} is not a limit"))),
        None => Err(ParseError::new(n + 1, "Max open files", "truncated")),
    };
    Ok((value(words.next())?, value(words.next())?))
}

fn count_fds(roots: &Roots, pid: u32) -> Result<u64, SourceError> {
    let dir = roots.proc_path(&format!("{pid}/fd"));
    let entries = fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, &e))?;
    Ok(entries.count() as u64)
}

fn one(roots: &Roots, pid: u32) -> Result<ProcNofile, SourceError> {
    let open = count_fds(roots, pid)?;
    let limits_path = roots.proc_path(&format!("{pid}/limits"));
    let text = read_text(&limits_path)?;
    let (soft, hard) = parse_limits(&text).map_err(|e| SourceError::parse(&limits_path, e))?;
    let comm = read_text(&roots.proc_path(&format!("{pid}/comm")))
        .map(|c| c.trim_end().to_string())
        .unwrap_or_default();
    Ok(ProcNofile {
        pid,
        comm,
        open,
        soft,
        hard,
    })
}

/// Share of the soft limit in use, for ordering; unlimited sorts last.
pub fn usage_ratio(p: &ProcNofile) -> f64 {
    match p.soft {
        Some(0) => f64::INFINITY,
        Some(soft) => p.open as f64 / soft as f64,
        None => 0.0,
    }
}

pub fn pids(roots: &Roots) -> Result<Vec<u32>, SourceError> {
    let dir = &roots.proc;
    let entries = fs::read_dir(dir).map_err(|e| SourceError::io(dir, &e))?;
    Ok(entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .collect())
}

pub fn read(roots: &Roots) -> Reading<NofileScan> {
    let mut scan = NofileScan {
        top: Vec::new(),
        scanned: 0,
        unreadable: 0,
        malformed: Vec::new(),
    };
    for pid in pids(roots)? {
        match one(roots, pid) {
            Ok(p) => {
                scan.scanned += 1;
                scan.top.push(p);
            }
            Err(SourceError::Missing { .. }) => {} // exited meanwhile
            Err(SourceError::Denied { .. }) => scan.unreadable += 1,
            Err(e) => {
                if scan.malformed.len() < 3 {
                    scan.malformed.push(e.to_string());
                }
            }
        }
    }
    scan.top.sort_by(|a, b| {
        usage_ratio(b)
            .total_cmp(&usage_ratio(a))
            .then(b.open.cmp(&a.open))
    });
    scan.top.truncate(KEEP);
    Ok(scan)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \n\
Max cpu time              unlimited            unlimited            seconds   \n\
Max open files            1024                 20000                files     \n";

    #[test]
    fn open_files_row() {
        assert_eq!(parse_limits(LIMITS), Ok((Some(1024), Some(20000))));
        assert_eq!(
            parse_limits("Max open files unlimited unlimited files"),
            Ok((None, None))
        );
        assert!(parse_limits("Max open files 1024").is_err());
        assert!(parse_limits("").is_err());
    }

    #[test]
    fn live_scan_sees_this_process() {
        let scan = read(&Roots::default()).unwrap();
        assert!(scan.scanned > 1);
        let me = one(&Roots::default(), std::process::id()).unwrap();
        assert!(me.open >= 3, "stdin/out/err at least: {me:?}");
        assert!(me.soft.is_some());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_limits(&s);
        }
    }
}
