//! Times headroom's socket sample on the live machine: the full per-peer/per-listener sample
//! through netlink and through /proc/net/tcp*, the owner map, and the sample with owners.
//! Prints one line per measurement: `name median_ms min_ms sockets`.
//!
//! Samples are taken as the dashboard takes them, one after another by the same reader, which
//! cuts a large netlink dump in two halves at the previous dump's median; `*_single` lines are
//! one-shot samples (one dump, as `snapshot` takes them).

use std::time::Instant;

use headroom::collect::Roots;
use headroom::collect::tcp::{self, Method, Reader, owners};

fn median(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0])
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut last = f();
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        last = f();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (med, min) = median(ms);
    (med, min, last)
}

fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let roots = Roots::default();
    for (name, method) in [
        ("dump_netlink", Method::Netlink),
        ("dump_procfs", Method::Procfs),
    ] {
        let mut reader = Reader::new(method);
        let (med, min, d) = time(runs, || reader.dump(&roots));
        println!("{name} {med:.1} {min:.1} {}", d?.sockets.len());
    }
    for (name, method) in [
        ("sample_netlink", Method::Netlink),
        ("sample_procfs", Method::Procfs),
    ] {
        let mut reader = Reader::new(method);
        let (med, min, t) = time(runs, || reader.read(&roots, None));
        let t = t?;
        println!("{name} {med:.1} {min:.1} {}", t.total);
    }
    let (med, min, t) = time(runs, || tcp::read(&roots, Method::Netlink, None));
    println!("sample_netlink_single {med:.1} {min:.1} {}", t?.total);
    let (med, min, map) = time(runs, || owners::scan(&roots, None));
    let map = map?;
    println!("owner_map {med:.1} {min:.1} {}", map.sockets());
    for (name, method) in [
        ("sample_owners_netlink", Method::Netlink),
        ("sample_owners_procfs", Method::Procfs),
    ] {
        let mut reader = Reader::new(method);
        let (med, min, t) = time(runs, || {
            let map = owners::scan(&roots, None)?;
            reader.read(&roots, Some(&map))
        });
        let t = t?;
        println!("{name} {med:.1} {min:.1} {}", t.total);
    }
    Ok(())
}
