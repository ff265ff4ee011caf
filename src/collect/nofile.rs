//! Open file descriptors per process against RLIMIT_NOFILE: entries of `/proc/PID/fd` and the
//! "Max open files" row of `/proc/PID/limits` (proc(5), getrlimit(2)); and threads per process
//! (entries of `/proc/PID/task`), to name who fills the file and task tables.

use std::collections::HashMap;
use std::fs;
use std::os::fd::OwnedFd;

use rustix::fs::{AtFlags, Mode, OFlags, StatxFlags, open, statx};

use crate::collect::{ParseError, Roots, SourceError, read_text};
use crate::model::{NofileScan, ProcNofile, Reading};

/// How many processes the snapshot keeps, closest to their limit first.
pub const KEEP: usize = 20;

/// The soft and hard "Max open files" limits; None means unlimited.
pub fn parse_limits(text: &str) -> Result<(Option<u64>, Option<u64>), ParseError> {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("Max open files"))
        .ok_or_else(|| ParseError::new(0, "Max open files", "row absent"))?;
    let mut words = line["Max open files".len()..].split_whitespace();
    let value = |w: Option<&str>| match w {
        Some("unlimited") => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| ParseError::new(n + 1, "Max open files", format!("{v:?} is not a limit"))),
        None => Err(ParseError::new(n + 1, "Max open files", "truncated")),
    };
    Ok((value(words.next())?, value(words.next())?))
}

