//! The Events pane: every event in time order (kernel messages about a limit, failure counters
//! that rose, limits that passed 90%, leak verdicts), each with its time, source, limit,
//! severity and text; the selected one in full below. Enter shows its Limits row.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::theme;
use crate::app::action::Spot;
use crate::app::event_log::EventLog;
use crate::app::events::{EventsState, TABLE};
use crate::derive::events::{Event, Source};
use crate::ui::widgets::table::{self, Column, Row, Table};

pub struct EventsPane<'a> {
    state: &'a EventsState,
    log: &'a EventLog,
}

impl<'a> EventsPane<'a> {
    pub fn new(state: &'a EventsState, log: &'a EventLog) -> Self {
        Self { state, log }
    }

    /// The table, and the selected event in full below it (when there is room).
    fn areas(&self, area: Rect) -> [Rect; 2] {
        let detail = if area.height >= 10 { 3 } else { 0 };
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail)]).areas(area)
    }

    /// The table row under the mouse.
    pub fn spot(&self, area: Rect, at: Position) -> Option<Spot> {
        let [t, _] = self.areas(area);
        t.contains(at).then(|| Spot {
            table: TABLE,
            row: table::row_at(t, self.log.log().len(), Some(self.state.selected()), at.y),
        })
    }
}

impl Widget for EventsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [t, detail] = self.areas(area);
        if self.log.log().is_empty() {
            Paragraph::new(
                "No events yet. Kernel messages about a limit, failure counters that rise, limits \
                 passing 90% and leaking processes are listed here as they happen.",
            )
            .style(theme::dim())
            .wrap(Wrap { trim: true })
            .render(t, buf);
            return;
        }
        Table::new(columns(), self.log.log().iter().map(row).collect())
            .header_style(theme::header())
            .select(Some(self.state.selected()), theme::selected())
            .render(t, buf);
        if let Some(e) = self.state.selected_event(self.log) {
            details(e, detail, buf);
        }
    }
}

fn source(s: Source) -> &'static str {
    match s {
        Source::Kmsg => "kernel",
        Source::Counter => "counter",
        Source::Threshold => "90%",
        Source::Leak => "leak",
    }
}

fn row(e: &Event) -> Row<'_> {
    let severity = format!("{:?}", e.severity).to_lowercase();
    Row::new(vec![
        Line::from(super::clock(e.time_ms)),
        Line::from(source(e.source)),
        Line::from(severity),
        Line::from(e.limit.as_deref().unwrap_or("")),
        Line::from(e.text.as_str()),
    ])
    .style(theme::severity(e.severity))
}

/// Columns, and which leave first on a narrow screen: the severity (the colour says it), the
/// source, the limit; the time and the text stay.
fn columns() -> Vec<Column<'static>> {
    vec![
        Column::fixed("time", 0),
        Column::fixed("source", 2),
        Column::fixed("severity", 3),
        Column::name("limit", 8, 24).dropped(1),
        Column::text("what happened", 12, 0),
    ]
}

fn details(e: &Event, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let limit = match &e.limit {
        Some(id) => vec![
            Span::styled("Enter", theme::key()),
            Span::raw(format!(" shows {id} in Limits")),
        ],
        None => vec![Span::styled("no limit row", theme::dim())],
    };
    let mut head = vec![Span::raw(format!("{} · ", e.time))];
    head.extend(limit);
    Paragraph::new(vec![Line::from(head), Line::from(e.text.as_str())])
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
