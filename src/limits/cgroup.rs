//! The cgroup v2 limits of the cgroup headroom runs in: pids.max and memory.max.

use super::{Limit, Notes, Source, Unit, hints};
use crate::model::Snapshot;

pub const SOURCE: Source = Source { rows, notes };

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(cg) = &snap.cgroup else { return };
    if let Ok(p) = &cg.pids {
        let row = Limit::new(
            "cgroup.pids",
            "cgroup",
            "cgroup pids",
            Unit::Count,
            hints::CGROUP_PIDS,
        );
        out.push(row.with(p.current, p.max).failing(p.refused));
    }
    if let Ok(m) = &cg.memory {
        let mut row = Limit::new(
            "cgroup.memory",
            "cgroup",
            "cgroup memory",
            Unit::Bytes,
            hints::CGROUP_MEMORY,
        )
        .with(m.current, m.max)
        .failing(m.failures);
        if let Some(k) = m.oom_kill.filter(|k| *k > 0) {
            row.note = Some(format!("{k} OOM kills"));
        }
        out.push(row);
    }
}

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("cgroup", &snap.cgroup);
    if let Ok(cg) = &snap.cgroup {
        notes.check("cgroup.pids", &cg.pids);
        notes.check("cgroup.memory", &cg.memory);
    }
}
