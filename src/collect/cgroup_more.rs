//! More of the cgroup (Documentation/admin-guide/cgroup-v2.rst, cgroup-v1/): on v2 `cpu.max`
//! ("quota period" or "max period") and `cpu.stat` (nr_periods, nr_throttled, throttled_usec),
//! `memory.high` with `memory.events` "high", `memory.swap.current`/`max`/`events`, `io.max`,
//! and `cpu|memory|io.pressure`; on v1 `cpu.cfs_quota_us` (-1 unlimited), `cpu.cfs_period_us`
//! and `cpu.stat` (throttled_time in ns). As root, the busiest services under system.slice.

use std::fs;
use std::path::Path;

use crate::collect::cgroup::{self, parse_events};
use crate::collect::mountinfo::MountEntry;
use crate::collect::text::{i64_field, limit_u64, single_u64};
use crate::collect::{ParseError, Roots, pressure, read_parsed, read_text};
use crate::model::Reading;
use crate::model::cgroup_more::{CgroupDetail, CgroupMore, MemoryHigh, Swap, Throttle};

/// How many services are kept.
pub const SERVICES: usize = 3;

/// cpu.max: (quota, period); quota None for "max".
pub fn parse_cpu_max(text: &str) -> Result<(Option<u64>, u64), ParseError> {
    let mut w = text.split_whitespace();
    let quota = match w.next() {
        Some("max") => None,
        Some(q) => Some(crate::collect::text::u64_field(1, "quota", q)?),
        None => return Err(ParseError::new(1, "cpu.max", "empty")),
    };
    let period = crate::collect::text::u64_field(1, "period", w.next().unwrap_or(""))?;
    Ok((quota, period))
}

/// cpu.stat: throttled_usec on v2, throttled_time (ns) on v1.
pub fn parse_cpu_stat(text: &str) -> Result<Throttle, ParseError> {
    let key = |k: &str| parse_events(text, k);
    let periods = key("nr_periods").ok_or_else(|| ParseError::new(0, "nr_periods", "absent"))?;
    let throttled_us = key("throttled_usec")
        .or_else(|| key("throttled_time").map(|ns| ns / 1000))
        .unwrap_or(0);
    Ok(Throttle {
        periods,
        throttled: key("nr_throttled").unwrap_or(0),
        throttled_us,
    })
}

fn limit(dir: &Path, name: &str) -> Option<Option<u64>> {
    read_parsed(&dir.join(name), |t| limit_u64(t, name)).ok()
}

fn number(dir: &Path, name: &str) -> Option<u64> {
    read_parsed(&dir.join(name), |t| single_u64(t, name)).ok()
}

fn psi(dir: &Path, name: &str) -> Option<crate::model::graphs::Psi> {
    read_parsed(&dir.join(name), pressure::parse).ok()
}

