//! TCP sockets: /proc/net/tcp and tcp6 as text, and sock_diag netlink replies as bytes.
#![no_main]

use headroom::collect::tcp::{netlink, procfs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = procfs::parse(text);
    }
    let mut out = Vec::new();
    let _ = netlink::parse_chunk(data, &mut out);
});
