//! Keys as data: the same tables drive key handling, the footer and the help overlay. The
//! number keys come from the pane registry: key `n` shows the `n`th pane.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, GraphsAction, InodesAction, ProcsAction, SocketsAction};
use super::panes::Tab;
use crate::scan::SortKey;

mod replay;
pub use replay::{EVENTS_BINDINGS, REPLAY_BINDINGS, replay_action};

/// One binding: the keys, what they do, how help shows them, and how the footer does (if it
/// does).
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub action: Action,
    pub label: &'static str,
    pub help: &'static str,
    /// The key and one word for the footer.
    pub footer: Option<(&'static str, &'static str)>,
}

pub const fn b(
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
        footer: None,
    }
}

impl Binding {
    /// The same binding, shown in the footer as `key what`.
    pub const fn footer(mut self, key: &'static str, what: &'static str) -> Binding {
        self.footer = Some((key, what));
        self
    }
}

pub const BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('q'), KeyCode::F(10)],
        Action::Quit,
        "q/F10",
        "quit",
    )
    .footer("q", "quit"),
    b(
        &[KeyCode::Char('?'), KeyCode::F(1)],
        Action::ToggleHelp,
        "?/F1",
        "help: this list of keys",
    )
    .footer("?", "help"),
    b(
        &[KeyCode::Tab, KeyCode::Right],
        Action::NextTab,
        "Tab",
        "next pane",
    )
    .footer("Tab", "pane"),
    b(
        &[KeyCode::BackTab, KeyCode::Left],
        Action::PrevTab,
        "S-Tab",
        "previous pane",
    ),
    b(
        &[KeyCode::Up, KeyCode::Char('k')],
        Action::Up,
        "↑/k",
        "select the row above",
    )
    .footer("↑↓", "select"),
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
    )
    .footer("p", "pause"),
    b(
        &[KeyCode::Esc],
        Action::Back,
        "Esc",
        "close help, cancel, back",
    ),
    b(
        &[KeyCode::Char('R')],
        Action::ToggleRecord,
        "R",
        "record to a file, or stop",
    )
    .footer("R", "record"),
];

/// Keys of the Inodes pane, looked up before the global ones there.
pub const INODES_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        Action::Inodes(InodesAction::ScanSelected),
        "s",
        "scan the selected filesystem",
    )
    .footer("s", "scan fs"),
    b(
        &[KeyCode::Char('/')],
        Action::Inodes(InodesAction::Prompt),
        "/",
        "scan a path (type it, Enter)",
    )
    .footer("/", "scan path"),
    b(
        &[KeyCode::Char('r')],
        Action::Inodes(InodesAction::Rescan),
        "r",
        "rescan: change, rate per min",
    )
    .footer("r", "rescan"),
    b(
        &[KeyCode::Char('b')],
        Action::Inodes(InodesAction::Bytes),
        "b",
        "sort by bytes (rescans)",
    )
    .footer("b", "bytes"),
    b(
        &[KeyCode::Char('c')],
        Action::Inodes(InodesAction::Sort(SortKey::Entries)),
        "c",
        "sort by entry count",
    )
    .footer("c/n/d", "sort"),
    b(
        &[KeyCode::Char('n')],
        Action::Inodes(InodesAction::Sort(SortKey::Name)),
        "n",
        "sort by name",
    ),
    b(
        &[KeyCode::Char('d')],
        Action::Inodes(InodesAction::Sort(SortKey::Growth)),
        "d",
        "sort by growth",
    ),
    b(
        &[KeyCode::Right, KeyCode::Char('l')],
        Action::Inodes(InodesAction::Expand),
        "→/l",
        "open directory, then step in",
    )
    .footer("←→", "tree"),
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
    )
    .footer("f", "focus"),
];

/// Keys of the Graphs pane, looked up before the global ones there.
pub const GRAPHS_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Left, KeyCode::Char('h')],
        Action::Graphs(GraphsAction::CursorBack),
        "←/h",
        "time cursor back (1s/10s/1m)",
    )
    .footer("←→", "cursor"),
    b(
        &[KeyCode::Right, KeyCode::Char('l')],
        Action::Graphs(GraphsAction::CursorForward),
        "→/l",
        "time cursor forward",
    ),
    b(
        &[KeyCode::Char('+'), KeyCode::Char('=')],
        Action::Graphs(GraphsAction::ZoomIn),
        "+",
        "zoom in: 2h → 30m → 5m → 1m",
    )
    .footer("+-", "zoom"),
    b(
        &[KeyCode::Char('-')],
        Action::Graphs(GraphsAction::ZoomOut),
        "-",
        "zoom out: 1m → 5m → 30m → 2h",
    ),
    b(
        &[KeyCode::End, KeyCode::Char('G'), KeyCode::Esc],
        Action::Graphs(GraphsAction::Live),
        "End/Esc",
        "cursor off: newest values",
    )
    .footer("Esc", "live"),
];

