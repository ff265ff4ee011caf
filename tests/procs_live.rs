//! Real processes through the process pass, the drill-down and the derived view: a leaking
//! child, a fork of 200 children, and 30 `cleanup` processes holding unix socketpairs.
//!
//! Children are this test binary run again with `HEADROOM_CHILD` set (see [`child_main`]), or
//! `sleep`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use headroom::collect::{Collector, Roots};
use headroom::derive::Deriver;
use headroom::limits::{Consumer, Parent};

/// Runs one child role and never returns, when asked to by the environment; else nothing.
#[test]
fn child_main() {
    let Ok(role) = std::env::var("HEADROOM_CHILD") else {
        return;
    };
    // The parent closing our stdin (or dying) ends us; "grow" reads its stdin itself, and
    // "detail" ends on its own.
    if role != "grow" && role != "detail" {
        std::thread::spawn(|| {
            let _ = std::io::stdin().read(&mut [0u8; 1]);
            std::process::exit(0);
        });
    }
    match role.as_str() {
        "leak" => leak(),
        "cleanup" => cleanup(),
        "grow" => grow(),
        "detail" => detail(),
        _ => panic!("unknown role {role}"),
    }
}

/// Opens a file and a loopback connection every 50 ms, up to 1,800 descriptors, soft limit 2,048.
fn leak() -> ! {
    use rustix::process::{Resource, Rlimit, setrlimit};
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(2048),
            maximum: Some(4096),
        },
    )
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    loop {
        if held.len() < 600 {
            let f = std::fs::File::open("/dev/null").unwrap();
            let c = std::net::TcpStream::connect(addr).unwrap();
            let (s, _) = listener.accept().unwrap();
            held.push((f, c, s));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Renamed `cleanup`, holds two unix socketpairs.
fn cleanup() -> ! {
    std::fs::write("/proc/self/comm", "cleanup").unwrap();
    let _pairs: Vec<_> = (0..2)
        .map(|_| std::os::unix::net::UnixStream::pair().unwrap())
        .collect();
    loop {
        std::thread::park();
    }
}

/// For each line on stdin: a unix socketpair and 64 MB more resident memory, then "grown".
fn grow() -> ! {
    use std::io::{BufRead, Write};
    let mut held = Vec::new();
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
        held.push((
            std::os::unix::net::UnixStream::pair().unwrap(),
            vec![1u8; 64 << 20],
        ));
        // On a line of its own: the harness may have left one open.
        println!("\ngrown");
        std::io::stdout().flush().unwrap();
    }
    std::process::exit(0);
}

/// Reads the drill-down of the process in HEADROOM_TARGET and prints it, with the pass's
/// count of its descriptors, as one JSON line.
fn detail() -> ! {
    let pid: u32 = std::env::var("HEADROOM_TARGET").unwrap().parse().unwrap();
    let mut c = Collector::new(Roots::default());
    c.selected_pid = Some(pid);
    let snap = c.sample();
    let counted = snap
        .processes
        .unwrap()
        .procs
        .iter()
        .find(|p| p.pid == pid)
        .unwrap()
        .fds;
    let detail = snap.process_detail.unwrap().unwrap();
    let line = serde_json::json!({ "counted": counted, "detail": detail });
    println!("\n{line}");
    std::process::exit(0);
}

/// Children killed when the test ends, however it ends.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn spawn_role(role: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["child_main", "--exact", "--nocapture", "--test-threads=1"])
        .env("HEADROOM_CHILD", role)
        .stdin(Stdio::piped())
        .stdout(if role == "grow" {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap()
}

#[test]
fn in_the_background_a_pass_counts_and_keeps_the_rest_as_last_read() {
    use headroom::collect::procs::{self, Depth, ProcCache};
    use std::io::{BufRead, BufReader, Write};
    let mut kids = Children(vec![spawn_role("grow")]);
    let child = &mut kids.0[0];
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut grow = || {
        writeln!(stdin, "grow").unwrap();
        // The test harness says its own lines first.
        let mut line = String::new();
        while line.trim() != "grown" {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "the child ended");
        }
    };
    let roots = Roots::default();
    let mut cache = ProcCache::default();
    let pass = |cache: &mut ProcCache| {
        let t = procs::read(&roots, cache).unwrap();
        t.procs.into_iter().find(|p| p.pid == pid).unwrap()
    };
    grow();
    // Seen twice: a process is read in full on the pass after the one that found it.
    pass(&mut cache);
    let a = pass(&mut cache);
    cache.depth = Depth::Counts;
    grow();
    let b = pass(&mut cache);
    assert_eq!(b.fds, a.fds.map(|n| n + 2), "descriptor counts move");
    assert_eq!(b.sockets.unwrap().unix, a.sockets.unwrap().unix + 2);
    grow();
    let b2 = pass(&mut cache);
    assert_eq!(b2.fds, a.fds.map(|n| n + 4));
    // Memory stays as last read but on the one pass in sixty that reads the status.
    assert!(
        b.rss_bytes == a.rss_bytes || b2.rss_bytes == b.rss_bytes,
        "{a:?} {b:?} {b2:?}"
    );
    assert_eq!(b2.comm, a.comm);
    cache.depth = Depth::Full;
    let c = pass(&mut cache);
    let grew = c.rss_bytes.unwrap() - a.rss_bytes.unwrap();
    assert!(grew >= 96 << 20, "{grew} bytes more");
    drop(kids);
}

#[test]
fn a_leaking_child_is_ranked_first_by_fd_growth_with_its_time_to_limit() {
    let kids = Children(vec![spawn_role("leak")]);
    let pid = kids.0[0].id();
    let mut collector = Collector::new(Roots::default());
    collector.selected_pid = Some(pid);
    let mut deriver = Deriver::default();
    let start = Instant::now();
    let mut d = deriver.update(&collector.sample());
    while start.elapsed() < Duration::from_secs(13) {
        std::thread::sleep(Duration::from_millis(500));
        d = deriver.update(&collector.sample());
    }
    let mut rows = d.procs.rows.to_vec();
    rows.sort_by(|a, b| {
        b.fd_growth_per_min
            .unwrap_or(0.0)
            .total_cmp(&a.fd_growth_per_min.unwrap_or(0.0))
    });
    let first = &rows[0];
    assert_eq!(first.pid, pid, "{first:?}");
    assert!(first.fd_growth_per_min.unwrap() > 1000.0, "{first:?}");
    assert_eq!(first.fd_limit, Some(2048));
    let leak = first.leak.as_ref().expect("a steady rise is a leak");
    assert!(
        leak.full_in_s.is_some_and(|s| s > 0.0 && s < 600.0),
        "{leak:?}"
    );
    assert!(
        leak.text.contains("of 2,048: full in about"),
        "{}",
        leak.text
    );

    let detail = d
        .procs
        .detail
        .as_ref()
        .expect("drill-down of the selected pid");
    assert_eq!(detail.detail.pid, pid);
    // The same slope, at the count the drill-down read this sample.
    let verdict = detail.leak.as_ref().expect("the verdict in the drill-down");
    assert_eq!(verdict.per_min, leak.per_min);
    assert_eq!(verdict.used, detail.detail.fds_total);
    assert!(
        verdict.text.contains(&format!(
            "{} of 2,048",
            headroom::format::grouped(verdict.used)
        )),
        "{}",
        verdict.text
    );
    assert!(detail.history.fds.len() >= 5);
    let peer = detail
        .detail
        .tcp_peers
        .iter()
        .find(|p| p.remote.ip().is_loopback())
        .expect("its connections by peer");
    assert!(
        peer.states
            .iter()
            .any(|(s, n)| s.name() == "ESTABLISHED" && n > 10)
    );
    assert_eq!(detail.detail.tcp_listeners.len(), 1, "its listener");
    let kinds: Vec<&str> = detail.detail.fds.iter().map(|k| k.kind.as_str()).collect();
    assert!(kinds.contains(&"socket TCP ESTABLISHED"), "{kinds:?}");
    assert!(kinds.contains(&"device"), "/dev/null: {kinds:?}");
    let open = &detail.detail.limits[0];
    assert_eq!((open.name.as_str(), open.soft), ("open files", Some(2048)));
}

#[test]
fn a_fork_of_200_children_is_named_as_the_tasks_consumer() {
    let kids = Children(
        (0..200)
            .map(|_| {
                Command::new("sleep")
                    .arg("60")
                    .stdin(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect(),
    );
    let d = Deriver::default().update(&Collector::new(Roots::default()).sample());
    let tasks = d
        .limits
        .iter()
        .find(|l| l.limit.id == "kernel.tasks")
        .unwrap();
    let me = std::process::id();
    let sleeps = tasks
        .limit
        .consumers
        .iter()
        .find(|c| c.comm() == "sleep")
        .unwrap_or_else(|| panic!("{:?}", tasks.limit.consumers));
    assert!(sleeps.amount() >= 200);
    if let Consumer::Group { parent, count, .. } = sleeps {
        assert!(*count >= 200);
        if let Some(Parent { pid, .. }) = parent {
            assert_eq!(*pid, me);
        }
    } else {
        panic!("a group: {sleeps:?}");
    }
    drop(kids);
}

#[test]
fn thirty_cleanup_processes_with_socketpairs_are_one_group() {
    let kids = Children((0..30).map(|_| spawn_role("cleanup")).collect());
    let pids: Vec<u32> = kids.0.iter().map(Child::id).collect();
    let renamed = |pid: &u32| {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "cleanup")
    };
    let start = Instant::now();
    while !pids.iter().all(renamed) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "children never renamed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Let each create its pairs.
    std::thread::sleep(Duration::from_millis(300));
    let d = Deriver::default().update(&Collector::new(Roots::default()).sample());
    let g = d
        .procs
        .groups
        .iter()
        .find(|g| g.comm == "cleanup")
        .expect("a cleanup group");
    assert_eq!(g.count, 30);
    assert_eq!(g.unix, 120);
    assert_eq!(g.label, "cleanup ×30 · 120 unix sockets");
    drop(kids);
}

/// Root without CAP_SYS_PTRACE lists another user's descriptors but may not read their links,
/// as root may not for init in some VMs: the drill-down counts them all the same.
#[test]
fn a_drill_down_counts_descriptors_whose_links_the_kernel_refuses() {
    use std::os::unix::process::CommandExt;
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root (to drop CAP_SYS_PTRACE and keep reading directories)");
        return;
    }
    // nobody's sleep, holding three descriptors more than its standard ones.
    let target = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .args([
            "sh",
            "-c",
            "exec 3</dev/null 4</dev/null 5</dev/null; exec sleep 60",
        ])
        .stdin(Stdio::null())
        .process_group(0)
        .spawn();
    let Ok(target) = target else {
        eprintln!("skipped: setpriv not here");
        return;
    };
    let kids = Children(vec![target]);
    let pid = kids.0[0].id();
    let comm = || std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let start = Instant::now();
    while comm().trim() != "sleep" {
        assert!(start.elapsed() < Duration::from_secs(10), "{}", comm());
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = Command::new("setpriv")
        .args(["--bounding-set=-sys_ptrace", "--inh-caps=-sys_ptrace", "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["child_main", "--exact", "--nocapture", "--test-threads=1"])
        .env("HEADROOM_CHILD", "detail")
        .env("HEADROOM_TARGET", pid.to_string())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| {
            panic!(
                "no reading: {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let d = &v["detail"];
    // Its three, its standard three, and whatever else it inherited.
    let held = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    assert!(held >= 6);
    assert_eq!(v["counted"], held, "{v}");
    assert_eq!(d["fds_total"], held, "{d}");
    assert_eq!(d["fds_unreadable"], held, "{d}");
    assert_eq!(d["fds_hidden"], false);
    assert_eq!(d["fds"][0]["kind"], "link not readable");
    let open = d["limits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "open files");
    assert_eq!(open.unwrap()["used"], held);
    drop(kids);
}
