//! What moves between passes: the descriptor count and the stat line of a process.

use std::sync::Arc;

use super::entry::{Entry, Files};
use super::live::LiveProc;
use super::watch::still;
use super::{Depth, read_status, stat};
use crate::collect::SourceError;
use crate::collect::nofile::count_fds;

/// Open descriptors (None when they cannot be counted), and the owner of the fd directory
/// on the live system. Fails when the process is gone.
pub fn count(files: &mut Files<'_>, pid: u32) -> Result<(Option<u64>, Option<u32>), SourceError> {
    let counted = match files.live.as_deref_mut() {
        Some(live) if live.sized_fd_dirs() => live
            .fd_count(pid)
            .map(|(n, owner)| (n, Some(owner)))
            .map_err(|e| LiveProc::error(files.roots, pid, "fd", e)),
        Some(live) => count_fds(files.roots, Some(live.dir()), false, pid).map(|n| (n, None)),
        None => count_fds(files.roots, None, false, pid).map(|n| (n, None)),
    };
    match counted {
        Ok((n, owner)) => Ok((Some(n), owner)),
        Err(e @ SourceError::Missing { .. }) => Err(e),
        Err(_) => Ok((None, None)),
    }
}

/// What the reading of a pass saw that calls for the rarely changing fields again.
#[derive(Debug, Default)]
pub struct Moved {
    /// Renamed (exec, prctl) or started anew under the same pid.
    pub again: bool,
    /// The name the stat line gives, kept over the status file's (which escapes some bytes).
    pub name: Option<Arc<str>>,
}

/// What moves between passes: /proc/PID/stat on the live system (the status file in a
/// captured tree) at [`Depth::Full`], the thread count alone at [`Depth::Counts`], nothing
/// when not due.
pub fn dynamic(
    files: &mut Files<'_>,
    depth: Option<Depth>,
    pid: u32,
    e: &mut Entry,
) -> Result<Moved, SourceError> {
    let Some(depth) = depth else {
        return Ok(Moved::default());
    };
    match (files.live.as_deref_mut(), depth) {
        (Some(live), Depth::Counts) => {
            if let Ok(n) = live.threads(pid) {
                e.threads = n;
            }
            Ok(Moved::default())
        }
        (Some(_), Depth::Full) => files.read_once(pid, "stat", |text| {
            let st = stat::parse(text)?;
            let restarted = e.start_ticks.is_some_and(|t| t != st.start_ticks);
            let rss = st.rss_bytes(rustix::param::page_size() as u64);
            let moved =
                (e.state, e.ppid, e.threads, e.rss_bytes) != (st.state, st.ppid, st.threads, rss);
            e.stat_still = still(e.stat_still, moved);
            e.state = st.state;
            e.ppid = st.ppid;
            e.threads = st.threads;
            e.rss_bytes = rss;
            e.start_ticks = Some(st.start_ticks);
            let renamed = *st.comm != *e.comm;
            Ok(Moved {
                again: renamed || restarted,
                name: renamed.then(|| Arc::from(st.comm)),
            })
        }),
        (None, _) => {
            let st = read_status(files.roots, pid)?;
            let renamed = *st.name != *e.comm && e.static_pass > 0;
            e.take_status(st);
            Ok(Moved {
                again: renamed,
                name: None,
            })
        }
    }
}
