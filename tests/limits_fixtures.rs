//! Every fixture scenario through the real readers, the limits table and the findings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use headroom::collect::{Collector, Roots};
use headroom::derive::{Derived, Deriver, LimitView, Severity};
use headroom::model::Snapshot;

fn fixture(name: &str) -> Roots {
    Roots::fixture(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

fn sample(name: &str, time_ms: u64) -> Snapshot {
    let mut snap = Collector::new(fixture(name)).sample();
    snap.time_ms = time_ms;
    snap
}

fn once(name: &str) -> Derived {
    Deriver::default().update(&sample(name, 1_000))
}

fn row<'a>(d: &'a Derived, id: &str) -> &'a LimitView {
    d.limits
        .iter()
        .find(|l| l.limit.id == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn openvz_container_puts_numothersock_first() {
    let d = once("openvz-container");
    let top = &d.limits[0];
    assert_eq!(top.limit.id, "ubc.101.numothersock");
    assert_eq!(
        (top.limit.used, top.limit.max, top.limit.failures),
        (Some(399), Some(400), Some(127))
    );
    assert!(top.limit.peak_hit);
    assert_eq!(top.failures_delta, None, "no earlier reading");
    assert_eq!(top.severity, Some(Severity::Warning));
    assert!(
        d.findings[0]
            .text
            .contains("numothersock (uid 101) has failed 127 times"),
        "{:?}",
        d.findings
    );
    assert!(top.hint.contains("default_process_limit"));
    let guarantee = row(&d, "ubc.101.oomguarpages");
    assert_eq!(
        (guarantee.limit.max, guarantee.pct, guarantee.severity),
        (None, None, None)
    );
    assert!(d.limits.iter().all(|l| !l.limit.id.ends_with("dummy")));
}

#[test]
fn failcnt_growth_is_the_headline() {
    let mut deriver = Deriver::default();
    deriver.update(&sample("openvz-container", 1_000));
    let d = deriver.update(&sample("openvz-container-later", 61_000));
    let top = &d.limits[0];
    assert_eq!(top.limit.id, "ubc.101.numothersock");
    assert_eq!(top.failures_delta, Some(17));
    assert_eq!(top.failures_recent, Some((17, 60_000)));
    assert_eq!(top.severity, Some(Severity::Critical));
    assert_eq!(d.interval_ms, Some(60_000));
    assert_eq!(d.findings[0].severity, Severity::Critical);
    assert_eq!(
        d.findings[0].text,
        "numothersock (uid 101) is at its limit (400 of 400) and was refused 17 times in the last minute: \
         new unix/UDP sockets fail with 'Cannot allocate memory'"
    );
    assert_eq!(row(&d, "ubc.101.numproc").failures_delta, Some(0));
}

#[test]
fn hostnode_lists_every_container() {
    let d = once("openvz-hostnode");
    for uid in [0, 201, 202] {
        assert!(
            d.limits
                .iter()
                .any(|l| l.limit.id == format!("ubc.{uid}.numproc")),
            "uid {uid}"
        );
    }
    let privvm = row(&d, "ubc.201.privvmpages");
    assert_eq!(privvm.limit.failures, Some(41));
    assert_eq!(privvm.limit.max, Some(262_144));
    assert!(privvm.limit.peak_hit);
    // LONG_MAX everywhere: unlimited, no percentage.
    let numproc = row(&d, "ubc.201.numproc");
    assert_eq!((numproc.limit.max, numproc.pct), (None, None));
    assert_eq!(d.limits[0].limit.id, "ubc.201.privvmpages");
}

#[test]
fn emulated_block_says_it_carries_no_information() {
    let d = once("virtuozzo-emulated");
    let sock = row(&d, "ubc.300.numothersock");
    assert!(sock.limit.no_info);
    assert_eq!((sock.pct, sock.severity), (None, None));
    assert!(
        sock.limit
            .note
            .as_deref()
            .unwrap_or("")
            .contains("no information")
    );
    assert!(!row(&d, "ubc.300.physpages").limit.no_info);
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].limit, "ubc.300.physpages");
}

