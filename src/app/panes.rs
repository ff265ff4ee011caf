//! The registry of panes: every pane of the dashboard, once, in tab order. The tabs of the
//! title bar, the number keys, the footer, the help overlay, mouse clicks and whether the
//! collector may take the full socket dump less often all come from [`PANES`] and the panes'
//! key tables; [`AppState`] keeps one state per entry, in this order.
//!
//! A pane is two files and one line here:
//! - `src/app/foo.rs` (with `src/app/foo/` for parts of its own when it grows): its view state
//!   (`FooState`: selection by row identity, sort, filter), implementing [`PaneState`]; its
//!   keys, a `KEYS` table of [`Binding`]s ([`super::keymap::b`]; `.footer(key, word)` puts
//!   one in the footer) bound to `Action::Pane(code)` with codes of its own action type
//!   (`FooAction`), which its `apply` decodes; and `pub const PANE: Pane`, its entry here;
//! - `src/ui/foo.rs`: its widget, a props struct borrowed from the state (`FooPane`) with
//!   `impl Widget` and `spot(area, position)`, the table and row under the mouse, computed by
//!   the same layout the widget draws with. Tables are [`crate::ui::widgets::table::Table`].
//!
//! # Adding a pane
//! 1. Write the two files above and declare them (`pub mod foo;` in `src/app.rs` and
//!    `src/ui.rs`). The state keeps its selection in a [`super::selection::Selection`] keyed by
//!    the row's identity (a pid, a path), moves it with [`super::action::Step::of`] for the
//!    arrow, page and wheel actions, and takes `Action::Click(spot)` for a row under the
//!    mouse; the widget numbers its tables for [`Spot::table`] and finds rows with
//!    [`crate::ui::widgets::table::row_at`]. The pane's file ends with its entry:
//!
//!    ```text
//!    pub const PANE: Pane = Pane {
//!        id: PaneId("processes"),
//!        title: "Processes",
//!        keys: KEYS,
//!        rows: true,
//!        sockets: false,
//!        new: || Box::new(ProcsState::new()),
//!    };
//!    ```
//! 2. Here: one line in [`PANES`], `super::foo::PANE,`. Its place is its tab and its number key
//!    (the fifth entry is key `5`); help, footer and mouse need nothing more.
//!
//! A pane that shows another pane something (Limits `o` opens Processes on the holders of a
//! limit, Enter on an event opens its Limits row) returns a [`Jump`] from `apply`; the target's
//! `receive` takes the [`Request`] and says whether it has something to show for it.
//!
//! Rendering only reads: `render` and `spot` take `&self` and the [`AppState`]; `refresh`,
//! `apply`, `typing` and `receive` are the only places a pane's state changes, each with the
//! newest [`Data`].

use std::any::Any;
use std::fmt::Debug;

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::action::{Action, Spot};
use super::event_log::EventLog;
use super::keymap::Binding;
use super::state::AppState;
use crate::derive::Derived;
use crate::model::Snapshot;

/// A pane, by a name that stays when the tabs move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaneId(pub &'static str);

/// One pane, as the rest of the dashboard sees it.
pub struct Pane {
    pub id: PaneId,
    pub title: &'static str,
    /// The pane's own keys, looked up before the global ones while it is shown.
    pub keys: &'static [Binding],
    /// It has rows to select: the arrow, page and wheel keys go to it.
    pub rows: bool,
    /// It shows per-socket data: while it is on screen the collector takes the full socket
    /// dump every sample, otherwise less often.
    pub sockets: bool,
    /// Its state at start.
    pub new: fn() -> Box<dyn PaneState>,
}

/// The newest data, as a pane reads it while its state changes.
pub struct Data<'a> {
    pub snapshot: Option<&'a Snapshot>,
    pub derived: &'a Derived,
    /// Every event seen so far.
    pub events: &'a EventLog,
}

/// What one pane asks another to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// The row of this limit id.
    SelectLimit(String),
    /// The processes holding the limit with this id, most first.
    HoldersOf(String),
}

