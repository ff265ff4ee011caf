//! Per-process files: /proc/PID/limits, status, stat, io, cgroup, cmdline and comm, and fd
//! links.
#![no_main]

use headroom::collect::procs::{self, cgroup, fds, io, limits, stat, status};
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
        let _ = cgroup::parse(text).as_deref().map(cgroup::owner);
        let _ = procs::parse_cmdline(text);
        let _ = owners::parse_comm(text);
    }
});
