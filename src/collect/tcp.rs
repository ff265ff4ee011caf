//! TCP sockets: enumerated through netlink sock_diag (as `ss` does), or from /proc/net/tcp and
//! /proc/net/tcp6 when netlink is unavailable (out of sockets, no inet_diag module) or the
//! roots are a captured tree; then aggregated per state, peer and listener, with owners.

pub mod aggregate;
pub mod netlink;
pub mod owners;
pub mod port_range;
pub mod procfs;
pub mod services;
pub mod split;

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use crate::collect::counters;
use crate::collect::{Roots, SourceError, now_ms, read_parsed, read_text};
use crate::model::procs::ProcessTable;
use crate::model::tcp::{TcpMethod, TcpSample, TcpState, TcpTable};
use owners::OwnerMap;
use split::Pivot;

/// One socket as either source reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSocket {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: TcpState,
    /// LISTEN: connections waiting in the accept queue; otherwise unread bytes.
    pub rx_queue: u32,
    /// LISTEN through netlink: the backlog; otherwise unacknowledged bytes.
    pub tx_queue: u32,
    pub uid: u32,
    /// 0 for sockets without a file (TIME_WAIT, request sockets).
    pub inode: u64,
}

/// An address as headroom prints it: IPv4-mapped IPv6 becomes IPv4.
pub fn socket_addr(ip: IpAddr, port: u16) -> SocketAddr {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    SocketAddr::new(ip, port)
}

/// Which enumeration to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Method {
    /// Netlink on the live machine, falling back to procfs; procfs on a captured tree.
    #[default]
    Auto,
    Netlink,
    Procfs,
}

/// The sockets of one enumeration and how they were had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump {
    pub sockets: Vec<RawSocket>,
    pub method: TcpMethod,
    /// Why netlink was not used under [`Method::Auto`].
    pub fallback: Option<String>,
}

/// Enumerates every TCP socket, once.
pub fn dump(roots: &Roots, method: Method) -> Result<Dump, SourceError> {
    Reader::new(method).dump(roots)
}

/// Enumerates sockets sample after sample, keeping what the next netlink dump can use: where
/// to cut the table so that two dumps run at once (see [`split`]).
#[derive(Debug, Default)]
pub struct Reader {
    pub method: Method,
    pivot: Option<Pivot>,
    /// Sockets in the last netlink dump, to size the next one's buffer at once.
    last_len: usize,
    /// More than one core to run halves on; asked once, as the answer reads cgroup files.
    cores: Option<bool>,
}

impl Reader {
    pub fn new(method: Method) -> Self {
        Self {
            method,
            ..Self::default()
        }
    }

    /// Where the next netlink dump will be cut in two; None when it will run whole.
    pub fn pivot(&self) -> Option<Pivot> {
        self.pivot
    }

    /// Enumerates every TCP socket.
    pub fn dump(&mut self, roots: &Roots) -> Result<Dump, SourceError> {
        match self.method {
            Method::Procfs => dump_procfs(roots),
            Method::Netlink => self.via_netlink(),
            Method::Auto if !roots.is_live() => dump_procfs(roots),
            Method::Auto => self.via_netlink().or_else(|e| {
                let mut dump = dump_procfs(roots)?;
                dump.fallback = Some(e.to_string());
                Ok(dump)
            }),
        }
    }

    fn via_netlink(&mut self) -> Result<Dump, SourceError> {
        let cores = *self
            .cores
            .get_or_insert_with(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1));
        let pivot = self.pivot.filter(|_| cores);
        let mut sockets = Vec::with_capacity(self.last_len + self.last_len / 8);
        netlink::dump(&mut sockets, pivot).map_err(|e| SourceError::Io {
            path: "netlink sock_diag".to_string(),
            message: e.to_string(),
        })?;
        self.pivot = if cores { Pivot::median(&sockets) } else { None };
        self.last_len = sockets.len();
        Ok(Dump {
            sockets,
            method: TcpMethod::Netlink,
            fallback: None,
        })
    }

    /// Dumps and aggregates, attributing sockets to owners when an owner map is given.
    pub fn read(
        &mut self,
        roots: &Roots,
        owners: Option<&OwnerMap>,
    ) -> Result<TcpTable, SourceError> {
        let started = Instant::now();
        let time_ms = now_ms();
        let dump = self.dump(roots)?;
        let port_range = read_port_range(roots).ok();
        let agg = aggregate::aggregate(
            &dump.sockets,
            &aggregate::Context {
                backlog_known: dump.method == TcpMethod::Netlink,
                port_range,
                owners,
            },
        );
        Ok(TcpTable {
            method: dump.method,
            fallback: dump.fallback,
            time_ms,
            took_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            states: agg.states,
            total: agg.total,
            peers: agg.peers,
            listeners: agg.listeners,
            local_port_range: port_range,
            owners: owners.map(|o| crate::model::tcp::OwnerScan {
                sockets_owned: agg.sockets_owned,
                ..o.scan
            }),
        })
    }
}

