//! Processes derived over time: fd and RSS growth per minute, a leak verdict with the time to
//! the limit, I/O rates, groups by command, and a bounded history of every process since the
//! dashboard started ([`history`]).

use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::slope::{self, duration_words, rate_words};
use crate::format::{grouped, noun};
use crate::model::Snapshot;
use crate::model::procs::{ProcDetail, Process};

mod groups;
pub mod history;
pub use groups::{groups, label};

/// One process as the Processes pane and `snapshot --json` show it. Serialized, it is an entry
/// of the JSON's `processes`: what only the pane shows is skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcRow {
    pub pid: u32,
    pub ppid: u32,
    pub comm: Arc<str>,
    pub cmdline: Arc<str>,
    pub user: Arc<str>,
    pub state: char,
    pub threads: u64,
    pub fds: Option<u64>,
    /// RLIMIT_NOFILE soft limit; None when unlimited or unknown.
    pub fd_limit: Option<u64>,
    pub sockets: Option<u64>,
    pub tcp: Option<u64>,
    pub udp: Option<u64>,
    pub unix: Option<u64>,
    pub rss_bytes: Option<u64>,
    /// None with one reading.
    pub fd_growth_per_min: Option<f64>,
    pub rss_growth_per_min: Option<f64>,
    #[serde(skip)]
    pub read_bytes_per_s: Option<f64>,
    #[serde(skip)]
    pub write_bytes_per_s: Option<f64>,
    pub cgroup: Option<Arc<str>>,
    /// The systemd unit or container the cgroup names.
    #[serde(skip)]
    pub unit: Option<Arc<str>>,
    /// Steady fd growth: the slope and the time to the limit (boxed: few rows have one).
    #[serde(skip)]
    pub leak: Option<Box<Leak>>,
}

/// Steady growth of a process's descriptors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leak {
    pub per_min: f64,
    pub used: u64,
    pub limit: Option<u64>,
    /// Seconds until the limit at this rate.
    pub full_in_s: Option<f64>,
    /// "fds +600/min, 1,420 of 2,048: full in about 1 min".
    pub text: String,
}

/// Processes folded by command. Serialized, it is an entry of the JSON's `process_groups`:
/// what only the pane shows is skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcGroup {
    pub comm: String,
    pub count: u64,
    pub fds: u64,
    pub sockets: u64,
    pub tcp: u64,
    pub udp: u64,
    pub unix: u64,
    pub threads: u64,
    pub rss_bytes: u64,
    /// The one parent all of them share, when there are several: (pid, comm).
    #[serde(skip)]
    pub parent: Option<(u32, String)>,
    /// The TCP peer most of their sockets go to, and how many.
    #[serde(skip)]
    pub top_peer: Option<(SocketAddr, u64)>,
    /// "cleanup ×87 · 348 unix sockets".
    #[serde(skip)]
    pub label: String,
}

/// A process's fds, sockets, RSS and threads since it was first seen, oldest first: one point
/// per slot of [`history`] (each the largest reading of the passes it covers).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcSeries {
    pub time_ms: Vec<u64>,
    pub fds: Vec<u64>,
    pub sockets: Vec<u64>,
    pub rss_bytes: Vec<u64>,
    pub threads: Vec<u64>,
}

/// The drill-down: the collector's reading, and what time adds to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailView {
    pub detail: ProcDetail,
    pub leak: Option<Box<Leak>>,
    pub history: ProcSeries,
}

/// Everything the Processes pane shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProcsView {
    /// Most fds first. Shared between the views of the samples of one pass.
    pub rows: Arc<Vec<ProcRow>>,
    /// Most fds first. Shared between the views of the samples of one pass.
    pub groups: Arc<Vec<ProcGroup>>,
    pub hidden: u64,
    /// "312 processes hidden: run as root to see their fds".
    pub hidden_note: Option<String>,
    /// Why there are no rows, when the pass failed.
    pub error: Option<String>,
    /// The drill-down, when a process is selected and still there.
    pub detail: Option<DetailView>,
    /// Why the drill-down is empty (the process exited, …).
    pub detail_error: Option<String>,
}

/// Keeps per-process history between snapshots.
#[derive(Debug, Default)]
pub struct ProcDeriver {
    last_pass_ms: Option<u64>,
    history: history::Histories,
    /// The rows and groups of the last pass, shared with the views until the next pass.
    rows: Arc<Vec<ProcRow>>,
    groups: Arc<Vec<ProcGroup>>,
}

