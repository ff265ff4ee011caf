//! What is remembered of every process between passes, in little memory:
//!
//! - the recent readings its growth is measured over (the last [`RECENT`] passes);
//! - a history since the dashboard started (or over the replayed window), for the drill-down's
//!   sparklines: at most [`SLOTS`] slots, each the largest reading of the passes it covers.
//!   When all are used each two neighbours become one, and a slot covers twice as many passes.
//!
//! Both keep changes only: a reading equal to the one before adds nothing, so a process whose
//! counts do not move costs one entry of each, and a host of 5,000 sleeping processes costs
//! about 1 MB.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::slope::{self, Trend};
use crate::model::procs::{Process, ProcessTable};

/// Passes growth is measured over: the trend window at a 2 s pass, with room.
pub const RECENT: usize = 32;
/// Most points of a history since the start.
pub const SLOTS: usize = 128;

/// One reading of what the sparklines show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Reading {
    fds: u32,
    sockets: u32,
    rss_kb: u32,
    threads: u32,
}

impl Reading {
    fn of(p: &Process) -> Self {
        Self {
            fds: small(p.fds.unwrap_or(0)),
            sockets: small(p.sockets.map_or(0, |s| s.total())),
            rss_kb: small(p.rss_bytes.unwrap_or(0) / 1024),
            threads: small(p.threads),
        }
    }

