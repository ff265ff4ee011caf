//! View state of the Limits pane: the selected limit, by its id, so the highlight stays on it
//! while the rows re-sort by urgency; and the question `w` asks ([`why`]), which narrows the
//! rows to the limits behind an error message.

mod why;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

use super::action::{Action, Spot, Step};
use super::keymap::{Binding, b};
use super::panes::{Data, Jump, Pane, PaneId, PaneState, Request};
use super::selection::Selection;
use super::state::AppState;
use crate::derive::LimitView;
use crate::ui::limits::LimitsPane;

pub const PANE: Pane = Pane {
    id: PaneId("limits"),
    title: "Limits",
    keys: KEYS,
    rows: true,
    sockets: false,
    new: || Box::<LimitsState>::default(),
};

/// Keys of the Limits pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitsAction {
    /// Show the processes holding the selected limit, in the Processes pane.
    Owners,
    /// Ask which limits can produce an error message.
    Why,
}

impl LimitsAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    fn of(action: Action) -> Option<Self> {
        [Self::Owners, Self::Why]
            .into_iter()
            .find(|a| a.key() == action)
    }
}

const KEYS: &[Binding] = &[
    b(
        &[KeyCode::Char('o')],
        LimitsAction::Owners.key(),
        "o",
        "the processes holding this limit",
    )
    .footer("o", "owners"),
    b(
        &[KeyCode::Char('w')],
        LimitsAction::Why.key(),
        "w",
        "why: the limits behind an error message (Tab completes, Esc clears)",
    )
    .footer("w", "why"),
];

/// The Limits pane has one table.
pub const TABLE: u8 = 0;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LimitsState {
    selected: Selection<String>,
    why: WhyView,
}

pub use why::WhyView;

fn ids<'a>(rows: &'a [&'a LimitView]) -> impl ExactSizeIterator<Item = String> + 'a {
    rows.iter().map(|v| v.limit.id.clone())
}

impl LimitsState {
    /// The question asked with `w`, and its prompt.
    pub fn why(&self) -> &WhyView {
        &self.why
    }

    /// The rows shown: every limit, or those behind the question asked, closest first.
    pub fn rows<'a>(&self, all: &'a [LimitView]) -> Vec<&'a LimitView> {
        if self.why.asked().is_none() {
            return all.iter().collect();
        }
        self.why
            .ranked()
            .iter()
            .filter_map(|(id, _)| all.iter().find(|v| v.limit.id == *id))
            .collect()
    }

    /// The row of the selected limit.
    pub fn selected(&self) -> usize {
        self.selected.index()
    }

    /// The id of the selected limit.
    pub fn selected_id(&self) -> Option<&str> {
        self.selected.key().map(String::as_str)
    }

    /// After new rows: back on the same limit.
    pub fn follow(&mut self, all: &[LimitView]) {
        self.why.refresh(all);
        self.selected.follow(ids(&self.rows(all)));
    }

    /// Selects the limit with this id, when it has a row (the question, if any, is closed so
    /// that every row shows).
    pub fn select_id(&mut self, id: &str, all: &[LimitView]) {
        if !self.rows(all).iter().any(|v| v.limit.id == id) {
            while self.why.close() {}
        }
        let rows = self.rows(all);
        if let Some(i) = rows.iter().position(|v| v.limit.id == id) {
            self.selected.set(i, ids(&rows));
        }
    }

    pub fn apply(&mut self, action: Action, all: &[LimitView]) {
        let rows = self.rows(all);
        let rows = rows.as_slice();
        if let Action::Click(spot) = action {
            if let Some(row) = spot.row {
                self.selected.set(row, ids(rows));
            }
        } else if let Some(step) = Step::of(action) {
            self.selected.move_by(|i, n| step.apply(i, n), ids(rows));
        }
    }
}

impl PaneState for LimitsState {
    fn refresh(&mut self, data: &Data) {
        self.follow(&data.derived.limits);
    }

    fn apply(&mut self, action: Action, data: &Data) -> Option<Jump> {
        match LimitsAction::of(action) {
            Some(LimitsAction::Owners) => Some(Jump {
                to: super::procs::PANE.id,
                request: Request::HoldersOf(self.selected_id()?.to_string()),
            }),
            Some(LimitsAction::Why) => {
                self.why.open();
                None
            }
            None if action == Action::Back && self.why.close() => {
                self.follow(&data.derived.limits);
                None
            }
            None => {
                LimitsState::apply(self, action, &data.derived.limits);
                None
            }
        }
    }

    fn typing(&mut self, key: KeyEvent, data: &Data) -> bool {
        let asked = self.why.asked().map(str::to_string);
        if !self.why.typing(key, &data.derived.limits) {
            return false;
        }
        let rows = self.rows(&data.derived.limits);
        if self.why.asked() != asked.as_deref() {
            // A new question: the closest limit first.
            self.selected.set(0, ids(&rows));
        } else {
            self.selected.follow(ids(&rows));
        }
        true
    }

    fn receive(&mut self, request: &Request, data: &Data) -> bool {
        let Request::SelectLimit(id) = request else {
            return false;
        };
        self.select_id(id, &data.derived.limits);
        true
    }

    fn render(&self, app: &AppState, area: Rect, buf: &mut Buffer) {
        LimitsPane::new(self, app).render(area, buf);
    }

    fn spot(&self, app: &AppState, area: Rect, at: Position) -> Option<Spot> {
        LimitsPane::new(self, app).spot(area, at)
    }
}
