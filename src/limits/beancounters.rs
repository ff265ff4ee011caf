//! OpenVZ/Virtuozzo beancounters (/proc/user_beancounters): one row per resource of each block.

use super::{Limit, Notes, Source, Unit, hints};
use crate::collect::beancounters::is_unlimited;
use crate::model::{Snapshot, UbcBlock, UbcResource};

pub const SOURCE: Source = Source { rows, notes };

const UBC_BYTES: &[&str] = &[
    "kmemsize",
    "tcpsndbuf",
    "tcprcvbuf",
    "othersockbuf",
    "dgramrcvbuf",
    "dcachesize",
];
const UBC_PAGES: &[&str] = &[
    "lockedpages",
    "privvmpages",
    "shmpages",
    "physpages",
    "vmguarpages",
    "oomguarpages",
    "swappages",
];
const UBC_SOCKFILE: &[&str] = &[
    "numtcpsock",
    "numothersock",
    "numfile",
    "numflock",
    "tcpsndbuf",
    "tcprcvbuf",
    "othersockbuf",
    "dgramrcvbuf",
];

/// The effective limit: the barrier (soft limit) where set, else the hard limit.
pub fn ubc_max(r: &UbcResource) -> Option<u64> {
    if r.barrier > 0 && !is_unlimited(r.barrier) {
        Some(r.barrier)
    } else if !is_unlimited(r.limit) {
        Some(r.limit)
    } else {
        None
    }
}

/// Virtuozzo 8 emulates the file from cgroups and prints zeros and "unlimited" for the socket and
/// file resources; a block where all of them look so carries no information about them.
pub fn looks_emulated(block: &UbcBlock) -> bool {
    let sockfile: Vec<&UbcResource> = block
        .resources
        .iter()
        .filter(|r| UBC_SOCKFILE.contains(&r.name.as_str()))
        .collect();
    sockfile.len() >= 3
        && sockfile.iter().all(|r| {
            r.held == 0
                && r.maxheld == 0
                && r.failcnt == 0
                && is_unlimited(r.barrier)
                && is_unlimited(r.limit)
        })
}

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    if let Ok(ubc) = &snap.beancounters {
        for block in &ubc.blocks {
            block_rows(snap, block, out);
        }
    }
}

fn block_rows(snap: &Snapshot, block: &UbcBlock, out: &mut Vec<Limit>) {
    let emulated = looks_emulated(block);
    for r in &block.resources {
        let hint = hints::beancounter(&r.name);
        let guarantee = hint.breaks == hints::GUARANTEE;
        let max = if guarantee { None } else { ubc_max(r) };
        let unit = if UBC_BYTES.contains(&r.name.as_str()) {
            Unit::Bytes
        } else {
            Unit::Count
        };
        let mut row = Limit::new(
            format!("ubc.{}.{}", block.uid, r.name),
            "beancounters",
            format!("{} (uid {})", r.name, block.uid),
            unit,
            hint,
        )
        .with(r.held, max)
        .failing(Some(r.failcnt));
        if UBC_PAGES.contains(&r.name.as_str()) {
            row = row.paged(snap);
        }
        if emulated && UBC_SOCKFILE.contains(&r.name.as_str()) {
            row.no_info = true;
            row.note = Some("emulated from cgroups: no information".into());
        } else if guarantee {
            row.note = Some(hints::GUARANTEE.into());
        } else if let Some(m) = max
            && r.maxheld >= m
        {
            row.peak_hit = true;
            row.note = Some(format!("peak {} reached the barrier", r.maxheld));
        }
        out.push(row);
    }
}

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("beancounters", &snap.beancounters);
    if let Ok(b) = &snap.beancounters {
        for m in &b.malformed {
            notes.error("beancounters", m.clone());
        }
    }
}
