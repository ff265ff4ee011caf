//! Who a process runs as and how many processes its user may have: the "Uid:" (real,
//! effective, saved, fs) and "VmRSS:" lines of `/proc/PID/status` and the "Max processes" row of
//! `/proc/PID/limits` (proc(5), getrlimit(2): RLIMIT_NPROC counts the processes and threads of
//! the real uid).

use crate::collect::text::u64_field;
use crate::collect::{ParseError, Roots, SourceError, read_parsed};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcUser {
    pub ruid: u32,
    pub euid: u32,
    /// Resident memory; None for kernel threads.
    pub rss_bytes: Option<u64>,
    /// Soft RLIMIT_NPROC; None when unlimited.
    pub nproc: Option<u64>,
}

/// (real uid, effective uid, resident bytes) from a status file.
pub fn parse_status(text: &str) -> Result<(u32, u32, Option<u64>), ParseError> {
    let mut uids = None;
    let mut rss = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("Uid:") {
            let mut w = rest.split_whitespace();
            let mut id = || -> Result<u32, ParseError> {
                let v = u64_field(i + 1, "Uid", w.next().unwrap_or(""))?;
                u32::try_from(v).map_err(|_| ParseError::new(i + 1, "Uid", "out of range"))
            };
            uids = Some((id()?, id()?));
        } else if let Some(rest) = line.strip_prefix("VmRSS:") {
            let kb = rest.trim().trim_end_matches("kB");
            rss = Some(u64_field(i + 1, "VmRSS", kb)?.saturating_mul(1024));
        }
    }
    let (ruid, euid) = uids.ok_or_else(|| ParseError::new(0, "Uid", "line absent"))?;
    Ok((ruid, euid, rss))
}

/// The soft "Max processes" limit; None means unlimited.
pub fn parse_max_processes(text: &str) -> Result<Option<u64>, ParseError> {
    const ROW: &str = "Max processes";
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(ROW))
        .ok_or_else(|| ParseError::new(0, ROW, "row absent"))?;
    match line
        .get(ROW.len()..)
        .and_then(|r| r.split_whitespace().next())
    {
        Some("unlimited") => Ok(None),
        Some(v) => u64_field(n + 1, ROW, v).map(Some),
        None => Err(ParseError::new(n + 1, ROW, "truncated")),
    }
}

pub fn read(roots: &Roots, pid: u32) -> Result<ProcUser, SourceError> {
    let (ruid, euid, rss_bytes) =
        read_parsed(&roots.proc_path(&format!("{pid}/status")), parse_status)?;
    let nproc = read_parsed(
        &roots.proc_path(&format!("{pid}/limits")),
        parse_max_processes,
    )?;
    Ok(ProcUser {
        ruid,
        euid,
        rss_bytes,
        nproc,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn status_and_limits() {
        let s =
            "Name:\tcat\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\nVmRSS:\t    1024 kB\n";
        assert_eq!(parse_status(s), Ok((1000, 0, Some(1_048_576))));
        assert_eq!(parse_status("Uid:\t5\t6\t7\t8\n"), Ok((5, 6, None)));
        assert!(parse_status("Name: x\n").is_err());
        assert!(parse_status("Uid: 99999999999 0").is_err());
        let l = "Limit                     Soft Limit           Hard Limit           Units     \n\
                 Max processes             63413                63413                processes \n";
        assert_eq!(parse_max_processes(l), Ok(Some(63413)));
        assert_eq!(
            parse_max_processes("Max processes unlimited unlimited processes"),
            Ok(None)
        );
        assert!(parse_max_processes("Max processes").is_err());
        assert!(parse_max_processes("").is_err());
    }

    #[test]
    fn reads_this_process() {
        let me = read(&Roots::default(), std::process::id()).unwrap();
        assert_eq!(me.ruid, rustix::process::getuid().as_raw());
        assert!(me.rss_bytes.is_some_and(|r| r > 0));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_status(&s);
            let _ = parse_max_processes(&s);
        }
    }
}
