//! Open files per process (RLIMIT_NOFILE from /proc/PID/limits against /proc/PID/fd): the
//! processes nearest their limit, and who holds the most files and threads.

use super::{Consumer, Limit, Notes, Source, Unit, hints};
use crate::model::{ProcNofile, Snapshot};

pub const SOURCE: Source = Source { rows, notes };

/// How many processes the table shows.
pub const NOFILE_ROWS: usize = 5;

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(scan) = &snap.nofile else { return };
    for p in scan.top.iter().take(NOFILE_ROWS) {
        let row = Limit::new(
            format!("proc.nofile:{}", p.pid),
            "process",
            format!("fds {}[{}]", p.comm, p.pid),
            Unit::Count,
            hints::NOFILE,
        );
        out.push(row.with(p.open, p.soft));
    }
}

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("nofile", &snap.nofile);
    let Ok(scan) = &snap.nofile else { return };
    if scan.unreadable > 0 {
        notes.absent(
            "nofile",
            format!(
                "{} processes not readable by this user (root sees all)",
                scan.unreadable
            ),
        );
    }
    if let Some(first) = scan.malformed.first() {
        notes.error(
            "nofile",
            format!(
                "{} processes with malformed files, e.g. {first}",
                scan.malformed.len()
            ),
        );
    }
}

/// Which processes fill which table, from the same scan. Inside one container /proc shows only
/// its processes, so a single beancounter block can be attributed too; on a host node it cannot.
pub fn name_consumers(snap: &Snapshot, rows: &mut [Limit]) {
    let Ok(scan) = &snap.nofile else { return };
    let list = |procs: &[ProcNofile], amount: fn(&ProcNofile) -> Option<u64>| -> Vec<Consumer> {
        procs
            .iter()
            .filter_map(|p| {
                Some(Consumer {
                    pid: p.pid,
                    comm: p.comm.clone(),
                    amount: amount(p).filter(|a| *a > 0)?,
                })
            })
            .collect()
    };
    let fds = list(&scan.most_fds, |p| Some(p.open));
    let threads = list(&scan.most_threads, |p| p.threads);
    let one_block = snap
        .beancounters
        .as_ref()
        .is_ok_and(|b| b.blocks.len() == 1);
    for row in rows.iter_mut() {
        let id = row.id.as_str();
        let ubc = one_block && id.starts_with("ubc.");
        if id == "fs.files" || (ubc && id.ends_with(".numfile")) {
            row.consumers.clone_from(&fds);
        } else if id == "kernel.tasks" || id == "cgroup.pids" || (ubc && id.ends_with(".numproc")) {
            row.consumers.clone_from(&threads);
        }
    }
}
