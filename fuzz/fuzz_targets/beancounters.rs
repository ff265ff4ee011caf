//! /proc/user_beancounters (OpenVZ / Virtuozzo).
#![no_main]

use headroom::collect::beancounters;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = beancounters::parse(text);
});
