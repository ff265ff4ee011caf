//! Which processes a pass reads in full every pass: the largest by descriptors, memory and
//! threads.

use super::{IO_TOP, ProcCache, STAT_TOP, WATCH_TOP};
use crate::model::procs::{Process, ProcessTable};

/// Picks the processes read every pass: the largest fd holders (their links, counts and
/// I/O), and with them the largest by memory and by threads (their stat line), so that the
/// rows a sort by any of those columns puts on top are never a pass old.
pub fn watch_largest(cache: &mut ProcCache, table: &ProcessTable) {
    let by_fds = largest(table, IO_TOP, |p| p.fds.unwrap_or(0));
    cache.watch = by_fds.iter().take(WATCH_TOP).copied().collect();
    cache.io_every_pass = by_fds.iter().copied().collect();
    cache.stat_every_pass.clone_from(&cache.io_every_pass);
    cache
        .stat_every_pass
        .extend(largest(table, STAT_TOP, |p| p.rss_bytes.unwrap_or(0)));
    cache
        .stat_every_pass
        .extend(largest(table, STAT_TOP, |p| p.threads));
}

/// The pids of the `n` largest processes by `key`, largest first.
fn largest(table: &ProcessTable, n: usize, key: impl Fn(&Process) -> u64) -> Vec<u32> {
    let mut by: Vec<(u64, u32)> = table.procs.iter().map(|p| (key(p), p.pid)).collect();
    let top = n.min(by.len());
    if top > 0 && top < by.len() {
        by.select_nth_unstable_by(top - 1, |a, b| b.cmp(a));
    }
    by.truncate(top);
    by.sort_unstable_by(|a, b| b.cmp(a));
    by.into_iter().map(|(_, pid)| pid).collect()
}