    fn max(self, o: Self) -> Self {
        Self {
            fds: self.fds.max(o.fds),
            sockets: self.sockets.max(o.sockets),
            rss_kb: self.rss_kb.max(o.rss_kb),
            threads: self.threads.max(o.threads),
        }
    }
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What is kept of one process.
#[derive(Debug)]
struct Track {
    comm: Arc<str>,
    /// The last pass that saw it.
    seen: u32,
    /// (pass, fds, rss_kb) where one of them changed, oldest first, from the newest at or
    /// before the window's first pass on.
    recent: Vec<(u32, u32, u32)>,
    /// (slot, reading) where the slot's reading differs from the slot before, oldest first;
    /// the first is the slot it was first seen in.
    long: Vec<(u32, Reading)>,
    /// (time_ms, read_bytes, write_bytes) when the I/O counters were last read.
    io: Option<(u64, u64, u64)>,
    /// Read and write bytes per second between the last two readings of the I/O counters.
    rates: (Option<f64>, Option<f64>),
    /// The systemd unit or container named by this cgroup path, worked out once per path.
    unit: Option<(Arc<str>, Option<Arc<str>>)>,
}

/// Every process's history.
#[derive(Debug, Default)]
pub struct Histories {
    /// Passes recorded.
    pass: u32,
    /// (pass, time_ms) of the last [`RECENT`] passes.
    times: VecDeque<(u32, u64)>,
    /// The start (time_ms) of each slot.
    slots: Vec<u64>,
    /// Passes a slot covers.
    span: u32,
    /// Passes in the newest slot so far.
    in_slot: u32,
    /// Boxed: the map's free slots then cost a pointer each, not a track.
    tracks: HashMap<u32, Box<Track>>,
}

impl Histories {
    /// Adds one pass and forgets the processes that are gone (or whose pid was reused).
    pub fn record(&mut self, table: &ProcessTable) {
        self.pass += 1;
        let pass = self.pass;
        self.times.push_back((pass, table.time_ms));
        if self.times.len() > RECENT {
            self.times.pop_front();
        }
        let window_start = self.times.front().map_or(pass, |(p, _)| *p);
        self.next_slot(table.time_ms);
        let slot = u32::try_from(self.slots.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let continuing = self.in_slot > 1;
        for p in &table.procs {
            let t = self
                .tracks
                .entry(p.pid)
                .or_insert_with(|| Box::new(Track::new(p.comm.clone())));
            if t.comm != p.comm {
                **t = Track::new(p.comm.clone());
            }
            t.take(pass, slot, continuing && t.seen + 1 == pass, p);
            t.prune(window_start);
            t.take_io(table.time_ms, p);
            t.seen = pass;
        }
        self.tracks.retain(|_, t| t.seen == pass);
    }

    /// Opens a new slot when the newest is full, merging neighbours when all are used.
    fn next_slot(&mut self, time_ms: u64) {
        self.span = self.span.max(1);
        if !self.slots.is_empty() && self.in_slot < self.span {
            self.in_slot += 1;
            return;
        }
        // Every slot is full here: merged, each covers twice the passes and is full too.
        if self.slots.len() >= SLOTS {
            self.slots = self.slots.iter().step_by(2).copied().collect();
            self.span *= 2;
            let slots = self.slots.len();
            for t in self.tracks.values_mut() {
                t.halve(slots);
            }
        }
        self.slots.push(time_ms);
        self.in_slot = 1;
    }

    /// The trends of fds and of resident bytes over the recent passes; None with one reading.
    pub fn trends(&self, pid: u32) -> (Option<Trend>, Option<Trend>) {
        let Some(t) = self.tracks.get(&pid) else {
            return (None, None);
        };
        if t.recent.len() == 1 {
            let flat = self.flat(t);
            return (flat, flat);
        }
        let fds = self.points(t, |(_, fds, _)| f64::from(fds));
        let rss = self.points(t, |(_, _, kb)| f64::from(kb) * 1024.0);
        (slope::trend(&fds), slope::trend(&rss))
    }

    /// The trend of readings that did not move over the window, as [`slope::trend`] finds
    /// it (no change, not steady; None with one reading in the window) without the points.
    fn flat(&self, t: &Track) -> Option<Trend> {
        let born = t.recent.first()?.0;
        let (_, last) = *self.times.back()?;
        let first = self
            .times
            .iter()
            .filter(|(p, time)| *p >= born && last.saturating_sub(*time) <= slope::WINDOW_MS)
            .map(|(_, time)| *time)
            .next()?;
        (first < last).then_some(Trend {
            per_min: 0.0,
            steady: false,
        })
    }

    /// Readings at each recent pass the process was seen in, oldest first.
    fn points(&self, t: &Track, value: impl Fn((u32, u32, u32)) -> f64) -> Vec<(u64, f64)> {
        let born = t.recent.first().map_or(u32::MAX, |e| e.0);
        let mut entries = t.recent.iter().peekable();
        let mut out = Vec::with_capacity(self.times.len());
        let mut current = None;
        for &(pass, time) in self.times.iter().filter(|(p, _)| *p >= born) {
            while let Some(e) = entries.next_if(|e| e.0 <= pass) {
                current = Some(*e);
            }
            if let Some(e) = current {
                out.push((time, value(e)));
            }
        }
        out
    }

    /// I/O rates of a process (bytes per second read, written).
    pub fn rates(&self, pid: u32) -> (Option<f64>, Option<f64>) {
        self.tracks.get(&pid).map_or((None, None), |t| t.rates)
    }

    /// The unit or container of a process's cgroup, computed once per path.
    pub fn unit(
        &mut self,
        p: &Process,
        owner: impl Fn(&str) -> Option<String>,
    ) -> Option<Arc<str>> {
        let cgroup = p.cgroup.as_ref()?;
        let t = self.tracks.get_mut(&p.pid)?;
        match &t.unit {
            Some((path, unit)) if Arc::ptr_eq(path, cgroup) => unit.clone(),
            _ => {
                let unit: Option<Arc<str>> = owner(cgroup).map(Arc::from);
                t.unit = Some((cgroup.clone(), unit.clone()));
                unit
            }
        }
    }

    /// The history of one process since it was first seen: (slot start, reading) per slot.
    pub fn series(&self, pid: u32) -> super::ProcSeries {
        let mut s = super::ProcSeries::default();
        let Some(t) = self.tracks.get(&pid) else {
            return s;
        };
        for (slot, r) in t.expand(self.slots.len()) {
            s.time_ms
                .push(self.slots.get(slot).copied().unwrap_or_default());
            s.fds.push(u64::from(r.fds));
            s.sockets.push(u64::from(r.sockets));
            s.rss_bytes.push(u64::from(r.rss_kb) * 1024);
            s.threads.push(u64::from(r.threads));
        }
        s
    }
}

impl Track {
    fn new(comm: Arc<str>) -> Self {
        Self {
            comm,
            seen: 0,
            recent: Vec::with_capacity(1),
            long: Vec::with_capacity(1),
            io: None,
            rates: (None, None),
            unit: None,
        }
    }

    /// One pass's reading; `continuing` when it was seen in this slot before.
    fn take(&mut self, pass: u32, slot: u32, continuing: bool, p: &Process) {
        let r = Reading::of(p);
        if self.recent.last().map(|e| (e.1, e.2)) != Some((r.fds, r.rss_kb)) {
            self.recent.push((pass, r.fds, r.rss_kb));
        }
        match self.long.last_mut() {
            Some((s, v)) if *s == slot => *v = v.max(r),
            Some((_, v)) => {
                let r = if continuing { v.max(r) } else { r };
                if *v != r {
                    self.long.push((slot, r));
                }
            }
            None => self.long.push((slot, r)),
        }
    }

    /// Drops recent entries older than the one in force at the window's first pass.
    fn prune(&mut self, window_start: u32) {
        let old = self
            .recent
            .iter()
            .take_while(|e| e.0 <= window_start)
            .count();
        if old > 1 {
            self.recent.drain(..old - 1);
        }
    }

