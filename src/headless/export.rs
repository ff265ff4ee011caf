//! `headroom export`: every limit as Prometheus metrics over HTTP, on loopback unless told
//! otherwise. The collector thread samples as for the dashboard; each scrape gets the newest.
//! Metric names follow Prometheus's rules: one base unit per name, `_total` for counters, a
//! `_ratio` per limit, labels that survive restarts (docs/metrics.md lists them).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::collect::Collector;
use crate::derive::{Derived, Deriver};
use crate::feed::signals::{JobControl, Signals};
use crate::feed::{Feed, Source};
use crate::model::Snapshot;

pub mod http;
mod limits;
mod memory;
mod procs;
mod tcp;
pub mod text;

use text::{family, sample};

/// The Prometheus text exposition of one derived snapshot.
pub fn metrics(snap: &Snapshot, d: &Derived) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "headroom_build_info",
        "gauge",
        "Always 1; the version of headroom serving these metrics.",
    );
    let version = env!("CARGO_PKG_VERSION");
    sample(
        &mut out,
        "headroom_build_info",
        &[("version", version)],
        1.0,
    );
    limits::write(&mut out, d, snap.nofile.as_ref().ok());
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
    memory::write(&mut out, &d.graphs.memory);
    family(
        &mut out,
        "headroom_snapshot_timestamp_seconds",
        "gauge",
        "When the newest reading was taken.",
    );
    let at = snap.time_ms as f64 / 1000.0;
    sample(&mut out, "headroom_snapshot_timestamp_seconds", &[], at);
    if let Some(ms) = snap.sample_ms {
        let name = "headroom_sample_duration_seconds";
        family(&mut out, name, "gauge", "How long the newest reading took.");
        sample(&mut out, name, &[], ms as f64 / 1000.0);
    }
    out
}

/// Both renderings of one sample, for the HTTP side.
fn page(snap: &Snapshot, d: &Derived) -> http::Page {
    let text = metrics(snap, d);
    http::Page {
        openmetrics: text::to_openmetrics(&text),
        text,
        time_ms: snap.time_ms,
    }
}

/// Binds `listen`, saying on stderr where, and warning when that is reachable from the network.
async fn bind(listen: SocketAddr) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let at = listener.local_addr()?;
    eprintln!("headroom: serving metrics on http://{at}/metrics");
    if !at.ip().is_loopback() {
        eprintln!(
            "headroom: warning: {} is not a loopback address; anyone who can reach it over the network can read these metrics",
            at.ip()
        );
    }
    Ok(listener)
}

pub fn run(collector: Collector, interval: Duration, listen: SocketAddr) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = bind(listen).await?;
        let mut feed = Feed::start(Source::Live(Box::new(collector)), interval)?;
        let (page_tx, page_rx) = watch::channel(Arc::new(http::Page::default()));
        let server = tokio::spawn(http::serve(listener, page_rx));
        let mut deriver = Deriver::default();
        let mut signals = Signals::listen(JobControl::Default)?;
        loop {
            tokio::select! {
                Some(snap) = feed.next() => {
                    let d = deriver.update(&snap);
                    let _ = page_tx.send(Arc::new(page(&snap, &d)));
                }
                _ = signals.recv() => break,
            }
        }
        server.abort();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};

    fn exposition(fixture: &str) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        let snap = Collector::new(Roots::fixture(root)).sample();
        let d = Deriver::default().update(&snap);
        metrics(&snap, &d)
    }

    #[test]
    fn exposition_of_a_failing_container() {
        let text = exposition("openvz-container");
        assert!(
            text.contains(
                "headroom_limit_failures_total{limit=\"ubc.101.numothersock\",group=\"beancounters\"} 127\n"
            ),
            "{text}"
        );
        assert!(text.contains(
            "headroom_limit_ratio{limit=\"ubc.101.numothersock\",group=\"beancounters\"} 0.9975\n"
        ));
        assert!(text.contains("headroom_limit_used{limit=\"ubc.101.numothersock\""));
        assert!(
            !text.contains("headroom_limit_max_bytes{limit=\"ubc.101.physpages\""),
            "unlimited has no max"
        );
        assert!(
            text.contains("headroom_limit_used_bytes{limit=\"ubc.101.physpages\""),
            "pages are exported as bytes"
        );
        assert!(!text.contains("unit="), "no unit label");
        assert!(text.contains(&format!(
            "headroom_build_info{{version=\"{}\"}} 1\n",
            env!("CARGO_PKG_VERSION")
        )));
    }

    #[test]
    fn every_family_has_help_and_type_and_no_pid_label() {
        let text = exposition("healthy-host");
        let mut typed = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                typed.insert(rest.split(' ').next().unwrap_or_default().to_string());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap_or_default();
                assert!(typed.contains(name), "{name} has no TYPE");
                assert!(!line.contains("proc.nofile:"), "pid in a label: {line}");
            }
        }
        for name in &typed {
            assert!(
                text.contains(&format!("# HELP {name} ")),
                "{name} has no HELP"
            );
        }
        assert!(text.contains("headroom_sample_duration_seconds "));
        let dirty = exposition("graphs-busy");
        for name in [
            "dirty",
            "writeback",
            "dirty_background_threshold",
            "dirty_threshold",
        ] {
            let line = format!("\nheadroom_memory_{name}_bytes ");
            assert!(dirty.contains(&line), "{line} missing");
        }
    }

    /// Every family the exporter writes on these fixtures.
    fn families() -> std::collections::BTreeSet<String> {
        let fixtures = [
            "openvz-container",
            "cgroup2-container",
            "healthy-host",
            "memcached-clients",
            "graphs-busy",
        ];
        let mut names: std::collections::BTreeSet<String> = fixtures
            .iter()
            .flat_map(|f| {
                exposition(f)
                    .lines()
                    .filter_map(|l| {
                        l.strip_prefix("# TYPE ")?
                            .split(' ')
                            .next()
                            .map(String::from)
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        names.insert("headroom_sample_age_seconds".into());
        names
    }

    #[test]
    fn docs_rules_and_dashboard_name_only_real_families() {
        let families = families();
        let dash: Option<serde_json::Value> =
            serde_json::from_str(include_str!("../../assets/grafana/headroom.json")).ok();
        let panels = dash
            .as_ref()
            .and_then(|d| d["panels"].as_array())
            .map_or(0, Vec::len);
        assert!(panels >= 5, "the dashboard is JSON with its panels");
        let doc = include_str!("../../docs/metrics.md");
        for name in &families {
            assert!(
                doc.contains(&format!("`{name}`")),
                "docs/metrics.md lacks {name}"
            );
        }
        let uses = [
            (
                "rules",
                include_str!("../../assets/prometheus/headroom.rules.yml"),
            ),
            (
                "dashboard",
                include_str!("../../assets/grafana/headroom.json"),
            ),
            ("docs", doc),
        ];
        for (what, text) in uses {
            for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if word.starts_with("headroom_") && word != "headroom_" {
                    assert!(
                        families.contains(word),
                        "{what} names {word}, which is not exported"
                    );
                }
            }
        }
    }
}
