//! Memory and CPU files: meminfo, vmstat, zoneinfo, pressure, diskstats, stat, loadavg,
//! cpuinfo, file-nr and the other kernel triples.
#![no_main]

use headroom::collect::{
    cpuinfo, diskstats, kernel, loadavg, meminfo, pressure, stat, vmstat, zoneinfo,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = meminfo::parse(text);
    let _ = vmstat::parse(text);
    let _ = zoneinfo::parse(text);
    let _ = pressure::parse(text);
    let _ = diskstats::parse(text);
    let _ = stat::parse(text);
    let _ = loadavg::parse(text);
    let _ = cpuinfo::parse(text);
    let _ = kernel::parse_file_nr(text);
    let _ = kernel::parse_triple(text);
});
