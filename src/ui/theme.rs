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

pub fn severity(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new().fg(CRITICAL).add_modifier(Modifier::BOLD),
        Severity::Warning => Style::new().fg(WARNING),
    }
}

/// A limits row: red once it has failed or sits at its limit (and it stays so), yellow above 80%.
pub fn limit_row(v: &LimitView) -> Style {
    if v.limit.no_info {
        return dim();
    }
    let pct = v.pct.unwrap_or(0.0);
    if v.ever_failed() || pct >= 100.0 {
        Style::new().fg(CRITICAL)
    } else if pct >= 80.0 || v.limit.peak_hit {
        Style::new().fg(WARNING)
    } else {
        Style::new()
    }
}

/// The failures-in-the-last-interval cell when it is not zero.
pub fn fresh_failure() -> Style {
    Style::new()
        .fg(Color::White)
        .bg(CRITICAL)
        .add_modifier(Modifier::BOLD)
}
