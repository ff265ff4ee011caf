//! The Limits pane while it answers `w`: the prompt, or the question with how many limits here
//! can produce it and which cannot be seen; a question headroom does not know lists the
//! messages it does.
//!
//! ```text
//! why "Cannot allocate memory" (ENOMEM): 4 limits here, closest first · Esc clears
//! not seen here: cgroup.memory, vm.overcommit, proc.maps:*
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::LimitsPane;
use crate::app::limits::WhyView;
use crate::derive::Severity;
use crate::derive::why::unseen;
use crate::format::noun;
use crate::limits::messages::MESSAGES;
use crate::ui::theme;

/// Lines the prompt or the question takes above the table.
pub const HEIGHT: u16 = 2;

/// Whether the pane shows the prompt or a question rather than the findings.
pub fn shown(why: &WhyView) -> bool {
    why.prompt().is_some() || why.asked().is_some()
}

/// Whether a question was asked that headroom does not know: the table gives way to the list.
pub fn unknown(why: &WhyView) -> bool {
    why.asked().is_some() && why.messages().is_empty()
}

/// The prompt, or the question, in the place of the findings.
pub fn top(p: &LimitsPane, area: Rect, buf: &mut Buffer) {
    let why = p.state.why();
    let lines = match (why.prompt(), why.asked()) {
        (Some(text), _) => prompt(why, text),
        (None, Some(q)) if unknown(why) => vec![Line::styled(
            format!("{q:?} is not a message headroom knows (Esc clears). It knows:"),
            theme::severity(Severity::Warning),
        )],
        (None, Some(q)) => question(p, q),
        (None, None) => Vec::new(),
    };
    Paragraph::new(lines).render(area, buf);
}

fn prompt(why: &WhyView, text: &str) -> Vec<Line<'static>> {
    let first = Line::from(vec![
        Span::styled("why: ", theme::key()),
        Span::raw(text.to_string()),
        Span::styled("█", theme::dim()),
        Span::styled("  Enter asks, Esc closes", theme::dim()),
    ]);
    let candidates = why.candidates();
    let second = if text.trim().is_empty() {
        "an error message, a log line or an errno name (EAGAIN); Tab goes through the known ones"
            .to_string()
    } else if candidates.is_empty() {
        "no known message begins so".to_string()
    } else {
        let labels: Vec<String> = candidates.iter().map(|m| m.label()).collect();
        format!("Tab: {}", labels.join(" · "))
    };
    vec![first, Line::styled(second, theme::dim())]
}

fn question(p: &LimitsPane, q: &str) -> Vec<Line<'static>> {
    let why = p.state.why();
    let names: Vec<String> = why.messages().iter().map(|m| m.quoted()).collect();
    let n = p.rows.len();
    let first = Line::from(vec![
        Span::styled(format!("why {}", names.join(", ")), theme::title()),
        Span::raw(format!(
            ": {n} {} here, closest first",
            noun(n as u64, "limit", "limits")
        )),
        Span::styled(" · Esc clears", theme::dim()),
    ]);
    let missing = unseen(q, &p.derived.limits);
    let second = if missing.is_empty() {
        Line::default()
    } else {
        Line::styled(
            format!("not seen here: {}", missing.join(", ")),
            theme::dim(),
        )
    };
    vec![first, second]
}

/// Every known message, in the place of the table.
pub fn known(area: Rect, buf: &mut Buffer) {
    let labels: Vec<String> = MESSAGES.iter().map(|m| m.label()).collect();
    Paragraph::new(labels.join(" · "))
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
