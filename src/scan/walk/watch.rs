//! Whether the walk still moves, so that it never waits on a worker stuck in the kernel.
//!
//! A mount whose server never answers (FUSE, an NFS hard mount) holds the thread that opens
//! or reads it until the server answers, possibly forever. So the walk's tasks are not scoped:
//! each is counted out when spawned and in when done, the caller waits for the count to reach
//! zero, and meanwhile every worker beats a counter as it goes (a task begun or ended, an
//! entry read) and names the directory it is on. When nothing has moved for [`STALL`] and
//! only directories being read are left (or [`STALL_QUEUED`] with more queued behind them),
//! the walk gives up on them: they are reported as not answering, and their workers are left
//! behind, to end when the server answers or with the process.

use std::ffi::CString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::scan::Progress;

/// How often the caller looks at the workers.
const TICK: Duration = Duration::from_millis(100);
/// Nothing moved for this long, and nothing is queued: the directories still being read did
/// not answer. With [`TICK`] the walk ends within a second of the last other work.
pub(super) const STALL: Duration = Duration::from_millis(900);
/// Nothing moved for this long although directories are queued: every worker is stuck.
pub(super) const STALL_QUEUED: Duration = Duration::from_secs(5);

/// The directory a task is on.
#[derive(Debug, Clone)]
pub(super) struct OnDir {
    pub parent: u32,
    /// Empty for the root.
    pub name: CString,
    /// Its index in the tree once it was opened.
    pub id: Option<u32>,
}

/// One worker's beat and its task; a cache line each, as every worker writes its own often.
#[repr(align(64))]
#[derive(Debug, Default)]
struct Worker {
    beat: AtomicU64,
    on: Mutex<Option<OnDir>>,
}

#[derive(Debug)]
pub(super) struct Watch {
    workers: Box<[Worker]>,
    /// Tasks spawned and not done yet.
    outstanding: AtomicU64,
    /// Beats of tasks that ran outside the pool's workers (none in practice).
    stray: AtomicU64,
    idle: Mutex<()>,
    woken: Condvar,
}

/// How waiting for the tasks ended.
#[derive(Debug)]
pub(super) enum Waited {
    /// Every task is done.
    Idle,
    Cancelled,
    /// Nothing moved for too long: the directories the workers were on, and how many more
    /// were queued behind them, never to be read.
    Stalled {
        on: Vec<OnDir>,
        queued: u64,
    },
}

/// A running task: beats for its worker, says which directory it is on, and is counted in
/// when dropped (even by a panic).
#[derive(Debug)]
pub(super) struct Task<'w> {
    watch: &'w Watch,
    worker: Option<&'w Worker>,
}

impl Watch {
    pub fn new(threads: usize) -> Self {
        Self {
            workers: (0..threads).map(|_| Worker::default()).collect(),
            outstanding: AtomicU64::new(0),
            stray: AtomicU64::new(0),
            idle: Mutex::new(()),
            woken: Condvar::new(),
        }
    }

    /// Counts a task out; call before spawning it.
    pub fn spawned(&self) {
        self.outstanding.fetch_add(1, Ordering::SeqCst);
    }

    /// The task that runs on this thread from now on, on directory `on`.
    pub fn begin(&self, on: OnDir) -> Task<'_> {
        let worker = rayon::current_thread_index().and_then(|i| self.workers.get(i));
        if let Some(w) = worker {
            *lock(&w.on) = Some(on);
        }
        let task = Task {
            watch: self,
            worker,
        };
        task.beat();
        task
    }

    /// Waits until every task is done, the scan is cancelled, or nothing moves any more.
    pub fn wait(&self, progress: &Progress) -> Waited {
        let mut last = self.beats();
        let mut quiet_since = Instant::now();
        let mut guard = lock(&self.idle);
        loop {
            if self.outstanding.load(Ordering::SeqCst) == 0 {
                return Waited::Idle;
            }
            if progress.is_cancelled() {
                return Waited::Cancelled;
            }
            guard = match self.woken.wait_timeout(guard, TICK) {
                Ok((g, _)) => g,
                Err(poisoned) => poisoned.into_inner().0,
            };
            let beats = self.beats();
            if beats != last {
                last = beats;
                quiet_since = Instant::now();
                continue;
            }
            let on = self.current();
            let outstanding = self.outstanding.load(Ordering::SeqCst);
            let queued = outstanding.saturating_sub(on.len() as u64);
            let limit = if queued == 0 { STALL } else { STALL_QUEUED };
            if outstanding > 0 && quiet_since.elapsed() >= limit {
                return Waited::Stalled { on, queued };
            }
        }
    }

    fn beats(&self) -> u64 {
        self.workers
            .iter()
            .map(|w| w.beat.load(Ordering::Relaxed))
            .fold(self.stray.load(Ordering::Relaxed), u64::wrapping_add)
    }

    /// The directories the workers are on now.
    fn current(&self) -> Vec<OnDir> {
        self.workers
            .iter()
            .filter_map(|w| lock(&w.on).clone())
            .collect()
    }
}

