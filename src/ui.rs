//! Rendering: one widget per pane, each `render(state, area, buf)`; rendering only reads.
//!
//! ```text
//! headroom  host  10:40:41  /proc        [1 Limits]  2 Sockets ...
//! ┌ the selected pane ─────────────────────────────────────────────┐
//! │                                                                │
//! q quit  ? help  Tab pane  ↑↓ select  p pause
//! ```

pub mod format;
pub mod graphs;
pub mod help;
pub mod inodes;
pub mod limits;
pub mod sockets;
pub mod theme;
pub mod widgets;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::AppState;
use crate::app::state::Tab;

pub fn render(state: &AppState, area: Rect, buf: &mut Buffer) {
    let [top, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    title_bar(state, top, buf);
    match state.tab {
        Tab::Limits => limits::render(state, body, buf),
        Tab::Inodes => inodes::render(&state.inodes, body, buf),
        Tab::Sockets => sockets::render(state, body, buf),
        Tab::Graphs => graphs::render(state, body, buf),
    }
    footer(state, foot, buf);
    if state.show_help {
        help::render(state.tab, area, buf);
    }
}

fn title_bar(state: &AppState, area: Rect, buf: &mut Buffer) {
    let (host, time) = match &state.snapshot {
        Some(s) => (s.hostname.as_str(), clock(s.time_ms)),
        None => ("", String::from("--:--:--")),
    };
    let mut spans = vec![
        Span::styled("headroom ", theme::title()),
        Span::raw(format!("{host} {time} ")),
        Span::styled(format!("{} ", state.source), theme::dim()),
    ];
    if let Some(age) = state.data_age_ms().filter(|_| state.is_stale()) {
        spans.push(Span::styled(
            format!("data {}s old ", age / 1000),
            theme::severity(crate::derive::Severity::Warning),
        ));
    }
    if state.paused {
        spans.push(Span::styled(
            "PAUSED ",
            theme::severity(crate::derive::Severity::Warning),
        ));
    }
    for (i, t) in Tab::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, t.title());
        let style = if *t == state.tab {
            theme::selected()
        } else {
            theme::dim()
        };
        spans.push(Span::styled(label, style));
    }
    Line::from(spans).render(area, buf);
}

/// HH:MM:SS in UTC, from the snapshot's wall clock.
pub fn clock(time_ms: u64) -> String {
    let secs = (time_ms / 1000) % 86_400;
    format!("{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

fn footer(state: &AppState, area: Rect, buf: &mut Buffer) {
    let pause = ("p", if state.paused { "resume" } else { "pause" });
    let keys: &[(&str, &str)] = match state.tab {
        Tab::Graphs => &[
            ("q", "quit"),
            ("?", "help"),
            ("Tab", "pane"),
            ("←→", "cursor"),
            ("+-", "zoom"),
            ("Esc", "live"),
            pause,
        ],
        _ => &[
            ("q", "quit"),
            ("?", "help"),
            ("Tab", "pane"),
            ("↑↓", "select"),
            pause,
        ],
    };
    let mut spans = Vec::new();
    for &(k, what) in keys {
        spans.push(Span::styled(k, theme::key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans).render(area, buf);
}
