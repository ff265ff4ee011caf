//! `headroom export`: every limit as Prometheus metrics over HTTP, on loopback unless told
//! otherwise. The collector thread samples as for the dashboard; each scrape gets the newest.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::collect::Collector;
use crate::derive::{Derived, Deriver};
use crate::feed::signals::{JobControl, Signals};
use crate::feed::{Feed, Source};
use crate::model::Snapshot;

mod procs;
mod tcp;

/// A label value in the exposition format: backslash, quote and newline escaped.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The HELP and TYPE lines of a metric family.
fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// One sample line.
fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            let _ = write!(out, "{comma}{k}=\"{}\"", label(v));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

/// The Prometheus text exposition of one derived snapshot.
pub fn metrics(snap: &Snapshot, d: &Derived) -> String {
    let mut out = String::new();
    let series: [(&str, &str, &str); 4] = [
        (
            "headroom_limit_used",
            "gauge",
            "Amount of the limit in use, in the limit's unit.",
        ),
        (
            "headroom_limit_max",
            "gauge",
            "The limit itself; absent when unlimited.",
        ),
        (
            "headroom_limit_used_ratio",
            "gauge",
            "Share of the limit in use, 0 to 1.",
        ),
        (
            "headroom_limit_failures_total",
            "counter",
            "Refusals counted by the kernel since the counter started.",
        ),
    ];
    for (name, kind, help) in series {
        family(&mut out, name, kind, help);
        for v in &d.limits {
            let l = &v.limit;
            let value = match name {
                "headroom_limit_used" => l.used.map(|u| u as f64),
                "headroom_limit_max" => l.max.map(|m| m as f64),
                "headroom_limit_used_ratio" => v.pct.map(|p| p / 100.0),
                _ => l.failures.map(|f| f as f64),
            };
            if let Some(value) = value {
                let unit = serde_json::to_value(l.unit)
                    .ok()
                    .and_then(|u| u.as_str().map(str::to_string))
                    .unwrap_or_default();
                let labels = [
                    ("id", l.id.as_str()),
                    ("group", l.group.as_str()),
                    ("name", l.name.as_str()),
                    ("unit", unit.as_str()),
                ];
                sample(&mut out, name, &labels, value);
            }
        }
    }
    family(
        &mut out,
        "headroom_source_error",
        "gauge",
        "A source present but unreadable or malformed.",
    );
    for e in &d.errors {
        sample(
            &mut out,
            "headroom_source_error",
            &[("source", &e.source)],
            1.0,
        );
    }
    tcp::write(&mut out, &snap.tcp);
    procs::write(&mut out, &d.procs);
    family(
        &mut out,
        "headroom_snapshot_timestamp_seconds",
        "gauge",
        "When the newest reading was taken.",
    );
    let at = snap.time_ms as f64 / 1000.0;
    sample(&mut out, "headroom_snapshot_timestamp_seconds", &[], at);
    out
}

async fn serve(
    req: Request<Incoming>,
    page: watch::Receiver<Arc<String>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, body) = match req.uri().path() {
        "/metrics" => (StatusCode::OK, page.borrow().as_str().to_string()),
        "/" => (
            StatusCode::OK,
            "headroom exporter: see /metrics\n".to_string(),
        ),
        _ => (StatusCode::NOT_FOUND, "not found\n".to_string()),
    };
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    if let Ok(v) = "text/plain; version=0.0.4".parse() {
        resp.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    Ok(resp)
}

pub fn run(collector: Collector, interval: Duration, listen: SocketAddr) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(listen).await.map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
        eprintln!("headroom: serving metrics on http://{}/metrics", listener.local_addr()?);
        let mut feed = Feed::start(Source::Live(Box::new(collector)), interval)?;
        let (page_tx, page_rx) = watch::channel(Arc::new(String::new()));
        let mut deriver = Deriver::default();
        let mut signals = Signals::listen(JobControl::Default)?;
        loop {
            tokio::select! {
                Some(snap) = feed.next() => {
                    let d = deriver.update(&snap);
                    let _ = page_tx.send(Arc::new(metrics(&snap, &d)));
                }
                conn = listener.accept() => {
                    // A machine out of fds or sockets refuses the accept; keep serving the others.
                    let Ok((stream, _)) = conn else {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    };
                    let page = page_rx.clone();
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| serve(req, page.clone()));
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                    });
                }
                _ = signals.recv() => break,
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};

    #[test]
    fn exposition_of_a_failing_container() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openvz-container");
        let snap = Collector::new(Roots::fixture(root)).sample();
        let d = Deriver::default().update(&snap);
        let text = metrics(&snap, &d);
        assert!(text.contains(
            "headroom_limit_failures_total{id=\"ubc.101.numothersock\",group=\"beancounters\",name=\"numothersock (uid 101)\",unit=\"count\"} 127\n"
        ), "{text}");
        assert!(text.contains("headroom_limit_used_ratio{id=\"ubc.101.numothersock\""));
        assert!(
            !text.contains("headroom_limit_max{id=\"ubc.101.physpages\""),
            "unlimited has no max"
        );
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
