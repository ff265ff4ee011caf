//! Keys of a replay's time cursor, looked up before every other table.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{Binding, b};
use crate::app::action::Action;
use crate::app::replay::ReplayAction;

/// Keys of the time cursor while replaying a recording, looked up before every other table: where
/// they clash (←/→, g, +/-) the replay wins. Space pauses through the global key.
pub const REPLAY_BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Left],
        Action::Replay(ReplayAction::StepBack),
        "←",
        "replay: one sample back (pauses)",
    )
    .footer("←→", "step"),
    b(
        &[KeyCode::Right],
        Action::Replay(ReplayAction::StepForward),
        "→",
        "replay: one sample forward (pauses)",
    ),
    b(
        &[KeyCode::Char('[')],
        Action::Replay(ReplayAction::MinuteBack),
        "[",
        "replay: a minute back",
    )
    .footer("[]", "minute"),
    b(
        &[KeyCode::Char(']')],
        Action::Replay(ReplayAction::MinuteForward),
        "]",
        "replay: a minute forward",
    ),
    b(
        &[KeyCode::Char('{')],
        Action::Replay(ReplayAction::PrevEvent),
        "{",
        "replay: the previous event",
    )
    .footer("{}", "event"),
    b(
        &[KeyCode::Char('}')],
        Action::Replay(ReplayAction::NextEvent),
        "}",
        "replay: the next event",
    ),
    b(
        &[KeyCode::Char('g')],
        Action::Replay(ReplayAction::GoTo),
        "g",
        "replay: go to a time (HH:MM[:SS])",
    )
    .footer("g", "go to"),
    b(
        &[KeyCode::Char('+'), KeyCode::Char('=')],
        Action::Replay(ReplayAction::Faster),
        "+",
        "replay: faster (up to ×600)",
    )
    .footer("+-", "speed"),
    b(
        &[KeyCode::Char('-')],
        Action::Replay(ReplayAction::Slower),
        "-",
        "replay: slower (down to ×1)",
    ),
];

/// The time cursor's action for a key, while replaying.
pub fn replay_action(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release || key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    REPLAY_BINDINGS
        .iter()
        .find(|bd| bd.keys.contains(&key.code))
        .map(|bd| bd.action)
}