impl Task<'_> {
    /// Something moved: an entry read, a call returned.
    pub fn beat(&self) {
        match self.worker {
            // Only this worker writes its beat: no read-modify-write needed.
            Some(w) => w.beat.store(
                w.beat.load(Ordering::Relaxed).wrapping_add(1),
                Ordering::Relaxed,
            ),
            None => {
                self.watch.stray.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The directory was opened and took index `id`.
    pub fn opened(&self, id: u32) {
        if let Some(w) = self.worker
            && let Some(on) = lock(&w.on).as_mut()
        {
            on.id = Some(id);
        }
    }
}

impl Drop for Task<'_> {
    fn drop(&mut self) {
        if let Some(w) = self.worker {
            *lock(&w.on) = None;
        }
        self.beat();
        if self.watch.outstanding.fetch_sub(1, Ordering::SeqCst) == 1 {
            // Under the lock, so the caller is either before its check or already waiting.
            let _idle = lock(&self.watch.idle);
            self.watch.woken.notify_all();
        }
    }
}

/// A worker that panicked while holding a lock left a whole value behind.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use super::*;

    fn on(name: &str) -> OnDir {
        OnDir {
            parent: 0,
            name: CString::new(name).unwrap(),
            id: None,
        }
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn waiting_ends_when_the_last_task_is_done() {
        let watch = Arc::new(Watch::new(2));
        let pool = pool(2);
        for i in 0..50 {
            watch.spawned();
            let w = Arc::clone(&watch);
            pool.spawn(move || {
                let task = w.begin(on(&i.to_string()));
                std::thread::sleep(Duration::from_millis(2));
                task.beat();
            });
        }
        let start = Instant::now();
        assert!(matches!(watch.wait(&Progress::new()), Waited::Idle));
        assert!(start.elapsed() < STALL, "{:?}", start.elapsed());
        assert!(watch.current().is_empty());
    }

    #[test]
    fn a_task_that_never_returns_is_given_up_with_its_directory() {
        let watch = Arc::new(Watch::new(2));
        let pool = pool(2);
        let release = Arc::new(AtomicBool::new(false));
        for name in ["quick", "stuck"] {
            watch.spawned();
            let (w, release) = (Arc::clone(&watch), Arc::clone(&release));
            pool.spawn(move || {
                let task = w.begin(on(name));
                task.opened(7);
                while name == "stuck" && !release.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            });
        }
        let start = Instant::now();
        let Waited::Stalled { on, queued } = watch.wait(&Progress::new()) else {
            panic!("not stalled")
        };
        let took = start.elapsed();
        release.store(true, Ordering::Relaxed);
        assert!(
            took >= STALL && took < STALL + Duration::from_secs(1),
            "{took:?}"
        );
        assert_eq!(queued, 0);
        let names: Vec<_> = on
            .iter()
            .map(|d| (d.name.to_str().unwrap(), d.id))
            .collect();
        assert_eq!(names, [("stuck", Some(7))]);
    }

    #[test]
    fn a_slow_task_that_keeps_beating_is_waited_for() {
        let watch = Arc::new(Watch::new(1));
        let pool = pool(1);
        watch.spawned();
        let w = Arc::clone(&watch);
        pool.spawn(move || {
            let task = w.begin(on("big"));
            let until = Instant::now() + STALL * 2;
            while Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
                task.beat();
            }
        });
        assert!(matches!(watch.wait(&Progress::new()), Waited::Idle));
    }

    #[test]
    fn cancelling_does_not_wait_for_a_stuck_task() {
        let watch = Arc::new(Watch::new(1));
        let pool = pool(1);
        let release = Arc::new(AtomicBool::new(false));
        watch.spawned();
        let (w, r) = (Arc::clone(&watch), Arc::clone(&release));
        pool.spawn(move || {
            let _task = w.begin(on("stuck"));
            while !r.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let progress = Progress::new();
        progress.cancel();
        let start = Instant::now();
        assert!(matches!(watch.wait(&progress), Waited::Cancelled));
        assert!(start.elapsed() < TICK);
        release.store(true, Ordering::Relaxed);
    }
}
