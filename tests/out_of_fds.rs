//! A process out of file descriptors still reports, and says why it cannot read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;

use headroom::collect::{Collector, Roots};
use headroom::derive::Deriver;

#[test]
fn sampling_without_a_free_fd_gives_errors_not_a_panic() {
    let mut collector = Collector::new(Roots::default());
    let mut held = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(f) => held.push(f),
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(24), "expected EMFILE, got {e}");
                break;
            }
        }
        assert!(held.len() < 1_100_000, "no fd limit in force");
    }
    let d = Deriver::default().update(&collector.sample());
    assert!(
        d.errors
            .iter()
            .any(|e| e.message.contains("Too many open files")),
        "{:?}",
        d.errors
    );
    drop(held);
    let d = Deriver::default().update(&collector.sample());
    assert!(d.limits.iter().any(|l| l.limit.id == "kernel.tasks"));
}
