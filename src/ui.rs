//! Rendering: the title bar with the tabs, the pane on screen (from the registry,
//! [`crate::app::panes`]) and the footer from the key tables; rendering only reads.
//!
//! ```text
//! headroom  host  10:40:41  /proc        [1 Limits]  2 Sockets ...
//! ┌ the selected pane ─────────────────────────────────────────────┐
//! │                                                                │
//! q quit  ? help  Tab pane  ↑↓ select  p pause
//! ```

pub mod events;
pub mod graphs;
pub mod help;
pub mod inodes;
pub mod limits;
pub mod procs;
pub mod sockets;
pub mod theme;
pub mod widgets;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::AppState;
use crate::app::action::{Action, Spot};
use crate::app::keymap::{BINDINGS, Binding};
use crate::app::panes::{PANES, PaneId};

/// The title bar, the pane, the footer.
fn areas(footer: usize, area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(footer as u16),
    ])
    .areas(area)
}

pub fn render(state: &AppState, area: Rect, buf: &mut Buffer) {
    let footer = footer_lines(state, area);
    let [top, body, foot] = areas(footer.len(), area);
    title_bar(state, top, buf);
    state.render_shown(body, buf);
    Paragraph::new(footer).render(foot, buf);
    if state.show_help {
        help::render(state.tab, state.replay.is_some(), area, buf);
    }
}

/// What is under the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointed {
    Tab(PaneId),
    /// A table of the pane on screen, and the row when on one.
    Pane(Spot),
    Nothing,
}

/// What a position of the screen shows, by the layout [`render`] draws.
pub fn point(state: &AppState, area: Rect, at: Position) -> Pointed {
    let [top, body, _] = areas(footer_lines(state, area).len(), area);
    if top.contains(at) {
        return tab_at(state, top.width, at.x - top.x).map_or(Pointed::Nothing, Pointed::Tab);
    }
    if body.contains(at) {
        return state
            .spot_shown(body, at)
            .map_or(Pointed::Nothing, Pointed::Pane);
    }
    Pointed::Nothing
}

/// The text before the tabs, then one span per tab.
/// The title bar's text and its tabs; where all titles do not fit in `width`, the tabs other
/// than the shown one are their number alone.
fn title_spans(state: &AppState, width: u16) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    let (host, time) = match &state.snapshot {
        Some(s) => (s.hostname.as_str(), clock(s.time_ms)),
        None => ("", String::from("--:--:--")),
    };
    // A time being typed comes first: on a narrow screen the rest of the bar is cut, and
    // typing blind is worse than not seeing the host.
    let mut spans = prompt_span(state, width).into_iter().collect::<Vec<_>>();
    spans.extend([
        Span::styled("headroom ", theme::title()),
        Span::raw(format!("{host} {time} ")),
        Span::styled(format!("{} ", state.source), theme::dim()),
    ]);
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
    spans.extend(replay_spans(state));
    spans.extend(recorder_spans(state));
    let used: usize = spans.iter().map(Span::width).sum();
    let full: usize = PANES
        .iter()
        .enumerate()
        .map(|(i, p)| format!(" {} {} ", i + 1, p.title).chars().count())
        .sum();
    let compact = used + full > usize::from(width);
    let tabs = PANES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let label = if compact && p.id != state.tab {
                format!(" {} ", i + 1)
            } else {
                format!(" {} {} ", i + 1, p.title)
            };
            let style = if p.id == state.tab {
                theme::selected()
            } else {
                theme::dim()
            };
            Span::styled(label, style)
        })
        .collect();
    (spans, tabs)
}

/// The replay's speed, or what could not be read.
fn replay_spans(state: &AppState) -> Vec<Span<'static>> {
    let Some(r) = &state.replay else {
        return Vec::new();
    };
    let warn = theme::severity(crate::derive::Severity::Warning);
    let mut spans = vec![Span::raw(format!("×{} ", r.speed))];
    if let (None, Some(e)) = (&r.prompt, &r.error) {
        spans.push(Span::styled(format!("{e} "), warn));
    }
    spans
}

