//! /proc/PID/limits (proc(5), getrlimit(2)): the resource limits a drill-down shows against
//! use. Read here rather than by the procfs crate, whose parser wants all sixteen rows (the
//! pass needs one, captured trees often hold one) and indexes each line from its end.

use crate::collect::ParseError;

/// Soft and hard values; None is unlimited.
pub type Pair = (Option<u64>, Option<u64>);

/// The rows that name what a process can run out of; None where the row is absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProcLimits {
    pub open_files: Option<Pair>,
    pub processes: Option<Pair>,
    pub locked_memory: Option<Pair>,
    pub address_space: Option<Pair>,
}

const ROWS: [&str; 4] = [
    "Max open files",
    "Max processes",
    "Max locked memory",
    "Max address space",
];

/// Fails when a known row cannot be read, or when none is there.
pub fn parse(text: &str) -> Result<ProcLimits, ParseError> {
    let mut found = [None; 4];
    for (n, line) in text.lines().enumerate() {
        for (slot, name) in found.iter_mut().zip(ROWS) {
            if let Some(rest) = line.strip_prefix(name) {
                *slot = Some(row(n + 1, name, rest)?);
            }
        }
    }
    if found.iter().all(Option::is_none) {
        return Err(ParseError::new(0, "Max open files", "row absent"));
    }
    let [open_files, processes, locked_memory, address_space] = found;
    Ok(ProcLimits {
        open_files,
        processes,
        locked_memory,
        address_space,
    })
}

fn row(line: usize, name: &str, rest: &str) -> Result<Pair, ParseError> {
    let mut words = rest.split_whitespace();
    let mut value = || match words.next() {
        Some("unlimited") => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| ParseError::new(line, name, format!("{v:?} is not a limit"))),
        None => Err(ParseError::new(line, name, "truncated")),
    };
    Ok((value()?, value()?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_rows_that_matter() {
        let text = include_str!("../../../tests/fixtures/procs/proc/4242/limits");
        let l = parse(text).unwrap();
        assert_eq!(l.open_files, Some((Some(2048), Some(4096))));
        assert_eq!(l.processes, Some((Some(63_432), Some(63_432))));
        assert_eq!(l.locked_memory, Some((Some(8_388_608), Some(8_388_608))));
        assert_eq!(l.address_space, Some((None, None)));
        let one = parse("Max open files unlimited unlimited files").unwrap();
        assert_eq!((one.open_files, one.processes), (Some((None, None)), None));
        assert!(parse("").is_err());
        assert!(parse("Max open files 1\n").is_err());
        assert!(parse("Max open files  lots").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