/// A v2 cgroup's limits.
pub fn read_v2(dir: &Path, name: String) -> CgroupDetail {
    let (cpu_quota_us, cpu_period_us) = read_parsed(&dir.join("cpu.max"), parse_cpu_max)
        .map_or((None, None), |(q, p)| (q, Some(p)));
    let events = read_text(&dir.join("memory.events")).ok();
    let current = number(dir, "memory.current");
    let memory_high = match (current, limit(dir, "memory.high").flatten()) {
        (Some(current), Some(high)) => Some(MemoryHigh {
            current,
            high,
            breaches: events.as_deref().and_then(|e| parse_events(e, "high")),
        }),
        _ => None,
    };
    let swap = number(dir, "memory.swap.current").map(|current| {
        let ev = read_text(&dir.join("memory.swap.events")).ok();
        Swap {
            current,
            max: limit(dir, "memory.swap.max").flatten(),
            failures: ev
                .as_deref()
                .and_then(|e| parse_events(e, "fail").or(parse_events(e, "max"))),
        }
    });
    CgroupDetail {
        dir: name,
        version: 2,
        cpu_quota_us,
        cpu_period_us,
        throttle: read_parsed(&dir.join("cpu.stat"), parse_cpu_stat).ok(),
        memory_high,
        swap,
        io_max: read_text(&dir.join("io.max"))
            .map(|t| {
                t.lines()
                    .map(str::to_string)
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        cpu_pressure: psi(dir, "cpu.pressure"),
        memory_pressure: psi(dir, "memory.pressure"),
        io_pressure: psi(dir, "io.pressure"),
        pids: number(dir, "pids.current").map(|c| (c, limit(dir, "pids.max").flatten())),
        memory: current.map(|c| (c, limit(dir, "memory.max").flatten())),
    }
}

/// A v1 cpu controller's quota and throttling.
pub fn read_v1_cpu(dir: &Path, name: String) -> CgroupDetail {
    let quota = read_parsed(&dir.join("cpu.cfs_quota_us"), |t| {
        i64_field(1, "cpu.cfs_quota_us", t)
    })
    .ok()
    .and_then(|q| u64::try_from(q).ok());
    CgroupDetail {
        dir: name,
        version: 1,
        cpu_quota_us: quota,
        cpu_period_us: number(dir, "cpu.cfs_period_us"),
        throttle: read_parsed(&dir.join("cpu.stat"), parse_cpu_stat).ok(),
        ..CgroupDetail::default()
    }
}

/// How full a service is: the highest share of its pids, memory or throttled periods.
fn busyness(d: &CgroupDetail) -> f64 {
    let share = |(c, m): (u64, Option<u64>)| m.map_or(0.0, |m| c as f64 / m.max(1) as f64);
    let t = d
        .throttle
        .map_or(0.0, |t| t.throttled as f64 / t.periods.max(1) as f64);
    [d.pids.map_or(0.0, share), d.memory.map_or(0.0, share), t]
        .into_iter()
        .fold(0.0, f64::max)
}

fn services(roots: &Roots, mounts: &[MountEntry]) -> (Vec<CgroupDetail>, Option<String>) {
    if roots.is_live() && !rustix::process::geteuid().is_root() {
        return (
            Vec::new(),
            Some("services' cgroups: only root reads them".into()),
        );
    }
    let Some(mount) = mounts.iter().find(|m| m.fstype == "cgroup2") else {
        return (
            Vec::new(),
            Some("services' cgroups: no cgroup2 hierarchy".into()),
        );
    };
    let slice = format!("{}/system.slice", mount.mountpoint.trim_end_matches('/'));
    let Ok(entries) = fs::read_dir(roots.sys_abs(&slice)) else {
        return (
            Vec::new(),
            Some(format!("services' cgroups: {slice} is absent")),
        );
    };
    let mut all: Vec<CgroupDetail> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".service"))
        .map(|e| {
            let name = format!("{slice}/{}", e.file_name().to_string_lossy());
            read_v2(&e.path(), name)
        })
        .collect();
    all.sort_by(|a, b| busyness(b).total_cmp(&busyness(a)).then(a.dir.cmp(&b.dir)));
    all.truncate(SERVICES);
    (all, None)
}

pub fn read(roots: &Roots, mountinfo: &Reading<Vec<MountEntry>>) -> Reading<CgroupMore> {
    let members = read_parsed(&roots.proc_path("self/cgroup"), cgroup::parse_membership)?;
    let mounts = mountinfo.as_ref().map_err(Clone::clone)?;
    let own = match cgroup::locate(roots, &members, mounts, "cpu") {
        Some((2, dir, path)) => read_v2(&path, dir),
        Some((_, dir, path)) => read_v1_cpu(&path, dir),
        None => CgroupDetail::default(),
    };
    let (services, services_note) = services(roots, mounts);
    Ok(CgroupMore {
        own,
        services,
        services_note,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cpu_files() {
        assert_eq!(
            parse_cpu_max("200000 100000\n"),
            Ok((Some(200_000), 100_000))
        );
        assert_eq!(parse_cpu_max("max 100000\n"), Ok((None, 100_000)));
        assert!(parse_cpu_max("").is_err());
        assert!(parse_cpu_max("max").is_err());
        let v2 =
            parse_cpu_stat("usage_usec 5\nnr_periods 100\nnr_throttled 40\nthrottled_usec 9000\n")
                .unwrap();
        assert_eq!((v2.periods, v2.throttled, v2.throttled_us), (100, 40, 9000));
        let v1 = parse_cpu_stat("nr_periods 10\nnr_throttled 2\nthrottled_time 5000000\n").unwrap();
        assert_eq!(v1.throttled_us, 5000);
        assert!(parse_cpu_stat("usage_usec 5\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_cpu_max(&s);
            let _ = parse_cpu_stat(&s);
        }
    }
}
