//! The hidden limits beyond files and tasks: a fixture tree through the real readers and the
//! limits table, and live checks where this machine can produce the use (inotify watches,
//! processes under a low `ulimit -u`, neighbour entries in a network namespace).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use headroom::collect::{Collector, Roots, neigh};
use headroom::derive::{Derived, Deriver, LimitView};
use headroom::headless::why;

fn fixture(name: &str) -> Roots {
    Roots::fixture(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

fn derived(roots: Roots) -> Derived {
    Deriver::default().update(&Collector::new(roots).sample())
}

fn row<'a>(d: &'a Derived, id: &str) -> &'a LimitView {
    d.limits
        .iter()
        .find(|l| l.limit.id == id)
        .unwrap_or_else(|| panic!("no row {id} in {:?}", ids(d)))
}

fn ids(d: &Derived) -> Vec<&str> {
    d.limits.iter().map(|l| l.limit.id.as_str()).collect()
}

fn used_max(v: &LimitView) -> (Option<u64>, Option<u64>) {
    (v.limit.used, v.limit.max)
}

#[test]
fn every_table_of_the_fixture_has_its_row() {
    let d = derived(fixture("hidden-limits"));
    assert_eq!(used_max(row(&d, "kernel.pty")), (Some(250), Some(256)));
    assert_eq!(used_max(row(&d, "fs.aio")), (Some(65024), Some(65536)));
    // 120 sets of SEMMNI 128 is fuller than 2,040 semaphores of SEMMNS 32,000.
    assert_eq!(used_max(row(&d, "ipc.sem")), (Some(120), Some(128)));
    assert_eq!(used_max(row(&d, "ipc.msg")), (Some(1), Some(32000)));
    assert_eq!(used_max(row(&d, "keys:1000")), (Some(198), Some(200)));
    assert_eq!(used_max(row(&d, "fs.mounts")), (Some(3), Some(100_000)));
    assert_eq!(used_max(row(&d, "fs.nr_open")), (Some(4), Some(1_048_576)));
    let oc = row(&d, "vm.overcommit");
    assert_eq!(
        used_max(oc),
        (Some(10_100_000 * 1024), Some(10_240_000 * 1024))
    );
    assert!(oc.hint.contains("Cannot allocate memory"));
}

#[test]
fn network_rows_of_the_fixture() {
    let d = derived(fixture("hidden-limits"));
    let n = row(&d, "net.neigh");
    assert_eq!(used_max(n), (Some(1024), Some(1024)));
    assert_eq!(n.limit.failures, Some(18));
    assert!(
        n.limit
            .note
            .as_deref()
            .unwrap()
            .starts_with("2 in this namespace")
    );
    assert_eq!(used_max(row(&d, "net.neigh6")), (Some(4), Some(1024)));
    assert_eq!(row(&d, "net.udp.rcvbuf_errors").limit.failures, Some(4500));
    assert_eq!(row(&d, "net.udp.sndbuf_errors").limit.failures, Some(3));
    assert_eq!(row(&d, "net.udp.in_errors").limit.failures, Some(4521));
    let s = row(&d, "net.softnet");
    assert_eq!(
        (used_max(s), s.limit.failures),
        ((Some(1000), Some(1000)), Some(18))
    );
    let syn = row(&d, "net.syn_backlog");
    assert_eq!((syn.limit.max, syn.limit.failures), (Some(512), Some(37)));
}

#[test]
fn per_user_and_per_process_rows_of_the_fixture() {
    let d = derived(fixture("hidden-limits"));
    let nproc = row(&d, "user.nproc:1000");
    assert_eq!(used_max(nproc), (Some(60), Some(64)));
    let who: Vec<(u32, u64)> = nproc
        .limit
        .consumers
        .iter()
        .filter_map(|c| Some((c.pid()?, c.amount())))
        .collect();
    assert_eq!(who, [(4242, 40), (4243, 20)]);
    let w = row(&d, "fs.inotify.watches:1000");
    assert_eq!(used_max(w), (Some(90), Some(100)));
    assert_eq!(w.limit.consumers[0].comm(), "java");
    assert_eq!(
        used_max(row(&d, "fs.inotify.instances:1000")),
        (Some(2), Some(128))
    );
    let maps = row(&d, "proc.maps:4242");
    assert_eq!(used_max(maps), (Some(98), Some(100)));
    assert!(
        maps.limit
            .note
            .as_deref()
            .unwrap()
            .contains("largest by resident memory")
    );
}

