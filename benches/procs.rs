//! Cost of the process pass with 2,000 and 5,000 processes: real sleeping children spawned in
//! the setup (`cargo bench --bench procs`). `steady` is the dashboard's case with the Processes
//! pane shown (descriptor counts unchanged, no links read); `steady_background` the same with
//! another pane shown (counts only); `cold` reads every process in full (the first pass, or a
//! host where every process is new); `derive` is the derivation of one snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};

use headroom::collect::procs::{self, Depth, ProcCache};
use headroom::collect::{Collector, Roots};
use headroom::derive::Deriver;

fn main() {
    divan::main();
}

/// Sleeping children, killed when dropped.
struct Sleepers(Vec<Child>);

impl Sleepers {
    /// Enough children that the machine runs about `total` processes.
    fn up_to(total: usize) -> Self {
        let running = procs::read(&Roots::default(), &mut ProcCache::default())
            .unwrap()
            .procs
            .len();
        Self(
            (running..total)
                .map(|_| {
                    Command::new("sleep")
                        .arg("600")
                        .stdin(Stdio::null())
                        .spawn()
                        .unwrap()
                })
                .collect(),
        )
    }
}

impl Drop for Sleepers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
        }
        for c in &mut self.0 {
            let _ = c.wait();
        }
    }
}

const SIZES: [usize; 2] = [2000, 5000];

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn steady(b: divan::Bencher, n: usize) {
    let _kids = Sleepers::up_to(n);
    let roots = Roots::default();
    let mut cache = ProcCache::default();
    procs::read(&roots, &mut cache).unwrap();
    b.bench_local(|| procs::read(&roots, &mut cache).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn steady_background(b: divan::Bencher, n: usize) {
    let _kids = Sleepers::up_to(n);
    let roots = Roots::default();
    let mut cache = ProcCache::default();
    procs::read(&roots, &mut cache).unwrap();
    cache.depth = Depth::Counts;
    b.bench_local(|| procs::read(&roots, &mut cache).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn cold(b: divan::Bencher, n: usize) {
    let _kids = Sleepers::up_to(n);
    let roots = Roots::default();
    b.bench_local(|| procs::read(&roots, &mut ProcCache::default()).unwrap());
}

/// Rows, growth, groups and consumers from one snapshot of a new pass (the pass itself
/// excluded): what the dashboard derives when a pass arrives. Samples between passes reuse
/// the rows and groups and cost less.
#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn derive(b: divan::Bencher, n: usize) {
    let _kids = Sleepers::up_to(n);
    let snap = Collector::new(Roots::default()).sample();
    let mut d = Deriver::default();
    let mut pass = 0;
    b.with_inputs(|| {
        pass += 1;
        let mut s = snap.clone();
        if let Ok(t) = s.processes.as_mut() {
            std::sync::Arc::make_mut(t).time_ms += pass;
        }
        s
    })
    .bench_local_values(|s| d.update(&s));
}