impl ProcDeriver {
    pub fn update(&mut self, snap: &Snapshot) -> ProcsView {
        let table = match &snap.processes {
            Ok(t) => t,
            Err(e) => {
                return ProcsView {
                    error: Some(e.to_string()),
                    ..ProcsView::default()
                };
            }
        };
        if self.last_pass_ms != Some(table.time_ms) {
            self.last_pass_ms = Some(table.time_ms);
            self.history.record(table);
            let mut rows: Vec<ProcRow> = table.procs.iter().map(|p| self.row(p)).collect();
            rows.sort_unstable_by(|a, b| b.fds.cmp(&a.fds).then(a.pid.cmp(&b.pid)));
            self.rows = Arc::new(rows);
            self.groups = Arc::new(groups(table, snap));
        }
        let rows = &self.rows;
        let hidden_note = (table.hidden > 0).then(|| {
            let why = if table.as_root {
                "the kernel refuses even root their fd links"
            } else {
                "run as root to see their fds"
            };
            let what = noun(table.hidden, "process", "processes");
            format!("{} {what} hidden: {why}", grouped(table.hidden))
        });
        let (detail, detail_error) = match &snap.process_detail {
            None => (None, None),
            Some(Err(e)) => (None, Some(e.to_string())),
            Some(Ok(d)) => (
                Some(DetailView {
                    // The verdict at the drill-down's own count, read this sample.
                    leak: rows
                        .iter()
                        .find(|r| r.pid == d.pid)
                        .and_then(|r| r.leak.as_deref())
                        .map(|l| {
                            let used = if d.fds_total > 0 { d.fds_total } else { l.used };
                            Box::new(leak(l.per_min, used, l.limit))
                        }),
                    history: self.history(d.pid),
                    detail: d.clone(),
                }),
                None,
            ),
        };
        ProcsView {
            groups: Arc::clone(&self.groups),
            rows: Arc::clone(rows),
            hidden: table.hidden,
            hidden_note,
            error: None,
            detail,
            detail_error,
        }
    }

    /// The history of one process since it was first seen (empty when it is not there).
    pub fn history(&self, pid: u32) -> ProcSeries {
        self.history.series(pid)
    }

    fn row(&mut self, p: &Process) -> ProcRow {
        let (fd_trend, rss_trend) = self.history.trends(p.pid);
        let leak = match (fd_trend, p.fds) {
            (Some(t), Some(used)) if t.steady && t.per_min > 0.0 => {
                Some(Box::new(leak(t.per_min, used, p.fd_soft)))
            }
            _ => None,
        };
        let (read_rate, write_rate) = self.history.rates(p.pid);
        ProcRow {
            pid: p.pid,
            ppid: p.ppid,
            comm: p.comm.clone(),
            cmdline: p.cmdline.clone(),
            user: p.user.clone(),
            state: p.state,
            threads: p.threads,
            fds: p.fds,
            fd_limit: p.fd_soft,
            sockets: p.sockets.map(|s| s.total()),
            tcp: p.sockets.map(|s| s.tcp),
            udp: p.sockets.map(|s| s.udp),
            unix: p.sockets.map(|s| s.unix),
            rss_bytes: p.rss_bytes,
            fd_growth_per_min: fd_trend.map(|t| t.per_min),
            rss_growth_per_min: rss_trend.map(|t| t.per_min),
            read_bytes_per_s: read_rate,
            write_bytes_per_s: write_rate,
            unit: self.history.unit(p, crate::collect::procs::cgroup::owner),
            cgroup: p.cgroup.clone(),
            leak,
        }
    }
}

