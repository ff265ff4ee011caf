//! Keys of the Inodes pane, looked up before the global ones there.

use crossterm::event::KeyCode;

use crate::app::action::Action;
use crate::app::keymap::{Binding, b};

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
    SortEntries,
    SortName,
    SortGrowth,
    Expand,
    Collapse,
    Toggle,
    /// Switch the arrow keys between the filesystems and the tree.
    Focus,
}

impl InodesAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    pub fn of(action: Action) -> Option<Self> {
        use InodesAction::*;
        [
            ScanSelected,
            Prompt,
            Rescan,
            Bytes,
            SortEntries,
            SortName,
            SortGrowth,
            Expand,
            Collapse,
            Toggle,
            Focus,
        ]
        .into_iter()
        .find(|a| a.key() == action)
    }
}

impl From<InodesAction> for Action {
    fn from(a: InodesAction) -> Action {
        a.key()
    }
}

pub const KEYS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        InodesAction::ScanSelected.key(),
        "s",
        "scan the selected filesystem",
    )
    .footer("s", "scan fs"),
    b(
        &[KeyCode::Char('/')],
        InodesAction::Prompt.key(),
        "/",
        "scan a path (type it, Enter)",
    )
    .footer("/", "scan path"),
    b(
        &[KeyCode::Char('r')],
        InodesAction::Rescan.key(),
        "r",
        "rescan: change, rate per min",
    )
    .footer("r", "rescan"),
    b(
        &[KeyCode::Char('b')],
        InodesAction::Bytes.key(),
        "b",
        "sort by bytes (rescans)",
    )
    .footer("b", "bytes"),
    b(
        &[KeyCode::Char('c')],
        InodesAction::SortEntries.key(),
        "c",
        "sort by entry count",
    )
    .footer("c/n/d", "sort"),
    b(
        &[KeyCode::Char('n')],
        InodesAction::SortName.key(),
        "n",
        "sort by name",
    ),
    b(
        &[KeyCode::Char('d')],
        InodesAction::SortGrowth.key(),
        "d",
        "sort by growth",
    ),
    b(
        &[KeyCode::Right, KeyCode::Char('l')],
        InodesAction::Expand.key(),
        "→/l",
        "open directory, then step in",
    )
    .footer("←→", "tree"),
    b(
        &[KeyCode::Left, KeyCode::Char('h')],
        InodesAction::Collapse.key(),
        "←/h",
        "close directory, then go up",
    ),
    b(
        &[KeyCode::Enter],
        InodesAction::Toggle.key(),
        "Enter",
        "scan fs / open-close dir",
    ),
    b(
        &[KeyCode::Char('f')],
        InodesAction::Focus.key(),
        "f",
        "arrows: filesystems / tree",
    )
    .footer("f", "focus"),
];
