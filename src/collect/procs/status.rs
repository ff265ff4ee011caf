//! /proc/PID/status (proc(5)): name, state, parent, owner, threads and memory of a process,
//! parsed by the procfs crate.

use procfs::FromRead;

use crate::collect::ParseError;

/// The fields of a status file headroom uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub name: String,
    pub state: char,
    pub ppid: u32,
    /// The real uid; None where only the name was read.
    pub uid: Option<u32>,
    pub threads: u64,
    pub rss_bytes: Option<u64>,
    pub locked_bytes: Option<u64>,
    pub vm_bytes: Option<u64>,
}

pub fn parse(text: &str) -> Result<Status, ParseError> {
    let s = procfs::process::Status::from_read(text.as_bytes())
        .map_err(|e| ParseError::new(0, "status", e.to_string()))?;
    // procfs splits each line at every ':', so a name holding one is cut short: take it whole.
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("Name:"))
        .map_or(s.name, |n| n.trim().to_string());
    let kb = |v: Option<u64>| v.map(|k| k.saturating_mul(1024));
    Ok(Status {
        name,
        state: s.state.chars().next().unwrap_or('?'),
        ppid: u32::try_from(s.ppid).unwrap_or(0),
        uid: Some(s.ruid),
        threads: s.threads,
        rss_bytes: kb(s.vmrss),
        locked_bytes: kb(s.vmlck),
        vm_bytes: kb(s.vmsize),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub const SAMPLE: &str = include_str!("../../../tests/fixtures/procs/proc/4242/status");

    #[test]
    fn reads_a_status_file() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.name, "bash");
        assert_eq!(s.state, 'S');
        assert_eq!(s.ppid, 1);
        assert_eq!(s.uid, Some(1000));
        assert_eq!(s.threads, 1);
        assert_eq!(s.rss_bytes, Some(5_120 * 1024));
        assert_eq!(s.locked_bytes, Some(0));
        assert_eq!(s.vm_bytes, Some(8_716 * 1024));
    }

    #[test]
    fn a_name_with_a_colon_is_kept_whole() {
        let text = SAMPLE.replace("Name:\tbash", "Name:\tkworker:1");
        assert_eq!(parse(&text).unwrap().name, "kworker:1");
    }

    #[test]
    fn truncated_or_garbage_is_an_error() {
        let half = &SAMPLE[..SAMPLE.len() / 3];
        assert!(parse(half).is_err());
        assert!(parse("").is_err());
        assert!(parse("garbage").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
