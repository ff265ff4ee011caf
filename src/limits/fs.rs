//! Filesystem tables: the system-wide file table (/proc/sys/fs/file-nr) and, per mount, inodes
//! and space from statvfs.

use super::{Limit, Notes, Source, Unit, hints};
use crate::collect::beancounters::is_unlimited;
use crate::model::{FsUsage, Snapshot};

pub const SOURCE: Source = Source { rows, notes };

/// A filesystem's use as `df -i` and `df -h` count it: the one place this is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    /// None when the filesystem has no inode table (statvfs reports 0 inodes).
    pub inodes_used: Option<u64>,
    pub inodes_total: Option<u64>,
    pub bytes_used: u64,
    /// Used plus what an unprivileged user may still fill, as df counts it.
    pub bytes_total: u64,
}

impl Space {
    pub fn of(u: &FsUsage) -> Self {
        let bytes_used = u.bytes_total.saturating_sub(u.bytes_free);
        let has_inodes = u.inodes_total > 0;
        Self {
            inodes_used: has_inodes.then(|| u.inodes_total.saturating_sub(u.inodes_free)),
            inodes_total: has_inodes.then_some(u.inodes_total),
            bytes_used,
            bytes_total: bytes_used.saturating_add(u.bytes_avail),
        }
    }
}

pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>) {
    if let Ok(f) = &snap.files {
        // file-nr's "free" is always 0 since 2.6; allocated is the number in use.
        let used = f.allocated.saturating_sub(f.free);
        out.push(
            Limit::new(
                "fs.files",
                "fs",
                "open files (system)",
                Unit::Count,
                hints::FILES,
            )
            .with(used, (!is_unlimited(f.max)).then_some(f.max)),
        );
    }
    let Ok(mounts) = &snap.mounts else { return };
    for m in mounts {
        let Ok(u) = &m.usage else { continue };
        let space = Space::of(u);
        if let (Some(used), Some(total)) = (space.inodes_used, space.inodes_total) {
            let row = Limit::new(
                format!("fs.inodes:{}", m.mountpoint),
                "fs",
                format!("inodes {}", m.mountpoint),
                Unit::Count,
                hints::INODES,
            );
            out.push(row.with(used, Some(total)));
        }
        if u.bytes_total > 0 {
            let row = Limit::new(
                format!("fs.bytes:{}", m.mountpoint),
                "fs",
                format!("space {}", m.mountpoint),
                Unit::Bytes,
                hints::BYTES,
            );
            out.push(row.with(space.bytes_used, Some(space.bytes_total)));
        }
    }
}

pub fn notes(snap: &Snapshot, notes: &mut Notes) {
    notes.check("fs.files", &snap.files);
    notes.check("mounts", &snap.mounts);
    if let Ok(mounts) = &snap.mounts {
        for m in mounts {
            notes.check(&format!("statvfs {}", m.mountpoint), &m.usage);
        }
    }
}
