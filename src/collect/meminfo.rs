//! /proc/meminfo (proc(5), "/proc/meminfo"): memory totals in kB.
//!
//! Our own parser rather than procfs's `Meminfo`, so that a missing optional line stays `None`
//! and junk lines are skipped instead of failing the whole file.

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::Meminfo;

/// Parses the text of /proc/meminfo; MemTotal and MemFree are required, the rest optional.
pub fn parse(text: &str) -> Result<Meminfo, ParseError> {
    let mut total = None;
    let mut free = None;
    let mut m = Meminfo::default();
    for (i, line) in text.lines().enumerate() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let slot = match key.trim() {
            "MemTotal" => &mut total,
            "MemFree" => &mut free,
            "MemAvailable" => &mut m.available_bytes,
            "Buffers" => &mut m.buffers_bytes,
            "Cached" => &mut m.cached_bytes,
            "Active(file)" => &mut m.active_file_bytes,
            "Inactive(file)" => &mut m.inactive_file_bytes,
            "Dirty" => &mut m.dirty_bytes,
            "Writeback" => &mut m.writeback_bytes,
            _ => continue,
        };
        let mut words = rest.split_whitespace();
        let value = u64_field(i + 1, key, words.next().unwrap_or(""))?;
        let scale = match words.next() {
            Some("kB") => 1024,
            None => 1,
            Some(unit) => {
                return Err(ParseError::new(
                    i + 1,
                    key,
                    format!("unknown unit {unit:?}"),
                ));
            }
        };
        *slot = Some(value.saturating_mul(scale));
    }
    m.total_bytes = total.ok_or_else(|| ParseError::new(0, "MemTotal", "missing"))?;
    m.free_bytes = free.ok_or_else(|| ParseError::new(0, "MemFree", "missing"))?;
    Ok(m)
}

pub fn read(roots: &Roots) -> Reading<Meminfo> {
    read_parsed(&roots.proc_path("meminfo"), parse)
}

/// The same from the text of /proc/meminfo already read.
pub fn from_text(roots: &Roots, text: &Reading<String>) -> Reading<Meminfo> {
    super::parse_text(&roots.proc_path("meminfo"), text, parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "MemTotal:       24684084 kB\nMemFree:        23007052 kB\n\
MemAvailable:   24265340 kB\nBuffers:           15984 kB\nCached:          1410356 kB\n\
Active(file):     532456 kB\nInactive(file):   885012 kB\nDirty:             33744 kB\n\
Writeback:             8 kB\nHugePages_Total:       0\n";

    #[test]
    fn reads_the_lines_in_bytes() {
        let m = parse(SAMPLE).unwrap();
        assert_eq!(m.total_bytes, 24_684_084 * 1024);
        assert_eq!(m.free_bytes, 23_007_052 * 1024);
        assert_eq!(m.available_bytes, Some(24_265_340 * 1024));
        assert_eq!(m.dirty_bytes, Some(33_744 * 1024));
        assert_eq!(m.writeback_bytes, Some(8 * 1024));
        assert_eq!(m.active_file_bytes, Some(532_456 * 1024));
    }

    #[test]
    fn old_kernels_lack_memavailable() {
        let m = parse("MemTotal: 100 kB\nMemFree: 50 kB\n").unwrap();
        assert_eq!(m.available_bytes, None);
        assert_eq!(m.dirty_bytes, None);
    }

    #[test]
    fn rejects_truncated_and_garbage() {
        assert!(parse("").is_err());
        assert!(parse("MemTotal: 100 kB\n").is_err());
        assert!(parse("MemTotal: 100 kB\nMemFree: x kB\n").is_err());
        assert!(parse("MemTotal: 100 MB\nMemFree: 1 kB\n").is_err());
        let huge = parse("MemTotal: 18446744073709551615 kB\nMemFree: 0 kB\n").unwrap();
        assert_eq!(huge.total_bytes, u64::MAX);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_meminfo_like_lines(s in "((MemTotal|MemFree|Dirty|Cached|x): *[0-9]{0,22} ?(kB)?\n){0,8}") {
            let _ = parse(&s);
        }
    }
}
