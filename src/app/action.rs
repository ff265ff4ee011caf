//! What a key asks for, and the one place that carries it out.

use super::sockets::Focus;
use super::state::{AppState, Tab};

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
    /// Sockets pane: sort the peers by the next column.
    SortNext,
    /// Sockets pane: reverse the sort order.
    SortReverse,
    /// Sockets pane: group peers by ip:port, ip, or port.
    GroupNext,
    /// Sockets pane: move the cursor between peers and listeners.
    FocusNext,
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
        Action::Back => state.show_help = false,
        Action::TogglePause => state.paused = !state.paused,
        Action::SortNext | Action::SortReverse | Action::GroupNext | Action::FocusNext => {
            sockets_action(state, action);
        }
        Action::Up => move_selection(state, |s, _| s.saturating_sub(1)),
        Action::Down => move_selection(state, |s, _| s.saturating_add(1)),
        Action::PageUp => move_selection(state, |s, _| s.saturating_sub(PAGE)),
        Action::PageDown => move_selection(state, |s, _| s.saturating_add(PAGE)),
        Action::Home => move_selection(state, |_, _| 0),
        Action::End => move_selection(state, |_, n| n.saturating_sub(1)),
    }
}

fn sockets_action(state: &mut AppState, action: Action) {
    if state.tab != Tab::Sockets {
        return;
    }
    let s = &mut state.sockets;
    match action {
        Action::SortNext => s.next_sort(),
        Action::SortReverse => s.descending = !s.descending,
        Action::GroupNext => {
            s.group = s.group.next();
            s.peer_selected = 0;
        }
        Action::FocusNext => {
            s.focus = match s.focus {
                Focus::Peers => Focus::Listeners,
                Focus::Listeners => Focus::Peers,
            };
        }
        _ => {}
    }
    state.refresh_sockets();
}

fn move_selection(state: &mut AppState, f: impl Fn(usize, usize) -> usize) {
    if state.tab == Tab::Sockets {
        let n = state.sockets.focused_len();
        let sel = state.sockets.selected_mut();
        *sel = f(*sel, n);
        state.sockets.clamp();
        return;
    }
    if state.tab == Tab::Limits {
        let n = state.derived.limits.len();
        state.limits.selected = f(state.limits.selected, n);
        state.limits.clamp(n);
    }
}
