//! Inodes and bytes per mounted filesystem: the mounts from `/proc/self/mountinfo`, the numbers
//! from statvfs(3). statvfs on a hung NFS server blocks forever, so it runs on a worker thread
//! and the collector waits for it only so long.
//!
//! A captured tree cannot be statvfs'd: its numbers come from a `statvfs` file beside `proc/`
//! (one line per mount: mount point, inodes total, inodes free, bytes total, bytes available,
//! bytes free), written by whoever captured the tree.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::collect::mountinfo::MountEntry;
use crate::collect::text::u64_list;
use crate::collect::{ParseError, Roots, SourceError, read_parsed};
use crate::model::{FsUsage, Mount, Reading};

/// Filesystems with no inode or space limit of their own: kernel interfaces and read-only images.
const PSEUDO: &[&str] = &[
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "mqueue",
    "debugfs",
    "tracefs",
    "securityfs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
    "rpc_pipefs",
    "nsfs",
    "selinuxfs",
    "efivarfs",
    "squashfs",
    "iso9660",
    "ramfs",
    "devtmpfs",
];

pub fn is_pseudo(fstype: &str) -> bool {
    PSEUDO.contains(&fstype)
}

/// Kernel interfaces are mounted below these; what is mounted there is no user's storage.
fn is_kernel_path(mountpoint: &str) -> bool {
    ["/proc", "/sys"].iter().any(|p| {
        mountpoint == *p
            || mountpoint
                .strip_prefix(p)
                .is_some_and(|r| r.starts_with('/'))
    })
}

/// The real filesystems, each once: a mount point mounted over shows its top mount, and bind
/// mounts of a device keep its first mount point.
pub fn real_mounts(all: Vec<MountEntry>) -> Vec<MountEntry> {
    let mut top: Vec<MountEntry> = Vec::new();
    for m in all {
        if is_pseudo(&m.fstype) || is_kernel_path(&m.mountpoint) {
            continue;
        }
        top.retain(|t| t.mountpoint != m.mountpoint);
        top.push(m);
    }
    let mut seen = HashSet::new();
    top.retain(|m| seen.insert(m.dev.clone()));
    top
}

/// Parses a `statvfs` capture file (see the module doc).
pub fn parse_capture(text: &str) -> Result<HashMap<String, FsUsage>, ParseError> {
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some((mp, nums)) = line.trim().split_once(char::is_whitespace) else {
            continue;
        };
        let v = u64_list(i + 1, mp, nums)?;
        let [
            inodes_total,
            inodes_free,
            bytes_total,
            bytes_avail,
            bytes_free,
        ] = v[..]
        else {
            return Err(ParseError::new(i + 1, mp, "expected 5 numbers"));
        };
        out.insert(
            mp.to_string(),
            FsUsage {
                inodes_total,
                inodes_free,
                bytes_total,
                bytes_avail,
                bytes_free,
            },
        );
    }
    Ok(out)
}

fn statvfs(path: &Path) -> Result<FsUsage, SourceError> {
    let st =
        rustix::fs::statvfs(path).map_err(|e| SourceError::io(path, &std::io::Error::from(e)))?;
    let frsize = if st.f_frsize > 0 {
        st.f_frsize
    } else {
        st.f_bsize
    };
    Ok(FsUsage {
        inodes_total: st.f_files,
        inodes_free: st.f_ffree,
        bytes_total: st.f_blocks.saturating_mul(frsize),
        bytes_avail: st.f_bavail.saturating_mul(frsize),
        bytes_free: st.f_bfree.saturating_mul(frsize),
    })
}

/// Runs statvfs on the live system off the collector thread, on one worker that lives across
/// samples. Mount points that did not answer stay marked as hung until their call returns, and
/// are skipped meanwhile; a worker still in such a call is left to it and a new one takes the
/// next samples, so a dead server costs one blocked thread, not one per sample.
#[derive(Debug, Default)]
pub struct LiveStat {
    hung: Arc<Mutex<HashSet<PathBuf>>>,
    worker: Mutex<Option<mpsc::Sender<Job>>>,
}

type StatFn = fn(&Path) -> Result<FsUsage, SourceError>;

/// One sample's mount points, by index, and where their answers go.
#[derive(Debug)]
struct Job {
    todo: Vec<(usize, PathBuf)>,
    stat: StatFn,
    answers: mpsc::Sender<(usize, Result<FsUsage, SourceError>)>,
}