/// The verdict for a steady rise of `per_min` at `used` against `limit`.
pub fn leak(per_min: f64, used: u64, limit: Option<u64>) -> Leak {
    let full_in_s = slope::time_to_full(used, limit, per_min);
    let text = match (limit, full_in_s) {
        (Some(max), Some(s)) => format!(
            "fds {}, {} of {}: full in {}",
            rate_words(per_min),
            grouped(used),
            grouped(max),
            duration_words(s)
        ),
        _ => format!("fds {}, {} (no limit)", rate_words(per_min), grouped(used)),
    };
    Leak {
        per_min,
        used,
        limit,
        full_in_s,
        text,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};
    use crate::model::procs::{ProcessTable, SocketCounts};

    fn base() -> Snapshot {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs");
        Collector::new(Roots::fixture(dir)).sample()
    }

    fn proc(pid: u32, ppid: u32, comm: &str, fds: u64, sockets: SocketCounts) -> Process {
        Process {
            pid,
            ppid,
            comm: comm.into(),
            fds: Some(fds),
            fd_soft: Some(2048),
            sockets: Some(sockets),
            threads: 1,
            rss_bytes: Some(1 << 20),
            ..Process::default()
        }
    }

    fn at(mut snap: Snapshot, t: u64, procs: Vec<Process>) -> Snapshot {
        snap.processes = Ok(std::sync::Arc::new(ProcessTable {
            time_ms: t,
            procs,
            ..ProcessTable::default()
        }));
        snap
    }

    #[test]
    fn a_steady_leak_has_a_slope_and_a_time_to_its_limit() {
        let mut d = ProcDeriver::default();
        let mut view = ProcsView::default();
        for i in 0..31u64 {
            let procs = vec![
                proc(10, 1, "leaky", 800 + 20 * i, SocketCounts::default()),
                proc(11, 1, "calm", 900, SocketCounts::default()),
            ];
            view = d.update(&at(base(), i * 2000, procs));
        }
        let first = &view.rows[0];
        assert_eq!(first.pid, 10);
        assert!((first.fd_growth_per_min.unwrap() - 600.0).abs() < 1e-6);
        let leak = first.leak.as_ref().unwrap();
        assert_eq!(
            leak.text,
            "fds +600/min, 1,400 of 2,048: full in about 1 min"
        );
        assert_eq!(view.rows[1].fd_growth_per_min, Some(0.0));
        assert!(view.rows[1].leak.is_none());
        assert_eq!(d.history(10).fds.len(), 31);
        // The drill-down reads its process every sample: the verdict counts what it read.
        let mut snap = at(
            base(),
            60_000,
            vec![proc(10, 1, "leaky", 1_400, SocketCounts::default())],
        );
        snap.process_detail = Some(Ok(ProcDetail {
            pid: 10,
            fds_total: 1_420,
            ..ProcDetail::default()
        }));
        let detail = d.update(&snap).detail.unwrap();
        assert!(
            detail
                .leak
                .unwrap()
                .text
                .starts_with("fds +600/min, 1,420 of 2,048")
        );
    }

    #[test]
    fn one_reading_has_no_growth_and_a_reused_pass_is_not_counted_twice() {
        let mut d = ProcDeriver::default();
        let procs = vec![proc(10, 1, "a", 5, SocketCounts::default())];
        let v = d.update(&at(base(), 1000, procs.clone()));
        assert_eq!(v.rows[0].fd_growth_per_min, None);
        let v = d.update(&at(base(), 1000, procs));
        assert_eq!(v.rows[0].fd_growth_per_min, None);
        assert_eq!(d.history(10).fds.len(), 1);
    }

    #[test]
    fn groups_name_what_they_hold() {
        let unix = SocketCounts {
            unix: 4,
            ..SocketCounts::default()
        };
        let mut procs: Vec<Process> = (0..30)
            .map(|i| proc(100 + i, 1, "cleanup", 6, unix))
            .collect();
        procs.push(proc(4242, 1, "bash", 4, SocketCounts::default()));
        procs.extend((0..1500).map(|i| proc(5000 + i, 4242, "sleep", 3, SocketCounts::default())));
        let v = ProcDeriver::default().update(&at(base(), 0, procs));
        let label = |c: &str| v.groups.iter().find(|g| g.comm == c).unwrap().label.clone();
        assert_eq!(label("cleanup"), "cleanup ×30 · 120 unix sockets");
        assert_eq!(label("sleep"), "sleep ×1,500 · children of bash[4242]");
        assert_eq!(label("bash"), "bash ×1 · 4 fds");
        assert_eq!(v.groups[0].comm, "sleep", "most fds first");
    }

    #[test]
    fn a_drill_down_on_any_process_shows_it_since_it_was_first_seen() {
        let mut d = ProcDeriver::default();
        let procs = |i: u64| -> Vec<Process> {
            let mut v: Vec<Process> = (0..25)
                .map(|n| proc(100 + n, 1, "busy", 1000 + n as u64, SocketCounts::default()))
                .collect();
            v.push(proc(9, 1, "quiet", 3 + i, SocketCounts::default()));
            v
        };
        for i in 0..10 {
            d.update(&at(base(), i * 2000, procs(i)));
        }
        let mut snap = at(base(), 10 * 2000, procs(10));
        snap.process_detail = Some(Ok(ProcDetail {
            pid: 9,
            ..ProcDetail::default()
        }));
        let view = d.update(&snap);
        let history = view.detail.unwrap().history;
        assert_eq!(history.fds, (3..=13).collect::<Vec<u64>>());
        assert_eq!(history.time_ms.first(), Some(&0));
    }

    #[test]
    fn hidden_processes_are_said() {
        let cases = [
            (
                312,
                false,
                "312 processes hidden: run as root to see their fds",
            ),
            (
                312,
                true,
                "312 processes hidden: the kernel refuses even root their fd links",
            ),
            (
                1,
                true,
                "1 process hidden: the kernel refuses even root their fd links",
            ),
        ];
        for (hidden, as_root, said) in cases {
            let mut snap = at(base(), 0, vec![]);
            if let Ok(t) = &mut snap.processes {
                let t = std::sync::Arc::make_mut(t);
                (t.hidden, t.as_root) = (hidden, as_root);
            }
            let v = ProcDeriver::default().update(&snap);
            assert_eq!(v.hidden_note.as_deref(), Some(said));
        }
    }
}
