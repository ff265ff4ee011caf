//! The Limits pane: findings as sentences above one table of every hidden limit, most critical
//! first, and the selected row's hint below.
//!
//! ```text
//! ▲ numothersock (uid 101) is at its limit (400 of 400) and was refused 17 times ...
//! limit                    used      max  use            trend  fails    Δ
//! numothersock (uid 101)    400      400  ██████████ 100%    +3    127   17
//! ...
//! numothersock (uid 101): new unix/UDP sockets fail ...; raise: vzctl set --numothersock
//! ```
//!
//! While `w` asks which limits can produce an error message, the question takes the place of
//! the findings and the table holds only those limits, closest first ([`why`]).

mod why;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::AppState;
use crate::app::action::Spot;
use crate::app::limits::{LimitsState, TABLE};
use crate::derive::{Derived, LimitView, Severity};
use crate::format;
use crate::ui::theme;
use crate::ui::widgets::table::{self, Column, Row, Table};

/// The Limits pane, borrowed from the state it draws.
pub struct LimitsPane<'a> {
    pub derived: &'a Derived,
    pub state: &'a LimitsState,
    /// A first sample has arrived.
    pub started: bool,
    /// The rows shown: every limit, or those behind the question asked.
    rows: Vec<&'a LimitView>,
}

impl<'a> LimitsPane<'a> {
    pub fn new(state: &'a LimitsState, app: &'a AppState) -> Self {
        Self {
            derived: &app.derived,
            state,
            started: app.snapshot.is_some(),
            rows: state.rows(&app.derived.limits),
        }
    }

    /// The findings, the table, the details.
    fn areas(&self, area: Rect) -> [Rect; 3] {
        let width = area.width.max(1) as usize;
        let wrapped: usize = self
            .derived
            .findings
            .iter()
            .map(|f| (f.text.chars().count() + 2).div_ceil(width))
            .sum();
        let findings_h = if why::shown(self.state.why()) {
            why::HEIGHT.min(area.height)
        } else {
            (wrapped.clamp(1, 6) as u16)
                .min(area.height / 3)
                .max(1.min(area.height))
        };
        let detail_h = match area.height {
            0..12 => 0,
            12..20 => 3,
            _ => 4,
        };
        Layout::vertical([
            Constraint::Length(findings_h),
            Constraint::Min(1),
            Constraint::Length(detail_h),
        ])
        .areas(area)
    }

    /// The table row under the mouse.
    pub fn spot(&self, area: Rect, at: Position) -> Option<Spot> {
        let [_, t, _] = self.areas(area);
        t.contains(at).then(|| Spot {
            table: TABLE,
            row: table::row_at(t, self.rows.len(), Some(self.state.selected()), at.y),
        })
    }
}

impl Widget for LimitsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [top, table, detail] = self.areas(area);
        let why = self.state.why();
        if why::shown(why) {
            why::top(&self, top, buf);
        } else {
            findings(&self, top, buf);
        }
        if why::unknown(why) {
            why::known(table, buf);
        } else {
            limits_table(&self, table, buf);
        }
        details(&self, detail, buf);
    }
}

