//! What a key asks for, and the one place that carries it out.

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
    /// ← : the cursor back in time on Graphs, the previous pane elsewhere.
    Left,
    /// → : the cursor forward on Graphs, the next pane elsewhere.
    Right,
    ZoomIn,
    ZoomOut,
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
        Action::Back if state.show_help => state.show_help = false,
        Action::Back => state.graphs.clear_cursor(),
        Action::Left if state.tab == Tab::Graphs => state.graphs.cursor_back(),
        Action::Left => state.tab = state.tab.prev(),
        Action::Right if state.tab == Tab::Graphs => state.graphs.cursor_forward(),
        Action::Right => state.tab = state.tab.next(),
        Action::ZoomIn => state.graphs.set_zoom(state.graphs.zoom.narrower()),
        Action::ZoomOut => state.graphs.set_zoom(state.graphs.zoom.wider()),
        Action::TogglePause => state.paused = !state.paused,
        Action::Up => move_selection(state, |s, _| s.saturating_sub(1)),
        Action::Down => move_selection(state, |s, _| s.saturating_add(1)),
        Action::PageUp => move_selection(state, |s, _| s.saturating_sub(PAGE)),
        Action::PageDown => move_selection(state, |s, _| s.saturating_add(PAGE)),
        Action::Home => move_selection(state, |_, _| 0),
        Action::End if state.tab == Tab::Graphs => state.graphs.clear_cursor(),
        Action::End => move_selection(state, |_, n| n.saturating_sub(1)),
    }
}

fn move_selection(state: &mut AppState, f: impl Fn(usize, usize) -> usize) {
    if state.tab == Tab::Limits {
        let n = state.derived.limits.len();
        state.limits.selected = f(state.limits.selected, n);
        state.limits.clamp(n);
    }
}
