//! Reading one open directory: its entries counted (and their disk usage summed with
//! `bytes`), a task spawned per subdirectory.

use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;
use std::sync::Arc;

use rustix::fs::{FileType, RawDir};
use rustix::io::Errno;

use super::watch::Task;
use super::{FLUSH_EVERY, Job, Shared, meta, spawn_visit};

pub(super) struct Read {
    pub entries: u64,
    pub bytes: u64,
    pub error: Option<Errno>,
}

pub(super) fn read_entries(
    shared: &Arc<Shared>,
    task: &Task<'_>,
    id: u32,
    fd: &Arc<OwnedFd>,
    buf: &mut [MaybeUninit<u8>],
) -> Read {
    let mut out = Read {
        entries: 0,
        bytes: 0,
        error: None,
    };
    let (mut pending_entries, mut pending_bytes) = (0u64, 0u64);
    let mut dir = RawDir::new(&**fd, buf);
    while let Some(entry) = dir.next() {
        task.beat();
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                out.error = Some(err);
                break;
            }
        };
        let name = entry.file_name();
        let bytes = name.to_bytes();
        if bytes == b"." || bytes == b".." {
            continue;
        }
        let mut kind = entry.file_type();
        if kind == FileType::Unknown || (shared.bytes && kind != FileType::Directory) {
            match meta::meta_at(&**fd, name) {
                Ok(m) => {
                    kind = m.kind;
                    if shared.bytes && kind != FileType::Directory {
                        let used = shared.usage(&m);
                        out.bytes += used;
                        pending_bytes += used;
                    }
                }
                // Removed since the directory was read: not there any more.
                Err(Errno::NOENT) => continue,
                Err(_) => {}
            }
        }
        out.entries += 1;
        pending_entries += 1;
        if kind == FileType::Directory {
            let job = Job {
                parent_fd: Arc::clone(fd),
                parent: id,
                name: name.to_owned(),
            };
            spawn_visit(None, shared, job);
        }
        if pending_entries >= FLUSH_EVERY {
            shared.progress.add_entries(pending_entries);
            shared.progress.add_bytes(pending_bytes);
            (pending_entries, pending_bytes) = (0, 0);
            if shared.progress.is_cancelled() {
                break;
            }
        }
    }
    shared.progress.add_entries(pending_entries);
    shared.progress.add_bytes(pending_bytes);
    out
}
