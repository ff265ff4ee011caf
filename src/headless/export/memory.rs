//! Dirty and writeback memory against the thresholds the kernel acts on: above the background
//! threshold the flusher threads start writing, above the other writers are throttled.

use crate::derive::graphs::MemoryView;

use super::text::{family, sample};

pub fn write(out: &mut String, m: &MemoryView) {
    let rows = [
        (
            "headroom_memory_dirty_bytes",
            "Memory waiting to be written back to disk (Dirty in /proc/meminfo).",
            m.dirty_bytes,
        ),
        (
            "headroom_memory_writeback_bytes",
            "Memory being written back now (Writeback in /proc/meminfo).",
            m.writeback_bytes,
        ),
        (
            "headroom_memory_dirty_background_threshold_bytes",
            "Dirty memory above which background writeback starts (nr_dirty_background_threshold).",
            m.dirty_background_threshold_bytes,
        ),
        (
            "headroom_memory_dirty_threshold_bytes",
            "Dirty memory above which writing processes are throttled (nr_dirty_threshold).",
            m.dirty_threshold_bytes,
        ),
    ];
    for (name, help, value) in rows {
        if let Some(v) = value {
            family(out, name, "gauge", help);
            sample(out, name, &[], v as f64);
        }
    }
}