/// Keys of the Sockets pane.
pub const SOCKETS_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        Action::Sockets(SocketsAction::SortNext),
        "s",
        "sort peers by the next column",
    )
    .footer("s/r", "sort"),
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
    )
    .footer("b", "group"),
    b(
        &[KeyCode::Char('f')],
        Action::Sockets(SocketsAction::Focus),
        "f",
        "arrows: peers / listeners",
    )
    .footer("f", "focus"),
    b(
        &[KeyCode::Char('e')],
        Action::Sockets(SocketsAction::EphemeralPeers),
        "e",
        "fold stray ephemeral peers",
    ),
];

/// Keys of the Limits pane.
pub const LIMITS_BINDINGS: &[Binding] = &[b(
    &[KeyCode::Char('o')],
    Action::Owners,
    "o",
    "the processes holding this limit",
)
.footer("o", "owners")];

/// Keys of the Processes pane.
pub const PROCS_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        Action::Procs(ProcsAction::SortNext),
        "s",
        "sort by the next column",
    )
    .footer("s/r", "sort"),
    b(
        &[KeyCode::Char('r')],
        Action::Procs(ProcsAction::SortReverse),
        "r",
        "reverse the sort",
    ),
    b(
        &[KeyCode::Char('/')],
        Action::Procs(ProcsAction::Filter),
        "/",
        "filter by command or command line",
    )
    .footer("/", "filter"),
    b(
        &[KeyCode::Char('g')],
        Action::Procs(ProcsAction::Group),
        "g",
        "group by command, or ungroup",
    )
    .footer("g", "group"),
    b(
        &[KeyCode::Enter],
        Action::Procs(ProcsAction::Open),
        "Enter",
        "drill down (Esc returns)",
    )
    .footer("Enter", "detail"),
];

/// The action for a key press in a pane: the pane's own keys first, then the global ones.
/// While help is open only the global keys count, so Esc closes it on every pane.
pub fn action_in(key: KeyEvent, tab: Tab, help: bool) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let pane = if help { &[] } else { tab.pane().keys };
    pane.iter()
        .find(|bd| {
            bd.keys.contains(&key.code) && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        })
        .map(|bd| bd.action)
        .or_else(|| action_for(key))
}

/// The action for a key press, if any: the global keys, and `1`–`9` for the panes in tab
/// order. Ctrl-C always quits.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if let KeyCode::Char(c @ '1'..='9') = key.code {
        let n = c.to_digit(10).unwrap_or(0) as usize;
        return Tab::at(n.saturating_sub(1)).map(Action::Go);
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
            action_in(right, Tab::Inodes, false),
            Some(Action::Inodes(InodesAction::Expand))
        );
        assert_eq!(action_in(right, Tab::Limits, false), Some(Action::NextTab));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_in(q, Tab::Inodes, false), Some(Action::Quit));
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action_for(key('3')), Some(Action::Go(Tab::Sockets)));
        assert_eq!(
            action_in(key('s'), Tab::Sockets, false),
            Some(Action::Sockets(SocketsAction::SortNext))
        );
        assert_eq!(
            action_in(key('b'), Tab::Sockets, false),
            Some(Action::Sockets(SocketsAction::GroupNext))
        );
        assert_eq!(action_in(key('b'), Tab::Limits, false), None);
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
            action_in(key(KeyCode::Left), Tab::Graphs, false),
            Some(Action::Graphs(GraphsAction::CursorBack))
        );
        assert_eq!(
            action_in(key(KeyCode::Left), Tab::Limits, false),
            Some(Action::PrevTab)
        );
        assert_eq!(
            action_in(key(KeyCode::Char('-')), Tab::Graphs, false),
            Some(Action::Graphs(GraphsAction::ZoomOut))
        );
        assert_eq!(
            action_in(key(KeyCode::Esc), Tab::Graphs, false),
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
    fn f10_quits_and_esc_closes_help_on_every_pane() {
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(press(KeyCode::F(10)), Some(Action::Quit));
        assert_eq!(press(KeyCode::F(1)), Some(Action::ToggleHelp));
        for tab in Tab::all() {
            assert_eq!(action_in(key(KeyCode::Esc), tab, true), Some(Action::Back));
        }
        assert_eq!(press(KeyCode::Char('9')), None, "no ninth pane");
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
