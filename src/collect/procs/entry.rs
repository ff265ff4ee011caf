//! What the pass keeps of each process between passes, and the reading of what rarely changes:
//! its owner (/proc/PID/status), its limits, command line and cgroup.

use std::sync::Arc;

use super::live::LiveProc;
use super::{cgroup, limits, parse_cmdline, status};
use crate::collect::inotify::InotifyUse;
use crate::collect::{ParseError, Roots, SourceError, read_parsed};
use crate::model::procs::SocketCounts;

/// The longest part of a command line read: it is cut at 512 bytes anyway.
const CMDLINE_READ: usize = 4096;
/// Any other file of a process.
const FILE_READ: usize = 64 << 10;

/// The files of processes: through the open proc root on the live system, by path in a
/// captured tree.
pub struct Files<'a> {
    pub roots: &'a Roots,
    pub live: Option<&'a mut LiveProc>,
}

impl Files<'_> {
    /// Reads a file the kernel writes whole in one read (see [`LiveProc::read_once`]).
    pub fn read_once<T>(
        &mut self,
        pid: u32,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Result<T, SourceError> {
        let roots = self.roots;
        match self.live.as_deref_mut() {
            Some(live) => {
                let text = live
                    .read_once(pid, name)
                    .map_err(|e| LiveProc::error(roots, pid, name, e))?;
                parse(&text)
                    .map_err(|e| SourceError::parse(&roots.proc_path(&format!("{pid}/{name}")), e))
            }
            None => self.read(pid, name, FILE_READ, parse),
        }
    }

    /// Reads a file of a process (at most `max` bytes of it on the live system) and parses it.
    pub fn read<T>(
        &mut self,
        pid: u32,
        name: &str,
        max: usize,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Result<T, SourceError> {
        let roots = self.roots;
        let path = || roots.proc_path(&format!("{pid}/{name}"));
        match self.live.as_deref_mut() {
            Some(live) => {
                let text = live
                    .read(pid, name, max)
                    .map_err(|e| LiveProc::error(roots, pid, name, e))?;
                parse(&text).map_err(|e| SourceError::parse(&path(), e))
            }
            None => read_parsed(&path(), parse),
        }
    }
}

/// One process as the pass keeps it.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub comm: Arc<str>,
    pub cmdline: Arc<str>,
    pub cgroup: Option<Arc<str>>,
    pub ruid: Option<u32>,
    pub euid: Option<u32>,
    /// The owner of /proc/PID/fd when the owner above was read: when it changes, the process
    /// changed its uid.
    pub owner: Option<u32>,
    pub fd_soft: Option<u64>,
    pub fd_hard: Option<u64>,
    /// Soft RLIMIT_NPROC; None when unlimited.
    pub nproc: Option<u64>,
    /// Its status and limits could be read.
    pub limits_known: bool,
    /// The pass that first saw it, and the pass its status, limits, command line and cgroup
    /// were last read at.
    pub first_pass: u64,
    pub static_pass: u64,
    /// As last read: from /proc/PID/stat every pass while the Processes pane is shown, else
    /// from the status file now and then (threads excepted, counted every pass).
    pub ppid: u32,
    pub state: char,
    pub threads: u64,
    pub rss_bytes: Option<u64>,
    pub start_ticks: Option<u64>,
    pub io_denied: bool,
    /// Open descriptors as last counted (None when they cannot be).
    pub fds: Option<u64>,
    /// Counts in a row, and stat lines in a row, that found nothing moved: a process still
    /// for [`super::QUIET_AFTER`] readings is read every [`super::QUIET_EVERY`] passes.
    pub fds_still: u8,
    pub stat_still: u8,
    /// The descriptor count its links were last read at, and what they held.
    pub links_at: Option<u64>,
    pub sockets: Option<SocketCounts>,
    pub links_denied: bool,
    /// Its inotify descriptors, and their watches as last counted.
    pub inotify_fds: Vec<u32>,
    pub inotify: Option<InotifyUse>,
}

impl Entry {
    /// Its owner and process limit, when both could be read.
    pub fn user(&self) -> Option<crate::collect::perproc::ProcUser> {
        Some(crate::collect::perproc::ProcUser {
            ruid: self.ruid?,
            euid: self.euid?,
            nproc: self.nproc,
        })
        .filter(|_| self.limits_known)
    }

    /// Takes what a status file says.
    pub fn take_status(&mut self, st: status::Status) {
        if *self.comm != *st.name {
            self.comm = st.name.into();
        }
        self.state = st.state;
        self.ppid = st.ppid;
        self.threads = st.threads;
        self.rss_bytes = st.rss_bytes;
        self.ruid = st.uid;
        self.euid = st.euid;
    }
}

/// Reads the status file (a captured tree may hold only `comm`), limits, command line and
/// cgroup into the entry. Fails as the status file does (the process exited, or is hidden);
/// a limits file that cannot be parsed is returned, to be reported.
pub fn read_static(
    files: &mut Files<'_>,
    pid: u32,
    e: &mut Entry,
    pass: u64,
) -> Result<Option<SourceError>, SourceError> {
    let st = match files.live {
        Some(_) => files.read(pid, "status", FILE_READ, status::parse)?,
        None => super::read_status(files.roots, pid)?,
    };
    e.take_status(st);
    e.static_pass = pass;
    let malformed = read_limits(files, pid, e);
    let cmdline = files
        .read(pid, "cmdline", CMDLINE_READ, |t| Ok(parse_cmdline(t)))
        .unwrap_or_default();
    if *e.cmdline != *cmdline {
        e.cmdline = cmdline.into();
    }
    let cgroup = files
        .read(pid, "cgroup", FILE_READ, |t| Ok(cgroup::parse(t)))
        .ok()
        .flatten();
    if e.cgroup.as_deref() != cgroup.as_deref() {
        e.cgroup = cgroup.map(Arc::from);
    }
    Ok(malformed)
}

/// Reads the limits file into the entry; a file that cannot be parsed is returned, to be
/// reported.
pub fn read_limits(files: &mut Files<'_>, pid: u32, e: &mut Entry) -> Option<SourceError> {
    let limits = files.read(pid, "limits", FILE_READ, limits::parse);
    let l = limits.as_ref().ok();
    (e.fd_soft, e.fd_hard) = l.and_then(|l| l.open_files).unwrap_or((None, None));
    e.nproc = l.and_then(|l| l.processes).and_then(|(soft, _)| soft);
    e.limits_known = l.is_some();
    limits
        .err()
        .filter(|e| matches!(e, SourceError::Parse { .. }))
}
