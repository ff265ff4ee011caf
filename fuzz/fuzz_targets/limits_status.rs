//! Per-process files: /proc/PID/limits, /proc/PID/comm and /proc/PID/status, and fd links.
#![no_main]

use headroom::collect::{nofile, tcp::owners};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = owners::socket_inode(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = nofile::parse_limits(text);
        let _ = owners::parse_comm(text);
    }
});