/// Open descriptors of a process. Since Linux 6.2 the size of `/proc/PID/fd` is the count, and
/// anyone may stat it; older kernels report 0 there and need the directory read (owner or root).
/// When the kernel is known to report counts (`sized`), 0 means none (kernel threads), no read.
/// On a captured tree (a plain directory) the size means nothing.
fn count_fds(
    roots: &Roots,
    proc_dir: Option<&OwnedFd>,
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

/// Threads of a process: on procfs the link count of `/proc/PID/task` is threads + 2, readable
/// by anyone; in a captured tree, its entries.
fn count_threads(roots: &Roots, proc_dir: Option<&OwnedFd>, pid: u32) -> Option<u64> {
    if let Some(dirfd) = proc_dir {
        let rel = format!("{pid}/task");
        return statx(dirfd, rel.as_str(), AtFlags::empty(), StatxFlags::NLINK)
            .ok()
            .map(|st| u64::from(st.stx_nlink).saturating_sub(2));
    }
    let dir = roots.proc_path(&format!("{pid}/task"));
    fs::read_dir(&dir).ok().map(|d| d.count() as u64)
}

/// What rarely changes about a process: its name and its limits.
#[derive(Debug, Clone)]
struct Static {
    comm: String,
    soft: Option<u64>,
    hard: Option<u64>,
}

fn read_static(roots: &Roots, pid: u32) -> Result<Static, SourceError> {
    let limits_path = roots.proc_path(&format!("{pid}/limits"));
    let text = read_text(&limits_path)?;
    let (soft, hard) = parse_limits(&text).map_err(|e| SourceError::parse(&limits_path, e))?;
    let comm = read_text(&roots.proc_path(&format!("{pid}/comm")))
        .map(|c| c.trim_end().to_string())
        .unwrap_or_default();
    Ok(Static { comm, soft, hard })
}

/// Names and limits per pid, re-read every [`REFRESH`] samples (staggered by pid), so a sample
/// costs one stat per process instead of four file reads.
#[derive(Debug, Default)]
pub struct NofileCache {
    entries: HashMap<u32, Static>,
    sample: u64,
    /// Whether the proc root is a mounted procfs (decided once).
    on_procfs: Option<bool>,
    /// Whether its fd directories report their count as size (Linux 6.2+; decided once, from
    /// our own, which always holds descriptors).
    sized_fd_dirs: Option<bool>,
    /// The proc root, open, so each per-process stat walks two path components, not four.
    proc_dir: Option<OwnedFd>,
    /// Per-user and per-process limits gathered on the same walk.
    pub pass: crate::collect::perproc::Pass,
}

const PROC_SUPER_MAGIC: i64 = 0x9fa0;

// f_type's integer type differs between architectures.
#[allow(clippy::unnecessary_cast)]
fn is_procfs(roots: &Roots) -> bool {
    rustix::fs::statfs(&roots.proc).is_ok_and(|st| st.f_type as i64 == PROC_SUPER_MAGIC)
}

/// Scans between re-reads of a process's limits (prlimit can change them at any time).
pub const REFRESH: u64 = 10;

impl NofileCache {
    fn get(&mut self, roots: &Roots, pid: u32) -> Result<Static, SourceError> {
        let due = (self.sample + u64::from(pid)) % REFRESH == 0;
        match self.entries.get(&pid) {
            Some(s) if !due => Ok(s.clone()),
            _ => {
                let s = read_static(roots, pid)?;
                self.entries.insert(pid, s.clone());
                Ok(s)
            }
        }
    }
}

fn one(roots: &Roots, cache: &mut NofileCache, pid: u32) -> Result<ProcNofile, SourceError> {
    let on_procfs = *cache.on_procfs.get_or_insert_with(|| is_procfs(roots));
    let sized = *cache.sized_fd_dirs.get_or_insert_with(|| {
        on_procfs && fs::metadata(roots.proc_path("self/fd")).is_ok_and(|m| m.len() > 0)
    });
    if on_procfs && cache.proc_dir.is_none() {
        cache.proc_dir = open(
            &roots.proc,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok();
    }
    let proc_dir = cache.proc_dir.as_ref().filter(|_| on_procfs);
    let open = count_fds(roots, proc_dir, sized, pid)?;
    let threads = count_threads(roots, proc_dir, pid);
    let s = cache.get(roots, pid)?;
    Ok(ProcNofile {
        pid,
        comm: s.comm,
        open,
        soft: s.soft,
        hard: s.hard,
        threads,
    })
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

pub fn read(roots: &Roots, cache: &mut NofileCache) -> Reading<NofileScan> {
    let mut scan = NofileScan {
        top: Vec::new(),
        most_fds: Vec::new(),
        most_threads: Vec::new(),
        scanned: 0,
        unreadable: 0,
        malformed: Vec::new(),
    };
    let pids = pids(roots)?;
    cache.sample += 1;
    cache
        .entries
        .retain(|pid, _| pids.binary_search(pid).is_ok());
    cache.pass.begin(&pids);
    for pid in pids {
        match one(roots, cache, pid) {
            Ok(p) => {
                cache.pass.visit(roots, p.pid, &p.comm, p.threads);
                scan.scanned += 1;
                scan.top.push(p);
            }
            Err(SourceError::Missing { .. }) => {} // exited meanwhile
            Err(SourceError::Denied { .. }) => scan.unreadable += 1,
            Err(e) => {
                if scan.malformed.len() < 3 {
                    scan.malformed.push(e.to_string());
                }
            }
        }
    }
    cache.pass.finish(roots);
    scan.most_fds = leaders(&scan.top, |p| p.open);
    scan.most_threads = leaders(&scan.top, |p| p.threads.unwrap_or(0));
    scan.top.sort_by(|a, b| {
        usage_ratio(b)
            .total_cmp(&usage_ratio(a))
            .then(b.open.cmp(&a.open))
    });
    scan.top.truncate(KEEP);
    Ok(scan)
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
    use proptest::prelude::*;

    const LIMITS: &str = "Limit                     Soft Limit           Hard Limit           Units     \n\
Max cpu time              unlimited            unlimited            seconds   \n\
Max open files            1024                 20000                files     \n";

    #[test]
    fn open_files_row() {
        assert_eq!(parse_limits(LIMITS), Ok((Some(1024), Some(20000))));
        assert_eq!(
            parse_limits("Max open files unlimited unlimited files"),
            Ok((None, None))
        );
        assert!(parse_limits("Max open files 1024").is_err());
        assert!(parse_limits("").is_err());
    }

    #[test]
    fn live_scan_sees_this_process() {
        let mut cache = NofileCache::default();
        let scan = read(&Roots::default(), &mut cache).unwrap();
        assert!(scan.scanned > 1);
        let before = one(&Roots::default(), &mut cache, std::process::id()).unwrap();
        let extra: Vec<fs::File> = (0..5)
            .map(|_| fs::File::open("/proc/self/stat").unwrap())
            .collect();
        let after = one(&Roots::default(), &mut cache, std::process::id()).unwrap();
        assert_eq!(after.open, before.open + 5, "{before:?} {after:?}");
        assert!(after.soft.is_some());
        let t = std::thread::spawn(|| {
            one(
                &Roots::default(),
                &mut NofileCache::default(),
                std::process::id(),
            )
            .unwrap()
            .threads
        });
        assert!(
            t.join().unwrap().unwrap() >= 2,
            "this test and the spawned thread"
        );
        assert!(scan.most_threads.len() == LEADERS.min(scan.scanned as usize));
        assert!(scan.most_fds.windows(2).all(|w| w[0].open >= w[1].open));
        drop(extra);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_limits(&s);
        }
    }
}