/// The time being typed in a replay, with its cursor; without the format on a narrow screen.
fn prompt_span(state: &AppState, width: u16) -> Option<Span<'static>> {
    let p = state.replay.as_ref()?.prompt.as_ref()?;
    let warn = theme::severity(crate::derive::Severity::Warning);
    let label = if width < 40 {
        "go to"
    } else {
        "go to (HH:MM[:SS]):"
    };
    Some(Span::styled(format!("{label} {p}▏ "), warn))
}

/// That the dashboard records, where, and how much; or why it stopped.
fn recorder_spans(state: &AppState) -> Vec<Span<'static>> {
    let r = &state.recorder;
    let critical = theme::severity(crate::derive::Severity::Critical);
    match (&r.path, r.on, &r.error) {
        (Some(path), true, _) if r.paused => vec![Span::styled(
            format!(
                "● REC paused, disk under {}% free: {} ({}) ",
                r.reserve_pct(),
                path.display(),
                r.frames
            ),
            critical,
        )],
        (Some(path), true, _) => vec![Span::styled(
            format!("● REC {} ({}) ", path.display(), r.frames),
            critical,
        )],
        (_, false, Some(e)) => vec![Span::styled(format!("{e} "), critical)],
        _ => Vec::new(),
    }
}

fn title_bar(state: &AppState, area: Rect, buf: &mut Buffer) {
    let (mut spans, tabs) = title_spans(state, area.width);
    spans.extend(tabs);
    Line::from(spans).render(area, buf);
}

/// The tab drawn at column `x` of the title bar.
fn tab_at(state: &AppState, width: u16, x: u16) -> Option<PaneId> {
    let (before, tabs) = title_spans(state, width);
    let mut left = before.iter().map(Span::width).sum::<usize>();
    let x = usize::from(x);
    for (i, t) in tabs.iter().enumerate() {
        let right = left + t.width();
        if (left..right).contains(&x) {
            return PaneId::at(i);
        }
        left = right;
    }
    None
}

/// HH:MM:SS in UTC, from the snapshot's wall clock.
pub fn clock(time_ms: u64) -> String {
    let secs = (time_ms / 1000) % 86_400;
    format!("{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The keys of the footer, from the key tables: the global ones (moving a selection only where
/// the pane has rows), then the pane's own; pause says resume while paused. They take a second
/// line when one is too short, on a screen tall enough to spare it.
fn footer_lines(state: &AppState, area: Rect) -> Vec<Line<'static>> {
    let pane = state.shown();
    let global = BINDINGS
        .iter()
        .filter(|b| pane.rows || b.action != Action::Up);
    let (pause, global): (Vec<&Binding>, Vec<&Binding>) =
        global.partition(|b| b.action == Action::TogglePause);
    let max_lines = if area.height >= 20 { 2 } else { 1 };
    let mut lines = vec![Line::default()];
    let replay: &[Binding] = if state.replay.is_some() {
        crate::app::keymap::REPLAY_BINDINGS
    } else {
        &[]
    };
    let global = global
        .into_iter()
        .filter(|b| state.live || b.action != Action::ToggleRecord);
    for b in replay.iter().chain(global).chain(pane.keys).chain(pause) {
        let Some((key, what)) = b.footer_for(state.replay.is_some()) else {
            continue;
        };
        let what = match b.action {
            Action::TogglePause if state.paused => "resume",
            _ => what,
        };
        let item = [
            Span::styled(key, theme::key()),
            Span::raw(format!(" {what}  ")),
        ];
        let width: usize = item.iter().map(Span::width).sum();
        let full = lines
            .last()
            .is_some_and(|l| l.width() + width > usize::from(area.width) + 2);
        if full && lines.len() < max_lines {
            lines.push(Line::default());
        }
        if let Some(line) = lines.last_mut() {
            line.spans.extend(item);
        }
    }
    lines
}
