//! Dirty-page thresholds: the vm.dirty_* sysctls (proc(5), "/proc/sys/vm/dirty_ratio") and the
//! global limits the kernel derives from them.
//!
//! [`global_dirty_limits`] follows `global_dirty_limits` → `domain_dirty_limits` and
//! `global_dirtyable_memory` in mm/page-writeback.c (Linux 4.2 to 6.x):
//!
//! ```text
//! dirtyable  = free - min(free, totalreserve) + active_file + inactive_file + 1   (pages)
//! thresh     = dirty_bytes            ? ceil(dirty_bytes / PAGE_SIZE)
//!                                     : (dirty_ratio * PAGE_SIZE / 100) * dirtyable / PAGE_SIZE
//! bg_thresh  = dirty_background_bytes ? ceil(dirty_background_bytes / PAGE_SIZE)
//!                                     : (dirty_background_ratio * PAGE_SIZE / 100) * dirtyable / PAGE_SIZE
//! if bg_thresh >= thresh: bg_thresh = thresh / 2
//! ```
//!
//! with integer division as in C. Free and file pages come from /proc/meminfo (MemFree is
//! `NR_FREE_PAGES`, Active(file)/Inactive(file) are `NR_ACTIVE_FILE`/`NR_INACTIVE_FILE`),
//! `totalreserve_pages` from /proc/zoneinfo (see `zoneinfo`). Highmem is ignored (64-bit kernels
//! have none) and so is the boost real-time tasks get. The kernel prints its own result as
//! `nr_dirty_threshold`/`nr_dirty_background_threshold` in /proc/vmstat; a live test compares.

use super::text::single_u64;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::{DirtyLimits, DirtySysctls, Meminfo};

/// Parses one vm.dirty_* sysctl file.
pub fn parse(text: &str) -> Result<u64, ParseError> {
    single_u64(text, "sysctl")
}

pub fn read(roots: &Roots) -> Reading<DirtySysctls> {
    let one = |name: &str| read_parsed(&roots.proc_path(&format!("sys/vm/{name}")), parse);
    Ok(DirtySysctls {
        background_ratio: one("dirty_background_ratio")?,
        background_bytes: one("dirty_background_bytes")?,
        ratio: one("dirty_ratio")?,
        bytes: one("dirty_bytes")?,
    })
}

fn to_u64(v: u128) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// The kernel's global background and foreground dirty limits; None when meminfo lacks the
/// file-page lines or the page size is 0.
pub fn global_dirty_limits(
    meminfo: &Meminfo,
    reserve_pages: u64,
    sysctls: &DirtySysctls,
    page_size: u64,
) -> Option<DirtyLimits> {
    if page_size == 0 {
        return None;
    }
    let free = meminfo.free_bytes / page_size;
    let file = (meminfo.active_file_bytes? / page_size)
        .saturating_add(meminfo.inactive_file_bytes? / page_size);
    let dirtyable = (free - free.min(reserve_pages))
        .saturating_add(file)
        .saturating_add(1);

    let page = u128::from(page_size);
    let avail = u128::from(dirtyable);
    let limit = |bytes: u64, ratio: u64| -> u64 {
        if bytes != 0 {
            bytes.div_ceil(page_size)
        } else {
            let per_page = u128::from(ratio) * page / 100;
            to_u64(per_page * avail / page)
        }
    };
    let threshold_pages = limit(sysctls.bytes, sysctls.ratio);
    let mut background_pages = limit(sysctls.background_bytes, sysctls.background_ratio);
    if background_pages >= threshold_pages {
        background_pages = threshold_pages / 2;
    }
    Some(DirtyLimits {
        dirtyable_pages: dirtyable,
        background_pages,
        threshold_pages,
        background_bytes: background_pages.saturating_mul(page_size),
        threshold_bytes: threshold_pages.saturating_mul(page_size),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mem(free_pages: u64, active: u64, inactive: u64) -> Meminfo {
        Meminfo {
            total_bytes: 1 << 40,
            free_bytes: free_pages * 4096,
            active_file_bytes: Some(active * 4096),
            inactive_file_bytes: Some(inactive * 4096),
            ..Meminfo::default()
        }
    }

    const RATIOS: DirtySysctls = DirtySysctls {
        background_ratio: 10,
        background_bytes: 0,
        ratio: 20,
        bytes: 0,
    };

    #[test]
    fn ratios_apply_to_dirtyable_memory() {
        // Read on a live 6.18 kernel (meminfo, zoneinfo, sysctls), whose /proc/vmstat printed
        // nr_dirty_threshold 1217084 and nr_dirty_background_threshold 607799 at the same time.
        let l =
            global_dirty_limits(&mem(5_767_294, 131_926, 218_715), 31_026, &RATIOS, 4096).unwrap();
        assert_eq!(
            l.dirtyable_pages,
            5_767_294 - 31_026 + 131_926 + 218_715 + 1
        );
        // 20 * 4096 / 100 = 819; 819 * 6086910 / 4096 = 1217084 (C integer division).
        assert_eq!(l.threshold_pages, 1_217_084);
        // 10 * 4096 / 100 = 409; 409 * 6086910 / 4096 = 607799.
        assert_eq!(l.background_pages, 607_799);
        assert_eq!(l.threshold_bytes, 1_217_084 * 4096);
    }

    #[test]
    fn bytes_override_ratios_and_background_is_halved_when_too_high() {
        let s = DirtySysctls {
            background_ratio: 10,
            background_bytes: 300 << 20,
            ratio: 20,
            bytes: (200 << 20) + 1,
        };
        let l = global_dirty_limits(&mem(1000, 10, 10), 0, &s, 4096).unwrap();
        assert_eq!(l.threshold_pages, 51_201);
        assert_eq!(l.background_pages, 25_600);
    }

    #[test]
    fn reserve_larger_than_free_leaves_only_file_pages() {
        let l = global_dirty_limits(&mem(10, 100, 100), 50, &RATIOS, 4096).unwrap();
        assert_eq!(l.dirtyable_pages, 201);
        assert_eq!(l.threshold_pages, 819 * 201 / 4096);
    }

    #[test]
    fn needs_file_lines_and_a_page_size() {
        let mut m = mem(1, 1, 1);
        assert!(global_dirty_limits(&m, 0, &RATIOS, 0).is_none());
        m.active_file_bytes = None;
        assert!(global_dirty_limits(&m, 0, &RATIOS, 4096).is_none());
    }

    #[test]
    fn sysctl_parse_rejects_garbage() {
        assert_eq!(parse("20\n"), Ok(20));
        assert!(parse("").is_err());
        assert!(parse("twenty").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn limits_never_panic_and_background_stays_below(
            free in any::<u64>(), active in any::<u64>(), inactive in any::<u64>(),
            reserve in any::<u64>(), br in any::<u64>(), bb in any::<u64>(),
            r in any::<u64>(), b in any::<u64>(), page in 0u64..70_000,
        ) {
            let m = Meminfo {
                free_bytes: free,
                active_file_bytes: Some(active),
                inactive_file_bytes: Some(inactive),
                ..Meminfo::default()
            };
            let s = DirtySysctls { background_ratio: br, background_bytes: bb, ratio: r, bytes: b };
            if let Some(l) = global_dirty_limits(&m, reserve, &s, page) {
                prop_assert!(l.background_pages < l.threshold_pages || l.threshold_pages == 0);
            }
        }
    }
}
