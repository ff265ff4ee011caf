//! Kernel tables: tasks (processes and threads) against pid_max and threads-max.

use super::{Limit, Notes, Source, Unit, hints};
use crate::model::Snapshot;

pub const SOURCE: Source = Source { rows, notes };

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let k = &snap.kernel;
    let Ok(tasks) = k.tasks else { return };
    // Threads take pids too, so the tighter of the two tables is the limit.
    let max = [&k.pid_max, &k.threads_max]
        .into_iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .min();
    let mut row = Limit::new(
        "kernel.tasks",
        "kernel",
        "tasks (procs+threads)",
        Unit::Count,
        hints::TASKS,
    )
    .with(tasks, max);
    if let (Ok(p), Ok(t)) = (&k.pid_max, &k.threads_max) {
        row.note = Some(format!("pid_max {p}, threads-max {t}"));
    }
    out.push(row);
}

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    let k = &snap.kernel;
    notes.check("kernel.tasks", &k.tasks);
    notes.check("kernel.pid_max", &k.pid_max);
    notes.check("kernel.threads-max", &k.threads_max);
}
