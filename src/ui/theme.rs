//! Colours and styles, in one place.

use ratatui::style::{Color, Modifier, Style};

use crate::derive::{LimitView, Severity};

pub const CRITICAL: Color = Color::Red;
pub const WARNING: Color = Color::Yellow;
pub const OK: Color = Color::Green;

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn header() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// The one mapping from severity to colour: red when critical, yellow when a warning. Every
/// pane styles what `derive` judged through this (or [`level`]), never from its own thresholds.
pub fn severity(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new().fg(CRITICAL).add_modifier(Modifier::BOLD),
        Severity::Warning => Style::new().fg(WARNING),
    }
}

/// [`severity`], plain when there is none.
pub fn level(s: Option<Severity>) -> Style {
    s.map_or_else(Style::new, severity)
}

/// The filled part of a gauge: [`severity`], green when there is none.
pub fn gauge(s: Option<Severity>) -> Style {
    s.map_or_else(|| Style::new().fg(OK), severity)
}

/// A share of some limit (a usage bar, ephemeral ports), styled by [`Severity::of_pct`].
pub fn usage(pct: Option<f64>) -> Style {
    level(pct.and_then(Severity::of_pct))
}

/// A limits row: red once it has failed or sits at its limit (and it stays so), yellow above 80%.
pub fn limit_row(v: &LimitView) -> Style {
    if v.limit.no_info {
        return dim();
    }
    let failed = v.ever_failed().then_some(Severity::Critical);
    level(v.severity.max(failed))
}

/// The failures-in-the-last-interval cell when it is not zero.
pub fn fresh_failure() -> Style {
    Style::new()
        .fg(Color::White)
        .bg(CRITICAL)
        .add_modifier(Modifier::BOLD)
}

/// Colours of the lines of a chart, in order; the legend uses the same.
pub const SERIES: [Color; 6] = [
    Color::Yellow,
    Color::Magenta,
    Color::Cyan,
    Color::Green,
    Color::LightBlue,
    Color::LightRed,
];

/// A threshold drawn across a chart.
pub fn threshold(critical: bool) -> Style {
    Style::new().fg(if critical { CRITICAL } else { Color::Blue })
}

/// The time cursor.
pub fn cursor() -> Style {
    Style::new().fg(Color::White).add_modifier(Modifier::BOLD)
}

/// Heat from 0 (cold, at the lower bound) to 1 (at the upper bound).
pub fn heat(x: f64) -> Color {
    match x {
        x if x >= 0.9 => Color::Red,
        x if x >= 0.7 => Color::LightRed,
        x if x >= 0.5 => Color::Yellow,
        x if x >= 0.3 => Color::Green,
        x if x >= 0.1 => Color::Cyan,
        _ => Color::Blue,
    }
}
