//! The application's state: the newest data and the view state of each pane, kept apart.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use crate::derive::{Derived, Deriver};
use crate::feed::{Arrival, Delivery};
use crate::model::Snapshot;

use super::action::{Action, Spot};
use super::event_log::EventLog;
use super::panes::{self, Data, Jump, PANES, Pane, PaneId, PaneState};
use super::recorder::RecorderState;
use super::replay::{ReplayAction, ReplayState};
use crate::history::SeriesHistory;

#[derive(Debug)]
pub struct AppState {
    /// The pane on screen.
    pub tab: PaneId,
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
    /// Every event seen so far, paused or not.
    pub events: EventLog,
    /// The view state of each pane, in the registry's order.
    panes: Vec<Box<dyn PaneState>>,
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
            tab: PaneId::default(),
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
            events: EventLog::default(),
            panes: PANES.iter().map(|p| (p.new)()).collect(),
            replay: None,
            recorder: RecorderState::default(),
            deriver: Deriver::default(),
        }
    }

    /// The pane on screen.
    pub fn shown(&self) -> &'static Pane {
        self.tab.pane()
    }

    /// The state of the pane on screen.
    fn shown_state(&self) -> Option<&dyn PaneState> {
        self.panes.get(self.tab.index()).map(|p| &**p)
    }

    /// The state of the pane of type `T`.
    pub fn pane<T: PaneState>(&self) -> Option<&T> {
        self.panes.iter().find_map(|p| panes::downcast(&**p))
    }

    /// The same, to change it.
    pub fn pane_mut<T: PaneState>(&mut self) -> Option<&mut T> {
        self.panes
            .iter_mut()
            .find_map(|p| panes::downcast_mut(&mut **p))
    }

    /// The panes' states, beside the data they read.
    fn parts(&mut self) -> (&mut [Box<dyn PaneState>], Data<'_>) {
        let data = Data {
            snapshot: self.snapshot.as_ref(),
            derived: &self.derived,
            events: &self.events,
        };
        (&mut self.panes, data)
    }

    /// No pane on screen shows per-socket data, so the full socket dump may run less often.
    pub fn sockets_in_background(&self) -> bool {
        !self.shown().sockets
    }

    /// No pane on screen shows processes and none are being recorded, so the process pass
    /// may read only what the limits need.
    pub fn processes_in_background(&self) -> bool {
        self.tab != super::procs::PANE.id && !self.recorder.on
    }

    /// The process the collector should read in full: the one the pane on screen wants (the
    /// one drilled into in the Processes pane), else none.
    pub fn wanted_process(&self) -> Option<u32> {
        self.shown_state().and_then(|p| p.wanted_process())
    }

    /// Brings every pane up to the data held.
    pub fn refresh_panes(&mut self) {
        let (panes, data) = self.parts();
        for pane in panes {
            pane.refresh(&data);
        }
    }

    /// An action that is not global, by the pane on screen; a jump it asks for shows the
    /// pane it names when that pane takes the request.
    pub fn apply_to_shown(&mut self, action: Action) {
        let shown = self.tab.index();
        let (panes, data) = self.parts();
        let Some(Jump { to, request }) = panes.get_mut(shown).and_then(|p| p.apply(action, &data))
        else {
            return;
        };
        if let Some(target) = panes.get_mut(to.index())
            && target.receive(&request, &data)
        {
            self.tab = to;
        }
    }

    /// A key for the pane on screen while it reads text; true when it took it.
    pub fn typing(&mut self, key: KeyEvent) -> bool {
        let shown = self.tab.index();
        let (panes, data) = self.parts();
        panes.get_mut(shown).is_some_and(|p| p.typing(key, &data))
    }

    /// Draws the pane on screen.
    pub fn render_shown(&self, area: Rect, buf: &mut Buffer) {
        if let Some(p) = self.shown_state() {
            p.render(self, area, buf);
        }
    }

    /// The table and row of the pane on screen at a position of its area.
    pub fn spot_shown(&self, area: Rect, at: Position) -> Option<Spot> {
        self.shown_state()?.spot(self, area, at)
    }

    /// The Graphs pane's series, kept by the derive step.
    pub fn series(&self) -> &SeriesHistory {
        self.deriver.series()
    }

    /// Takes in what the feed hands over: a snapshot, or what a replay read ahead.
    pub fn take(&mut self, delivery: Delivery) {
        match delivery {
            Delivery::Frame(snap, arrival) => self.arrive(*snap, arrival),
            Delivery::Overview(o) => {
                self.events.take(o.events.events());
                if let Some(r) = self.replay.as_mut() {
                    r.overview = Some(o);
                }
                self.refresh_panes();
            }
            Delivery::Ahead(done) => {
                if let Some(r) = self.replay.as_mut() {
                    r.ahead = Some(done);
                }
            }
        }
    }

    /// Takes in a new snapshot in order: see [`AppState::arrive`].
    pub fn ingest(&mut self, snap: Snapshot) {
        self.arrive(snap, Arrival::default());
    }

    /// Takes in a new snapshot: derive once, keep it, bring every pane up to it. Paused, the
    /// view holds still but history keeps counting so deltas stay right.
    ///
    /// A replay's jump starts derivation afresh at the first frame of its lead-in (rates over
    /// a jump mean nothing) and derives the lead-in's frames without showing them, so the
    /// landing frame has the trends, rates and deltas of the minutes before it; a paused
    /// replay still shows the frames a step or seek brings.
    pub fn arrive(&mut self, snap: Snapshot, arrival: Arrival) {
        if self.live {
            self.now_ms = self.now_ms.max(snap.time_ms);
            self.recorder.write(&snap);
        } else if arrival.fresh {
            self.deriver = Deriver::default();
        }
        let derived = self.deriver.update(&snap);
        // Derivation started afresh has no earlier reading: what it would call a crossing is
        // only where the replay landed, not an event.
        if !arrival.fresh {
            self.events.take(&derived.events);
        }
        if arrival.lead_in {
            return;
        }
        if !self.live {
            self.now_ms = snap.time_ms;
        }
        if !(self.paused && self.live) {
            self.derived = derived;
            self.snapshot = Some(snap);
        }
        // Paused, only the event log moved: the other panes' data is the same, so refreshing
        // them leaves them as they were.
        self.refresh_panes();
    }

    /// A key of the replay's time cursor, at the time on screen.
    pub fn replay_key(&mut self, action: ReplayAction) {
        let now = self.snapshot.as_ref().map(|s| s.time_ms);
        let around = self
            .replay
            .as_ref()
            .zip(now)
            .map(|(r, t)| r.events_around(&self.events, t));
        let (before, after) = around.unwrap_or_default();
        if let Some(r) = self.replay.as_mut() {
            r.apply(action, now, before, after);
            // A step holds the playback where it lands, as the feed does.
            if matches!(action, ReplayAction::StepBack | ReplayAction::StepForward) {
                self.paused = true;
            }
        }
    }
}
