//! The sockets sources read from a captured tree: ten PHP workers holding 1,000 connections to
//! memcached, 300 TIME_WAIT after persistent connections were switched off, nginx accepting.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use headroom::collect::tcp::{self, Method, owners};
use headroom::collect::{Roots, counters, read_parsed, unix};
use headroom::model::counter;
use headroom::model::tcp::{TcpMethod, TcpState};

fn roots() -> Roots {
    Roots::fixture(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/memcached-clients"),
    )
}

#[test]
fn peers_listeners_and_owners_from_the_files() {
    let roots = roots();
    let owners = owners::scan(&roots, None).unwrap();
    let t = tcp::read(&roots, Method::Auto, Some(&owners)).unwrap();
    assert_eq!(
        t.method,
        TcpMethod::Procfs,
        "a captured tree is never read through netlink"
    );
    assert_eq!(t.local_port_range, Some((32768, 60999)));
    assert_eq!(t.total, 1417 - 1 + 9 - 1);
    assert_eq!(t.states.get(TcpState::TimeWait), 301);
    assert_eq!(t.states.get(TcpState::Listen), 4);

    let mc = &t.peers[0];
    assert_eq!(mc.remote.to_string(), "10.0.0.7:11211");
    assert_eq!(mc.service.as_deref(), Some("memcached"));
    assert_eq!(mc.states.get(TcpState::Established), 1000);
    assert_eq!(mc.states.get(TcpState::TimeWait), 300);
    assert_eq!(mc.total, 1300);
    assert_eq!(mc.ephemeral, 1300);
    assert_eq!(mc.processes.len(), 10);
    assert!(
        mc.processes
            .iter()
            .all(|p| p.comm == "php-fpm" && p.sockets == 100)
    );

    let db = t.peers.iter().find(|p| p.remote.port() == 3306).unwrap();
    assert_eq!(
        (
            db.states.get(TcpState::Established),
            db.states.get(TcpState::CloseWait)
        ),
        (40, 3)
    );
    assert_eq!(db.service.as_deref(), Some("mysql"));
    let v6 = t.peers.iter().find(|p| p.remote.is_ipv6()).unwrap();
    assert_eq!(v6.remote.to_string(), "[2001:db8::53]:53");
    // nginx's side of the fastcgi connections is a peer; php-fpm's side is under its listener.
    let fcgi = t
        .peers
        .iter()
        .find(|p| p.remote.to_string() == "127.0.0.1:9000")
        .unwrap();
    assert_eq!(fcgi.processes[0].comm, "nginx");
    assert!(
        t.peers
            .iter()
            .all(|p| !p.remote.ip().to_string().starts_with("192.0.2."))
    );

    let http = t
        .listeners
        .iter()
        .find(|l| l.local.to_string() == "0.0.0.0:80")
        .unwrap();
    assert_eq!(
        (
            http.states.get(TcpState::Established),
            http.states.get(TcpState::CloseWait)
        ),
        (40, 5)
    );
    assert_eq!(
        http.backlog, None,
        "/proc/net/tcp does not show the backlog"
    );
    let https = t
        .listeners
        .iter()
        .find(|l| l.local.to_string() == "[::]:443")
        .unwrap();
    assert_eq!(
        https.states.get(TcpState::Established),
        6,
        "IPv4 clients of an IPv6 wildcard listener"
    );
    let fpm = t
        .listeners
        .iter()
        .find(|l| l.local.to_string() == "127.0.0.1:9000")
        .unwrap();
    assert_eq!(fpm.accept_queue, 7);
    assert_eq!(fpm.states.get(TcpState::Established), 12);
    assert_eq!(
        fpm.processes.len(),
        10,
        "the listener is shared by every worker"
    );

    let scan = t.owners.unwrap();
    assert_eq!(scan.unreadable, 0);
    assert!(scan.processes >= 12);
}

#[test]
fn counters_and_counts_from_the_files() {
    let roots = roots();
    let s = read_parsed(&roots.proc_path("net/sockstat"), counters::parse_pairs).unwrap();
    assert_eq!(counter(&s, "TCP", "orphan"), Some(12));
    assert_eq!(counter(&s, "TCP", "mem"), Some(35120));
    let s6 = read_parsed(&roots.proc_path("net/sockstat6"), counters::parse_pairs).unwrap();
    assert_eq!(counter(&s6, "TCP6", "inuse"), Some(7));
    let snmp = read_parsed(&roots.proc_path("net/snmp"), counters::parse_tables).unwrap();
    assert!(counter(&snmp, "Tcp", "ActiveOpens").is_some());
    assert_eq!(
        counter(&snmp, "Tcp", "MaxConn"),
        None,
        "-1 is not a counter"
    );
    let netstat = read_parsed(&roots.proc_path("net/netstat"), counters::parse_tables).unwrap();
    assert!(counter(&netstat, "TcpExt", "ListenOverflows").is_some());
    assert_eq!(unix::read(&roots).unwrap(), 9);
}
