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

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};

use crate::app::AppState;
use crate::derive::{LimitView, Severity};
use crate::format;
use crate::ui::theme;

pub fn render(state: &AppState, area: Rect, buf: &mut Buffer) {
    let d = &state.derived;
    let width = area.width.max(1) as usize;
    let wrapped: usize = d
        .findings
        .iter()
        .map(|f| (f.text.chars().count() + 2).div_ceil(width))
        .sum();
    let findings_h = (wrapped.clamp(1, 6) as u16)
        .min(area.height / 3)
        .max(1.min(area.height));
    let detail_h = match area.height {
        0..12 => 0,
        12..20 => 3,
        _ => 4,
    };
    let [top, table, detail] = Layout::vertical([
        Constraint::Length(findings_h),
        Constraint::Min(1),
        Constraint::Length(detail_h),
    ])
    .areas(area);
    findings(state, top, buf);
    limits_table(state, table, buf);
    details(state, detail, buf);
}

fn findings(state: &AppState, area: Rect, buf: &mut Buffer) {
    let d = &state.derived;
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
        let text = if state.snapshot.is_some() {
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

fn row(v: &LimitView) -> Row<'_> {
    let q =
        |n: Option<u64>, none: &str| n.map_or_else(|| none.to_string(), |n| v.limit.quantity(n));
    let fails =
        Line::from(v.limit.failures.map_or_else(String::new, |f| f.to_string())).right_aligned();
    let delta = match v.failures_delta {
        Some(d) if d > 0 => {
            Cell::from(Line::from(format!("+{d}")).right_aligned()).style(theme::fresh_failure())
        }
        Some(_) => Cell::from(Line::from("0").right_aligned()),
        None => Cell::from(""),
    };
    let usage = if v.limit.no_info {
        "no info".to_string()
    } else {
        format::bar(v.pct)
    };
    Row::new(vec![
        Cell::from(v.limit.name.as_str()),
        Cell::from(Line::from(q(v.limit.used, "?")).right_aligned()),
        Cell::from(Line::from(q(v.limit.max, "∞")).right_aligned()),
        Cell::from(usage),
        Cell::from(Line::from(trend(v)).right_aligned()),
        // Failures within the last minute keep the cell lit after the interval's delta is back to 0.
        if v.failures_recent.is_some_and(|(n, _)| n > 0) {
            Cell::from(fails).style(theme::fresh_failure())
        } else {
            Cell::from(fails)
        },
        delta,
        Cell::from(v.limit.note.as_deref().unwrap_or(&v.hint)),
    ])
    .style(theme::limit_row(v))
}

fn limits_table(state: &AppState, area: Rect, buf: &mut Buffer) {
    let widths = [
        Constraint::Min(18),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Length(format::BAR_WIDTH),
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Fill(if area.width >= 120 { 3 } else { 0 }),
    ];
    let header = Row::new([
        "limit",
        "used",
        "max",
        "use",
        "trend",
        "fails",
        "Δ",
        "what breaks; how to raise",
    ])
    .style(theme::header());
    let table = Table::new(state.derived.limits.iter().map(row), widths)
        .header(header)
        .row_highlight_style(theme::selected())
        .column_spacing(1);
    let mut ts = TableState::default().with_selected(Some(state.limits.selected));
    StatefulWidget::render(table, area, buf, &mut ts);
}

fn details(state: &AppState, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let d = &state.derived;
    let mut lines = Vec::new();
    if let Some(v) = d.limits.get(state.limits.selected) {
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
