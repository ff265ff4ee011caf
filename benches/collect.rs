//! Cost of one sample of the Limits sources, and of deriving the table from it.
//! `cargo bench --bench collect`; the live numbers depend on the host's process count.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use headroom::collect::{Collector, Roots, beancounters, procs};
use headroom::derive::Deriver;

fn main() {
    divan::main();
}

fn fixture(name: &str) -> Roots {
    Roots::fixture(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

/// One full sample of the live machine (every limit source, all processes' fd counts).
#[divan::bench]
fn sample_live(b: divan::Bencher) {
    let mut c = Collector::new(Roots::default());
    c.sample();
    b.bench_local(|| c.sample());
}

/// The per-process walk as the dashboard runs it every 2 s: fd and thread counts of every
/// process, with users, limits and inotify use re-read for a tenth of them, and the maps of the
/// largest three.
#[divan::bench]
fn process_walk_live(b: divan::Bencher) {
    let mut cache = procs::ProcCache::default();
    procs::read(&Roots::default(), &mut cache).unwrap();
    b.bench_local(|| procs::read(&Roots::default(), &mut cache));
}

/// The first walk, which reads every process's user, limits and inotify descriptors.
#[divan::bench]
fn process_walk_live_cold(b: divan::Bencher) {
    b.bench_local(|| procs::read(&Roots::default(), &mut procs::ProcCache::default()));
}

/// One sample of a captured OpenVZ host node tree.
#[divan::bench]
fn sample_hostnode_fixture(b: divan::Bencher) {
    let mut c = Collector::new(fixture("openvz-hostnode"));
    b.bench_local(|| c.sample());
}

/// Parsing a host node's beancounters scaled to 100 containers.
#[divan::bench]
fn parse_beancounters_100_containers(b: divan::Bencher) {
    let one = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openvz-container/proc/user_beancounters"),
    )
    .unwrap();
    let block: String = one.lines().skip(2).collect::<Vec<_>>().join("\n");
    let mut text =
        String::from("Version: 2.5\n       uid  resource held maxheld barrier limit failcnt\n");
    for uid in 0..100 {
        text.push_str(&block.replacen("101:", &format!("{}:", 1000 + uid), 1));
        text.push('\n');
    }
    b.bench(|| beancounters::parse(divan::black_box(&text)));
}

/// Deriving the sorted table, findings and notes from a live sample.
#[divan::bench]
fn derive_live(b: divan::Bencher) {
    let snap = Collector::new(Roots::default()).sample();
    let mut d = Deriver::default();
    b.bench_local(|| d.update(divan::black_box(&snap)));
}
