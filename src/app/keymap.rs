//! Keys as data: the same table drives key handling, the footer and the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, GraphsAction, InodesAction, SocketsAction};
use super::state::Tab;
use crate::scan::SortKey;

/// One binding: the keys, what they do, and how help shows them.
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub action: Action,
    pub label: &'static str,
    pub help: &'static str,
}

const fn b(
    keys: &'static [KeyCode],
    action: Action,
    label: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        action,
        label,
        help,
    }
}

pub const BINDINGS: &[Binding] = &[
    b(&[KeyCode::Char('q')], Action::Quit, "q", "quit"),
    b(
        &[KeyCode::Char('?'), KeyCode::F(1)],
        Action::ToggleHelp,
        "?",
        "help: this list of keys",
    ),
    b(
        &[KeyCode::Tab, KeyCode::Right],
        Action::NextTab,
        "Tab",
        "next pane",
    ),
    b(
        &[KeyCode::BackTab, KeyCode::Left],
        Action::PrevTab,
        "S-Tab",
        "previous pane",
    ),
    b(
        &[KeyCode::Char('1')],
        Action::Go(Tab::Limits),
        "1",
        "Limits pane",
    ),
    b(
        &[KeyCode::Char('2')],
        Action::Go(Tab::Inodes),
        "2",
        "Inodes pane",
    ),
    b(
        &[KeyCode::Char('3')],
        Action::Go(Tab::Sockets),
        "3",
        "Sockets pane",
    ),
    b(
        &[KeyCode::Char('4')],
        Action::Go(Tab::Graphs),
        "4",
        "Graphs pane",
    ),
    b(
        &[KeyCode::Up, KeyCode::Char('k')],
        Action::Up,
        "↑/k",
        "select the row above",
    ),
    b(
        &[KeyCode::Down, KeyCode::Char('j')],
        Action::Down,
        "↓/j",
        "select the row below",
    ),
    b(&[KeyCode::PageUp], Action::PageUp, "PgUp", "ten rows up"),
    b(
        &[KeyCode::PageDown],
        Action::PageDown,
        "PgDn",
        "ten rows down",
    ),
    b(
        &[KeyCode::Home, KeyCode::Char('g')],
        Action::Home,
        "Home/g",
        "first row",
    ),
    b(
        &[KeyCode::End, KeyCode::Char('G')],
        Action::End,
        "End/G",
        "last row",
    ),
    b(
        &[KeyCode::Char('p'), KeyCode::Char(' ')],
        Action::TogglePause,
        "p",
        "pause/resume updates",
    ),
    b(&[KeyCode::Esc], Action::Back, "Esc", "close this overlay"),
];

/// Keys of the Inodes pane, looked up before the global ones there.
pub const INODES_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        Action::Inodes(InodesAction::ScanSelected),
        "s",
        "scan the selected filesystem",
    ),
    b(
        &[KeyCode::Char('/')],
        Action::Inodes(InodesAction::Prompt),
        "/",
        "scan a path (type it, Enter)",
    ),
    b(
        &[KeyCode::Char('r')],
        Action::Inodes(InodesAction::Rescan),
        "r",
        "rescan: change, rate per min",
    ),
    b(
        &[KeyCode::Char('b')],
        Action::Inodes(InodesAction::Bytes),
        "b",
        "sort by bytes (rescans)",
    ),
    b(
        &[KeyCode::Char('c')],
        Action::Inodes(InodesAction::Sort(SortKey::Entries)),
        "c",
        "sort by entry count",
    ),
    b(
        &[KeyCode::Char('n')],
        Action::Inodes(InodesAction::Sort(SortKey::Name)),
        "n",
        "sort by name",
    ),
    b(
        &[KeyCode::Right, KeyCode::Char('l')],
        Action::Inodes(InodesAction::Expand),
        "→/l",
        "open directory, then step in",
    ),
    b(
        &[KeyCode::Left, KeyCode::Char('h')],
        Action::Inodes(InodesAction::Collapse),
        "←/h",
        "close directory, then go up",
    ),
    b(
        &[KeyCode::Enter],
        Action::Inodes(InodesAction::Toggle),
        "Enter",
        "scan fs / open-close dir",
    ),
    b(
        &[KeyCode::Char('f')],
        Action::Inodes(InodesAction::Focus),
        "f",
        "arrows: filesystems / tree",
    ),
];

