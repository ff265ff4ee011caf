//! Open file descriptors per process against RLIMIT_NOFILE (proc(5), getrlimit(2)): how one is
//! counted, and the summary of the process pass (`collect::procs`) that the limits table reads:
//! the processes closest to their limit and those holding the most descriptors and threads.

use std::fs;
use std::os::fd::BorrowedFd;

use rustix::fs::{AtFlags, StatxFlags, statx};

use crate::collect::{Roots, SourceError};
use crate::model::procs::ProcessTable;
use crate::model::{NofileScan, ProcNofile};

/// How many processes the snapshot keeps, closest to their limit first.
pub const KEEP: usize = 20;

/// Open descriptors of a process. Since Linux 6.2 the size of `/proc/PID/fd` is the count, and
/// anyone may stat it; older kernels report 0 there and need the directory read (owner or root).
/// When the kernel is known to report counts (`sized`), 0 means none (kernel threads), no read.
/// On a captured tree (a plain directory) the size means nothing.
pub fn count_fds(
    roots: &Roots,
    proc_dir: Option<BorrowedFd<'_>>,
    sized: bool,
    pid: u32,
) -> Result<u64, SourceError> {
    if let Some(dirfd) = proc_dir {
        let rel = format!("{pid}/fd");
        let size = statx(dirfd, rel.as_str(), AtFlags::empty(), StatxFlags::SIZE)
            .map(|st| st.stx_size)
            .map_err(|e| SourceError::io(&roots.proc_path(&rel), &e.into()))?;
        if size > 0 || sized {
            return Ok(size);
        }
    }
    let dir = roots.proc_path(&format!("{pid}/fd"));
    let entries = fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, &e))?;
    Ok(entries.count() as u64)
}

const PROC_SUPER_MAGIC: i64 = 0x9fa0;

// f_type's integer type differs between architectures.
#[allow(clippy::unnecessary_cast)]
pub fn is_procfs(roots: &Roots) -> bool {
    rustix::fs::statfs(&roots.proc).is_ok_and(|st| st.f_type as i64 == PROC_SUPER_MAGIC)
}

/// Share of the soft limit in use, for ordering; unlimited sorts last.
pub fn usage_ratio(p: &ProcNofile) -> f64 {
    match p.soft {
        Some(0) => f64::INFINITY,
        Some(soft) => p.open as f64 / soft as f64,
        None => 0.0,
    }
}

pub fn pids(roots: &Roots) -> Result<Vec<u32>, SourceError> {
    let dir = &roots.proc;
    let entries = fs::read_dir(dir).map_err(|e| SourceError::io(dir, &e))?;
    let mut pids: Vec<u32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .collect();
    pids.sort_unstable();
    Ok(pids)
}

/// The limits table's view of one process pass.
pub fn summary(table: &ProcessTable) -> NofileScan {
    let all: Vec<ProcNofile> = table
        .procs
        .iter()
        .filter_map(|p| {
            Some(ProcNofile {
                pid: p.pid,
                comm: p.comm.to_string(),
                open: p.fds?,
                soft: p.fd_soft,
                hard: p.fd_hard,
                threads: Some(p.threads),
            })
        })
        .collect();
    let top = leaders_by(&all, KEEP, usage_ratio_then_open);
    NofileScan {
        most_fds: leaders(&all, |p| p.open),
        most_threads: leaders(&all, |p| p.threads.unwrap_or(0)),
        top,
        scanned: all.len() as u64,
        unreadable: table.denied + table.procs.iter().filter(|p| p.fds.is_none()).count() as u64,
        malformed: table.malformed.clone(),
    }
}

fn usage_ratio_then_open(a: &ProcNofile, b: &ProcNofile) -> std::cmp::Ordering {
    usage_ratio(b)
        .total_cmp(&usage_ratio(a))
        .then(b.open.cmp(&a.open))
}

/// The first `n` in `order`, without sorting everything.
fn leaders_by(
    all: &[ProcNofile],
    n: usize,
    order: fn(&ProcNofile, &ProcNofile) -> std::cmp::Ordering,
) -> Vec<ProcNofile> {
    let mut v: Vec<&ProcNofile> = all.iter().collect();
    if v.len() > n {
        v.select_nth_unstable_by(n, |a, b| order(a, b));
        v.truncate(n);
    }
    v.sort_by(|a, b| order(a, b));
    v.into_iter().cloned().collect()
}

/// The [`LEADERS`] largest by `key`, largest first.
fn leaders(all: &[ProcNofile], key: impl Fn(&ProcNofile) -> u64) -> Vec<ProcNofile> {
    let mut v: Vec<&ProcNofile> = all.iter().collect();
    v.sort_by_key(|p| std::cmp::Reverse(key(p)));
    v.into_iter().take(LEADERS).cloned().collect()
}

/// How many leading consumers the snapshot names.
pub const LEADERS: usize = 5;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::procs;

    #[test]
    fn live_counts_follow_our_descriptors() {
        let roots = Roots::default();
        let me = std::process::id();
        let count = || count_fds(&roots, None, false, me).unwrap();
        // Other tests of this binary open and close descriptors in threads beside this one:
        // the exact change must be seen in one of a few tries, not necessarily the first.
        let mut seen = Vec::new();
        for _ in 0..5 {
            let before = count();
            let extra: Vec<fs::File> = (0..5)
                .map(|_| fs::File::open("/proc/self/stat").unwrap())
                .collect();
            let delta = count() as i64 - before as i64;
            drop(extra);
            if delta == 5 {
                return;
            }
            seen.push(delta);
        }
        panic!("never saw +5 fds: {seen:?}");
    }

    #[test]
    fn summary_of_a_live_pass() {
        let table = procs::read(&Roots::default(), &mut procs::ProcCache::default()).unwrap();
        let scan = summary(&table);
        assert!(scan.scanned > 1);
        assert_eq!(scan.most_threads.len(), LEADERS.min(scan.scanned as usize));
        assert!(scan.most_fds.windows(2).all(|w| w[0].open >= w[1].open));
        assert!(scan.top.len() <= KEEP);
        let ratios: Vec<f64> = scan.top.iter().map(usage_ratio).collect();
        assert!(ratios.windows(2).all(|w| w[0] >= w[1]));
    }
}
