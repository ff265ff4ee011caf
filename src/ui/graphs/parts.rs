//! The parts of the Graphs pane around its charts: the header, the per-core heat strip, the
//! list of limit failures and the shared time axis.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::GraphsPane;
use super::window::{Window, ago};
use crate::derive::Severity;
use crate::derive::graphs::key;
use crate::history::Zoom;
use crate::ui::{clock, theme};

pub(super) fn header(p: &GraphsPane, w: &Window, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![
        Span::styled("Graphs ", theme::title()),
        Span::raw(" window "),
        Span::styled(p.state.zoom.label(), theme::key()),
        Span::raw(format!("  now {}", clock(w.now_ms))),
    ];
    // Over a whole recording the cursor marks now until it is moved: nothing more to say.
    if let Some(c) = w
        .cursor_ms
        .filter(|c| *c != w.now_ms || w.to_ms == w.now_ms)
    {
        spans.push(Span::raw("   "));
        spans.push(Span::styled(
            format!("cursor {} (-{})", clock(c), ago(w.now_ms.saturating_sub(c))),
            theme::cursor().reversed(),
        ));
    }
    let fine = p.history.oldest_fine_ms().unwrap_or(w.to_ms);
    let zoom = p.state.zoom;
    if zoom != Zoom::Whole && w.from_ms < fine && w.to_ms - fine < zoom.span_ms() {
        spans.push(Span::styled(
            format!("   history since {}", clock(fine)),
            theme::dim(),
        ));
    }
    if let Some(done) = p.ahead.filter(|_| p.overview.is_none()) {
        spans.push(Span::styled(
            format!("   reading the whole recording: {:.0}%", done * 100.0),
            theme::dim(),
        ));
    }
    Line::from(spans).render(area, buf);
}

/// One block per core, coloured by where its frequency sits between the scaling bounds.
pub(super) fn heat_strip(
    p: &GraphsPane,
    w: &Window,
    bounds: Option<(f64, f64)>,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.height == 0 {
        return;
    }
    let h = p.series();
    let mut cores: Vec<(usize, f64)> = h
        .keys_with_prefix(key::FREQ_CORE)
        .into_iter()
        .filter_map(|k| {
            let n: usize = k.strip_prefix(key::FREQ_CORE)?.parse().ok()?;
            Some((n, h.value_at(k, w.at_ms, w.tolerance_ms)?))
        })
        .collect();
    cores.sort_by_key(|(n, _)| *n);
    let (lo, hi) = bounds.unwrap_or_else(|| {
        let lo = cores.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
        let hi = cores.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    });
    let mut spans = vec![Span::styled("cores ", theme::dim())];
    let room = usize::from(area.width).saturating_sub(8);
    for (_, mhz) in cores.iter().take(room) {
        let x = if hi > lo { (mhz - lo) / (hi - lo) } else { 0.5 };
        spans.push(Span::styled("█", Style::new().fg(theme::heat(x))));
    }
    if cores.len() > room {
        spans.push(Span::styled("…", theme::dim()));
    }
    if bounds.is_none() {
        spans.push(Span::styled(" (no scaling bounds)", theme::dim()));
    }
    Line::from(spans).render(area, buf);
}

pub(super) fn failures(p: &GraphsPane, w: &Window, area: Rect, buf: &mut Buffer) {
    let mut marks = p.series().marks_between(w.from_ms, w.to_ms);
    marks.sort_by_key(|m| std::cmp::Reverse(m.time_ms));
    let title = match p.state.zoom {
        Zoom::Whole => "Limit events, all".to_string(),
        z => format!("Limit events, last {}", z.label()),
    };
    let mut lines = vec![Line::styled(title, theme::title())];
    if marks.is_empty() {
        lines.push(Line::styled(
            "none (▲ on the time axis when one happens)",
            theme::dim(),
        ));
    }
    for m in marks
        .iter()
        .take(usize::from(area.height.saturating_sub(1)))
    {
        lines.push(Line::from(vec![
            Span::styled("▲ ", theme::severity(Severity::Critical)),
            Span::raw(format!("{} {}", clock(m.time_ms), m.label)),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

/// The shared time axis of a column: ends, middle, failure marks and the cursor.
pub(super) fn time_axis(p: &GraphsPane, w: &Window, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width.saturating_sub(1));
    if width < 10 {
        return;
    }
    let mut cells: Vec<(char, Style)> = vec![('─', theme::dim()); width];
    let span = w.to_ms - w.from_ms;
    let col = |t: u64| {
        ((t.saturating_sub(w.from_ms)) as f64 / span as f64 * (width - 1) as f64).round() as usize
    };
    let mut put_text = |at: usize, text: &str| {
        for (i, ch) in text.chars().enumerate() {
            if let Some(c) = cells.get_mut(at + i) {
                *c = (ch, theme::dim());
            }
        }
    };
    let [left, mid, right] = w.labels(p.state.zoom);
    put_text(0, &left);
    put_text((width / 2).saturating_sub(mid.len() / 2), &mid);
    put_text(width.saturating_sub(right.len()), &right);
    for m in p.series().marks_between(w.from_ms, w.to_ms) {
        if let Some(c) = cells.get_mut(col(m.time_ms)) {
            *c = ('▲', theme::severity(Severity::Critical));
        }
    }
    // The charts draw the cursor from top to bottom; on the axis it leaves the labels whole.
    if let Some(c) = w.cursor_ms
        && let Some(cell) = cells.get_mut(col(c))
        && matches!(cell.0, '─' | '▲')
    {
        *cell = ('┃', theme::cursor());
    }
    let spans: Vec<Span> = cells
        .into_iter()
        .map(|(c, s)| Span::styled(c.to_string(), s))
        .collect();
    Line::from(spans).render(area, buf);
}
