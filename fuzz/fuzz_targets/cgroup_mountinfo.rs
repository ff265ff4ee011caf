//! /proc/self/cgroup, cgroup event files, /proc/self/mountinfo (and its hidepid option) and
//! the captured statvfs file.
#![no_main]

use headroom::collect::{cgroup, hidepid, mountinfo, mounts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = cgroup::parse_membership(text);
    let _ = cgroup::parse_events(text, "max");
    let _ = cgroup::parse_events(text, "oom_kill");
    let _ = mountinfo::parse(text);
    let _ = mounts::parse_capture(text);
    let _ = hidepid::detect(text);
});