#[test]
fn an_old_fixture_says_once_what_is_absent() {
    let d = derived(fixture("healthy-host"));
    for source in ["kernel.pty", "net.neigh", "vm.overcommit", "fs.inotify"] {
        let n = d.absent.iter().filter(|a| a.source == source).count();
        assert_eq!(n, 1, "{source}: {:?}", d.absent);
    }
    assert!(d.errors.is_empty(), "{:?}", d.errors);
}

#[test]
fn why_ranks_the_limits_behind_a_message() {
    let d = derived(fixture("hidden-limits"));
    let found = why::matches("ENOSPC", &d.limits);
    let order: Vec<&str> = found.iter().map(|m| m.view.limit.id.as_str()).collect();
    // ptys 97.7%, semaphore sets 93.8%, inotify watches 90%, then the rest.
    assert_eq!(
        &order[..3],
        ["kernel.pty", "ipc.sem", "fs.inotify.watches:1000"]
    );
    assert!(order.contains(&"fs.mounts"));
    let fork = why::matches(
        "bash: fork: retry: Resource temporarily unavailable",
        &d.limits,
    );
    let order: Vec<&str> = fork.iter().map(|m| m.view.limit.id.as_str()).collect();
    // AIO events 99.2%, a service's pids 95.7%, then the user's processes 93.8%.
    assert_eq!(
        &order[..3],
        [
            "fs.aio",
            "cgroup.pids:system.slice/postgresql.service",
            "user.nproc:1000"
        ]
    );
    let text = why::report("Too many open files", &d.limits).unwrap();
    assert!(text.contains("fs.inotify.instances:1000"), "{text}");
    assert!(!text.contains("(ENFILE)"), "EMFILE, not ENFILE: {text}");
    let unknown = why::report("the printer is on fire", &d.limits).unwrap_err();
    assert!(
        unknown.contains("Cannot allocate memory (ENOMEM)"),
        "{unknown}"
    );
}

#[test]
fn why_on_openvz_names_beancounters_before_overcommit() {
    let d = derived(fixture("openvz-container"));
    let text = why::report("Cannot allocate memory", &d.limits).unwrap();
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} not in {text}"));
    assert!(at("ubc.101.numothersock") < at("ubc.101.privvmpages") || at("privvmpages") > 0);
    assert!(text.contains("Not seen on this machine"), "{text}");
}

/// Kills a spawned process group when the test ends, whatever happens.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let pid = rustix::process::Pid::from_raw(self.0.id() as i32);
        if let Some(pid) = pid {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        let _ = self.0.wait();
    }
}

