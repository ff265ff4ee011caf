//! What a key or the mouse asks for, and the one place that carries it out: global actions
//! here, the rest by the pane on screen (see [`super::panes`]).

use super::state::AppState;
use crate::scan::SortKey;

pub use super::panes::Tab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    NextTab,
    PrevTab,
    Go(Tab),
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
    /// Show the selected event's Limits row.
    OpenEvent,
    Replay(super::replay::ReplayAction),
    Inodes(InodesAction),
    Graphs(GraphsAction),
    Sockets(SocketsAction),
    Procs(ProcsAction),
    /// On a Limits row: show the processes holding that limit, in the Processes pane.
    Owners,
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

/// Keys of the Graphs pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphsAction {
    /// The time cursor one step back (1 s, 10 s or 1 min by zoom).
    CursorBack,
    /// One step forward; past now the cursor disappears.
    CursorForward,
    /// Back to the newest values.
    Live,
    ZoomIn,
    ZoomOut,
}

/// Keys of the Sockets pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketsAction {
    /// Sort the peers by the next column.
    SortNext,
    SortReverse,
    /// Group peers by ip:port, ip, or port.
    GroupNext,
    /// Switch the arrow keys between peers and listeners.
    Focus,
    /// Show the stray ephemeral peers one row each, or folded into one row.
    EphemeralPeers,
}

/// Keys of the Processes pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcsAction {
    /// Sort by the next column.
    SortNext,
    SortReverse,
    /// Fold processes by command, or unfold.
    Group,
    /// Type a filter on the command or command line.
    Filter,
    /// Open the drill-down on the selected process (a group opens as its processes).
    Open,
}

/// Keys of the Inodes pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InodesAction {
    /// Scan the selected filesystem.
    ScanSelected,
    /// Type a path to scan.
    Prompt,
    /// Scan the same root again and show the change.
    Rescan,
    /// Sort by bytes (rescanning with bytes when the result has none).
    Bytes,
    Sort(SortKey),
    Expand,
    Collapse,
    Toggle,
    /// Switch the arrow keys between the filesystems and the tree.
    Focus,
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
        _ => (state.tab.pane().apply)(state, action),
    }
}

/// The Limits pane's actions: `o` shows the owners of the selected row in the Processes pane.
pub fn limits(state: &mut AppState, action: Action) {
    if action != Action::Owners {
        state.limits.apply(action, &state.derived.limits);
        return;
    }
    let Some((what, grouped)) = state
        .limits
        .selected_id()
        .and_then(super::procs::holders_of)
    else {
        return;
    };
    state.procs.show_holders(what, grouped);
    state.procs.refresh(&state.derived.procs);
    state.tab = Tab::Processes;
}

/// The Graphs pane's actions.
pub fn graphs(state: &mut AppState, action: Action) {
    let g = &mut state.graphs;
    match action {
        Action::Graphs(GraphsAction::CursorBack) => g.cursor_back(),
        Action::Graphs(GraphsAction::CursorForward) => g.cursor_forward(),
        Action::Graphs(GraphsAction::Live) | Action::Back => g.clear_cursor(),
        Action::Graphs(GraphsAction::ZoomIn) => g.set_zoom(g.zoom.narrower()),
        Action::Graphs(GraphsAction::ZoomOut) => g.set_zoom(g.zoom.wider()),
        _ => {}
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