fn findings(p: &LimitsPane, area: Rect, buf: &mut Buffer) {
    let d = p.derived;
    let mut lines: Vec<Line> = d
        .findings
        .iter()
        .map(|f| {
            let mark = match f.severity {
                Severity::Critical => "▲ ",
                Severity::Warning => "△ ",
            };
            Line::from(vec![
                Span::styled(mark, theme::severity(f.severity)),
                Span::styled(f.text.clone(), theme::severity(f.severity)),
            ])
        })
        .collect();
    if lines.len() > area.height as usize && area.height > 0 {
        let more = d.findings.len() - (area.height as usize - 1);
        lines.truncate(area.height as usize - 1);
        lines.push(Line::styled(
            format!("  … {more} more findings below"),
            theme::dim(),
        ));
    }
    if lines.is_empty() {
        let text = if p.started {
            "No limit is near: nothing above 80% and no failures."
        } else {
            "Reading the first sample…"
        };
        lines.push(Line::styled(text, theme::dim().fg(theme::OK)));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

fn trend(v: &LimitView) -> String {
    match v.trend_per_min {
        Some(t) if t.abs() >= 0.5 => {
            let n = v.limit.quantity(t.abs().round() as u64);
            format!("{}{n}/m", if t > 0.0 { "+" } else { "-" })
        }
        Some(_) => "=".into(),
        None => String::new(),
    }
}

/// The last column: what breaks and how to raise it; while answering a question, the evidence
/// (failures, note, holders) where there is some.
fn last_column(v: &LimitView, asked: bool) -> String {
    let signs = crate::derive::why::signs(v);
    if asked && !signs.is_empty() {
        signs.join("; ")
    } else {
        v.limit.note.clone().unwrap_or_else(|| v.hint.clone())
    }
}

fn row(v: &LimitView, asked: bool) -> Row<'_> {
    let q =
        |n: Option<u64>, none: &str| n.map_or_else(|| none.to_string(), |n| v.limit.quantity(n));
    let fails = Line::from(v.limit.failures.map_or_else(String::new, |f| f.to_string()));
    // Failures within the last minute keep the cell lit after the interval's delta is back to 0.
    let fails = if v.failures_recent.is_some_and(|(n, _)| n > 0) {
        fails.style(theme::fresh_failure())
    } else {
        fails
    };
    let delta = match v.failures_delta {
        Some(d) if d > 0 => Line::from(format!("+{d}")).style(theme::fresh_failure()),
        Some(_) => Line::from("0"),
        None => Line::default(),
    };
    let usage = if v.limit.no_info {
        format!("{:<w$}", "no info", w = usize::from(format::BAR_WIDTH))
    } else {
        format::bar(v.pct)
    };
    Row::new(vec![
        Line::from(v.limit.name.as_str()),
        Line::from(q(v.limit.used, "?")),
        Line::from(q(v.limit.max, "∞")),
        Line::from(usage),
        Line::from(trend(v)),
        fails,
        delta,
        Line::from(last_column(v, asked)),
    ])
    .style(theme::limit_row(v))
}

/// Columns, and which leave first on a narrow screen: the hint (too short to read below 24
/// columns; the details below the table say it in full), then the total failures, the trend,
/// the maximum, the usage, the bar; the name and the fresh failures stay.
fn columns(asked: bool) -> Vec<Column<'static>> {
    let last = if asked {
        "evidence, else what breaks"
    } else {
        "what breaks; how to raise"
    };
    vec![
        Column::name("limit", 12, 32),
        Column::number("used", 3),
        Column::number("max", 4),
        Column::fixed("use", 1),
        Column::number("trend", 5),
        Column::number("fails", 6),
        Column::number("Δ", 0),
        Column::text(last, 24, 7),
    ]
}

fn limits_table(p: &LimitsPane, area: Rect, buf: &mut Buffer) {
    let asked = p.state.why().asked().is_some();
    let rows = p.rows.iter().map(|v| row(v, asked)).collect();
    Table::new(columns(asked), rows)
        .header_style(theme::header())
        .select(Some(p.state.selected()), theme::selected())
        .render(area, buf);
}

fn details(p: &LimitsPane, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let d = p.derived;
    let mut lines = Vec::new();
    let asked = p.state.why().asked().is_some();
    if let Some(v) = p.rows.get(p.state.selected())
        && asked
    {
        // The evidence first: its use, failures, note and holders; then what breaks.
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", v.limit.name), theme::title()),
            Span::raw(crate::derive::why::evidence(v)),
        ]));
        lines.push(Line::from(v.hint.clone()));
    } else if let Some(v) = p.rows.get(p.state.selected()) {
        if !v.limit.consumers.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Held most by: ", theme::title()),
                Span::raw(crate::derive::consumers_text(v, v.limit.consumers.len())),
            ]));
        }
        let mut text = format!("{}: {}", v.limit.name, v.hint);
        if let Some(n) = &v.limit.note {
            text.push_str(&format!(" ({n})"));
        }
        lines.push(Line::from(text));
    }
    if !d.errors.is_empty() {
        let list: Vec<String> = d
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.source, e.message))
            .collect();
        lines.push(Line::styled(
            format!("Errors: {}", list.join("; ")),
            theme::severity(Severity::Warning),
        ));
    }
    if !d.absent.is_empty() {
        let list: Vec<&str> = d.absent.iter().map(|a| a.source.as_str()).collect();
        lines.push(Line::styled(
            format!("Not available here: {}", list.join(", ")),
            theme::dim(),
        ));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
