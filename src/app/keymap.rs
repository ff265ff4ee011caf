//! Keys as data: the same tables drive key handling, the footer and the help overlay. The
//! number keys come from the pane registry: key `n` shows the `n`th pane.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::panes::PaneId;

mod replay;
pub use replay::{REPLAY_BINDINGS, replay_action};

/// One binding: the keys, what they do, how help shows them, and how the footer does (if it
/// does).
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub action: Action,
    pub label: &'static str,
    pub help: &'static str,
    /// The key and one word for the footer.
    pub footer: Option<(&'static str, &'static str)>,
    /// The footer while a recording plays, where the replay keys take some of these keys.
    pub replay_footer: Option<(&'static str, &'static str)>,
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
        replay_footer: None,
    }
}

impl Binding {
    /// The same binding, shown in the footer as `key what`.
    pub const fn footer(mut self, key: &'static str, what: &'static str) -> Binding {
        self.footer = Some((key, what));
        self
    }

    /// The same binding, shown in the footer of a replay as `key what` instead.
    pub const fn replay_footer(mut self, key: &'static str, what: &'static str) -> Binding {
        self.replay_footer = Some((key, what));
        self
    }

    /// What the footer shows of it, replaying or not.
    pub fn footer_for(&self, replaying: bool) -> Option<(&'static str, &'static str)> {
        match self.replay_footer {
            Some(f) if replaying => Some(f),
            _ => self.footer,
        }
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

/// The action for a key press in a pane: the pane's own keys first, then the global ones.
/// While help is open only the global keys count, so Esc closes it on every pane.
pub fn action_in(key: KeyEvent, tab: PaneId, help: bool) -> Option<Action> {
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
        return PaneId::at(n.saturating_sub(1)).map(Action::Go);
    }
    BINDINGS
        .iter()
        .find(|bd| bd.keys.contains(&key.code))
        .map(|bd| bd.action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::graphs::GraphsAction;
    use crate::app::inodes::InodesAction;
    use crate::app::panes::PANES;
    use crate::app::sockets::SocketsAction;
    use crate::app::{graphs, inodes, limits, sockets};

    fn press(code: KeyCode) -> Option<Action> {
        action_for(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(press(KeyCode::Char('q')), Some(Action::Quit));
        assert_eq!(press(KeyCode::Char('?')), Some(Action::ToggleHelp));
        assert_eq!(press(KeyCode::Char('1')), Some(Action::Go(limits::PANE.id)));
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
        let (inodes, limits, sockets) = (inodes::PANE.id, limits::PANE.id, sockets::PANE.id);
        assert_eq!(
            action_in(right, inodes, false),
            Some(InodesAction::Expand.key())
        );
        assert_eq!(action_in(right, limits, false), Some(Action::NextTab));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_in(q, inodes, false), Some(Action::Quit));
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action_for(key('3')), Some(Action::Go(sockets)));
        assert_eq!(
            action_in(key('s'), sockets, false),
            Some(SocketsAction::SortNext.key())
        );
        assert_eq!(
            action_in(key('b'), sockets, false),
            Some(SocketsAction::GroupNext.key())
        );
        assert_eq!(action_in(key('b'), limits, false), None);
        assert_eq!(action_for(key('2')), Some(Action::Go(inodes)));
    }

    #[test]
    fn graphs_pane_keys_move_the_cursor_and_zoom() {
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        let graphs = graphs::PANE.id;
        assert_eq!(
            action_in(key(KeyCode::Left), graphs, false),
            Some(GraphsAction::CursorBack.key())
        );
        assert_eq!(
            action_in(key(KeyCode::Left), limits::PANE.id, false),
            Some(Action::PrevTab)
        );
        assert_eq!(
            action_in(key(KeyCode::Char('-')), graphs, false),
            Some(GraphsAction::ZoomOut.key())
        );
        assert_eq!(
            action_in(key(KeyCode::Esc), graphs, false),
            Some(GraphsAction::Live.key())
        );
        assert_eq!(press(KeyCode::Char('4')), Some(Action::Go(graphs)));
    }

    #[test]
    fn f10_quits_and_esc_closes_help_on_every_pane() {
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(press(KeyCode::F(10)), Some(Action::Quit));
        assert_eq!(press(KeyCode::F(1)), Some(Action::ToggleHelp));
        for tab in PaneId::all() {
            assert_eq!(action_in(key(KeyCode::Esc), tab, true), Some(Action::Back));
        }
        assert_eq!(press(KeyCode::Char('9')), None, "no ninth pane");
    }

    #[test]
    fn no_key_is_bound_twice() {
        let tables = std::iter::once(BINDINGS).chain(PANES.iter().map(|p| p.keys));
        for table in tables {
            let mut seen = Vec::new();
            for k in table.iter().flat_map(|b| b.keys) {
                assert!(!seen.contains(k), "{k:?} bound twice");
                seen.push(*k);
            }
        }
    }

    #[test]
    fn each_pane_key_is_its_own_action() {
        for pane in PANES {
            let mut seen = Vec::new();
            for b in pane
                .keys
                .iter()
                .filter(|b| matches!(b.action, Action::Pane(_)))
            {
                assert!(
                    !seen.contains(&b.action),
                    "{}: {} twice",
                    pane.title,
                    b.label
                );
                seen.push(b.action);
            }
        }
    }
}