#[test]
fn cgroup2_container_at_pids_max() {
    let d = once("cgroup2-container");
    let pids = &d.limits[0];
    assert_eq!(pids.limit.id, "cgroup.pids");
    assert_eq!(
        (pids.limit.used, pids.limit.max, pids.limit.failures),
        (Some(512), Some(512), Some(33))
    );
    assert_eq!(pids.severity, Some(Severity::Critical));
    // Who fills the table: the process with the most threads.
    assert_eq!(
        pids.limit.consumers.first(),
        Some(&headroom::limits::Consumer::Process {
            pid: 77,
            comm: "php-fpm".into(),
            amount: 3
        })
    );
    assert!(
        d.findings[0]
            .text
            .ends_with("; most held by php-fpm[77] (3)"),
        "{}",
        d.findings[0].text
    );
    assert_eq!(row(&d, "fs.files").limit.consumers[0].amount(), 62);
    let mem = row(&d, "cgroup.memory");
    assert_eq!(
        (mem.limit.failures, mem.limit.max),
        (Some(1204), Some(1_073_741_824))
    );
    assert_eq!(mem.limit.note.as_deref(), Some("2 OOM kills"));
    let php = row(&d, "proc.nofile:77");
    assert_eq!((php.limit.used, php.limit.max), (Some(62), Some(64)));
    assert_eq!(
        row(&d, "fs.files").limit.max,
        None,
        "LONG_MAX file-max is unlimited"
    );
    assert_eq!(row(&d, "fs.inodes:/").limit.used, Some(453_600));
    assert!(d.absent.iter().any(|a| a.source == "beancounters"));
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn healthy_host_has_no_findings() {
    let d = once("healthy-host");
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(row(&d, "cgroup.pids").limit.max, Some(4915));
    assert_eq!(row(&d, "cgroup.memory").limit.max, None);
    assert_eq!(row(&d, "kernel.tasks").limit.max, Some(192_730));
    assert_eq!(row(&d, "net.conntrack").limit.used, Some(211));
    assert_eq!(row(&d, "net.conntrack").limit.failures, Some(0));
    assert_eq!(
        row(&d, "fs.inodes:/var/lib/mysql").limit.max,
        Some(52_428_800)
    );
    assert!(
        d.limits
            .iter()
            .all(|l| !l.limit.id.contains("/proc") && !l.limit.id.contains("/sys"))
    );
}

#[test]
fn malformed_files_become_errors_not_panics() {
    let d = once("malformed");
    let sources: Vec<&str> = d.errors.iter().map(|e| e.source.as_str()).collect();
    for s in [
        "beancounters",
        "cgroup",
        "fs.files",
        "mounts",
        "kernel.tasks",
        "kernel.pid_max",
        "net.sockstat",
        "net.tcp_mem",
        "nofile",
    ] {
        assert!(sources.contains(&s), "{s} missing from {sources:?}");
    }
    // The rows before the truncation are kept.
    assert!(d.limits.iter().any(|l| l.limit.id == "ubc.101.numproc"));
    let snap = sample("malformed", 0);
    let bc = snap.beancounters.as_ref().expect("partial beancounters");
    assert_eq!(bc.malformed.len(), 1);
}

#[test]
fn missing_roots_are_absent_not_errors() {
    let d = Deriver::default()
        .update(&Collector::new(Roots::new("/nonexistent/proc", "/nonexistent/sys")).sample());
    assert!(d.limits.is_empty());
    assert!(
        d.errors.iter().all(|e| e.source == "nofile"),
        "{:?}",
        d.errors
    );
    assert!(d.absent.len() >= 10);
}

#[test]
fn live_machine_readings() {
    let d = Deriver::default().update(&Collector::new(Roots::default()).sample());
    let tasks = row(&d, "kernel.tasks");
    assert!(tasks.limit.used.unwrap_or(0) > 1 && tasks.limit.max.is_some());
    assert!(row(&d, "fs.files").limit.used.unwrap_or(0) > 0);
    assert!(d.limits.iter().any(|l| l.limit.id == "fs.inodes:/"));
    assert!(d.limits.iter().any(|l| l.limit.id == "net.tcp.mem"));
    assert!(
        d.limits
            .iter()
            .any(|l| l.limit.id.starts_with("proc.nofile:"))
    );
    assert!(d.absent.iter().any(|a| a.source == "beancounters"));
    let files = row(&d, "fs.files");
    assert!(files.limit.consumers.len() >= 2);
    assert!(
        files
            .limit
            .consumers
            .windows(2)
            .all(|w| w[0].amount() >= w[1].amount())
    );
    assert!(!row(&d, "kernel.tasks").limit.consumers.is_empty());
}

#[test]
fn listen_queue_row_names_the_fullest_listener() {
    let d = once("memcached-clients");
    let l = row(&d, "net.listen");
    assert_eq!(
        (l.limit.used, l.limit.max),
        (Some(7), None),
        "procfs has no backlog"
    );
    assert_eq!(l.limit.note.as_deref(), Some("fullest: 127.0.0.1:9000"));
}

#[test]
fn live_full_accept_queue_tops_the_listen_row() {
    use rustix::net::{AddressFamily, SocketType, ipproto};
    use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
    use std::time::Duration;
    let l =
        rustix::net::socket(AddressFamily::INET, SocketType::STREAM, Some(ipproto::TCP)).unwrap();
    rustix::net::bind(&l, &SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).unwrap();
    rustix::net::listen(&l, 1).unwrap();
    let addr: SocketAddr = rustix::net::getsockname(&l).unwrap().try_into().unwrap();
    // Nobody accepts: the queue fills to backlog + 1, later connections are dropped.
    let clients: Vec<TcpStream> = (0..4)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok())
        .collect();
    assert!(clients.len() >= 2);
    let d = Deriver::default().update(&Collector::new(Roots::default()).sample());
    let listen = row(&d, "net.listen");
    assert_eq!(
        listen.limit.note.as_deref(),
        Some(format!("fullest: {addr}").as_str()),
        "{listen:?}"
    );
    assert_eq!(listen.limit.max, Some(1));
    assert!(listen.limit.used >= Some(2), "{listen:?}");
    assert_eq!(listen.severity, Some(Severity::Critical));
    drop(clients);
}

