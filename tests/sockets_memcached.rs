//! A real memcached on loopback with 300 persistent connections from this process and some
//! connect/close churn: both socket enumerations must see the same peer and listener rows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use headroom::collect::Roots;
use headroom::collect::tcp::{self, Method, owners};
use headroom::model::tcp::{Listener, Peer, TcpMethod, TcpState, TcpTable};

const PERSISTENT: usize = 300;
const CHURN: usize = 40;

/// memcached, killed when the test ends however it ends.
struct Memcached {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Memcached {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[path = "support/run.rs"]
mod run;

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .chain(["/usr/bin", "/usr/sbin", "/usr/local/bin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn start_memcached() -> Memcached {
    let bin = find_in_path("memcached").unwrap_or_else(|| {
        panic!("memcached is not installed: this test needs it (apt-get install memcached; scripts/test.sh does)")
    });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(bin);
    cmd.args([
        "-l",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-U",
        "0",
        "-c",
        "2048",
    ]);
    if rustix::process::geteuid().is_root() {
        cmd.args(["-u", "root"]);
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start memcached");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "memcached did not listen on {addr}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Memcached { child, addr }
}

/// A round trip, so the server has accepted the connection.
fn version(stream: &mut TcpStream) {
    stream.write_all(b"version\r\n").unwrap();
    let mut line = String::new();
    BufReader::new(&*stream).read_line(&mut line).unwrap();
    assert!(line.starts_with("VERSION"), "{line:?}");
}

fn peer(t: &TcpTable, addr: SocketAddr) -> &Peer {
    t.peers
        .iter()
        .find(|p| p.remote == addr)
        .unwrap_or_else(|| panic!("no peer row for {addr} via {}", t.method))
}

fn listener(t: &TcpTable, addr: SocketAddr) -> &Listener {
    t.listeners
        .iter()
        .find(|l| l.local == addr)
        .unwrap_or_else(|| panic!("no listener row for {addr} via {}", t.method))
}

/// One enumeration's view of memcached: the client side as a peer owned by this process, the
/// server side under its listener, owned by memcached.
fn assert_table(t: &TcpTable, addr: SocketAddr, mcpid: u32, client_port: u16) {
    let me = std::process::id();
    let p = peer(t, addr);
    assert!(
        p.states.get(TcpState::Established) >= PERSISTENT as u64,
        "{p:?}"
    );
    assert!(p.states.get(TcpState::TimeWait) >= CHURN as u64, "{p:?}");
    assert_eq!(p.total, p.states.total());
    let mine = p
        .processes
        .iter()
        .find(|o| o.pid == me)
        .expect("this process among the owners");
    assert_eq!(mine.sockets, PERSISTENT as u64, "{p:?}");
    assert!(p.ephemeral >= PERSISTENT as u64, "{p:?}");

    // The server side counts under the listener, not as 300 client peers.
    let l = listener(t, addr);
    assert!(
        l.states.get(TcpState::Established) >= PERSISTENT as u64,
        "{l:?}"
    );
    assert_eq!(l.sockets, 1);
    assert!(
        l.processes
            .iter()
            .any(|o| o.pid == mcpid && o.comm == "memcached"),
        "{l:?}"
    );
    assert!(
        !t.peers
            .iter()
            .any(|p| p.remote.ip().is_loopback() && p.remote.port() == client_port),
        "a client of the listener showed up as a peer"
    );
    assert!(t.states.get(TcpState::Listen) >= 1);
    assert!(
        t.owners
            .is_some_and(|o| o.sockets_owned >= 2 * PERSISTENT as u64)
    );
}

/// The peer's states, the listener's states and its backlog in `snapshot --json` via `via`.
fn json_rows(
    via: &str,
    addr: SocketAddr,
) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    let me = std::process::id();
    let tcp = snapshot_tcp(via);
    assert_eq!(tcp["method"], via);
    assert!(
        tcp["states"]["TIME_WAIT"].as_u64().unwrap() >= CHURN as u64,
        "{via}"
    );
    let remote = addr.to_string();
    let p = tcp["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["remote"] == remote.as_str())
        .unwrap_or_else(|| panic!("no peer {remote} in the {via} snapshot"))
        .clone();
    assert!(
        p["states"]["ESTABLISHED"].as_u64().unwrap() >= PERSISTENT as u64,
        "{p}"
    );
    assert!(
        p["states"]["TIME_WAIT"].as_u64().unwrap() >= CHURN as u64,
        "{p}"
    );
    assert!(
        p["total"].as_u64().unwrap() >= (PERSISTENT + CHURN) as u64,
        "{p}"
    );
    let owners = p["processes"].as_array().unwrap();
    assert!(
        owners
            .iter()
            .any(|o| o["pid"] == me && o["sockets"] == PERSISTENT as u64 && o["comm"].is_string()),
        "this test among the owners: {p}"
    );
    let l = tcp["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["local"] == remote.as_str())
        .unwrap_or_else(|| panic!("no listener {remote} in the {via} snapshot"))
        .clone();
    assert!(
        l["states"]["ESTABLISHED"].as_u64().unwrap() >= PERSISTENT as u64,
        "{l}"
    );
    assert!(l["accept_queue"].is_u64(), "{l}");
    assert!(tcp["sockstat"]["TCP"]["inuse"].is_u64());
    (
        p["states"].clone(),
        l["states"].clone(),
        l["backlog"].clone(),
    )
}

#[test]
fn netlink_and_procfs_agree_on_memcached_peers_and_listener() {
    let mc = start_memcached();
    let mut conns: Vec<TcpStream> = (0..PERSISTENT)
        .map(|_| TcpStream::connect(mc.addr).unwrap())
        .collect();
    for c in &mut conns {
        version(c);
    }
    // Churn: this side closes first, so its sockets go to TIME_WAIT.
    for _ in 0..CHURN {
        let mut c = TcpStream::connect(mc.addr).unwrap();
        version(&mut c);
    }

    let roots = Roots::default();
    let mcpid = mc.child.id();
    // Wait for the churned sockets to settle in TIME_WAIT, then read both ways.
    let started = Instant::now();
    let (nl, pf) = loop {
        let owners = owners::scan(&roots, None).unwrap();
        let nl = tcp::read(&roots, Method::Netlink, Some(&owners)).unwrap();
        let pf = tcp::read(&roots, Method::Procfs, Some(&owners)).unwrap();
        let settled = [&nl, &pf]
            .iter()
            .all(|t| peer(t, mc.addr).states.get(TcpState::TimeWait) >= CHURN as u64);
        if settled || started.elapsed() > Duration::from_secs(5) {
            break (nl, pf);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(nl.method, TcpMethod::Netlink);
    assert_eq!(pf.method, TcpMethod::Procfs);

    let client_port = conns[0].local_addr().unwrap().port();
    for t in [&nl, &pf] {
        assert_table(t, mc.addr, mcpid, client_port);
    }

    // Both enumerations see the same rows; only netlink knows the backlog.
    let (a, b) = (peer(&nl, mc.addr), peer(&pf, mc.addr));
    assert_eq!(a.states, b.states);
    assert_eq!(a.processes, b.processes);
    let (a, b) = (listener(&nl, mc.addr), listener(&pf, mc.addr));
    assert_eq!(a.states, b.states);
    assert_eq!(a.processes, b.processes);
    assert_eq!(a.backlog, Some(1024), "memcached's default backlog");
    assert_eq!(b.backlog, None);

    // The same through the binary's JSON contract, both ways.
    let mut rows = Vec::new();
    for via in ["netlink", "procfs"] {
        rows.push(json_rows(via, mc.addr));
    }
    assert_eq!(
        rows[0].0, rows[1].0,
        "peer rows differ between netlink and procfs"
    );
    assert_eq!(
        rows[0].1, rows[1].1,
        "listener rows differ between netlink and procfs"
    );
    assert_eq!(rows[0].2, 1024);
    assert!(rows[1].2.is_null());

    // The exporter, told to use procfs, serves the same peer row and the listener's queue.
    let remote = mc.addr.to_string();
    let peer = format!(
        "headroom_tcp_peer_sockets{{remote=\"{remote}\",service=\"\",state=\"ESTABLISHED\"}} "
    );
    let body = run::scrape_export(&["--sockets-via", "procfs"], &peer);
    let value = |prefix: &str| -> u64 {
        body.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} in\n{body}"))
    };
    assert!(value(&peer) >= PERSISTENT as u64);
    let queue = format!("headroom_tcp_listener_accept_queue{{local=\"{remote}\"}} ");
    assert!(value(&queue) < 1024);
    assert!(
        !body.contains(&format!(
            "headroom_tcp_listener_backlog{{local=\"{remote}\"}}"
        )),
        "procfs does not tell the backlog"
    );
    assert!(body.contains("headroom_tcp_dump_timestamp_seconds{method=\"procfs\"}"));
    drop(conns);
}

/// The `tcp` object of `headroom snapshot --json --sockets-via VIA`.
fn snapshot_tcp(via: &str) -> serde_json::Value {
    run::json(&["snapshot", "--json", "--sockets-via", via])["tcp"].clone()
}
