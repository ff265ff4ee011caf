//! View state of the Events pane: the selected event of the [`EventLog`], kept by identity while
//! the log grows. Enter shows the event's row in the Limits pane.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

use super::action::{Action, Spot, Step};
use super::event_log::EventLog;
use super::keymap::{Binding, b};
use super::panes::{Data, Jump, Pane, PaneId, PaneState, Request};
use super::selection::Selection;
use super::state::AppState;
use crate::derive::events::Event;
use crate::ui::events::EventsPane;

pub const PANE: Pane = Pane {
    id: PaneId("events"),
    title: "Events",
    keys: KEYS,
    rows: true,
    sockets: false,
    new: || Box::<EventsState>::default(),
};

/// Keys of the Events pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventsAction {
    /// Show the selected event's Limits row.
    Open,
}

impl EventsAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    fn of(action: Action) -> Option<Self> {
        [Self::Open].into_iter().find(|a| a.key() == action)
    }
}

const KEYS: &[Binding] = &[b(
    &[KeyCode::Enter],
    EventsAction::Open.key(),
    "Enter",
    "show the event's limit in Limits",
)
.footer("Enter", "limit")];

/// The Events pane has one table.
pub const TABLE: u8 = 0;

/// An event's identity: its time and text.
type Key = (u64, String);

fn keys(log: &EventLog) -> impl ExactSizeIterator<Item = Key> + '_ {
    log.log().iter().map(|e| (e.time_ms, e.text.clone()))
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventsState {
    selected: Selection<Key>,
}

impl EventsState {
    pub fn selected(&self) -> usize {
        self.selected.index()
    }

    pub fn selected_event<'a>(&self, log: &'a EventLog) -> Option<&'a Event> {
        log.log().get(self.selected.index())
    }
}

impl PaneState for EventsState {
    fn refresh(&mut self, data: &Data) {
        self.selected.follow(keys(data.events));
    }

    fn apply(&mut self, action: Action, data: &Data) -> Option<Jump> {
        if EventsAction::of(action) == Some(EventsAction::Open) {
            let id = self.selected_event(data.events)?.limit.clone()?;
            return Some(Jump {
                to: super::limits::PANE.id,
                request: Request::SelectLimit(id),
            });
        }
        if let Action::Click(spot) = action {
            if let Some(row) = spot.row {
                self.selected.set(row, keys(data.events));
            }
        } else if let Some(step) = Step::of(action) {
            self.selected
                .move_by(|i, n| step.apply(i, n), keys(data.events));
        }
        None
    }

    fn render(&self, app: &AppState, area: Rect, buf: &mut Buffer) {
        EventsPane::new(self, &app.events).render(area, buf);
    }

    fn spot(&self, app: &AppState, area: Rect, at: Position) -> Option<Spot> {
        EventsPane::new(self, &app.events).spot(area, at)
    }
}