/// Keys of the Graphs pane, looked up before the global ones there.
pub const GRAPHS_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Left, KeyCode::Char('h')],
        Action::Graphs(GraphsAction::CursorBack),
        "←/h",
        "time cursor back (1s/10s/1m)",
    ),
    b(
        &[KeyCode::Right, KeyCode::Char('l')],
        Action::Graphs(GraphsAction::CursorForward),
        "→/l",
        "time cursor forward",
    ),
    b(
        &[KeyCode::End, KeyCode::Char('G'), KeyCode::Esc],
        Action::Graphs(GraphsAction::Live),
        "End/Esc",
        "cursor off: newest values",
    ),
    b(
        &[KeyCode::Char('+'), KeyCode::Char('=')],
        Action::Graphs(GraphsAction::ZoomIn),
        "+",
        "zoom in: 2h → 30m → 5m → 1m",
    ),
    b(
        &[KeyCode::Char('-')],
        Action::Graphs(GraphsAction::ZoomOut),
        "-",
        "zoom out: 1m → 5m → 30m → 2h",
    ),
];

/// Keys of the Sockets pane.
pub const SOCKETS_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        Action::Sockets(SocketsAction::SortNext),
        "s",
        "sort peers by the next column",
    ),
    b(
        &[KeyCode::Char('r')],
        Action::Sockets(SocketsAction::SortReverse),
        "r",
        "reverse the sort",
    ),
    b(
        &[KeyCode::Char('b')],
        Action::Sockets(SocketsAction::GroupNext),
        "b",
        "group peers by ip:port, ip, port",
    ),
    b(
        &[KeyCode::Char('f')],
        Action::Sockets(SocketsAction::Focus),
        "f",
        "arrows: peers / listeners",
    ),
];

/// The action for a key press in a pane: the pane's own keys first, then the global ones.
pub fn action_in(key: KeyEvent, tab: Tab) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let pane = pane_bindings(tab);
    pane.iter()
        .find(|bd| {
            bd.keys.contains(&key.code) && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        })
        .map(|bd| bd.action)
        .or_else(|| action_for(key))
}

/// The keys of one pane, beside the global ones.
pub fn pane_bindings(tab: Tab) -> &'static [Binding] {
    match tab {
        Tab::Inodes => INODES_BINDINGS,
        Tab::Sockets => SOCKETS_BINDINGS,
        Tab::Graphs => GRAPHS_BINDINGS,
        Tab::Limits => &[],
    }
}

/// The action for a key press, if any. Ctrl-C always quits.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    BINDINGS
        .iter()
        .find(|bd| bd.keys.contains(&key.code))
        .map(|bd| bd.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> Option<Action> {
        action_for(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(press(KeyCode::Char('q')), Some(Action::Quit));
        assert_eq!(press(KeyCode::Char('?')), Some(Action::ToggleHelp));
        assert_eq!(press(KeyCode::Char('1')), Some(Action::Go(Tab::Limits)));
        assert_eq!(press(KeyCode::Char('j')), Some(Action::Down));
        assert_eq!(press(KeyCode::Char('Z')), None);
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn inodes_pane_keys_come_first_there() {
        let right = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
        assert_eq!(
            action_in(right, Tab::Inodes),
            Some(Action::Inodes(InodesAction::Expand))
        );
        assert_eq!(action_in(right, Tab::Limits), Some(Action::NextTab));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_in(q, Tab::Inodes), Some(Action::Quit));
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action_for(key('3')), Some(Action::Go(Tab::Sockets)));
        assert_eq!(
            action_in(key('s'), Tab::Sockets),
            Some(Action::Sockets(SocketsAction::SortNext))
        );
        assert_eq!(
            action_in(key('b'), Tab::Sockets),
            Some(Action::Sockets(SocketsAction::GroupNext))
        );
        assert_eq!(action_in(key('b'), Tab::Limits), None);
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE)),
            Some(Action::Go(Tab::Inodes))
        );
        let mut seen = Vec::new();
        for k in INODES_BINDINGS.iter().flat_map(|b| b.keys) {
            assert!(!seen.contains(k), "{k:?} bound twice in the Inodes pane");
            seen.push(*k);
        }
    }

    #[test]
    fn graphs_pane_keys_move_the_cursor_and_zoom() {
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(
            action_in(key(KeyCode::Left), Tab::Graphs),
            Some(Action::Graphs(GraphsAction::CursorBack))
        );
        assert_eq!(
            action_in(key(KeyCode::Left), Tab::Limits),
            Some(Action::PrevTab)
        );
        assert_eq!(
            action_in(key(KeyCode::Char('-')), Tab::Graphs),
            Some(Action::Graphs(GraphsAction::ZoomOut))
        );
        assert_eq!(
            action_in(key(KeyCode::Esc), Tab::Graphs),
            Some(Action::Graphs(GraphsAction::Live))
        );
        assert_eq!(press(KeyCode::Char('4')), Some(Action::Go(Tab::Graphs)));
        let mut seen = Vec::new();
        for k in GRAPHS_BINDINGS.iter().flat_map(|b| b.keys) {
            assert!(!seen.contains(k), "{k:?} bound twice in the Graphs pane");
            seen.push(*k);
        }
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for k in BINDINGS.iter().flat_map(|b| b.keys) {
            assert!(!seen.contains(k), "{k:?} bound twice");
            seen.push(*k);
        }
    }
}