    fn take_io(&mut self, time_ms: u64, p: &Process) {
        let (Some(r), Some(w)) = (p.read_bytes, p.write_bytes) else {
            return;
        };
        self.rates = match self.io {
            Some((t0, r0, w0)) if time_ms > t0 => {
                let secs = (time_ms - t0) as f64 / 1000.0;
                let rate = |a: u64, b: u64| Some(a.saturating_sub(b) as f64 / secs);
                (rate(r, r0), rate(w, w0))
            }
            _ => (None, None),
        };
        self.io = Some((time_ms, r, w));
    }

    /// Every slot from the first it was seen in to the newest of `slots`, with its reading.
    fn expand(&self, slots: usize) -> Vec<(usize, Reading)> {
        let Some(&(first, _)) = self.long.first() else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(slots.saturating_sub(first as usize));
        let mut entries = self.long.iter().peekable();
        let mut current = Reading::default();
        for slot in first as usize..slots {
            while let Some((_, r)) = entries.next_if(|(s, _)| *s as usize <= slot) {
                current = *r;
            }
            out.push((slot, current));
        }
        out
    }

    /// Two neighbouring slots become one (the larger reading of each), `slots` remain.
    fn halve(&mut self, slots: usize) {
        let old = self.expand(slots * 2);
        let mut long: Vec<(u32, Reading)> = Vec::with_capacity(1);
        for (slot, r) in old {
            let slot = u32::try_from(slot / 2).unwrap_or(u32::MAX);
            match long.last_mut() {
                Some((s, v)) if *s == slot => *v = v.max(r),
                _ => long.push((slot, r)),
            }
        }
        long.dedup_by(|b, a| a.1 == b.1);
        long.shrink_to_fit();
        self.long = long;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn proc(pid: u32, comm: &str, fds: u64) -> Process {
        Process {
            pid,
            comm: comm.into(),
            fds: Some(fds),
            threads: 1,
            rss_bytes: Some(1 << 20),
            ..Process::default()
        }
    }

    fn pass(h: &mut Histories, i: u64, procs: Vec<Process>) {
        h.record(&ProcessTable {
            time_ms: 1_000_000 + i * 2000,
            procs,
            ..ProcessTable::default()
        });
    }

    #[test]
    fn a_process_that_does_not_move_costs_one_entry() {
        let mut h = Histories::default();
        for i in 0..500 {
            pass(&mut h, i, vec![proc(1, "sleep", 3)]);
        }
        let t = &h.tracks[&1];
        assert_eq!((t.recent.len(), t.long.len()), (1, 1));
        let s = h.series(1);
        assert_eq!(s.fds.len(), h.slots.len());
        assert!(s.fds.iter().all(|n| *n == 3));
        assert_eq!(h.trends(1).0.map(|t| t.per_min), Some(0.0));
    }

    #[test]
    fn the_history_reaches_back_to_the_start_in_at_most_slots_points_keeping_peaks() {
        let mut h = Histories::default();
        // 1,000 passes (33 minutes at 2 s): fds climb by one a pass, with a spike at pass 100.
        for i in 0..1000u64 {
            let fds = if i == 100 { 5000 } else { 10 + i };
            pass(&mut h, i, vec![proc(7, "leaky", fds)]);
        }
        let s = h.series(7);
        assert!(
            s.fds.len() <= SLOTS && s.fds.len() > SLOTS / 2,
            "{}",
            s.fds.len()
        );
        assert_eq!(s.time_ms[0], 1_000_000, "since the first pass");
        assert!(s.time_ms.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            s.fds.iter().copied().max(),
            Some(5000),
            "the spike survives merging"
        );
        assert_eq!(*s.fds.last().unwrap(), 10 + 999);
        assert!(s.fds.windows(2).filter(|w| w[1] < w[0]).count() <= 1);
        let (fds, _) = h.trends(7);
        assert!((fds.unwrap().per_min - 30.0).abs() < 1e-6, "{fds:?}");
    }

    #[test]
    fn a_process_seen_late_has_its_history_from_then_and_a_reused_pid_starts_over() {
        let mut h = Histories::default();
        for i in 0..10 {
            let mut procs = vec![proc(1, "init", 50)];
            if i >= 4 {
                procs.push(proc(2, "worker", i));
            }
            pass(&mut h, i, procs);
        }
        let s = h.series(2);
        assert_eq!(s.fds, vec![4, 5, 6, 7, 8, 9]);
        assert_eq!(s.time_ms[0], 1_000_000 + 4 * 2000);
        pass(&mut h, 10, vec![proc(1, "init", 50), proc(2, "other", 1)]);
        assert_eq!(h.series(2).fds, vec![1], "a new process under the same pid");
        pass(&mut h, 11, vec![proc(1, "init", 50)]);
        assert!(h.series(2).fds.is_empty(), "gone, forgotten");
        assert_eq!(h.trends(2), (None, None));
    }
}
