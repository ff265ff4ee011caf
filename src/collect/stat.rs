//! /proc/stat (proc(5), "/proc/stat"): the scalar lines procs_running, procs_blocked, ctxt,
//! processes and btime. The per-CPU time lines are skipped here.

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::ProcStat;

/// Parses /proc/stat; every kept line is optional.
pub fn parse(text: &str) -> Result<ProcStat, ParseError> {
    let mut s = ProcStat::default();
    for (i, line) in text.lines().enumerate() {
        let mut words = line.split_whitespace();
        let (Some(key), Some(value)) = (words.next(), words.next()) else {
            continue;
        };
        let slot = match key {
            "procs_running" => &mut s.procs_running,
            "procs_blocked" => &mut s.procs_blocked,
            "ctxt" => &mut s.ctxt,
            "processes" => &mut s.processes,
            "btime" => &mut s.btime,
            _ => continue,
        };
        *slot = Some(u64_field(i + 1, key, value)?);
    }
    Ok(s)
}

pub fn read(roots: &Roots) -> Reading<ProcStat> {
    read_parsed(&roots.proc_path("stat"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_scalar_lines() {
        let s = parse(
            "cpu  5991 5846 4217 590066 334 0 40 36 0 0\nintr 222750 0 0\nctxt 360049\n\
btime 1795427664\nprocesses 8067\nprocs_running 2\nprocs_blocked 1\n",
        )
        .unwrap();
        assert_eq!(s.procs_running, Some(2));
        assert_eq!(s.procs_blocked, Some(1));
        assert_eq!(s.ctxt, Some(360_049));
        assert_eq!(s.processes, Some(8067));
        assert_eq!(s.btime, Some(1_795_427_664));
    }

    #[test]
    fn absent_lines_are_none_and_garbage_fails() {
        assert_eq!(parse("cpu 1 2 3\n").unwrap(), ProcStat::default());
        assert!(parse("procs_running many\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
