//! Which processes a pass reads, and what of each: the largest by descriptors, memory and
//! threads every pass, the others at a pace that slows down while they do not move.

use super::entry::Entry;
use super::{
    Depth, FDS_EVERY, IO_TOP, LARGEST_QUIET_EVERY, QUIET_AFTER, QUIET_EVERY, STAT_EVERY, STAT_TOP,
    THREADS_EVERY, WATCH_TOP,
};
use crate::model::procs::{Process, ProcessTable};

/// The largest processes, read every pass while they move; picked after each pass.
#[derive(Debug, Default)]
pub struct Largest {
    /// The [`WATCH_TOP`] largest holders: their links are read every
    /// [`super::WATCH_EVERY`] passes, whatever their count does.
    pub links: Vec<u32>,
    /// The [`IO_TOP`] largest holders: their counts and I/O counters are read every pass.
    io: foldhash::HashSet<u32>,
    /// Those and the [`STAT_TOP`] largest by memory and by threads: their stat line is read
    /// every pass.
    stat: foldhash::HashSet<u32>,
}

/// What a pass reads of one process.
pub struct Due {
    /// Its count and I/O counters now: it is selected, or one of the largest holders and due.
    pub watched: bool,
    /// How much of what moves ([`super::moving::dynamic`]); None when not due.
    pub depth: Option<Depth>,
    /// Its descriptor count.
    pub count: bool,
}

impl Largest {
    /// The largest fd holders (their links, counts and I/O), and with them the largest by
    /// memory and by threads (their stat line), so that the rows a sort by any of those
    /// columns puts on top are at most a pass old (one pass, while they do not move).
    pub fn of(table: &ProcessTable) -> Self {
        let by_fds = largest(table, IO_TOP, |p| p.fds.unwrap_or(0));
        let io: foldhash::HashSet<u32> = by_fds.iter().copied().collect();
        let mut stat = io.clone();
        stat.extend(largest(table, STAT_TOP, |p| p.rss_bytes.unwrap_or(0)));
        stat.extend(largest(table, STAT_TOP, |p| p.threads));
        Self {
            links: by_fds.into_iter().take(WATCH_TOP).collect(),
            io,
            stat,
        }
    }

    /// What pass `pass` reads of process `pid`, as its entry stands.
    pub fn due(&self, pass: u64, pid: u32, selected: bool, depth: Depth, e: &Entry) -> Due {
        let staggered = |every: u64| staggered(pass, pid, every);
        let quiet = |still: u8| still >= QUIET_AFTER;
        let pace = |base: u64, still: u8| if quiet(still) { QUIET_EVERY } else { base };
        let largest = |set: &foldhash::HashSet<u32>, still: u8| {
            set.contains(&pid) && staggered(if quiet(still) { LARGEST_QUIET_EVERY } else { 1 })
        };
        let watched = selected || largest(&self.io, e.fds_still);
        let depth = match depth {
            // Thread counts move slowly; at this depth they name who fills the task tables.
            Depth::Counts if !staggered(THREADS_EVERY) => None,
            Depth::Full
                if !(selected
                    || largest(&self.stat, e.stat_still)
                    || e.static_pass == 0
                    || staggered(pace(STAT_EVERY, e.stat_still))) =>
            {
                None
            }
            depth => Some(depth),
        };
        let count = watched || e.first_pass == pass || staggered(pace(FDS_EVERY, e.fds_still));
        Due {
            watched,
            depth,
            count,
        }
    }
}

/// Whether pass `pass` is one of every `every` for process `pid`: the pid spreads the
/// processes over the passes, so each pass reads a share of them.
pub fn staggered(pass: u64, pid: u32, every: u64) -> bool {
    (pass + u64::from(pid)).is_multiple_of(every)
}

/// Readings in a row that found nothing moved, after one more reading.
pub fn still(readings: u8, moved: bool) -> u8 {
    if moved { 0 } else { readings.saturating_add(1) }
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
