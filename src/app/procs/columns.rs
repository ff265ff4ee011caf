//! The columns of the Processes table and how each one sorts, for processes and for groups.

use std::cmp::Ordering;

use crate::derive::procs::{ProcGroup, ProcRow};

/// The columns of the process table, each one sortable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProcColumn {
    Pid,
    User,
    Command,
    State,
    Threads,
    #[default]
    Fds,
    Sockets,
    Rss,
    FdGrowth,
    RssGrowth,
    Read,
    Write,
    Unit,
}

impl ProcColumn {
    pub const ALL: [ProcColumn; 13] = [
        ProcColumn::Pid,
        ProcColumn::User,
        ProcColumn::Command,
        ProcColumn::State,
        ProcColumn::Threads,
        ProcColumn::Fds,
        ProcColumn::Sockets,
        ProcColumn::Rss,
        ProcColumn::FdGrowth,
        ProcColumn::RssGrowth,
        ProcColumn::Read,
        ProcColumn::Write,
        ProcColumn::Unit,
    ];

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL
            .get((i + 1) % Self::ALL.len())
            .copied()
            .unwrap_or(self)
    }

    pub fn title(self) -> &'static str {
        match self {
            ProcColumn::Pid => "pid",
            ProcColumn::User => "user",
            ProcColumn::Command => "command",
            ProcColumn::State => "st",
            ProcColumn::Threads => "thr",
            ProcColumn::Fds => "fds",
            ProcColumn::Sockets => "tcp/udp/unix",
            ProcColumn::Rss => "rss",
            ProcColumn::FdGrowth => "fd/m",
            ProcColumn::RssGrowth => "rss/m",
            ProcColumn::Read => "read/s",
            ProcColumn::Write => "write/s",
            ProcColumn::Unit => "unit",
        }
    }

    /// Text columns read best A→Z, numbers biggest first.
    pub fn natural_descending(self) -> bool {
        !matches!(
            self,
            ProcColumn::Pid
                | ProcColumn::User
                | ProcColumn::Command
                | ProcColumn::State
                | ProcColumn::Unit
        )
    }

    /// Two processes by this column, ascending.
    pub fn cmp_rows(self, a: &ProcRow, b: &ProcRow) -> Ordering {
        let f = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
        match self {
            ProcColumn::Pid => a.pid.cmp(&b.pid),
            ProcColumn::User => a.user.cmp(&b.user),
            ProcColumn::Command => a.comm.cmp(&b.comm),
            ProcColumn::State => a.state.cmp(&b.state),
            ProcColumn::Threads => a.threads.cmp(&b.threads),
            ProcColumn::Fds => a.fds.cmp(&b.fds),
            ProcColumn::Sockets => a.sockets.cmp(&b.sockets),
            ProcColumn::Rss => a.rss_bytes.cmp(&b.rss_bytes),
            ProcColumn::FdGrowth => f(a.fd_growth_per_min).total_cmp(&f(b.fd_growth_per_min)),
            ProcColumn::RssGrowth => f(a.rss_growth_per_min).total_cmp(&f(b.rss_growth_per_min)),
            ProcColumn::Read => f(a.read_bytes_per_s).total_cmp(&f(b.read_bytes_per_s)),
            ProcColumn::Write => f(a.write_bytes_per_s).total_cmp(&f(b.write_bytes_per_s)),
            ProcColumn::Unit => a.unit.cmp(&b.unit),
        }
    }

    /// Two groups by this column, ascending; columns a group has no sum of sort by fds.
    pub fn cmp_groups(self, a: &ProcGroup, b: &ProcGroup) -> Ordering {
        match self {
            ProcColumn::Pid => a.count.cmp(&b.count),
            ProcColumn::User | ProcColumn::Command | ProcColumn::Unit => a.comm.cmp(&b.comm),
            ProcColumn::Threads => a.threads.cmp(&b.threads),
            ProcColumn::Sockets => a.sockets.cmp(&b.sockets),
            ProcColumn::Rss => a.rss_bytes.cmp(&b.rss_bytes),
            _ => a.fds.cmp(&b.fds),
        }
    }

    /// Whether a process holds any of what this column counts (for "who holds it").
    pub fn holds(self, r: &ProcRow) -> bool {
        match self {
            ProcColumn::Threads => r.threads > 0,
            ProcColumn::Fds => r.fds.unwrap_or(0) > 0,
            ProcColumn::Sockets => r.sockets.unwrap_or(0) > 0,
            _ => true,
        }
    }
}
