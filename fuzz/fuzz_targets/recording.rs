//! The recording reader (`recording::Reader`, every version) on arbitrary bytes, through a
//! file as `replay` reads one: opened, read to the end, rewound and read again (the same
//! frames), stepped back, sought to its first, middle and last times and beyond, and its
//! damage, notes and segments listed; the appending writer's tail scan too.
#![no_main]

use std::io::Write;

use headroom::recording::{Reader, reader};
use libfuzzer_sys::fuzz_target;

/// Frames read at most per pass: a seed holds a few; a bigger input is no more interesting.
const MAX_FRAMES: usize = 10_000;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).and_then(|()| file.flush()).is_err() {
        return;
    }
    let _ = reader::scan_tail(file.path());
    let Ok(mut r) = Reader::open(file.path()) else {
        return;
    };
    let first: Vec<(u64, u64)> = r
        .by_ref()
        .take(MAX_FRAMES)
        .map(|f| (f.time_ms, f.offset))
        .collect();
    let _ = (
        r.lost(),
        r.notes(),
        r.segment_times(),
        r.header(),
        r.version(),
    );
    r.rewind();
    let again: Vec<(u64, u64)> = r
        .by_ref()
        .take(MAX_FRAMES)
        .map(|f| (f.time_ms, f.offset))
        .collect();
    assert_eq!(first, again, "a second pass reads other frames");
    for _ in 0..3 {
        let _ = r.prev();
    }
    let times = first.iter().map(|(t, _)| *t);
    let (lo, hi) = (times.clone().min(), times.max());
    for t in [
        lo,
        hi,
        lo.zip(hi).map(|(a, b)| a / 2 + b / 2),
        Some(0),
        Some(u64::MAX),
    ]
    .into_iter()
    .flatten()
    {
        let _ = r.seek(t);
        let _ = r.next_frame();
        let _ = r.prev();
    }
});
