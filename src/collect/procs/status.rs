//! /proc/PID/status (proc(5)): name, state, parent, owner, threads and memory of a process.
//!
//! Scanned here for the eight lines headroom uses rather than by the procfs crate, whose parser
//! builds a map of every line first (a hundred allocations a file): the pass reads the status of
//! every process it sees for the first time and of every other one now and then, thousands of
//! files on a busy host.

use crate::collect::ParseError;

/// The fields of a status file headroom uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub name: String,
    pub state: char,
    pub ppid: u32,
    /// The real uid; None where only the name was read.
    pub uid: Option<u32>,
    /// The effective uid (what inotify counts against); None where only the name was read.
    pub euid: Option<u32>,
    pub threads: u64,
    pub rss_bytes: Option<u64>,
    pub locked_bytes: Option<u64>,
    pub vm_bytes: Option<u64>,
}

/// Fails when Name, State, PPid, Uid or Threads is absent or a number cannot be read.
pub fn parse(text: &str) -> Result<Status, ParseError> {
    let mut st = Status::default();
    let (mut name, mut state, mut ppid, mut threads) = (None, None, None, None);
    for (i, line) in text.lines().enumerate() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let n = i + 1;
        match key {
            // The name is the rest of the line: it may hold a ':' of its own.
            "Name" => name = Some(value.to_string()),
            "State" => state = value.chars().next(),
            "PPid" => ppid = Some(number(n, key, value)?),
            "Uid" => {
                let mut ids = value.split_ascii_whitespace();
                let mut id = || -> Result<u32, ParseError> {
                    let v = number(n, key, ids.next().unwrap_or_default())?;
                    u32::try_from(v).map_err(|_| ParseError::new(n, key, "out of range"))
                };
                (st.uid, st.euid) = (Some(id()?), Some(id()?));
            }
            "Threads" => threads = Some(number(n, key, value)?),
            "VmRSS" => st.rss_bytes = Some(kb(n, key, value)?),
            "VmLck" => st.locked_bytes = Some(kb(n, key, value)?),
            "VmSize" => st.vm_bytes = Some(kb(n, key, value)?),
            _ => {}
        }
    }
    let absent = |item: &str| ParseError::new(0, item, "line absent");
    st.name = name.ok_or_else(|| absent("Name"))?;
    st.state = state.ok_or_else(|| absent("State"))?;
    st.ppid = u32::try_from(ppid.ok_or_else(|| absent("PPid"))?).unwrap_or(0);
    st.threads = threads.ok_or_else(|| absent("Threads"))?;
    if st.uid.is_none() {
        return Err(absent("Uid"));
    }
    Ok(st)
}

fn number(line: usize, item: &str, value: &str) -> Result<u64, ParseError> {
    value
        .parse()
        .map_err(|_| ParseError::new(line, item, format!("{value:?} is not a number")))
}

/// "8716 kB" in bytes.
fn kb(line: usize, item: &str, value: &str) -> Result<u64, ParseError> {
    let digits = value.strip_suffix("kB").unwrap_or(value).trim_end();
    Ok(number(line, item, digits)?.saturating_mul(1024))
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
        assert_eq!((s.uid, s.euid), (Some(1000), Some(1000)));
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
    fn a_kernel_thread_has_no_memory_lines() {
        let text =
            "Name:\tkthreadd\nState:\tS (sleeping)\nPPid:\t0\nUid:\t0\t0\t0\t0\nThreads:\t1\n";
        let s = parse(text).unwrap();
        assert_eq!((s.name.as_str(), s.ppid, s.uid), ("kthreadd", 0, Some(0)));
        assert_eq!((s.rss_bytes, s.vm_bytes), (None, None));
    }

    #[test]
    fn truncated_or_garbage_is_an_error() {
        assert!(parse(&SAMPLE.replace("VmRSS:\t    5120 kB", "VmRSS:\tlots")).is_err());
        assert!(parse(&SAMPLE.replace("Uid:\t1000", "Uid:\t99999999999")).is_err());
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
