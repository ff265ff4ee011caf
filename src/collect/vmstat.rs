//! /proc/vmstat (proc(5), "/proc/vmstat"): virtual memory counters, one "name value" per line.

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::VmStat;

/// Parses /proc/vmstat, keeping the counters the Graphs pane uses; every one is optional.
pub fn parse(text: &str) -> Result<VmStat, ParseError> {
    let mut v = VmStat::default();
    for (i, line) in text.lines().enumerate() {
        let mut words = line.split_whitespace();
        let (Some(key), Some(value)) = (words.next(), words.next()) else {
            continue;
        };
        let slot = match key {
            "nr_dirty" => &mut v.nr_dirty,
            "nr_writeback" => &mut v.nr_writeback,
            "nr_free_pages" => &mut v.nr_free_pages,
            "nr_active_file" => &mut v.nr_active_file,
            "nr_inactive_file" => &mut v.nr_inactive_file,
            "nr_dirty_threshold" => &mut v.nr_dirty_threshold,
            "nr_dirty_background_threshold" => &mut v.nr_dirty_background_threshold,
            _ => continue,
        };
        *slot = Some(u64_field(i + 1, key, value)?);
    }
    Ok(v)
}

pub fn read(roots: &Roots) -> Reading<VmStat> {
    read_parsed(&roots.proc_path("vmstat"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_dirty_and_writeback() {
        let v = parse(
            "nr_free_pages 835321\nnr_inactive_file 221155\nnr_active_file 133648\n\
nr_dirty 30312\nnr_writeback 7\nnr_dirty_threshold 1212070\n\
nr_dirty_background_threshold 605295\npgpgin 12\n",
        )
        .unwrap();
        assert_eq!(v.nr_dirty, Some(30312));
        assert_eq!(v.nr_writeback, Some(7));
        assert_eq!(v.nr_free_pages, Some(835_321));
        assert_eq!(v.nr_dirty_threshold, Some(1_212_070));
        assert_eq!(v.nr_dirty_background_threshold, Some(605_295));
    }

    #[test]
    fn absent_counters_are_none_and_garbage_fails() {
        assert_eq!(parse("").unwrap(), VmStat::default());
        assert_eq!(parse("nr_dirty\n").unwrap().nr_dirty, None);
        let err = parse("nr_dirty -3\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert_eq!(err.item, "nr_dirty");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn reads_back_what_it_was_given(d in any::<u64>(), w in any::<u64>()) {
            let v = parse(&format!("nr_dirty {d}\nnr_writeback {w}\n")).unwrap();
            prop_assert_eq!(v.nr_dirty, Some(d));
            prop_assert_eq!(v.nr_writeback, Some(w));
        }
    }
}
