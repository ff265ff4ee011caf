//! The application's state: the newest data and the view state of each pane, kept apart.

use ratatui::layout::Rect;

use crate::derive::{Derived, Deriver};
use crate::model::Snapshot;

use super::events::EventsState;
use super::graphs::GraphsState;
use super::inodes::InodesState;
use super::limits::LimitsState;
use super::panes::{PANES, Pane};
use super::procs::ProcsState;
use super::recorder::RecorderState;
use super::replay::{ReplayAction, ReplayState};
use super::sockets::SocketsState;
use crate::history::SeriesHistory;

pub use super::panes::Tab;

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
    /// The terminal's size as last reported, for the mouse; None until the first resize.
    pub screen: Option<Rect>,
    pub snapshot: Option<Snapshot>,
    pub derived: Derived,
    pub limits: LimitsState,
    pub inodes: InodesState,
    pub graphs: GraphsState,
    pub sockets: SocketsState,
    pub procs: ProcsState,
    pub events: EventsState,
    /// The time cursor, when replaying a recording.
    pub replay: Option<ReplayState>,
    /// Recording what the live dashboard sees (`R`, `--record`).
    pub recorder: RecorderState,
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
            tab: Tab::default(),
            show_help: false,
            paused: false,
            quit: false,
            interval_ms,
            now_ms: 0,
            live: true,
            source,
            screen: None,
            snapshot: None,
            derived: Derived::default(),
            limits: LimitsState::default(),
            inodes: InodesState::default(),
            graphs: GraphsState::default(),
            sockets: SocketsState::new(),
            procs: ProcsState::new(),
            events: EventsState::default(),
            replay: None,
            recorder: RecorderState::default(),
            deriver: Deriver::default(),
        }
    }

    /// The pane on screen.
    pub fn pane(&self) -> &'static Pane {
        self.tab.pane()
    }

    /// No pane on screen shows per-socket data, so the full socket dump may run less often.
    pub fn sockets_in_background(&self) -> bool {
        !self.pane().sockets
    }

    /// No pane on screen shows processes and none are being recorded, so the process pass
    /// may read only what the limits need.
    pub fn processes_in_background(&self) -> bool {
        self.tab != Tab::Processes && !self.recorder.on
    }

    /// The process the collector should read in full: the one drilled into while the
    /// Processes pane is shown, else none.
    pub fn wanted_process(&self) -> Option<u32> {
        (self.tab == Tab::Processes)
            .then(|| self.procs.wanted_pid())
            .flatten()
    }

    /// The Graphs pane's series, kept by the derive step.
    pub fn series(&self) -> &SeriesHistory {
        self.deriver.series()
    }

    /// Takes in a new snapshot: derive once, keep it, bring every pane up to it. Paused, the
    /// view holds still but history keeps counting so deltas stay right.
    ///
    /// A replay that moved back starts derivation afresh from the new place (rates over a
    /// backward gap mean nothing); a paused replay still shows the frames a step or seek brings.
    pub fn ingest(&mut self, snap: Snapshot) {
        // Derivation started afresh has no earlier reading: what it would call a crossing is
        // only where the replay landed, not an event.
        let mut fresh = false;
        if self.live {
            self.now_ms = self.now_ms.max(snap.time_ms);
            self.recorder.write(&snap);
        } else {
            self.now_ms = snap.time_ms;
            if self
                .snapshot
                .as_ref()
                .is_some_and(|s| snap.time_ms < s.time_ms)
            {
                self.deriver = Deriver::default();
                fresh = true;
            }
        }
        let derived = self.deriver.update(&snap);
        if !fresh {
            self.events.take(&derived.events);
        }
        if self.paused && self.live {
            return;
        }
        self.derived = derived;
        self.snapshot = Some(snap);
        for pane in PANES {
            (pane.refresh)(self);
        }
    }

    /// A key of the replay's time cursor, at the time on screen.
    pub fn replay_key(&mut self, action: ReplayAction) {
        let now = self.snapshot.as_ref().map(|s| s.time_ms);
        let around = now.map(|t| (self.events.before(t), self.events.after(t)));
        let (before, after) = around.unwrap_or_default();
        if let Some(r) = self.replay.as_mut() {
            r.apply(action, now, before, after);
            // A step holds the playback where it lands, as the feed does.
            if matches!(action, ReplayAction::StepBack | ReplayAction::StepForward) {
                self.paused = true;
            }
        }
    }

    /// Enter on an event: its Limits row, selected.
    pub fn open_event(&mut self) {
        let Some(id) = self.events.selected_event().and_then(|e| e.limit.clone()) else {
            return;
        };
        self.limits.select_id(&id, &self.derived.limits);
        self.tab = Tab::Limits;
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
