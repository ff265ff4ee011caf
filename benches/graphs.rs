//! Cost of the Graphs pane's parts: pushing one sample into a full two-hour history, drawing the
//! pane over it, and reading its sources. `cargo bench --bench graphs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use headroom::app::graphs::GraphsState;
use headroom::collect::{Collector, Roots};
use headroom::derive::Deriver;
use headroom::derive::graphs::{self, key};
use headroom::history::{SeriesHistory, Zoom};
use headroom::ui::graphs::{GraphsPane, render_pane};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn main() {
    divan::main();
}

const END_MS: u64 = 1_795_411_800_000;

/// The names a 16-core machine with four disks and three sensors produces (about 60 series).
fn names() -> Vec<String> {
    let mut n: Vec<String> = [
        key::DIRTY,
        key::WRITEBACK,
        key::DIRTY_BG,
        key::DIRTY_THRESH,
        key::AVAILABLE,
        key::FREQ_MIN,
        key::FREQ_AVG,
        key::FREQ_MAX,
        key::DISKS_READ,
        key::DISKS_WRITE,
        key::DISKS_IOPS,
        key::PSI_CPU_SOME,
        key::PSI_MEM_SOME,
        key::PSI_MEM_FULL,
        key::PSI_IO_SOME,
        key::PSI_IO_FULL,
        key::LOAD1,
        key::LOAD5,
        key::LOAD15,
        key::RUNNING,
        key::BLOCKED,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    n.extend((0..16).map(|c| format!("{}{c}", key::FREQ_CORE)));
    n.extend((0..3).map(|t| format!("{}sensor {t}", key::TEMP)));
    for d in ["sda", "sdb", "nvme0n1", "nvme1n1"] {
        for m in ["read", "write", "iops", "util"] {
            n.push(format!("{}{d}.{m}", key::DISK));
        }
    }
    n
}

fn full_history(names: &[String]) -> SeriesHistory {
    let mut h = SeriesHistory::default();
    for i in 0..7200u64 {
        let t = END_MS - (7199 - i) * 1000;
        h.push(
            t,
            names
                .iter()
                .enumerate()
                .map(|(k, n)| (n.as_str(), ((i + k as u64) % 97) as f64)),
        );
    }
    h
}

/// One more sample into a history that already holds two hours.
#[divan::bench]
fn push_into_full_history(b: divan::Bencher) {
    let names = names();
    let mut h = full_history(&names);
    let mut t = END_MS;
    b.bench_local(|| {
        t += 1000;
        h.push(t, names.iter().map(|n| (n.as_str(), 1.0)));
    });
}

/// Drawing the pane at 160x50 over two hours, at each zoom.
#[divan::bench(args = [Zoom::Min1, Zoom::Min5, Zoom::Min30, Zoom::Hour2])]
fn render_160x50(b: divan::Bencher, zoom: Zoom) {
    let h = full_history(&names());
    let snap = Collector::new(Roots::fixture(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/graphs-busy"),
    ))
    .sample();
    let view = graphs::view(&snap, None);
    let state = GraphsState {
        zoom,
        cursor_back_ms: Some(60_000),
    };
    let area = Rect::new(0, 0, 160, 50);
    b.bench_local(|| {
        let pane = GraphsPane {
            history: &h,
            overview: None,
            ahead: None,
            view: &view,
            state: &state,
            interval_ms: 1000,
            end_ms: None,
        };
        let mut buf = Buffer::empty(area);
        render_pane(&pane, area, &mut buf);
        buf
    });
}

/// One full sample of the live machine and its derivation (every source, Graphs ones included).
#[divan::bench]
fn sample_and_derive_live(b: divan::Bencher) {
    let mut c = Collector::new(Roots::default());
    let mut d = Deriver::default();
    d.update(&c.sample());
    b.bench_local(|| d.update(&c.sample()));
}
