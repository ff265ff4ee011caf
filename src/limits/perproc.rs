//! Rows of the limits processes consume per user and per process: processes per user against
//! RLIMIT_NPROC, inotify watches and instances per user, memory maps of the largest processes.

use super::hints::Hint;
use super::{Consumer, Limit, Notes, Source, SourceNote, Unit};
use crate::model::Snapshot;
use crate::model::perproc::ProcAmount;

pub const NPROC: Hint = Hint {
    breaks: "fork fails with 'Resource temporarily unavailable' for this user ('fork: retry: Resource temporarily unavailable')",
    knob: "ulimit -u, LimitNPROC= in the unit, nproc in /etc/security/limits.conf",
};
pub const INOTIFY_WATCHES: Hint = Hint {
    breaks: "inotify_add_watch fails with 'No space left on device' (tail -f, IDEs, file watchers stop seeing changes)",
    knob: "sysctl fs.inotify.max_user_watches",
};
pub const INOTIFY_INSTANCES: Hint = Hint {
    breaks: "inotify_init fails with 'Too many open files' (systemd, container runtimes, watchers fail to start)",
    knob: "sysctl fs.inotify.max_user_instances",
};
pub const MAPS: Hint = Hint {
    breaks: "mmap, mprotect and thread creation fail with 'Cannot allocate memory' while RAM is free",
    knob: "sysctl vm.max_map_count (Elasticsearch wants 262144)",
};

/// Users shown per limit, closest first.
pub const USER_ROWS: usize = 5;

fn consumers(list: &[ProcAmount]) -> Vec<Consumer> {
    list.iter()
        .map(|p| Consumer::Process {
            pid: p.pid,
            comm: p.comm.clone(),
            amount: p.amount,
        })
        .collect()
}

fn closest(mut rows: Vec<Limit>, out: &mut Vec<Limit>) {
    rows.sort_by(|a, b| {
        b.pct()
            .unwrap_or(0.0)
            .total_cmp(&a.pct().unwrap_or(0.0))
            .then(b.used.cmp(&a.used))
    });
    out.extend(rows.into_iter().take(USER_ROWS));
}

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(pp) = &snap.per_process else { return };
    // Root (with CAP_SYS_RESOURCE) is not held to RLIMIT_NPROC.
    let nproc = pp
        .users
        .iter()
        .filter(|u| u.uid != 0 && u.tasks > 0)
        .map(|u| {
            let mut row = Limit::new(
                format!("user.nproc:{}", u.uid),
                "user",
                format!("processes (uid {})", u.uid),
                Unit::Count,
                NPROC,
            )
            .with(u.tasks, u.nproc);
            row.consumers = consumers(&u.most_tasks);
            row
        })
        .collect();
    closest(nproc, out);
    let watches = pp.max_user_watches.as_ref().ok().copied();
    let instances = pp.max_user_instances.as_ref().ok().copied();
    let (mut w_rows, mut i_rows) = (Vec::new(), Vec::new());
    for u in pp.users.iter().filter(|u| u.inotify_instances > 0) {
        let mut w = Limit::new(
            format!("fs.inotify.watches:{}", u.uid),
            "user",
            format!("inotify watches (uid {})", u.uid),
            Unit::Count,
            INOTIFY_WATCHES,
        )
        .with(u.inotify_watches, watches);
        w.consumers = consumers(&u.most_watches);
        w_rows.push(w);
        let mut i = Limit::new(
            format!("fs.inotify.instances:{}", u.uid),
            "user",
            format!("inotify instances (uid {})", u.uid),
            Unit::Count,
            INOTIFY_INSTANCES,
        )
        .with(u.inotify_instances, instances);
        i.consumers = consumers(&u.most_instances);
        i_rows.push(i);
    }
    closest(w_rows, out);
    closest(i_rows, out);
    let max_maps = pp.max_map_count.as_ref().ok().copied();
    for p in &pp.maps {
        let mut row = Limit::new(
            format!("proc.maps:{}", p.pid),
            "process",
            format!("maps {}[{}]", p.comm, p.pid),
            Unit::Count,
            MAPS,
        )
        .with(p.maps, max_maps);
        row.note = Some(format!(
            "one of the {} largest by resident memory ({})",
            crate::collect::perproc::MAPS_OF,
            humansize::format_size(p.rss_bytes, humansize::BINARY)
        ));
        out.push(row);
    }
}

pub const SOURCE: Source = Source { rows, notes };

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("per-process", &snap.per_process);
    let Ok(pp) = &snap.per_process else { return };
    notes.check("fs.inotify", &pp.max_user_watches);
    notes.check("vm.max_map_count", &pp.max_map_count);
    if pp.inotify_unreadable > 0 {
        notes.absent.push(SourceNote {
            source: "fs.inotify".into(),
            message: format!(
                "inotify use of {} processes not readable by this user (root sees all)",
                pp.inotify_unreadable
            ),
        });
    }
}
