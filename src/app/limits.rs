//! View state of the Limits pane: the selected limit, by its id, so the highlight stays on it
//! while the rows re-sort by urgency.

use crossterm::event::KeyCode;
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
}

impl LimitsAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    fn of(action: Action) -> Option<Self> {
        [Self::Owners].into_iter().find(|a| a.key() == action)
    }
}

const KEYS: &[Binding] = &[b(
    &[KeyCode::Char('o')],
    LimitsAction::Owners.key(),
    "o",
    "the processes holding this limit",
)
.footer("o", "owners")];

/// The Limits pane has one table.
pub const TABLE: u8 = 0;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LimitsState {
    selected: Selection<String>,
}

fn ids(rows: &[LimitView]) -> impl ExactSizeIterator<Item = String> + '_ {
    rows.iter().map(|v| v.limit.id.clone())
}

impl LimitsState {
    /// The row of the selected limit.
    pub fn selected(&self) -> usize {
        self.selected.index()
    }

    /// The id of the selected limit.
    pub fn selected_id(&self) -> Option<&str> {
        self.selected.key().map(String::as_str)
    }

    /// After new rows: back on the same limit.
    pub fn follow(&mut self, rows: &[LimitView]) {
        self.selected.follow(ids(rows));
    }

    /// Selects the limit with this id, when it has a row.
    pub fn select_id(&mut self, id: &str, rows: &[LimitView]) {
        if let Some(i) = rows.iter().position(|v| v.limit.id == id) {
            self.selected.set(i, ids(rows));
        }
    }

    pub fn apply(&mut self, action: Action, rows: &[LimitView]) {
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
            None => {
                LimitsState::apply(self, action, &data.derived.limits);
                None
            }
        }
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
