//! /proc/diskstats (Documentation/admin-guide/iostats.rst): I/O counters per block device.
//!
//! The reader keeps what iostat shows by default: whole devices only (a name that has a
//! /sys/block entry; partitions have none) that have done any I/O since boot (sysstat skips
//! "unused devices" the same way). When the sys root has no block directory, nothing is
//! dropped for being a partition.

use std::path::Path;

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::DiskStat;

/// Parses /proc/diskstats; lines too short to be a device (fewer than 14 fields) are skipped.
pub fn parse(text: &str) -> Result<Vec<DiskStat>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let words: Vec<&str> = line.split_whitespace().collect();
        let [major, minor, name, rest @ ..] = words.as_slice() else {
            continue;
        };
        if rest.len() < 11 {
            continue;
        }
        let nums = rest
            .iter()
            .map(|w| u64_field(n, name, w))
            .collect::<Result<Vec<u64>, _>>()?;
        let at = |k: usize| nums.get(k).copied();
        let req = |k: usize| at(k).unwrap_or(0);
        out.push(DiskStat {
            major: u32::try_from(u64_field(n, "major", major)?)
                .map_err(|_| ParseError::new(n, "major", "out of range"))?,
            minor: u32::try_from(u64_field(n, "minor", minor)?)
                .map_err(|_| ParseError::new(n, "minor", "out of range"))?,
            name: (*name).to_string(),
            reads: req(0),
            reads_merged: req(1),
            sectors_read: req(2),
            read_ms: req(3),
            writes: req(4),
            writes_merged: req(5),
            sectors_written: req(6),
            write_ms: req(7),
            in_flight: req(8),
            io_ms: req(9),
            weighted_io_ms: req(10),
            discards: at(11),
            sectors_discarded: at(13),
            flushes: at(15),
        });
    }
    Ok(out)
}

/// True when the device ever did I/O.
pub fn was_used(d: &DiskStat) -> bool {
    d.reads != 0 || d.writes != 0 || d.discards.unwrap_or(0) != 0
}

/// True when the device is a whole disk as /sys/block says (names with '/' appear with '!').
fn is_whole(block_dir: &Path, name: &str) -> bool {
    block_dir.join(name.replace('/', "!")).exists()
}

/// The devices iostat would show: whole disks that were ever used.
pub fn read(roots: &Roots) -> Reading<Vec<DiskStat>> {
    let all = read_parsed(&roots.proc_path("diskstats"), parse)?;
    let block = roots.sys_path("block");
    let have_block = block.is_dir();
    Ok(all
        .into_iter()
        .filter(|d| was_used(d) && (!have_block || is_whole(&block, &d.name)))
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 253       0 vda 10459 3466 1155390 4169 106211 72419 8425536 207823 0 71512 226147 0 0 0 0 14806 14154
 253       1 vda1 100 0 800 4 0 0 0 0 0 8 4
   8       0 sda 4 0 8 1 2 0 16 1 0 2 2
";

    #[test]
    fn reads_every_field_the_kernel_prints() {
        let d = parse(SAMPLE).unwrap();
        assert_eq!(d.len(), 4);
        let vda = &d[1];
        assert_eq!((vda.major, vda.minor, vda.name.as_str()), (253, 0, "vda"));
        assert_eq!(vda.reads, 10_459);
        assert_eq!(vda.sectors_read, 1_155_390);
        assert_eq!(vda.writes, 106_211);
        assert_eq!(vda.sectors_written, 8_425_536);
        assert_eq!(vda.io_ms, 71_512);
        assert_eq!(vda.discards, Some(0));
        assert_eq!(vda.flushes, Some(14_806));
        let sda = &d[3];
        assert_eq!(sda.discards, None);
        assert_eq!(sda.flushes, None);
        assert!(!was_used(&d[0]));
        assert!(was_used(sda));
    }

    #[test]
    fn skips_short_lines_and_rejects_garbage() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("   3 1 hda1 1 2 3 4\n").unwrap().is_empty());
        assert!(parse(" 8 0 sda 1 2 3 4 5 6 7 8 9 x 11\n").is_err());
        assert!(parse(" 99999999999 0 sda 1 2 3 4 5 6 7 8 9 10 11\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn reads_back_counters(r in any::<u64>(), w in any::<u64>(), io in any::<u64>()) {
            let line = format!("8 0 sda {r} 0 0 0 {w} 0 0 0 0 {io} 0\n");
            let d = parse(&line).unwrap();
            prop_assert_eq!(d.len(), 1);
            prop_assert_eq!(d[0].reads, r);
            prop_assert_eq!(d[0].writes, w);
            prop_assert_eq!(d[0].io_ms, io);
        }
    }
}
