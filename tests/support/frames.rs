//! A sequence of snapshots from fixture trees, one a second, for recording tests and benches.

#![allow(dead_code)]

use std::path::Path;

use headroom::collect::{Collector, Roots};
use headroom::model::Snapshot;

/// `n` snapshots alternating between two fixture trees, `step_ms` apart from `start_ms`.
pub fn sequence(n: usize, start_ms: u64, step_ms: u64) -> Vec<Snapshot> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut a = Collector::new(Roots::fixture(dir.join("openvz-container")));
    let mut b = Collector::new(Roots::fixture(dir.join("openvz-container-later")));
    let (sa, sb) = (a.sample(), b.sample());
    (0..n)
        .map(|i| {
            let mut s = if i % 7 < 4 { sa.clone() } else { sb.clone() };
            s.time_ms = start_ms + i as u64 * step_ms;
            s
        })
        .collect()
}
