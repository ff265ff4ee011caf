//! The application's state: the newest data and the view state of each pane, kept apart.

use crate::derive::{Derived, Deriver};
use crate::model::Snapshot;

use super::graphs::GraphsState;
use super::inodes::InodesState;
use super::sockets::SocketsState;
use crate::history::SeriesHistory;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Limits,
    Inodes,
    Sockets,
    Graphs,
}

impl Tab {
    pub const ALL: &[Tab] = &[Tab::Limits, Tab::Inodes, Tab::Sockets, Tab::Graphs];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Limits => "Limits",
            Tab::Inodes => "Inodes",
            Tab::Sockets => "Sockets",
            Tab::Graphs => "Graphs",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Self::ALL
            .get((self.index() + 1) % Self::ALL.len())
            .copied()
            .unwrap_or(self)
    }

    pub fn prev(self) -> Tab {
        let n = Self::ALL.len();
        Self::ALL
            .get((self.index() + n - 1) % n)
            .copied()
            .unwrap_or(self)
    }
}

/// Selection in the limits table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LimitsState {
    pub selected: usize,
}

impl LimitsState {
    pub fn clamp(&mut self, rows: usize) {
        self.selected = self.selected.min(rows.saturating_sub(1));
    }
}

#[derive(Debug)]
pub struct AppState {
    pub tab: Tab,
    pub show_help: bool,
    pub paused: bool,
    pub quit: bool,
    pub interval_ms: u64,
    /// Wall clock at the last event, so panes can tell how old the data is without reading it.
    pub now_ms: u64,
    /// False when replaying a recording: its clock is the recording's, not the wall's.
    pub live: bool,
    /// Where the data comes from ("/proc" or a captured tree), for the title bar.
    pub source: String,
    pub snapshot: Option<Snapshot>,
    pub derived: Derived,
    pub limits: LimitsState,
    pub inodes: InodesState,
    pub graphs: GraphsState,
    pub sockets: SocketsState,
    deriver: Deriver,
}

impl AppState {
    /// How old the newest snapshot is, by the clock of the last event.
    pub fn data_age_ms(&self) -> Option<u64> {
        let s = self.snapshot.as_ref()?;
        Some(self.now_ms.saturating_sub(s.time_ms))
    }

    /// The collector has missed two readings and a second more.
    pub fn is_stale(&self) -> bool {
        self.data_age_ms()
            .is_some_and(|age| age > 2 * self.interval_ms + 1000)
    }

    pub fn new(source: String, interval_ms: u64) -> Self {
        Self {
            tab: Tab::Limits,
            show_help: false,
            paused: false,
            quit: false,
            interval_ms,
            now_ms: 0,
            live: true,
            source,
            snapshot: None,
            derived: Derived::default(),
            limits: LimitsState::default(),
            inodes: InodesState::default(),
            graphs: GraphsState::default(),
            sockets: SocketsState::new(),
            deriver: Deriver::default(),
        }
    }

    /// Takes in a new snapshot: derive once, keep it, clamp selections. Paused, the view holds
    /// still but history keeps counting so deltas stay right.
    /// The Graphs pane's series, kept by the derive step.
    pub fn series(&self) -> &SeriesHistory {
        self.deriver.series()
    }

    pub fn ingest(&mut self, snap: Snapshot) {
        self.now_ms = self.now_ms.max(snap.time_ms);
        let derived = self.deriver.update(&snap);
        if self.paused {
            return;
        }
        self.derived = derived;
        if let Ok(mounts) = &snap.mounts {
            self.inodes.set_mounts(mounts);
        }
        self.snapshot = Some(snap);
        self.limits.clamp(self.derived.limits.len());
        self.refresh_sockets();
    }

    /// Rebuilds the Sockets pane's rows after new data or a new grouping or sort.
    pub fn refresh_sockets(&mut self) {
        let table = self
            .snapshot
            .as_ref()
            .and_then(|s| s.tcp.table.as_ref().ok());
        self.sockets.refresh(table, &self.derived.tcp);
    }
}
