//! Per-process files: /proc/PID/limits, /proc/PID/status, /proc/PID/stat, /proc/PID/io,
//! /proc/PID/comm, and fd links.
#![no_main]

use headroom::collect::procs::{fds, io, limits, stat, status};
use headroom::collect::tcp::owners;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = owners::socket_inode(data);
    let _ = fds::classify(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = limits::parse(text);
        let _ = status::parse(text);
        let _ = stat::parse(text);
        let _ = io::parse(text);
        let _ = owners::parse_comm(text);
    }
});
