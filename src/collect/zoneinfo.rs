//! /proc/zoneinfo (proc(5), "/proc/zoneinfo"): per-zone watermarks, from which we rebuild the
//! kernel's `totalreserve_pages`, the part of free memory that is not dirtyable.
//!
//! As `calculate_totalreserve_pages` in mm/page_alloc.c does: for every zone, the largest
//! `lowmem_reserve` entry (printed as "protection: (..)") plus the high watermark, capped at the
//! zone's managed pages, summed over all zones of all nodes.

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Zone {
    high: Option<u64>,
    managed: Option<u64>,
    max_protection: u64,
}

impl Zone {
    fn reserve(&self) -> u64 {
        let want = self.max_protection.saturating_add(self.high.unwrap_or(0));
        match self.managed {
            Some(managed) => want.min(managed),
            None => want,
        }
    }
}

/// Parses /proc/zoneinfo into the kernel's total reserve, in pages.
pub fn parse(text: &str) -> Result<u64, ParseError> {
    let mut zones: Vec<Zone> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with("Node ") {
            zones.push(Zone::default());
            continue;
        }
        let Some(zone) = zones.last_mut() else {
            continue;
        };
        let trimmed = line.trim_start();
        if let Some(list) = trimmed.strip_prefix("protection:") {
            let inner = list.trim().trim_start_matches('(').trim_end_matches(')');
            for item in inner.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                zone.max_protection = zone.max_protection.max(u64_field(n, "protection", item)?);
            }
            continue;
        }
        let mut words = trimmed.split_whitespace();
        let (Some(key), Some(value), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        // "high" without a colon is the zone watermark; "high:" lines belong to per-cpu pagesets.
        match key {
            "high" if zone.high.is_none() => zone.high = Some(u64_field(n, key, value)?),
            "managed" if zone.managed.is_none() => zone.managed = Some(u64_field(n, key, value)?),
            _ => {}
        }
    }
    if zones.is_empty() {
        return Err(ParseError::new(0, "Node", "no zones"));
    }
    Ok(zones
        .iter()
        .map(Zone::reserve)
        .fold(0u64, u64::saturating_add))
}

pub fn read(roots: &Roots) -> Reading<u64> {
    read_parsed(&roots.proc_path("zoneinfo"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 1232
  pages free     3840
        min      46
        low      60
        high     75
        spanned  4095
        present  3998
        managed  3840
        protection: (0, 3019, 4939, 4939, 4939)
  pagesets
    cpu: 0
              count:    0
              high:     0
Node 0, zone    DMA32
  pages free     772915
        high     15444
        managed  772915
        protection: (0, 0, 1920, 1920, 1920)
  pagesets
              high:     6435
Node 0, zone   Normal
        high     9822
        managed  491520
        protection: (0, 0, 0, 0, 0)
Node 0, zone  Movable
        high     32
        managed  0
        protection: (0, 0, 0, 0, 0)
";

    #[test]
    fn sums_reserve_as_the_kernel_does() {
        // DMA: 4939 + 75 capped at 3840; DMA32: 1920 + 15444; Normal: 9822; Movable: capped at 0.
        assert_eq!(parse(SAMPLE).unwrap(), 3840 + 17_364 + 9822);
    }

    #[test]
    fn rejects_empty_and_garbage() {
        assert!(parse("").is_err());
        assert!(parse("Node 0, zone DMA\n        high     x\n").is_err());
        assert!(parse("Node 0, zone DMA\n        protection: (0, -1)\n").is_err());
        assert_eq!(parse("Node 0, zone DMA\n").unwrap(), 0);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_zone_like_text(s in "(Node 0, zone X\n( *(high|managed|protection:) *[(0-9, )]{0,30}\n){0,5}){0,3}") {
            let _ = parse(&s);
        }
    }
}
