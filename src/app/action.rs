//! What a key asks for, and the one place that carries it out.

use super::sockets::Focus;
use super::state::{AppState, Tab};
use crate::scan::SortKey;

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
    /// Close an overlay, or nothing.
    Back,
    TogglePause,
    Inodes(InodesAction),
    Graphs(GraphsAction),
    Sockets(SocketsAction),
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

/// Rows a page key moves.
const PAGE: usize = 10;

pub fn apply(state: &mut AppState, action: Action) {
    if state.show_help && !matches!(action, Action::Quit | Action::ToggleHelp | Action::Back) {
        return;
    }
    match action {
        Action::Quit => state.quit = true,
        Action::NextTab => state.tab = state.tab.next(),
        Action::PrevTab => state.tab = state.tab.prev(),
        Action::Go(tab) => state.tab = tab,
        Action::ToggleHelp => state.show_help = !state.show_help,
        Action::Back => {
            if state.show_help {
                state.show_help = false;
            } else if state.tab == Tab::Inodes {
                state.inodes.back();
            } else if state.tab == Tab::Graphs {
                state.graphs.clear_cursor();
            }
        }
        Action::Inodes(a) => inodes(state, a),
        Action::Graphs(a) => graphs(state, a),
        Action::Sockets(a) => sockets(state, a),
        Action::TogglePause => state.paused = !state.paused,
        Action::Up => move_selection(state, |s, _| s.saturating_sub(1)),
        Action::Down => move_selection(state, |s, _| s.saturating_add(1)),
        Action::PageUp => move_selection(state, |s, _| s.saturating_sub(PAGE)),
        Action::PageDown => move_selection(state, |s, _| s.saturating_add(PAGE)),
        Action::Home => move_selection(state, |_, _| 0),
        Action::End => move_selection(state, |_, n| n.saturating_sub(1)),
    }
}

fn inodes(state: &mut AppState, action: InodesAction) {
    let s = &mut state.inodes;
    match action {
        InodesAction::ScanSelected => s.scan_selected(),
        InodesAction::Prompt => s.open_prompt(),
        InodesAction::Rescan => s.rescan(),
        InodesAction::Bytes => s.bytes_key(),
        InodesAction::Sort(key) => s.set_sort(key),
        InodesAction::Expand => s.expand(),
        InodesAction::Collapse => s.collapse(),
        InodesAction::Toggle => s.toggle(),
        InodesAction::Focus => s.toggle_focus(),
    }
}

fn graphs(state: &mut AppState, action: GraphsAction) {
    let g = &mut state.graphs;
    match action {
        GraphsAction::CursorBack => g.cursor_back(),
        GraphsAction::CursorForward => g.cursor_forward(),
        GraphsAction::Live => g.clear_cursor(),
        GraphsAction::ZoomIn => g.set_zoom(g.zoom.narrower()),
        GraphsAction::ZoomOut => g.set_zoom(g.zoom.wider()),
    }
}

fn sockets(state: &mut AppState, action: SocketsAction) {
    let s = &mut state.sockets;
    match action {
        SocketsAction::SortNext => s.next_sort(),
        SocketsAction::SortReverse => s.descending = !s.descending,
        SocketsAction::GroupNext => {
            s.group = s.group.next();
            s.peer_selected = 0;
        }
        SocketsAction::Focus => {
            s.focus = match s.focus {
                Focus::Peers => Focus::Listeners,
                Focus::Listeners => Focus::Peers,
            };
        }
    }
    state.refresh_sockets();
}

fn move_selection(state: &mut AppState, f: impl Fn(usize, usize) -> usize) {
    if state.tab == Tab::Sockets {
        let n = state.sockets.focused_len();
        let sel = state.sockets.selected_mut();
        *sel = f(*sel, n);
        state.sockets.clamp();
    } else if state.tab == Tab::Inodes {
        state.inodes.move_selection(f);
    } else if state.tab == Tab::Limits {
        let n = state.derived.limits.len();
        state.limits.selected = f(state.limits.selected, n);
        state.limits.clamp(n);
    }
}