fn spawn_group(program: &str, args: &[&str]) -> Option<Group> {
    use std::os::unix::process::CommandExt;
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()
        .map(Group)
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Samples until `ok` holds or 10 s pass; returns the last derivation.
fn until(ok: impl Fn(&Derived) -> bool) -> Derived {
    let start = Instant::now();
    loop {
        let d = derived(Roots::default());
        if ok(&d) || start.elapsed() > Duration::from_secs(10) {
            return d;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn live_inotify_watches_are_counted_per_user_with_their_process() {
    use rustix::fs::inotify;
    let dirs: Vec<tempfile::TempDir> = (0..5).map(|_| tempfile::tempdir().unwrap()).collect();
    let fd = inotify::init(inotify::CreateFlags::CLOEXEC).unwrap();
    for dir in &dirs {
        inotify::add_watch(&fd, dir.path(), inotify::WatchFlags::CREATE).unwrap();
    }
    let me = std::process::id();
    let uid = rustix::process::geteuid().as_raw();
    let d = derived(Roots::default());
    let w = row(&d, &format!("fs.inotify.watches:{uid}"));
    let mine = w.limit.consumers.iter().find(|c| c.pid() == Some(me));
    assert_eq!(mine.map(|c| c.amount()), Some(5), "{:?}", w.limit.consumers);
    assert!(w.limit.used.unwrap() >= 5 && w.limit.max.is_some());
    let i = row(&d, &format!("fs.inotify.instances:{uid}"));
    assert!(
        i.limit
            .consumers
            .iter()
            .any(|c| c.pid() == Some(me) && c.amount() == 1)
    );
    drop(fd);
}

#[test]
fn live_processes_of_a_user_under_a_low_ulimit() {
    if !is_root() {
        eprintln!("skipped: setpriv to another user needs root");
        return;
    }
    // A uid of its own (nobody may run a daemon here, memcached often does): bash and nine
    // sleeps against a soft limit of 12.
    let script = "ulimit -S -u 12; for i in 1 2 3 4 5 6 7 8 9; do sleep 60 & done; wait";
    let Some(_group) = spawn_group(
        "setpriv",
        &[
            "--reuid=64917",
            "--regid=64917",
            "--clear-groups",
            "bash",
            "-c",
            script,
        ],
    ) else {
        eprintln!("skipped: setpriv not here");
        return;
    };
    let d = until(|d| {
        d.limits
            .iter()
            .any(|l| l.limit.id == "user.nproc:64917" && l.limit.used >= Some(10))
    });
    let v = row(&d, "user.nproc:64917");
    assert_eq!(used_max(v), (Some(10), Some(12)));
    assert!(v.limit.consumers.iter().any(|c| c.comm() == "sleep"));
    let found = why::matches("fork: retry: Resource temporarily unavailable", &d.limits);
    assert_eq!(
        found[0].view.limit.id,
        "user.nproc:64917",
        "{:?}",
        found.iter().map(|m| &m.view.limit.id).collect::<Vec<_>>()
    );
}

#[test]
fn live_neighbour_entries_in_a_network_namespace() {
    if !is_root() {
        eprintln!("skipped: a network namespace needs root");
        return;
    }
    let script = "ip link add v0 type veth peer name v1 && ip link set v0 up && \
                  for i in $(seq 1 20); do ip neigh add 10.9.0.$i lladdr 02:00:00:00:00:01 dev v0 nud permanent; done && \
                  sleep 60";
    let Some(group) = spawn_group("unshare", &["-n", "sh", "-c", script]) else {
        eprintln!("skipped: unshare not here");
        return;
    };
    let ns = Roots::new(format!("/proc/{}", group.0.id()), "/sys");
    let start = Instant::now();
    let mut here = neigh::read_here(&ns);
    while here != Ok(20) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
        here = neigh::read_here(&ns);
    }
    assert_eq!(here, Ok(20));
    // The table (and gc_thresh3's count) is shared by every namespace.
    let (v4, _) = neigh::read(&Roots::default(), &mut Default::default());
    let v4 = v4.unwrap();
    assert!(v4.entries >= 20, "{v4:?}");
    assert!(
        v4.table_fulls.is_some(),
        "the first namespace has the statistics"
    );
}

/// IPv6 neighbours of a network namespace, which no /proc file of it shows, counted by the
/// dashboard running inside it (through netlink) against the shared table's gc_thresh3.
#[test]
fn live_ipv6_neighbours_inside_a_network_namespace() {
    if !is_root() {
        eprintln!("skipped: a network namespace needs root");
        return;
    }
    // Exit 77 says the set-up failed (no veth here), not headroom.
    let script = format!(
        "{{ ip link add v0 type veth peer name v1 && ip link set v0 up && \
         ip -6 neigh add fe80::1 lladdr 02:00:00:00:00:01 dev v0 nud permanent && \
         for i in $(seq 2 12); do ip -6 neigh add 2001:db8::$i lladdr 02:00:00:00:00:02 dev v0 nud stale; done; }} || exit 77; \
         exec {} snapshot --json",
        env!("CARGO_BIN_EXE_headroom")
    );
    let Ok(out) = Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .stderr(Stdio::inherit())
        .output()
    else {
        eprintln!("skipped: unshare not here");
        return;
    };
    if out.status.code() == Some(77) {
        eprintln!("skipped: no veth in this kernel");
        return;
    }
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let limits = v["limits"].as_array().unwrap();
    let row = limits.iter().find(|l| l["id"] == "net.neigh6").unwrap();
    let note = row["note"].as_str().unwrap();
    assert!(
        note.starts_with("12 in this namespace, 1 permanent"),
        "{note}"
    );
    // The table and its gc_thresh3 are the host's, seen from inside the namespace.
    assert!(row["used"].as_u64().unwrap() >= 12, "{row}");
    let thresh = std::fs::read_to_string("/proc/sys/net/ipv6/neigh/default/gc_thresh3").unwrap();
    assert_eq!(row["max"].as_u64(), thresh.trim().parse().ok(), "{row}");
    assert!(row["failures"].is_u64(), "{row}");
}

#[test]
fn cgroup_v2_cpu_memory_high_swap_io_and_pressure() {
    let d = derived(fixture("hidden-limits"));
    let cpu = row(&d, "cgroup.cpu");
    assert_eq!(
        (used_max(cpu), cpu.limit.failures),
        ((Some(4800), Some(12000)), Some(4800))
    );
    assert!(
        cpu.limit
            .note
            .as_deref()
            .unwrap()
            .starts_with("quota 1.50 CPUs")
    );
    let high = row(&d, "cgroup.memory.high");
    assert_eq!(
        (used_max(high), high.limit.failures),
        ((Some(1_932_735_283), Some(1_879_048_192)), Some(5120))
    );
    let swap = row(&d, "cgroup.swap");
    assert_eq!(
        (used_max(swap), swap.limit.failures),
        ((Some(268_435_456), Some(268_435_456)), Some(4))
    );
    assert!(
        row(&d, "cgroup.io")
            .limit
            .note
            .as_deref()
            .unwrap()
            .contains("wbps=10485760")
    );
    assert_eq!(
        used_max(row(&d, "cgroup.pressure.cpu")),
        (Some(43), Some(100))
    );
    assert!(
        row(&d, "cgroup.pressure.memory")
            .limit
            .note
            .as_deref()
            .unwrap()
            .contains("full 3.1%")
    );
}

#[test]
fn the_busiest_services_by_their_fullest_limit() {
    let d = derived(fixture("hidden-limits"));
    assert_eq!(
        used_max(row(&d, "cgroup.pids:system.slice/postgresql.service")),
        (Some(490), Some(512))
    );
    let nginx = row(&d, "cgroup.cpu:system.slice/nginx.service");
    assert_eq!(used_max(nginx), (Some(900), Some(1000)));
    assert_eq!(
        used_max(row(&d, "cgroup.memory:system.slice/nginx.service")),
        (Some(1 << 30), Some(4 << 30))
    );
    // Three services: cron is the least busy of the four.
    assert!(
        ids(&d).iter().all(|id| !id.contains("cron.service")),
        "{:?}",
        ids(&d)
    );
    assert!(ids(&d).iter().any(|id| id.contains("sshd.service")));
}

#[test]
fn cgroup_v1_cpu_quota_with_throttling() {
    let d = derived(fixture("cgroup1-throttled"));
    let cpu = row(&d, "cgroup.cpu");
    assert_eq!(used_max(cpu), (Some(1500), Some(2000)));
    assert!(
        cpu.limit.note.as_deref().unwrap().contains("0.50 CPUs"),
        "{:?}",
        cpu.limit.note
    );
    assert!(cpu.limit.note.as_deref().unwrap().contains("98.0 s"));
}

#[test]
fn new_rows_reach_the_json_the_exporter_and_recordings() {
    let roots = fixture("hidden-limits");
    let mut json = Vec::new();
    headroom::headless::snapshot::run(
        Collector::new(roots.clone()),
        true,
        1,
        Duration::ZERO,
        &mut json,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let ids: Vec<&str> = v["limits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    for id in [
        "user.nproc:1000",
        "fs.inotify.watches:1000",
        "proc.maps:4242",
        "vm.overcommit",
        "net.neigh",
        "kernel.pty",
        "ipc.sem",
        "keys:1000",
        "cgroup.cpu",
    ] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    let snap = Collector::new(roots).sample();
    let d = Deriver::default().update(&snap);
    let metrics = headroom::headless::export::metrics(&snap, &d);
    assert!(
        metrics.contains("headroom_limit_used{limit=\"fs.inotify.watches:1000\""),
        "{metrics}"
    );
    // A recording made before these sources existed still loads, and says they are absent.
    let mut old = serde_json::to_value(&snap).unwrap();
    for key in [
        "tables",
        "net_limits",
        "overcommit",
        "per_process",
        "cgroup_more",
    ] {
        old.as_object_mut().unwrap().remove(key);
    }
    let back: headroom::model::Snapshot = serde_json::from_value(old).unwrap();
    let d = Deriver::default().update(&back);
    assert!(d.absent.iter().any(|a| a.source == "per-process"));
}
