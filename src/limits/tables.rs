//! Rows of the kernel tables: ptys, AIO, SysV semaphores and message queues, keys per user,
//! mounts and fs.nr_open; and their notes where a table is not here.

use super::hints::Hint;
use super::{Limit, Notes, Source, Unit};
use crate::model::Snapshot;
use crate::model::tables::Used;

pub const PTY: Hint = Hint {
    breaks: "opening /dev/ptmx fails with 'No space left on device': ssh and terminals get no pty",
    knob: "sysctl kernel.pty.max",
};
pub const AIO: Hint = Hint {
    breaks: "io_setup fails with 'Resource temporarily unavailable' (databases fall back or stop)",
    knob: "sysctl fs.aio-max-nr",
};
pub const SEM: Hint = Hint {
    breaks: "semget fails with 'No space left on device' (PostgreSQL, Oracle will not start)",
    knob: "sysctl kernel.sem (SEMMNS, SEMMNI: the 2nd and 4th numbers)",
};
pub const MSG: Hint = Hint {
    breaks: "msgget fails with 'No space left on device'",
    knob: "sysctl kernel.msgmni",
};
pub const KEYS: Hint = Hint {
    breaks: "add_key and keyctl fail with 'Disk quota exceeded' (kerberos, sssd, containers' session keyrings)",
    knob: "sysctl kernel.keys.maxkeys (kernel.keys.root_maxkeys for root)",
};
pub const MOUNTS: Hint = Hint {
    breaks: "mount fails with 'No space left on device' in this mount namespace",
    knob: "sysctl fs.mount-max; find what keeps adding mounts",
};
pub const NR_OPEN: Hint = Hint {
    breaks: "raising ulimit -n past it fails with 'Operation not permitted'; processes stay at 'Too many open files'",
    knob: "sysctl fs.nr_open",
};

fn pair(id: &str, name: &str, hint: Hint, u: &Used) -> Limit {
    Limit::new(id, "kernel", name, Unit::Count, hint).with(u.used, Some(u.max))
}

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let t = &snap.tables;
    if let Ok(u) = &t.pty {
        out.push(pair("kernel.pty", "ptys", PTY, u));
    }
    if let Ok(u) = &t.aio {
        out.push(pair("fs.aio", "AIO events", AIO, u));
    }
    if let Ok(s) = &t.sem {
        // Two ceilings: sets (SEMMNI) and semaphores (SEMMNS); the fuller one is the row.
        let sets = Used {
            used: s.sets,
            max: s.semmni,
        };
        let sems = Used {
            used: s.semaphores,
            max: s.semmns,
        };
        let share = |u: &Used| u.used as f64 / u.max.max(1) as f64;
        let (main, note) = if share(&sems) > share(&sets) {
            (
                sems,
                format!(
                    "semaphores (SEMMNS); sets {} of {} (SEMMNI)",
                    s.sets, s.semmni
                ),
            )
        } else {
            (
                sets,
                format!(
                    "sets (SEMMNI); semaphores {} of {} (SEMMNS)",
                    s.semaphores, s.semmns
                ),
            )
        };
        let mut row = pair("ipc.sem", "SysV semaphores", SEM, &main);
        row.note = Some(note);
        out.push(row);
    }
    if let Ok(u) = &t.msg {
        out.push(pair("ipc.msg", "SysV message queues", MSG, u));
    }
    if let Ok(users) = &t.keys {
        for k in users.iter().filter(|k| k.keys > 0) {
            let mut row = Limit::new(
                format!("keys:{}", k.uid),
                "kernel",
                format!("keys (uid {})", k.uid),
                Unit::Count,
                KEYS,
            )
            .with(k.keys, Some(k.maxkeys));
            row.note = Some(format!("{} of {} bytes", k.bytes, k.maxbytes));
            out.push(row);
        }
    }
    if let Ok(u) = &t.mounts {
        out.push(pair("fs.mounts", "mounts (this namespace)", MOUNTS, u));
    }
    nr_open_row(snap, out);
}

/// The most descriptors any process holds against fs.nr_open, the ceiling no RLIMIT_NOFILE
/// can pass; the note names the highest hard limit set, which is how close anyone came to it.
fn nr_open_row(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(nr_open) = snap.tables.nr_open else {
        return;
    };
    let mut row = Limit::new(
        "fs.nr_open",
        "kernel",
        "fds per process (ceiling)",
        Unit::Count,
        NR_OPEN,
    );
    row.max = Some(nr_open);
    if let Ok(scan) = &snap.nofile {
        row.used = scan.most_fds.iter().map(|p| p.open).max();
        let highest = scan
            .top
            .iter()
            .chain(&scan.most_fds)
            .filter_map(|p| Some((p.hard?, p)))
            .max_by_key(|(h, _)| *h);
        if let Some((hard, p)) = highest {
            row.note = Some(format!("highest hard nofile {hard}: {}[{}]", p.comm, p.pid));
        }
    }
    out.push(row);
}

pub const SOURCE: Source = Source { rows, notes };

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    let t = &snap.tables;
    notes.check("kernel.pty", &t.pty);
    notes.check("fs.aio", &t.aio);
    notes.check("ipc.sem", &t.sem);
    notes.check("ipc.msg", &t.msg);
    notes.check("keys", &t.keys);
    notes.check("fs.mounts", &t.mounts);
    notes.check("fs.nr_open", &t.nr_open);
}
