//! View state of the Limits pane: the selected limit, by its id, so the highlight stays on it
//! while the rows re-sort by urgency.

use super::action::{Action, Step};
use super::selection::Selection;
use crate::derive::LimitView;

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
