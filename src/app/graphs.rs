//! View state of the Graphs pane: the zoom level and the time cursor. The series themselves
//! live in the history; this holds only where the user is looking.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::action::Action;
use super::keymap::{Binding, b};
use super::panes::{Data, Jump, Pane, PaneId, PaneState};
use super::state::AppState;
use crate::history::Zoom;

pub const PANE: Pane = Pane {
    id: PaneId("graphs"),
    title: "Graphs",
    keys: KEYS,
    rows: false,
    sockets: false,
    new: || Box::<GraphsState>::default(),
};

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

impl GraphsAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    fn of(action: Action) -> Option<Self> {
        use GraphsAction::*;
        [CursorBack, CursorForward, Live, ZoomIn, ZoomOut]
            .into_iter()
            .find(|a| a.key() == action)
    }
}

impl From<GraphsAction> for Action {
    fn from(a: GraphsAction) -> Action {
        a.key()
    }
}

/// Keys of the Graphs pane, looked up before the global ones there.
pub const KEYS: &[Binding] = &[
    b(
        &[KeyCode::Left, KeyCode::Char('h')],
        GraphsAction::CursorBack.key(),
        "←/h",
        "time cursor back (1s/10s/1m)",
    )
    .footer("←→", "cursor"),
    b(
        &[KeyCode::Right, KeyCode::Char('l')],
        GraphsAction::CursorForward.key(),
        "→/l",
        "time cursor forward",
    ),
    // Replaying, + and - set the speed: z and Z zoom there.
    b(
        &[KeyCode::Char('+'), KeyCode::Char('='), KeyCode::Char('z')],
        GraphsAction::ZoomIn.key(),
        "+/z",
        "zoom in: all → 2h → 30m → 5m → 1m",
    )
    .footer("+-", "zoom")
    .replay_footer("zZ", "zoom"),
    b(
        &[KeyCode::Char('-'), KeyCode::Char('Z')],
        GraphsAction::ZoomOut.key(),
        "-/Z",
        "zoom out: 1m → 5m → 30m → 2h → all (everything held)",
    ),
    b(
        &[KeyCode::End, KeyCode::Char('G'), KeyCode::Esc],
        GraphsAction::Live.key(),
        "End/Esc",
        "cursor off: newest values",
    )
    .footer("Esc", "live"),
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GraphsState {
    pub zoom: Zoom,
    /// How far before the newest sample the cursor stands, in ms; None shows the newest values.
    pub cursor_back_ms: Option<u64>,
}

impl GraphsState {
    /// How far one cursor step moves at this zoom: 1 s, 10 s, 1 min.
    pub fn step_ms(&self) -> u64 {
        match self.zoom {
            Zoom::Min1 | Zoom::Min5 => 1_000,
            Zoom::Min30 => 10_000,
            Zoom::Hour2 => 60_000,
            Zoom::Whole => 300_000,
        }
    }

    /// Moves the cursor back in time, at most to the left edge of the window.
    pub fn cursor_back(&mut self) {
        let back = self.cursor_back_ms.map_or(0, |b| b + self.step_ms());
        self.cursor_back_ms = Some(back.min(self.zoom.span_ms()));
    }

    /// Moves the cursor towards now; past now it disappears.
    pub fn cursor_forward(&mut self) {
        self.cursor_back_ms = match self.cursor_back_ms {
            Some(b) if b > 0 => Some(b.saturating_sub(self.step_ms())),
            _ => None,
        };
    }

    pub fn clear_cursor(&mut self) {
        self.cursor_back_ms = None;
    }

    pub fn set_zoom(&mut self, zoom: Zoom) {
        self.zoom = zoom;
        self.clamp();
    }

    /// Keeps the cursor inside the window after a zoom.
    pub fn clamp(&mut self) {
        if let Some(b) = &mut self.cursor_back_ms {
            *b = (*b).min(self.zoom.span_ms());
        }
    }
}

impl PaneState for GraphsState {
    fn apply(&mut self, action: Action, _: &Data) -> Option<Jump> {
        match GraphsAction::of(action) {
            Some(GraphsAction::CursorBack) => self.cursor_back(),
            Some(GraphsAction::CursorForward) => self.cursor_forward(),
            Some(GraphsAction::Live) => self.clear_cursor(),
            Some(GraphsAction::ZoomIn) => self.set_zoom(self.zoom.narrower()),
            Some(GraphsAction::ZoomOut) => self.set_zoom(self.zoom.wider()),
            None if action == Action::Back => self.clear_cursor(),
            None => {}
        }
        None
    }

    fn render(&self, app: &AppState, area: Rect, buf: &mut Buffer) {
        crate::ui::graphs::render(self, app, area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_moves_by_zoom_step_and_stays_in_the_window() {
        let mut g = GraphsState::default();
        g.cursor_forward();
        assert_eq!(g.cursor_back_ms, None);
        g.cursor_back();
        assert_eq!(g.cursor_back_ms, Some(0));
        g.cursor_back();
        g.cursor_back();
        assert_eq!(g.cursor_back_ms, Some(2_000));
        g.set_zoom(Zoom::Hour2);
        g.cursor_back();
        assert_eq!(g.cursor_back_ms, Some(62_000));
        for _ in 0..500 {
            g.cursor_back();
        }
        assert_eq!(g.cursor_back_ms, Some(7_200_000));
        g.set_zoom(Zoom::Min5);
        assert_eq!(g.cursor_back_ms, Some(300_000));
        g.cursor_forward();
        assert_eq!(g.cursor_back_ms, Some(299_000));
        g.set_zoom(g.zoom.narrower());
        assert_eq!(g.zoom, Zoom::Min1);
        assert_eq!(
            g.cursor_back_ms,
            Some(60_000),
            "the one-minute window holds the cursor"
        );
        assert_eq!(g.zoom.narrower(), Zoom::Min1);
        assert_eq!(g.zoom.wider(), Zoom::Min5);
        g.clear_cursor();
        assert_eq!(g.cursor_back_ms, None);
    }
}
