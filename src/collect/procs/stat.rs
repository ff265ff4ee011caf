//! /proc/PID/stat (proc(5)): the one line the pass reads of every process on every pass while
//! the Processes pane is shown: name, state, parent, threads, start time and resident memory.
//!
//! Parsed here rather than by the procfs crate: the pass needs five of its fifty-two fields for
//! thousands of processes every two seconds, and this parser borrows them from the line without
//! allocating.

use crate::collect::ParseError;

/// The fields of a stat line the pass uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat<'a> {
    /// The name as the kernel keeps it (15 bytes at most), between the parentheses.
    pub comm: &'a str,
    pub state: char,
    pub ppid: u32,
    pub threads: u64,
    /// Clock ticks after boot at which the process started: a pid used again differs here.
    pub start_ticks: u64,
    /// Virtual memory size in bytes; 0 for kernel threads.
    pub vsize: u64,
    /// Resident pages.
    pub rss_pages: u64,
}

impl Stat<'_> {
    /// Resident bytes; None for kernel threads (no address space), as their status file has no
    /// VmRSS line.
    pub fn rss_bytes(&self, page_size: u64) -> Option<u64> {
        (self.vsize > 0).then(|| self.rss_pages.saturating_mul(page_size))
    }
}

/// Fields after the name, counted from the state (field 3 of proc(5)).
const PPID: usize = 1;
const THREADS: usize = 17;
const START: usize = 19;
const VSIZE: usize = 20;
const RSS: usize = 21;

pub fn parse(text: &str) -> Result<Stat<'_>, ParseError> {
    // The name may hold anything, parentheses and spaces included: it ends at the last ')'.
    let open = text
        .find('(')
        .ok_or_else(|| ParseError::new(1, "comm", "no '('"))?;
    let close = text
        .rfind(')')
        .filter(|c| *c > open)
        .ok_or_else(|| ParseError::new(1, "comm", "no ')'"))?;
    let comm = text.get(open + 1..close).unwrap_or_default();
    let rest = text.get(close + 1..).unwrap_or_default();
    let mut fields = [""; RSS + 1];
    let mut words = rest.split_ascii_whitespace();
    for (i, slot) in fields.iter_mut().enumerate() {
        *slot = words
            .next()
            .ok_or_else(|| ParseError::new(1, field_name(i), "truncated line"))?;
    }
    let number = |i: usize| -> Result<u64, ParseError> {
        let word = fields.get(i).copied().unwrap_or_default();
        word.parse()
            .map_err(|_| ParseError::new(1, field_name(i), format!("{word:?} is not a number")))
    };
    let state = fields.first().and_then(|s| s.chars().next()).unwrap_or('?');
    Ok(Stat {
        comm,
        state,
        ppid: u32::try_from(number(PPID)?).unwrap_or(0),
        threads: number(THREADS)?,
        start_ticks: number(START)?,
        vsize: number(VSIZE)?,
        rss_pages: number(RSS)?,
    })
}

fn field_name(i: usize) -> &'static str {
    match i {
        0 => "state",
        PPID => "ppid",
        THREADS => "num_threads",
        START => "starttime",
        VSIZE => "vsize",
        RSS => "rss",
        _ => "field",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASH: &str = "4242 (bash) S 1 4242 4242 34816 4250 4194304 2914 18227 0 1 5 3 12 9 20 0 1 0 7325 8925184 1280 18446744073709551615 1 1 0 0 0 0 65536 3686404 1266761467 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    #[test]
    fn reads_a_stat_line() {
        let s = parse(BASH).unwrap();
        assert_eq!(s.comm, "bash");
        assert_eq!((s.state, s.ppid, s.threads), ('S', 1, 1));
        assert_eq!(s.start_ticks, 7325);
        assert_eq!(s.rss_bytes(4096), Some(1280 * 4096));
    }

    #[test]
    fn a_name_with_parentheses_and_spaces_is_kept_whole() {
        let line = BASH.replace("(bash)", "(a) b (c)");
        let s = parse(&line).unwrap();
        assert_eq!(s.comm, "a) b (c");
        assert_eq!((s.state, s.ppid), ('S', 1));
    }

    #[test]
    fn a_kernel_thread_has_no_resident_memory() {
        let line = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 2 0 0 20 0 1 0 12 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
        let s = parse(line).unwrap();
        assert_eq!((s.comm, s.ppid, s.rss_bytes(4096)), ("kthreadd", 0, None));
    }

    #[test]
    fn truncated_or_garbage_is_an_error() {
        assert!(parse(&BASH[..60]).is_err());
        assert!(parse("").is_err());
        assert!(parse("1 (x").is_err());
        assert!(parse(") 1 (x").is_err());
        assert!(parse(&BASH.replace(" 7325 ", " soon ")).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
