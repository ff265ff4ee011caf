//! A running `headroom export` for tests that talk to it while it serves: started on a free
//! port, stopped (SIGTERM, then SIGKILL) when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

pub struct Exporter {
    child: Child,
    pub addr: String,
    /// What it printed on stderr after the "serving" line, kept unread for tests that want it.
    pub stderr: BufReader<ChildStderr>,
}

impl Exporter {
    /// Starts `headroom export --listen LISTEN` with these extra arguments.
    pub fn start_on(listen: &str, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args(["export", "--listen", listen])
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run headroom export");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("stderr");
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .unwrap_or_default()
            .trim_end_matches("/metrics")
            .to_string();
        assert!(addr.contains(':'), "{line}");
        Self {
            child,
            addr,
            stderr,
        }
    }

    /// Starts the exporter on a free loopback port.
    pub fn start(args: &[&str]) -> Self {
        Self::start_on("127.0.0.1:0", args)
    }

    /// The exporter's process id.
    pub fn pid(&self) -> rustix::process::Pid {
        rustix::process::Pid::from_child(&self.child)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }

    /// One HTTP/1.1 request with `Connection: close`; the whole answer, headers included.
    pub fn request(&self, method: &str, path: &str, headers: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).expect("connect to the exporter");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n"
        )
        .expect("send");
        let mut body = String::new();
        s.read_to_string(&mut body).expect("read");
        body
    }

    /// GET /metrics until the page contains `wanted` (at most 5 s); returns the last answer.
    pub fn scrape_until(&self, wanted: &str) -> String {
        let mut body = String::new();
        for _ in 0..100 {
            body = self.request("GET", "/metrics", "");
            if body.contains(wanted) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        body
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let pid = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
