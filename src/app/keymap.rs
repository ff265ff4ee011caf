//! Keys as data: the same table drives key handling, the footer and the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::state::Tab;

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
        Action::Go(Tab::Sockets),
        "2",
        "Sockets pane",
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
    b(
        &[KeyCode::Char('s')],
        Action::SortNext,
        "s",
        "sockets: sort by the next column",
    ),
    b(
        &[KeyCode::Char('r')],
        Action::SortReverse,
        "r",
        "sockets: reverse the sort",
    ),
    b(
        &[KeyCode::Char('b')],
        Action::GroupNext,
        "b",
        "sockets: group by ip:port/ip/port",
    ),
    b(
        &[KeyCode::Char('f')],
        Action::FocusNext,
        "f",
        "sockets: peers ↔ listeners",
    ),
    b(&[KeyCode::Esc], Action::Back, "Esc", "close this overlay"),
];

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
        assert_eq!(press(KeyCode::Char('2')), Some(Action::Go(Tab::Sockets)));
        assert_eq!(press(KeyCode::Char('s')), Some(Action::SortNext));
        assert_eq!(press(KeyCode::Char('b')), Some(Action::GroupNext));
        assert_eq!(press(KeyCode::Char('Z')), None);
        assert_eq!(
            action_for(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
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
