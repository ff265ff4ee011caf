//! Open files per process (RLIMIT_NOFILE from /proc/PID/limits against /proc/PID/fd): the
//! processes nearest their limit, and who holds the most files and threads.

use super::{Limit, Notes, Source, Unit, hints};
use crate::model::Snapshot;

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
