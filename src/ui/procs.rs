//! The Processes pane: one row per process (or per command in group mode) with its fds against
//! its limit, sockets, memory, growth and I/O; Enter opens the drill-down (`procs/detail.rs`).
//!
//! ```text
//! 2,043 processes · sort fds ▼ · filter "php" · 312 processes hidden: run as root …  (status)
//!     pid user     command  st thr         fds tcp/udp/unix   rss  fd/m rss/m read/s …
//!    4242 www-data php-fpm  S     1 1,420/2,048     1000/0/2 42M  +600    =        …
//! filter: php█  Enter keeps, Esc clears                                              (prompt)
//! ```

mod detail;
mod rows;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::AppState;
use crate::app::action::Spot;
use crate::app::procs::ProcsState;
use crate::derive::Severity;
use crate::derive::procs::ProcsView;
use crate::format::{count, noun};
use crate::ui::theme;
use crate::ui::widgets::table;

/// The Processes pane, borrowed from the state it draws.
pub struct ProcsPane<'a> {
    pub view: &'a ProcsView,
    pub state: &'a ProcsState,
    /// Before the first reading.
    pub waiting: bool,
}

/// The status line, the table, the prompt.
fn areas(area: Rect, prompt: bool) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(u16::from(prompt)),
    ])
    .areas(area)
}

impl<'a> ProcsPane<'a> {
    pub fn new(state: &'a ProcsState, app: &'a AppState) -> Self {
        Self {
            view: &app.derived.procs,
            state,
            waiting: app.snapshot.is_none(),
        }
    }

    /// The row under the mouse.
    pub fn spot(&self, area: Rect, at: Position) -> Option<Spot> {
        if self.state.drilled.is_some() {
            return None;
        }
        let [_, body, _] = areas(area, self.state.prompt);
        if !body.contains(at) {
            return None;
        }
        let rows = if self.state.grouped {
            self.state.group_order.len()
        } else {
            self.state.order.len()
        };
        Some(Spot {
            table: 0,
            row: table::row_at(body, rows, Some(self.state.selected()), at.y),
        })
    }

    fn status(&self) -> Line<'static> {
        let s = self.state;
        let arrow = if s.descending { "▼" } else { "▲" };
        let (n, one, many) = if s.grouped {
            (s.group_order.len() as u64, "command", "commands")
        } else {
            (s.order.len() as u64, "process", "processes")
        };
        let what = format!("{} {}", count(n), noun(n, one, many));
        let mut spans = vec![
            Span::raw(what),
            Span::styled(format!(" · sort {} {arrow}", s.sort.title()), theme::dim()),
        ];
        if let Some(only) = s.only {
            spans.push(Span::styled(
                format!(" · holding {}", only.title()),
                theme::key(),
            ));
        }
        if !s.filter.is_empty() {
            spans.push(Span::styled(
                format!(" · filter \"{}\"", s.filter),
                theme::key(),
            ));
        }
        if let Some(note) = &self.view.hidden_note {
            spans.push(Span::styled(format!(" · {note}"), theme::dim()));
        }
        Line::from(spans)
    }
}

impl Widget for ProcsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if self.waiting {
            Paragraph::new("Reading the first sample…")
                .style(theme::dim())
                .render(area, buf);
            return;
        }
        if let Some(pid) = self.state.drilled {
            detail::render(self.view, pid, area, buf);
            return;
        }
        if let Some(e) = &self.view.error {
            Paragraph::new(vec![
                Line::styled(
                    format!("Processes could not be read: {e}"),
                    theme::severity(Severity::Warning),
                ),
                Line::styled("Is /proc mounted?", theme::dim()),
            ])
            .wrap(Wrap { trim: true })
            .render(area, buf);
            return;
        }
        let [status, body, prompt] = areas(area, self.state.prompt);
        self.status().render(status, buf);
        if self.state.grouped {
            rows::group_table(self.view, self.state, body, buf);
        } else {
            rows::process_table(self.view, self.state, body, buf);
        }
        if self.state.prompt {
            Line::from(vec![
                Span::styled("filter: ", theme::key()),
                Span::raw(self.state.filter.clone()),
                Span::styled("█", theme::dim()),
                Span::styled("  Enter keeps, Esc clears", theme::dim()),
            ])
            .render(prompt, buf);
        }
    }
}
