//! `/proc/net/stat/nf_conntrack`: per-CPU connection-tracking statistics in hex, one header line
//! of names then one line per CPU. "drop", "early_drop" and "insert_failed" count packets lost
//! because the table was full or an entry could not be added (conntrack(8) `-S`).

use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::Reading;

/// The columns that mean "a packet was dropped for want of a table entry".
const DROPS: &[&str] = &["drop", "early_drop", "insert_failed"];

/// Sum of the drop columns over all CPUs.
pub fn parse_drops(text: &str) -> Result<u64, ParseError> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| ParseError::new(1, "header", "empty"))?
        .split_whitespace()
        .collect();
    let cols: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| DROPS.contains(h))
        .map(|(i, _)| i)
        .collect();
    if cols.is_empty() {
        return Err(ParseError::new(1, "header", "no drop columns"));
    }
    let mut total: u64 = 0;
    for (n, line) in lines.enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for &c in &cols {
            let Some(w) = words.get(c) else { continue };
            let v = u64::from_str_radix(w, 16).map_err(|_| {
                ParseError::new(
                    n + 2,
                    header.get(c).copied().unwrap_or("?"),
                    format!("{w:?} is not hex"),
                )
            })?;
            total = total.saturating_add(v);
        }
    }
    Ok(total)
}

pub fn read_drops(roots: &Roots) -> Reading<u64> {
    read_parsed(&roots.proc_path("net/stat/nf_conntrack"), parse_drops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sums_drops_over_cpus() {
        let t = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error\n\
                 00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002 0000000a 00000001 00000000\n\
                 00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000010 00000000 00000000\n";
        assert_eq!(parse_drops(t), Ok(2 + 10 + 1 + 16));
        assert!(parse_drops("").is_err());
        assert!(parse_drops("entries found\n1 2\n").is_err());
        assert!(parse_drops("drop\nzz\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_drops(&s);
        }
    }
}