/// Answers jobs until the queue is dropped; a job whose sample stopped waiting is left.
fn work(jobs: &mpsc::Receiver<Job>, hung: &Mutex<HashSet<PathBuf>>) {
    for job in jobs {
        for (i, p) in job.todo {
            if let Ok(mut h) = hung.lock() {
                h.insert(p.clone());
            }
            let r = (job.stat)(&p);
            if let Ok(mut h) = hung.lock() {
                h.remove(&p);
            }
            if job.answers.send((i, r)).is_err() {
                break;
            }
        }
    }
}

impl LiveStat {
    pub fn stat_all(
        &self,
        paths: &[PathBuf],
        budget: Duration,
    ) -> Vec<Result<FsUsage, SourceError>> {
        self.stat_all_with(paths, budget, statvfs)
    }

    /// Hands the job to the worker, starting one when there is none or it is stuck in a call
    /// (a mount point is still marked hung). False when no thread could be had.
    fn hand_over(&self, job: Job, stuck: bool) -> bool {
        let Ok(mut worker) = self.worker.lock() else {
            return false;
        };
        if stuck {
            *worker = None;
        }
        let job = match worker.as_ref() {
            Some(w) => match w.send(job) {
                Ok(()) => return true,
                // Its worker is gone (it panicked): a new one takes the job.
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (tx, rx) = mpsc::channel();
        let hung = Arc::clone(&self.hung);
        let spawned = thread::Builder::new()
            .name("statvfs".into())
            .spawn(move || work(&rx, &hung));
        if spawned.is_err() || tx.send(job).is_err() {
            *worker = None;
            return false;
        }
        *worker = Some(tx);
        true
    }

    fn stat_all_with(
        &self,
        paths: &[PathBuf],
        budget: Duration,
        stat: StatFn,
    ) -> Vec<Result<FsUsage, SourceError>> {
        let (tx, rx) = mpsc::channel();
        let hung = self.hung.lock().map(|h| h.clone()).unwrap_or_default();
        let todo: Vec<(usize, PathBuf)> = paths
            .iter()
            .cloned()
            .enumerate()
            .filter(|(_, p)| !hung.contains(p))
            .collect();
        let job = Job {
            todo,
            stat,
            answers: tx,
        };
        let spawned = self.hand_over(job, !hung.is_empty());
        let mut out: Vec<Option<Result<FsUsage, SourceError>>> = vec![None; paths.len()];
        if spawned {
            let deadline = Instant::now() + budget;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match rx.recv_timeout(left) {
                    Ok((i, r)) => {
                        if let Some(slot) = out.get_mut(i) {
                            *slot = Some(r);
                        }
                    }
                    Err(_) => break,
                }
            }
        }
        let ms = budget.as_millis() as u64;
        out.into_iter()
            .zip(paths)
            .map(|(r, p)| {
                r.unwrap_or_else(|| {
                    Err(SourceError::TimedOut {
                        path: p.display().to_string(),
                        ms,
                    })
                })
            })
            .collect()
    }
}

pub fn read(
    roots: &Roots,
    all: &Reading<Vec<MountEntry>>,
    live: &LiveStat,
    budget: Duration,
) -> Reading<Vec<Mount>> {
    let mounts = real_mounts(all.as_ref().map_err(Clone::clone)?.clone());
    let usages = if roots.is_live() {
        let paths: Vec<PathBuf> = mounts
            .iter()
            .map(|m| PathBuf::from(&m.mountpoint))
            .collect();
        live.stat_all(&paths, budget)
    } else {
        captured_usages(roots, &mounts)
    };
    Ok(mounts
        .into_iter()
        .zip(usages)
        .map(|(m, usage)| Mount {
            mountpoint: m.mountpoint,
            fstype: m.fstype,
            source: m.source,
            usage,
        })
        .collect())
}

fn captured_usages(roots: &Roots, mounts: &[MountEntry]) -> Vec<Result<FsUsage, SourceError>> {
    let file = roots
        .proc
        .parent()
        .map_or_else(|| PathBuf::from("statvfs"), |p| p.join("statvfs"));
    let capture = read_parsed(&file, parse_capture);
    mounts
        .iter()
        .map(|m| match &capture {
            Ok(map) => map
                .get(&m.mountpoint)
                .copied()
                .ok_or_else(|| SourceError::Missing {
                    path: format!("{} ({} not captured)", file.display(), m.mountpoint),
                }),
            Err(e) => Err(e.clone()),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::mountinfo;
    use proptest::prelude::*;

    #[test]
    fn pseudo_and_bind_mounts_are_left_out() {
        let all = mountinfo::parse(
            "1 0 254:0 / / rw - ext4 /dev/vda rw\n\
             2 1 0:5 / /proc rw - proc proc rw\n\
             3 1 254:0 /srv /srv rw - ext4 /dev/vda rw\n\
             4 1 0:40 / /dev/shm rw - tmpfs tmpfs rw\n\
             5 1 0:41 / /dev/shm rw - tmpfs tmpfs rw\n\
             6 1 0:42 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n",
        )
        .unwrap();
        let real: Vec<String> = real_mounts(all).into_iter().map(|m| m.mountpoint).collect();
        assert_eq!(real, vec!["/", "/dev/shm"]);
        let all = mountinfo::parse("5 1 0:41 / /dev/shm rw - tmpfs tmpfs rw\n").unwrap();
        assert_eq!(real_mounts(all)[0].dev, "0:41");
    }

    #[test]
    fn capture_lines() {
        let c = parse_capture("/ 3000000 120 10737418240 5368709120 5368709120\n").unwrap();
        assert_eq!(c["/"].inodes_free, 120);
        assert!(parse_capture("/ 1 2 3").is_err());
        assert!(parse_capture("").unwrap().is_empty());
    }

    #[test]
    fn live_statvfs_of_root_answers() {
        let r = LiveStat::default().stat_all(
            &[PathBuf::from("/"), PathBuf::from("/nonexistent-x")],
            Duration::from_secs(5),
        );
        let root = r[0].as_ref().unwrap();
        assert!(root.bytes_total > 0 && root.bytes_free <= root.bytes_total);
        assert!(matches!(r[1], Err(SourceError::Missing { .. })));
    }

    fn slow_stat(p: &Path) -> Result<FsUsage, SourceError> {
        if p == Path::new("/hung-nfs") {
            std::thread::sleep(Duration::from_secs(3));
        }
        Ok(FsUsage {
            inodes_total: 10,
            inodes_free: 5,
            bytes_total: 100,
            bytes_avail: 50,
            bytes_free: 60,
        })
    }

    #[test]
    fn a_hung_mount_costs_one_wait_then_is_skipped() {
        let live = LiveStat::default();
        let paths = [PathBuf::from("/"), PathBuf::from("/hung-nfs")];
        let first = live.stat_all_with(&paths, Duration::from_millis(200), slow_stat);
        assert!(first[0].is_ok());
        assert!(
            matches!(first[1], Err(SourceError::TimedOut { ms: 200, .. })),
            "{:?}",
            first[1]
        );
        let start = Instant::now();
        let second = live.stat_all_with(&paths, Duration::from_millis(200), slow_stat);
        assert!(
            start.elapsed() < Duration::from_millis(150),
            "waited on the hung mount again"
        );
        assert!(second[0].is_ok());
        assert!(matches!(second[1], Err(SourceError::TimedOut { .. })));
    }

    static SEEN: Mutex<Vec<(PathBuf, thread::ThreadId)>> = Mutex::new(Vec::new());

    fn seen_stat(p: &Path) -> Result<FsUsage, SourceError> {
        SEEN.lock()
            .unwrap()
            .push((p.to_path_buf(), thread::current().id()));
        slow_stat(p)
    }

    #[test]
    fn samples_share_one_worker_until_it_is_stuck() {
        let live = LiveStat::default();
        let fine = PathBuf::from("/shared-worker");
        for _ in 0..3 {
            let r = live.stat_all_with(
                std::slice::from_ref(&fine),
                Duration::from_secs(5),
                seen_stat,
            );
            assert!(r[0].is_ok());
        }
        let workers = |p: &Path| -> HashSet<thread::ThreadId> {
            let seen = SEEN.lock().unwrap();
            seen.iter()
                .filter(|(q, _)| q == p)
                .map(|(_, t)| *t)
                .collect()
        };
        assert_eq!(workers(&fine).len(), 1, "one thread answered three samples");
        let paths = [PathBuf::from("/hung-nfs"), PathBuf::from("/after-hung")];
        live.stat_all_with(&paths, Duration::from_millis(100), seen_stat);
        let later = live.stat_all_with(&paths, Duration::from_secs(5), seen_stat);
        assert!(
            later[1].is_ok(),
            "a new worker answers while the old one waits"
        );
        assert_eq!(workers(Path::new("/after-hung")).len(), 1);
        assert!(workers(Path::new("/after-hung")).is_disjoint(&workers(&fine)));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_capture(&s);
        }
    }
}
