//! The exporter's HTTP side against real sockets: what it answers, and that idle, half-sent and
//! oversized requests neither hold a connection for long nor delay anyone else's scrape.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

#[path = "support/exporter.rs"]
mod exporter;
#[path = "support/run.rs"]
mod run;

use exporter::Exporter;

fn fixture_args() -> Vec<String> {
    let mut args: Vec<String> = run::roots_of("openvz-container").into();
    args.extend(["--interval".into(), "200ms".into()]);
    args
}

fn start() -> Exporter {
    let args = fixture_args();
    let exporter = Exporter::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let first = exporter.scrape_until("headroom_limit_ratio");
    assert!(first.contains("headroom_limit_ratio"), "{first}");
    exporter
}

/// A normal scrape, timed from connect to the last byte.
fn timed_scrape(e: &Exporter) -> (Duration, String) {
    let t = Instant::now();
    let body = e.request("GET", "/metrics", "");
    (t.elapsed(), body)
}

#[test]
fn answers_only_get_and_head_of_metrics_and_the_index() {
    let e = start();
    let index = e.request("GET", "/", "");
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    assert!(index.contains("<a href=\"/metrics\">"), "{index}");
    let head = e.request("HEAD", "/metrics", "");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.contains("# HELP"), "HEAD has no body: {head}");
    let post = e.request("POST", "/metrics", "Content-Length: 0\r\n");
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    assert!(
        post.to_ascii_lowercase().contains("allow: get, head"),
        "{post}"
    );
    let other = e.request("GET", "/debug/pprof", "");
    assert!(other.starts_with("HTTP/1.1 404"), "{other}");
}

#[test]
fn openmetrics_when_the_scraper_asks_for_it() {
    let e = start();
    let accept = "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5\r\n";
    let om = e.request("GET", "/metrics", accept);
    assert!(
        om.contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{om}"
    );
    assert!(
        om.contains("# TYPE headroom_limit_failures counter\n"),
        "{om}"
    );
    assert!(om.ends_with("# EOF\n"), "{om}");
    let text = e.request("GET", "/metrics", "");
    assert!(
        text.contains("content-type: text/plain; version=0.0.4"),
        "{text}"
    );
    assert!(text.contains("# TYPE headroom_limit_failures_total counter\n"));
    assert!(text.contains("headroom_sample_age_seconds "));
}

#[test]
fn hostile_clients_delay_no_scrape() {
    let e = start();
    // 1,100 idle connections against an open-file limit of 1,024, as on a busy host where they
    // once made every scrape time out: the exporter keeps 64 and closes the oldest.
    use rustix::process::{Resource, Rlimit, getrlimit, prlimit, setrlimit};
    let tight = Rlimit {
        current: Some(1024),
        maximum: Some(1024),
    };
    prlimit(Some(e.pid()), Resource::Nofile, tight).expect("limit the exporter's files");
    let ours = getrlimit(Resource::Nofile);
    let want = ours.maximum.map_or(4096, |m| m.min(4096));
    let _ = setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(want),
            maximum: ours.maximum,
        },
    );
    let addr: std::net::SocketAddr = e.addr.parse().unwrap();
    let idle: Vec<TcpStream> = (0..1100)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok())
        .collect();
    assert!(idle.len() >= 1000, "only {} connections opened", idle.len());
    // Half headers, a byte at a time.
    let addr = e.addr.clone();
    let trickle = thread::spawn(move || {
        let mut s = TcpStream::connect(&addr).expect("connect");
        let _ = s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n");
        for _ in 0..30 {
            if s.write_all(b"X").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    // A 10 MB header: refused with 431 or a closed connection, never buffered.
    let addr = e.addr.clone();
    let huge = thread::spawn(move || {
        let mut s = TcpStream::connect(&addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ");
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..160 {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer
    });
    for _ in 0..10 {
        let (took, body) = timed_scrape(&e);
        assert!(body.starts_with("HTTP/1.1 200"), "{body}");
        assert!(took < Duration::from_secs(1), "a scrape took {took:?}");
        thread::sleep(Duration::from_millis(100));
    }
    let answer = huge.join().unwrap();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    trickle.join().unwrap();
    // The samples kept coming meanwhile.
    let (_, body) = timed_scrape(&e);
    let age = body
        .lines()
        .find_map(|l| l.strip_prefix("headroom_sample_age_seconds "))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("sample age");
    assert!(age < 1.0, "sample age {age}");
    drop(idle);
}

#[test]
fn an_idle_connection_is_closed_after_the_header_timeout() {
    let e = start();
    let mut s = TcpStream::connect(&e.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let t = Instant::now();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    let took = t.elapsed();
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(10),
        "closed after {took:?}"
    );
}

#[test]
fn a_live_scrape_passes_promtool() {
    let Ok(_) = Command::new("promtool").arg("--version").output() else {
        eprintln!("promtool not installed (scripts/test.sh installs it); skipped");
        return;
    };
    let e = start();
    let answer = e.request("GET", "/metrics", "");
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap();
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_non_loopback_address_is_served_with_a_warning() {
    let args = fixture_args();
    let mut e = Exporter::start_on(
        "0.0.0.0:0",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let mut warning = String::new();
    e.stderr.read_line(&mut warning).unwrap();
    assert!(
        warning.contains("not a loopback address") && warning.contains("network"),
        "{warning}"
    );
    e.addr = format!("127.0.0.1:{}", e.port());
    let body = e.scrape_until("headroom_build_info");
    assert!(body.contains("headroom_build_info"), "{body}");
}
