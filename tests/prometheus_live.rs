//! The fleet path end to end: a real Prometheus server scrapes a running `headroom export` on an
//! OpenVZ container whose numothersock beancounter starts refusing sockets, evaluates the rules
//! of assets/prometheus, and its HTTP API shows the limit's series and the alert firing.
//! scripts/test.sh installs Debian's prometheus package when it is missing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "support/exporter.rs"]
mod exporter;

/// A Prometheus server, killed when dropped.
struct Prometheus {
    child: Child,
    addr: String,
    log: std::path::PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    fn start(dir: &Path, target: &str) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let rules =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/prometheus/headroom.rules.yml");
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 rule_files:\n  - {}\n\
                 scrape_configs:\n  - job_name: headroom\n    static_configs:\n      - targets: ['{target}']\n",
                rules.display()
            ),
        )
        .unwrap();
        let log = dir.join("prometheus.log");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn();
        let Ok(child) = child else {
            eprintln!("prometheus not installed (scripts/test.sh installs it); skipped");
            return None;
        };
        Some(Self {
            child,
            addr: format!("127.0.0.1:{port}"),
            log,
        })
    }

    /// GET an API path; None while the server is not up yet.
    fn api(&self, path: &str) -> Option<Value> {
        let mut s = TcpStream::connect(&self.addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        // HTTP/1.0: the answer comes unchunked and the connection closes after it.
        write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
        let mut answer = String::new();
        s.read_to_string(&mut answer).ok()?;
        let (_, body) = answer.split_once("\r\n\r\n")?;
        serde_json::from_str(body).ok()
    }

    /// Polls `path` until `done` holds for its answer, for at most `limit`.
    fn wait_for(&self, path: &str, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        let mut last = Value::Null;
        while start.elapsed() < limit {
            if let Some(v) = self.api(path) {
                if done(&v) {
                    return v;
                }
                last = v;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: String = log.lines().rev().take(20).collect::<Vec<_>>().join("\n");
        panic!(
            "{path}: not there after {limit:?}; last answer {last}\nprometheus log (newest first):\n{tail}"
        );
    }
}

/// The value of the first series of an instant-query answer.
fn first_value(v: &Value) -> Option<f64> {
    v["data"]["result"][0]["value"][1].as_str()?.parse().ok()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn prometheus_scrapes_the_exporter_and_fires_the_failing_limit_alert() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    let proc_root = dir.path().join("proc");
    copy_tree(&fixtures.join("openvz-container/proc"), &proc_root);
    let exporter = exporter::Exporter::start(&[
        "--proc-root",
        proc_root.to_str().unwrap(),
        "--sys-root",
        dir.path().join("sys").to_str().unwrap(),
        "--interval",
        "200ms",
    ]);
    let Some(prom) = Prometheus::start(dir.path(), &exporter.addr) else {
        return;
    };
    let series =
        "/api/v1/query?query=headroom_limit_failures_total%7Blimit%3D%22ubc.101.numothersock%22%7D";
    let before = prom.wait_for(series, Duration::from_secs(15), |v| {
        first_value(v) == Some(127.0)
    });
    assert_eq!(
        before["data"]["result"][0]["metric"]["group"], "beancounters",
        "{before}"
    );
    // The container refuses 17 more sockets.
    std::fs::copy(
        fixtures.join("openvz-container-later/proc/user_beancounters"),
        proc_root.join("user_beancounters"),
    )
    .unwrap();
    prom.wait_for(series, Duration::from_secs(10), |v| {
        first_value(v) == Some(144.0)
    });
    let alerts = prom.wait_for("/api/v1/alerts", Duration::from_secs(10), |v| {
        v["data"]["alerts"].as_array().is_some_and(|a| {
            a.iter().any(|a| {
                a["labels"]["alertname"] == "HeadroomLimitFailing"
                    && a["labels"]["limit"] == "ubc.101.numothersock"
                    && a["state"] == "firing"
            })
        })
    });
    // numothersock at 400 of 400 waits out its ten minutes before it fires.
    let nearly_full = alerts["data"]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["labels"]["alertname"] == "HeadroomLimitNearlyFull"
                && a["labels"]["limit"] == "ubc.101.numothersock"
        });
    assert_eq!(
        nearly_full.map(|a| a["state"].clone()),
        Some(Value::from("pending")),
        "{alerts}"
    );
    let ratio = prom
        .api("/api/v1/query?query=headroom_limit_ratio%7Blimit%3D%22ubc.101.numothersock%22%7D")
        .unwrap();
    assert_eq!(first_value(&ratio), Some(1.0), "{ratio}");
}
