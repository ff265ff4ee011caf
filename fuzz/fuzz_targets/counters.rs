//! Counter tables: /proc/net/sockstat (pairs), /proc/net/netstat and /proc/net/snmp (header
//! and value line pairs), /proc/net/unix, conntrack statistics, the local port range.
#![no_main]

use headroom::collect::{conntrack, counters, tcp, unix};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = counters::parse_pairs(text);
    let _ = counters::parse_tables(text);
    let _ = unix::parse(text);
    let _ = conntrack::parse_drops(text);
    let _ = tcp::port_range::parse(text);
});
