//! The registry of panes: every pane of the dashboard, once, in tab order. The tabs of the
//! title bar, the number keys, the footer, the help overlay, mouse clicks and whether the
//! collector may take the full socket dump less often all come from [`PANES`] and the key
//! tables; nothing else matches on [`Tab`].
//!
//! A pane is two files:
//! - `src/app/foo.rs`: its view state (`FooState`: selection by row identity, sort, filter),
//!   with `apply(Action)` for the keys and mouse, and a refresh after each snapshot;
//! - `src/ui/foo.rs`: its widget, a props struct borrowed from the state (`FooPane`) with
//!   `impl Widget` and `spot(area, position)`, the table and row under the mouse, computed by
//!   the same layout the widget draws with. Tables are [`crate::ui::widgets::table::Table`].
//!
//! # Adding a pane
//! 1. Write the two files above; declare them in `src/app.rs` and `src/ui.rs`. The state keeps
//!    its selection in a [`super::selection::Selection`] keyed by the row's identity (a pid, a
//!    path), moves it with [`action::Step::of`] for the arrow, page and wheel actions, and
//!    takes `Action::Click(spot)` for a row under the mouse; the widget numbers its tables for
//!    [`Spot::table`] and finds rows with [`crate::ui::widgets::table::row_at`].
//! 2. Here: a variant of [`Tab`] and one [`Pane`] entry in [`PANES`]. Its place is its tab and
//!    its number key (the fifth entry is key `5`); help, footer and mouse need nothing more:
//!
//!    ```text
//!    Pane {
//!        tab: Tab::Processes,
//!        title: "Processes",
//!        keys: super::processes::KEYS,
//!        rows: true,
//!        sockets: false,
//!        refresh: |s| s.processes.follow(&s.derived.processes),
//!        apply: |s, a| s.processes.apply(a, &s.derived.processes),
//!        typing: no_typing,
//!        render: |s, area, buf| ui::processes::ProcessesPane::new(s).render(area, buf),
//!        spot: |s, area, at| ui::processes::ProcessesPane::new(s).spot(area, at),
//!    },
//!    ```
//! 3. The state goes in a field of [`AppState`]. Keys of its own are a `FooAction` carried by
//!    one `Action::Foo` variant, bound in a `KEYS` table of `Binding`s
//!    ([`super::keymap::b`]; `.footer(key, word)` puts one in the footer).
//!
//! Rendering only reads: `render` and `spot` take `&AppState`; `refresh` and `apply` are the
//! only places a pane's state changes.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

use super::action::{self, Action, Spot};
use super::keymap::{self, Binding};
use super::state::AppState;
use crate::ui;

/// Which pane is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Limits,
    Inodes,
    Sockets,
    Graphs,
    Processes,
    Events,
}

/// One pane, as the rest of the dashboard sees it.
pub struct Pane {
    pub tab: Tab,
    pub title: &'static str,
    /// The pane's own keys, looked up before the global ones while it is shown.
    pub keys: &'static [Binding],
    /// It has rows to select: the arrow, page and wheel keys go to it.
    pub rows: bool,
    /// It shows per-socket data: while it is on screen the collector takes the full socket
    /// dump every sample, otherwise less often.
    pub sockets: bool,
    /// Brings the view state up to the newest data (after every snapshot).
    pub refresh: fn(&mut AppState),
    /// Carries out the actions that are not global.
    pub apply: fn(&mut AppState, Action),
    /// Takes a key before the key tables while the pane reads text (a prompt); true when it did.
    pub typing: fn(&mut AppState, KeyEvent) -> bool,
    pub render: fn(&AppState, Rect, &mut Buffer),
    /// The table and row at a position of the pane's area.
    pub spot: fn(&AppState, Rect, Position) -> Option<Spot>,
}

fn no_typing(_: &mut AppState, _: KeyEvent) -> bool {
    false
}

fn no_spot(_: &AppState, _: Rect, _: Position) -> Option<Spot> {
    None
}