#[test]
fn process_scan_is_reused_between_close_samples() {
    let mut c = Collector::new(Roots::default());
    let first = c.sample();
    let held: Vec<std::fs::File> = (0..20)
        .map(|_| std::fs::File::open("/dev/null").unwrap())
        .collect();
    let second = c.sample();
    assert_eq!(
        first.nofile,
        second.nofile,
        "scanned again within {:?}",
        headroom::collect::PROCESS_SCAN_EVERY
    );
    drop(held);
}

/// The file table filling at a steady rate: a warning now, with the time to full, long before
/// it reaches 80%; once growth stops the trend falls to zero and the warning goes.
#[test]
fn a_table_filling_within_ten_minutes_warns_with_its_time_to_full() {
    let base = sample("healthy-host", 0);
    let mut deriver = Deriver::default();
    let at = |t: u64, allocated: u64| {
        let mut s = base.clone();
        s.time_ms = t;
        s.files = Ok(headroom::model::FileNr {
            allocated,
            free: 0,
            max: 100_000,
        });
        s
    };
    let mut d = deriver.update(&at(0, 10_000));
    for i in 1..=30u64 {
        d = deriver.update(&at(i * 2000, 10_000 + 300 * i));
    }
    let files = row(&d, "fs.files");
    assert!((files.trend_per_min.unwrap() - 9000.0).abs() < 1.0);
    assert!(files.pct.unwrap() < 80.0);
    assert_eq!(files.severity, Some(Severity::Warning));
    let f = d.findings.iter().find(|f| f.limit == "fs.files").unwrap();
    assert!(
        f.text.contains("growing +9,000/min: full in about 9 min"),
        "{}",
        f.text
    );
    for i in 31..=45u64 {
        d = deriver.update(&at(i * 2000, 19_000));
    }
    let files = row(&d, "fs.files");
    assert_eq!(files.trend_per_min, Some(0.0));
    assert_eq!(files.severity, None);
}

/// A counter that failed only before headroom started says it saw no increase since.
#[test]
fn old_failures_say_when_an_increase_was_last_seen() {
    let mut deriver = Deriver::default();
    deriver.update(&sample("cgroup2-container", 0));
    let d = deriver.update(&sample("cgroup2-container", 120_000));
    let mem = row(&d, "cgroup.memory");
    assert_eq!(mem.failures_delta, Some(0));
    assert_eq!(
        mem.last_failure.as_deref(),
        Some("no increase seen in 2 min of watching")
    );
    let f = d
        .findings
        .iter()
        .find(|f| f.limit == "cgroup.memory")
        .unwrap();
    assert!(f.text.contains("no increase seen in 2 min"), "{}", f.text);
}

#[test]
fn consumers_are_named_once_per_process_pass() {
    let mut snap = sample("cgroup2-container", 1_000);
    let mut cache = headroom::limits::consumers::Cache::default();
    let files = |rows: &[headroom::limits::Limit]| {
        let row = rows.iter().find(|r| r.id == "fs.files").unwrap();
        row.consumers[0].amount()
    };
    assert_eq!(files(&headroom::limits::rows_with(&snap, &mut cache)), 62);
    // The next sample of the same pass: the table is the same, and so are its consumers.
    let table = std::sync::Arc::make_mut(snap.processes.as_mut().unwrap());
    table
        .procs
        .iter_mut()
        .for_each(|p| p.fds = p.fds.map(|n| n * 2));
    assert_eq!(files(&headroom::limits::rows_with(&snap, &mut cache)), 62);
    // A new pass names them again.
    std::sync::Arc::make_mut(snap.processes.as_mut().unwrap()).time_ms += 2_000;
    assert_eq!(files(&headroom::limits::rows_with(&snap, &mut cache)), 124);
    assert_eq!(files(&headroom::limits::rows(&snap)), 124);
}