/// /proc/net/tcp and tcp6 (the latter may be absent when IPv6 is disabled).
pub fn dump_procfs(roots: &Roots) -> Result<Dump, SourceError> {
    let mut sockets = Vec::new();
    for (rel, required) in [("net/tcp", true), ("net/tcp6", false)] {
        let path = roots.proc_path(rel);
        match read_text(&path) {
            Ok(text) => {
                procfs::parse_into(&text, &mut sockets)
                    .map_err(|e| SourceError::parse(&path, e))?;
            }
            Err(e) if !required && e.is_missing() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Dump {
        sockets,
        method: TcpMethod::Procfs,
        fallback: None,
    })
}

/// net.ipv4.ip_local_port_range under the roots.
pub fn read_port_range(roots: &Roots) -> Result<(u16, u16), SourceError> {
    read_parsed(
        &roots.proc_path("sys/net/ipv4/ip_local_port_range"),
        port_range::parse,
    )
}

/// Dumps and aggregates once, attributing sockets to owners when an owner map is given.
pub fn read(
    roots: &Roots,
    method: Method,
    owners: Option<&OwnerMap>,
) -> Result<TcpTable, SourceError> {
    Reader::new(method).read(roots, owners)
}

/// The collector's state for TCP: the last dump and owner map, reused while a fresh one would
/// cost too much.
///
/// A full dump runs when at least [`Self::DUTY`] times its own last duration has passed since
/// it started, so it never takes more than a tenth of the collector's time; the owner map (a
/// walk of every /proc/PID/fd, the costly part) follows the same rule. Measured here with
/// 40,000 loopback sockets (benches/sockets.sh): the dump and aggregation take ~22 ms as two
/// halves on two cores (~30 ms as one dump), so they run every 1 s tick; the owner map takes
/// ~115 ms, so it runs every other tick and the pane shows its age. The owner map also waits
/// at least [`Self::OWNERS_MIN_GAP`]: with 2,000 processes its walk costs ~25 ms, and running
/// it every second alone cost the dashboard more CPU than btop spends in total
/// (benches/cpu.sh).
#[derive(Debug, Default)]
pub struct TcpCollector {
    pub reader: Reader,
    /// Nobody is looking at single sockets (the dashboard shows another pane): the full dump
    /// and the owner map may wait longer. Counts from sockstat stay fresh every sample.
    pub background: bool,
    table: Option<(Instant, std::time::Duration, Result<TcpTable, SourceError>)>,
    owners: Option<(Instant, std::time::Duration, OwnerMap)>,
    /// The owner map covers only the processes the last process pass saw holding TCP
    /// sockets (a background walk); the foreground walks every process at once.
    owners_partial: bool,
}

impl TcpCollector {
    /// Minimum gap between two runs, as a multiple of the last run's duration.
    pub const DUTY: u32 = 10;
    /// Minimum gap between two owner maps.
    pub const OWNERS_MIN_GAP: std::time::Duration = std::time::Duration::from_secs(5);

    pub fn new(method: Method) -> Self {
        Self {
            reader: Reader::new(method),
            ..Self::default()
        }
    }

    /// Minimum gap between two dumps while in the background.
    pub const BACKGROUND_GAP: std::time::Duration = std::time::Duration::from_secs(5);
    /// Minimum gap between two owner maps while in the background.
    pub const BACKGROUND_OWNERS_GAP: std::time::Duration = std::time::Duration::from_secs(15);

    fn due(last: Option<(Instant, std::time::Duration)>) -> bool {
        last.is_none_or(|(at, took)| at.elapsed() >= took * Self::DUTY)
    }

    /// Whether a run that last happened at `at` may happen again, given the minimum gap.
    fn gap_passed(at: Option<Instant>, gap: std::time::Duration) -> bool {
        at.is_none_or(|at| at.elapsed() >= gap)
    }

    /// Everything the sockets pane needs at this tick. `processes`: the last process pass. In
    /// the background only the port rows of the Limits pane name owners, and only of TCP
    /// sockets, so the walk is limited to the processes that pass saw holding TCP sockets.
    pub fn sample(&mut self, roots: &Roots, processes: Option<&ProcessTable>) -> TcpSample {
        let owners_gap = if self.background {
            Self::BACKGROUND_OWNERS_GAP
        } else {
            Self::OWNERS_MIN_GAP
        };
        let owners_due = (!self.background && self.owners_partial)
            || (Self::due(self.owners.as_ref().map(|(a, t, _)| (*a, *t)))
                && Self::gap_passed(self.owners.as_ref().map(|(at, _, _)| *at), owners_gap));
        if owners_due {
            let at = Instant::now();
            let only = processes.filter(|_| self.background).map(tcp_holders);
            match owners::scan(roots, only.as_deref()) {
                Ok(mut map) => {
                    map.scan.time_ms = now_ms();
                    self.owners = Some((at, at.elapsed(), map));
                    self.owners_partial = only.is_some();
                }
                Err(_) => self.owners = None,
            }
        }
        let table_at = self.table.as_ref().map(|(at, _, _)| *at);
        let table_due = Self::due(self.table.as_ref().map(|(a, t, _)| (*a, *t)))
            && (!self.background || Self::gap_passed(table_at, Self::BACKGROUND_GAP));
        if table_due {
            let at = Instant::now();
            let owners = self.owners.as_ref().map(|(_, _, m)| m);
            let table = self.reader.read(roots, owners);
            self.table = Some((at, at.elapsed(), table));
        }
        TcpSample {
            table: self.table.as_ref().map_or_else(
                || Err(SourceError::Missing { path: "tcp".into() }),
                |(_, _, t)| t.clone(),
            ),
            sockstat6: read_parsed(&roots.proc_path("net/sockstat6"), counters::parse_pairs),
            unix_sockets: crate::collect::unix::read(roots),
        }
    }
}

/// The processes that held TCP sockets at the last pass, or whose sockets it could not see.
fn tcp_holders(table: &ProcessTable) -> Vec<u32> {
    let mut pids: Vec<u32> = table
        .procs
        .iter()
        .filter(|p| p.sockets.is_none_or(|s| s.tcp > 0))
        .map(|p| p.pid)
        .collect();
    pids.sort_unstable();
    pids
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn in_the_background_the_dump_waits_for_its_gap() {
        let roots = Roots::default();
        let mut c = TcpCollector {
            background: true,
            ..TcpCollector::default()
        };
        let first = c.sample(&roots, None).table.unwrap().time_ms;
        std::thread::sleep(std::time::Duration::from_millis(30));
        assert_eq!(c.sample(&roots, None).table.unwrap().time_ms, first);
        c.background = false;
        let start = Instant::now();
        while c.sample(&roots, None).table.unwrap().time_ms == first {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(3),
                "never dumped again"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    #[test]
    fn in_the_background_only_tcp_holders_are_walked() {
        use crate::model::procs::{Process, SocketCounts};
        let roots = Roots::default();
        let _listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let holder = |pid, tcp| Process {
            pid,
            sockets: Some(SocketCounts {
                tcp,
                ..SocketCounts::default()
            }),
            ..Process::default()
        };
        let table = ProcessTable {
            procs: vec![holder(1, 0), holder(std::process::id(), 1)],
            ..ProcessTable::default()
        };
        let mut c = TcpCollector {
            background: true,
            ..TcpCollector::default()
        };
        let owners = |c: &mut TcpCollector| c.sample(&roots, Some(&table)).table.unwrap().owners;
        let walked = owners(&mut c).unwrap();
        assert_eq!(walked.processes, 1, "only this process holds TCP sockets");
        assert!(walked.sockets_owned >= 1, "{walked:?}");
        c.background = false;
        let start = Instant::now();
        while owners(&mut c).unwrap().processes <= 1 {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(3),
                "never walked all"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    #[test]
    fn costly_runs_wait_ten_times_their_duration() {
        assert!(TcpCollector::due(None));
        let ran = Instant::now();
        assert!(!TcpCollector::due(Some((
            ran,
            std::time::Duration::from_secs(60)
        ))));
        assert!(TcpCollector::due(Some((ran, std::time::Duration::ZERO))));
    }

    #[test]
    fn the_collector_keeps_its_last_dump_and_owner_map() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/memcached-clients");
        let roots = Roots::fixture(dir);
        let mut c = TcpCollector::new(Method::Auto);
        let a = c.sample(&roots, None);
        let t = a.table.unwrap();
        assert_eq!(t.method, TcpMethod::Procfs);
        assert!(t.owners.is_some_and(|o| o.sockets_owned > 1000));
        assert_eq!(a.unix_sockets, Ok(9));
        assert!(a.sockstat6.is_ok());
        // Forced to wait, the next tick reuses the same dump.
        if let Some((at, took, _)) = &mut c.table {
            *took = std::time::Duration::from_secs(3600);
            *at = Instant::now();
        }
        let b = c.sample(&roots, None);
        assert_eq!(b.table.unwrap().time_ms, t.time_ms);
    }

    #[test]
    fn unmaps_ipv4_in_ipv6() {
        let a = socket_addr("::ffff:127.0.0.1".parse().unwrap(), 80);
        assert_eq!(a.to_string(), "127.0.0.1:80");
        let b = socket_addr("::1".parse().unwrap(), 11211);
        assert_eq!(b.to_string(), "[::1]:11211");
    }

    #[test]
    fn a_captured_tree_is_read_from_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let net = dir.path().join("proc/net");
        std::fs::create_dir_all(&net).unwrap();
        std::fs::write(
            net.join("tcp"),
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
             \x20  0: 0100007F:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   112        0 40151 1 0 100 0 0 10 0\n",
        )
        .unwrap();
        let roots = Roots::fixture(dir.path());
        let d = dump(&roots, Method::Auto).unwrap();
        assert_eq!(d.method, TcpMethod::Procfs);
        assert_eq!(d.sockets.len(), 1, "tcp6 may be absent");
        let t = read(&roots, Method::Auto, None).unwrap();
        assert_eq!(t.listeners.len(), 1);
        assert_eq!(t.local_port_range, None);
        std::fs::remove_file(net.join("tcp")).unwrap();
        assert!(dump(&roots, Method::Auto).unwrap_err().is_missing());
    }
}
