//! The overcommit row: Committed_AS against CommitLimit, a limit only under strict overcommit.

use super::hints::Hint;
use super::{Limit, Notes, Source, Unit};
use crate::model::Snapshot;

pub const OVERCOMMIT: Hint = Hint {
    breaks: "malloc, mmap and fork fail with 'Cannot allocate memory' while RAM is free",
    knob: "sysctl vm.overcommit_ratio or vm.overcommit_kbytes (or vm.overcommit_memory=0); add swap",
};

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    let Ok(o) = &snap.overcommit else { return };
    let mut row = Limit::new(
        "vm.overcommit",
        "memory",
        "committed memory",
        Unit::Bytes,
        OVERCOMMIT,
    );
    row.used = Some(o.committed_bytes);
    if o.mode == 2 {
        row.max = Some(o.limit_bytes);
        row.note = Some("vm.overcommit_memory = 2: CommitLimit is enforced".into());
    } else {
        let how = if o.mode == 1 { "always" } else { "heuristic" };
        row.note = Some(format!(
            "not a limit here: vm.overcommit_memory = {} ({how}); CommitLimit {} would apply under 2",
            o.mode,
            humansize::format_size(o.limit_bytes, humansize::BINARY)
        ));
    }
    out.push(row);
}

pub const SOURCE: Source = Source { rows, notes };

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("vm.overcommit", &snap.overcommit);
}
