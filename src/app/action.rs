//! What a key or the mouse asks for, and the one place that carries it out: global actions
//! here, the rest by the pane on screen (see [`super::panes`]).

use super::panes::PaneId;
use super::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextTab,
    PrevTab,
    Go(PaneId),
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    ToggleHelp,
    /// Close an overlay, or step back in the pane (cancel, cursor off).
    Back,
    TogglePause,
    /// A mouse click in one of the pane's tables.
    Click(Spot),
    /// The mouse wheel over one of the pane's tables.
    Wheel {
        table: u8,
        down: bool,
    },
    /// Record what the dashboard sees, or stop.
    ToggleRecord,
    Replay(super::replay::ReplayAction),
    /// A key of the pane on screen, by the pane's own numbering: its key table binds the code
    /// of one of its actions, and its `apply` reads the code back.
    Pane(u8),
}

/// Where the mouse is in a pane: which of its tables (numbered by the pane, from 0), and the
/// row under it, when it is on one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    pub table: u8,
    pub row: Option<usize>,
}

/// How far an action moves a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Up(usize),
    Down(usize),
    First,
    Last,
}

/// Rows a page key moves.
const PAGE: usize = 10;
/// Rows one notch of the wheel moves, as in htop.
const WHEEL: usize = 3;

impl Step {
    /// The move asked for by a selection key or the wheel.
    pub fn of(action: Action) -> Option<Step> {
        Some(match action {
            Action::Up => Step::Up(1),
            Action::Down => Step::Down(1),
            Action::PageUp => Step::Up(PAGE),
            Action::PageDown => Step::Down(PAGE),
            Action::Home => Step::First,
            Action::End => Step::Last,
            Action::Wheel { down: false, .. } => Step::Up(WHEEL),
            Action::Wheel { down: true, .. } => Step::Down(WHEEL),
            _ => return None,
        })
    }

    /// The new row from row `i` of `n`, within the rows.
    pub fn apply(self, i: usize, n: usize) -> usize {
        let last = n.saturating_sub(1);
        match self {
            Step::Up(k) => i.saturating_sub(k),
            Step::Down(k) => i.saturating_add(k).min(last),
            Step::First => 0,
            Step::Last => last,
        }
    }
}

/// Carries out an action. The help overlay takes every action while it is open: only quitting
/// and closing it do anything then.
pub fn apply(state: &mut AppState, action: Action) {
    if state.show_help {
        match action {
            Action::Quit => state.quit = true,
            Action::ToggleHelp | Action::Back | Action::Click(_) => state.show_help = false,
            _ => {}
        }
        return;
    }
    match action {
        Action::Quit => state.quit = true,
        Action::NextTab => state.tab = state.tab.next(),
        Action::PrevTab => state.tab = state.tab.prev(),
        Action::Go(tab) => state.tab = tab,
        Action::ToggleHelp => state.show_help = true,
        Action::TogglePause => state.paused = !state.paused,
        Action::ToggleRecord if state.live => state.recorder.toggle(state.now_ms),
        Action::Replay(a) => state.replay_key(a),
        _ => state.apply_to_shown(action),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stay_within_the_rows() {
        assert_eq!(Step::Down(10).apply(5, 8), 7);
        assert_eq!(Step::Up(3).apply(1, 8), 0);
        assert_eq!(Step::Last.apply(0, 0), 0);
        assert_eq!(
            Step::of(Action::Wheel {
                table: 0,
                down: true
            }),
            Some(Step::Down(3))
        );
        assert_eq!(Step::of(Action::Quit), None);
    }
}