pub const PANES: &[Pane] = &[
    Pane {
        tab: Tab::Limits,
        title: "Limits",
        keys: keymap::LIMITS_BINDINGS,
        rows: true,
        sockets: false,
        refresh: |s| s.limits.follow(&s.derived.limits),
        apply: action::limits,
        typing: no_typing,
        render: |s, area, buf| ui::limits::LimitsPane::new(s).render(area, buf),
        spot: |s, area, at| ui::limits::LimitsPane::new(s).spot(area, at),
    },
    Pane {
        tab: Tab::Inodes,
        title: "Inodes",
        keys: keymap::INODES_BINDINGS,
        rows: true,
        sockets: false,
        refresh: |s| {
            if let Some(Ok(mounts)) = s.snapshot.as_ref().map(|snap| &snap.mounts) {
                s.inodes.set_mounts(mounts);
            }
        },
        apply: |s, a| s.inodes.apply(a),
        typing: |s, key| s.inodes.typing(key),
        render: |s, area, buf| ui::inodes::InodesPane::new(&s.inodes).render(area, buf),
        spot: |s, area, at| ui::inodes::InodesPane::new(&s.inodes).spot(area, at),
    },
    Pane {
        tab: Tab::Sockets,
        title: "Sockets",
        keys: keymap::SOCKETS_BINDINGS,
        rows: true,
        sockets: true,
        refresh: AppState::refresh_sockets,
        apply: |s, a| {
            s.sockets.apply(a);
            s.refresh_sockets();
        },
        typing: no_typing,
        render: |s, area, buf| ui::sockets::SocketsPane::new(s).render(area, buf),
        spot: |s, area, at| ui::sockets::SocketsPane::new(s).spot(area, at),
    },
    Pane {
        tab: Tab::Graphs,
        title: "Graphs",
        keys: keymap::GRAPHS_BINDINGS,
        rows: false,
        sockets: false,
        refresh: |_| {},
        apply: action::graphs,
        typing: no_typing,
        render: ui::graphs::render,
        spot: no_spot,
    },
    Pane {
        tab: Tab::Processes,
        title: "Processes",
        keys: keymap::PROCS_BINDINGS,
        rows: true,
        sockets: false,
        refresh: |s| s.procs.refresh(&s.derived.procs),
        apply: |s, a| s.procs.apply(a, &s.derived.procs),
        typing: |s, key| {
            let typed = s.procs.typing(key);
            if typed {
                s.procs.refresh(&s.derived.procs);
            }
            typed
        },
        render: |s, area, buf| ui::procs::ProcsPane::new(s).render(area, buf),
        spot: |s, area, at| ui::procs::ProcsPane::new(s).spot(area, at),
    },
    Pane {
        tab: Tab::Events,
        title: "Events",
        keys: keymap::EVENTS_BINDINGS,
        rows: true,
        sockets: false,
        refresh: |_| {},
        apply: |s, a| match a {
            Action::OpenEvent => s.open_event(),
            _ => s.events.apply(a),
        },
        typing: no_typing,
        render: |s, area, buf| ui::events::EventsPane::new(s).render(area, buf),
        spot: |s, area, at| ui::events::EventsPane::new(s).spot(area, at),
    },
];

/// The first pane: shown at start.
const FIRST: &Pane = &PANES[0];

impl Tab {
    /// This tab's entry in the registry.
    pub fn pane(self) -> &'static Pane {
        PANES.iter().find(|p| p.tab == self).unwrap_or(FIRST)
    }

    pub fn title(self) -> &'static str {
        self.pane().title
    }

    /// Its place in the tab bar, from 0 (its number key is one more).
    pub fn index(self) -> usize {
        PANES.iter().position(|p| p.tab == self).unwrap_or(0)
    }

    /// The pane at a place of the tab bar.
    pub fn at(index: usize) -> Option<Tab> {
        PANES.get(index).map(|p| p.tab)
    }

    pub fn next(self) -> Tab {
        Self::at((self.index() + 1) % PANES.len()).unwrap_or(self)
    }

    pub fn prev(self) -> Tab {
        Self::at((self.index() + PANES.len() - 1) % PANES.len()).unwrap_or(self)
    }

    /// Every pane, in tab order.
    pub fn all() -> impl Iterator<Item = Tab> {
        PANES.iter().map(|p| p.tab)
    }
}

impl Default for Tab {
    fn default() -> Self {
        FIRST.tab
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pane_is_registered_once_and_tabs_cycle() {
        for (i, tab) in Tab::all().enumerate() {
            assert_eq!(tab.index(), i, "{tab:?} registered twice");
            assert_eq!(tab.pane().tab, tab);
        }
        assert_eq!(Tab::Limits.prev(), Tab::Events);
        assert_eq!(Tab::Events.next(), Tab::Limits);
        assert_eq!(Tab::at(2), Some(Tab::Sockets));
        assert_eq!(Tab::at(PANES.len()), None);
        // A variant missing from the registry would fall back to the first pane.
        for tab in [
            Tab::Limits,
            Tab::Inodes,
            Tab::Sockets,
            Tab::Graphs,
            Tab::Processes,
            Tab::Events,
        ] {
            assert_eq!(tab.pane().tab, tab, "{tab:?} is not registered");
        }
        assert!(Tab::Sockets.pane().sockets);
        assert!(!Tab::Limits.pane().sockets);
    }
}