/// Show pane `to`, after it took `request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump {
    pub to: PaneId,
    pub request: Request,
}

/// A pane's view state and what it does.
pub trait PaneState: Any + Debug {
    /// Brings the view state up to the newest data (after every snapshot).
    fn refresh(&mut self, _data: &Data) {}
    /// Carries out the actions that are not global: its own keys (`Action::Pane`), the
    /// selection keys, clicks, the wheel and Esc. A jump shows another pane.
    fn apply(&mut self, action: Action, data: &Data) -> Option<Jump>;
    /// Takes a key before the key tables while the pane reads text (a prompt); true when it did.
    fn typing(&mut self, _key: KeyEvent, _data: &Data) -> bool {
        false
    }
    /// Takes another pane's request; true when it has something to show for it.
    fn receive(&mut self, _request: &Request, _data: &Data) -> bool {
        false
    }
    fn render(&self, app: &AppState, area: Rect, buf: &mut Buffer);
    /// The table and row at a position of the pane's area.
    fn spot(&self, _app: &AppState, _area: Rect, _at: Position) -> Option<Spot> {
        None
    }
    /// The process the collector should read in full while the pane is shown.
    fn wanted_process(&self) -> Option<u32> {
        None
    }
}

pub const PANES: &[Pane] = &[
    super::limits::PANE,
    super::inodes::PANE,
    super::sockets::PANE,
    super::graphs::PANE,
    super::procs::PANE,
    super::events::PANE,
];

/// The first pane: shown at start.
const FIRST: &Pane = &PANES[0];

impl PaneId {
    /// This pane's entry in the registry.
    pub fn pane(self) -> &'static Pane {
        PANES.iter().find(|p| p.id == self).unwrap_or(FIRST)
    }

    pub fn title(self) -> &'static str {
        self.pane().title
    }

    /// Its place in the tab bar, from 0 (its number key is one more).
    pub fn index(self) -> usize {
        PANES.iter().position(|p| p.id == self).unwrap_or(0)
    }

    /// The pane at a place of the tab bar.
    pub fn at(index: usize) -> Option<PaneId> {
        PANES.get(index).map(|p| p.id)
    }

    pub fn next(self) -> PaneId {
        Self::at((self.index() + 1) % PANES.len()).unwrap_or(self)
    }

    pub fn prev(self) -> PaneId {
        Self::at((self.index() + PANES.len() - 1) % PANES.len()).unwrap_or(self)
    }

    /// Every pane, in tab order.
    pub fn all() -> impl Iterator<Item = PaneId> {
        PANES.iter().map(|p| p.id)
    }
}

impl Default for PaneId {
    fn default() -> Self {
        FIRST.id
    }
}

/// A pane's state as the type it is, when it is a `T`.
pub fn downcast<T: PaneState>(pane: &dyn PaneState) -> Option<&T> {
    (pane as &dyn Any).downcast_ref()
}

/// The same, to change it.
pub fn downcast_mut<T: PaneState>(pane: &mut dyn PaneState) -> Option<&mut T> {
    (pane as &mut dyn Any).downcast_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{events, limits, sockets};

    #[test]
    fn every_pane_is_registered_once_and_tabs_cycle() {
        for (i, id) in PaneId::all().enumerate() {
            assert_eq!(id.index(), i, "{id:?} registered twice");
            assert_eq!(id.pane().id, id);
        }
        assert_eq!(limits::PANE.id.prev(), events::PANE.id);
        assert_eq!(events::PANE.id.next(), limits::PANE.id);
        assert_eq!(PaneId::at(2), Some(sockets::PANE.id));
        assert_eq!(PaneId::at(PANES.len()), None);
        assert!(sockets::PANE.id.pane().sockets);
        assert!(!limits::PANE.id.pane().sockets);
    }

    #[test]
    fn each_pane_starts_as_its_own_state() {
        for pane in PANES {
            let state = (pane.new)();
            let limits = downcast::<limits::LimitsState>(state.as_ref()).is_some();
            assert_eq!(limits, pane.id == limits::PANE.id, "{:?}", pane.id);
        }
    }
}
