//! Rows of the cgroup beyond pids and memory: the CPU quota with its throttling, memory.high,
//! swap, io.max and pressure of our own cgroup, and pids, memory and CPU of the busiest services.

use super::hints::Hint;
use super::{Limit, Notes, Source, SourceNote, Unit};
use crate::model::Snapshot;
use crate::model::cgroup_more::CgroupDetail;
use crate::model::graphs::Psi;

pub const CPU: Hint = Hint {
    breaks: "the cgroup's processes are paused for the rest of each period: latency spikes and 'Connection timed out' with idle CPUs",
    knob: "cpu.max of the cgroup (systemd CPUQuota=, docker --cpus, Kubernetes CPU limits)",
};
pub const MEMORY_HIGH: Hint = Hint {
    breaks: "above memory.high processes are throttled into reclaim: slow, not killed",
    knob: "memory.high of the cgroup (systemd MemoryHigh=)",
};
pub const SWAP: Hint = Hint {
    breaks: "the cgroup's swap is full: 'Memory cgroup out of memory: Killed process' with swap free on the host",
    knob: "memory.swap.max (systemd MemorySwapMax=, docker --memory-swap)",
};
pub const IO: Hint = Hint {
    breaks: "reads and writes throttled to io.max: stalls and 'task blocked for more than 120 seconds'",
    knob: "io.max of the cgroup (systemd IOReadBandwidthMax=, IOWriteBandwidthMax=, IOReadIOPSMax=)",
};
pub const PRESSURE: Hint = Hint {
    breaks: "tasks of the cgroup stall waiting for this resource (share of the last 10 s)",
    knob: "the cgroup's limit of that resource, or less work in it",
};
pub const SERVICE_PIDS: Hint = super::hints::CGROUP_PIDS;
pub const SERVICE_MEMORY: Hint = super::hints::CGROUP_MEMORY;

/// "system.slice/nginx.service" from "/sys/fs/cgroup/system.slice/nginx.service".
fn short(dir: &str) -> &str {
    dir.find("system.slice").map_or(dir, |i| &dir[i..])
}

fn cpu_row(d: &CgroupDetail, id: String, name: String) -> Option<Limit> {
    let quota = d.cpu_quota_us?;
    let period = d.cpu_period_us.filter(|p| *p > 0)?;
    let t = d.throttle?;
    let mut row = Limit::new(id, "cgroup", name, Unit::Count, CPU)
        .with(t.throttled, Some(t.periods))
        .failing(Some(t.throttled));
    row.note = Some(format!(
        "quota {:.2} CPUs; throttled in {} of {} periods, {:.1} s in all",
        quota as f64 / period as f64,
        t.throttled,
        t.periods,
        t.throttled_us as f64 / 1e6
    ));
    Some(row)
}

fn pressure_row(kind: &str, p: &Psi, out: &mut Vec<Limit>) {
    let Some(some) = p.some else { return };
    let mut row = Limit::new(
        format!("cgroup.pressure.{kind}"),
        "cgroup",
        format!("cgroup {kind} pressure (%)"),
        Unit::Count,
        PRESSURE,
    )
    .with(some.avg10.round() as u64, Some(100));
    let full = p
        .full
        .map(|f| format!(", full {:.1}%", f.avg10))
        .unwrap_or_default();
    row.note = Some(format!("some {:.1}%{full} over 10 s", some.avg10));
    out.push(row);
}

fn own_rows(d: &CgroupDetail, out: &mut Vec<Limit>) {
    out.extend(cpu_row(d, "cgroup.cpu".into(), "cgroup CPU quota".into()));
    if let Some(h) = d.memory_high {
        out.push(
            Limit::new(
                "cgroup.memory.high",
                "cgroup",
                "cgroup memory.high",
                Unit::Bytes,
                MEMORY_HIGH,
            )
            .with(h.current, Some(h.high))
            .failing(h.breaches),
        );
    }
    if let Some(s) = d.swap.filter(|s| s.max != Some(0) || s.current > 0) {
        out.push(
            Limit::new("cgroup.swap", "cgroup", "cgroup swap", Unit::Bytes, SWAP)
                .with(s.current, s.max)
                .failing(s.failures),
        );
    }
    if !d.io_max.is_empty() {
        let mut row = Limit::new("cgroup.io", "cgroup", "cgroup io.max", Unit::Count, IO);
        row.note = Some(d.io_max.join("; "));
        out.push(row);
    }
    for (kind, p) in [
        ("cpu", &d.cpu_pressure),
        ("memory", &d.memory_pressure),
        ("io", &d.io_pressure),
    ] {
        if let Some(p) = p {
            pressure_row(kind, p, out);
        }
    }
}

fn service_rows(d: &CgroupDetail, out: &mut Vec<Limit>) {
    let s = short(&d.dir);
    if let Some((current, max @ Some(_))) = d.pids {
        out.push(
            Limit::new(
                format!("cgroup.pids:{s}"),
                "cgroup",
                format!("pids {s}"),
                Unit::Count,
                SERVICE_PIDS,
            )
            .with(current, max),
        );
    }
    if let Some((current, max @ Some(_))) = d.memory {
        out.push(
            Limit::new(
                format!("cgroup.memory:{s}"),
                "cgroup",
                format!("memory {s}"),
                Unit::Bytes,
                SERVICE_MEMORY,
            )
            .with(current, max),
        );
    }
    out.extend(cpu_row(
        d,
        format!("cgroup.cpu:{s}"),
        format!("CPU quota {s}"),
    ));
}

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(c) = &snap.cgroup_more else { return };
    own_rows(&c.own, out);
    for d in &c.services {
        service_rows(d, out);
    }
}

pub const SOURCE: Source = Source { rows, notes };

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("cgroup (cpu, io, pressure)", &snap.cgroup_more);
    if let Ok(c) = &snap.cgroup_more
        && let Some(n) = &c.services_note
    {
        notes.absent.push(SourceNote {
            source: "cgroup services".into(),
            message: n.clone(),
        });
    }
}
