//! The help overlay: every key, from the key tables and the pane registry themselves.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::app::keymap::{BINDINGS, Binding, REPLAY_BINDINGS};
use crate::app::panes::{PANES, PaneId};
use crate::ui::theme;

/// Every global key, the number key of each pane, then the keys of the pane shown (`tab`), and
/// those of the time cursor when `replay`ing.
pub fn render(tab: PaneId, replay: bool, area: Rect, buf: &mut Buffer) {
    let entry = |label: &str, help: String| {
        Line::from(vec![
            Span::styled(format!("{label:>8}  "), theme::key()),
            Span::raw(help),
        ])
    };
    let line = |b: &Binding| entry(b.label, b.help.to_string());
    let mut lines: Vec<Line> = BINDINGS.iter().map(line).collect();
    // The number keys on one line (the tab bar names the panes): the help must fit 80x24.
    lines.push(entry(
        &format!("1-{}", PANES.len()),
        "the panes, in the tab bar's order".into(),
    ));
    lines.push(entry("mouse", "click a tab or a row; wheel scrolls".into()));
    let pane: &[Binding] = tab.pane().keys;
    if !pane.is_empty() {
        lines.push(Line::styled(
            format!("{} pane", tab.title()),
            theme::header(),
        ));
        lines.extend(pane.iter().map(line));
    }
    if replay {
        lines.push(Line::styled(
            "Replay (before the keys above)",
            theme::header(),
        ));
        lines.extend(REPLAY_BINDINGS.iter().map(line));
    }
    // Two columns when one does not fit the height.
    let columns: u16 = if lines.len() as u16 + 2 > area.height {
        2
    } else {
        1
    };
    let per_column = lines.len().div_ceil(usize::from(columns));
    let h = (per_column as u16 + 2).min(area.height);
    let w = (48 * columns).min(area.width);
    let [v] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(v);
    Clear.render(popup, buf);
    let block = Block::bordered().title(" keys — Esc or ? closes ");
    let inner = block.inner(popup);
    block.render(popup, buf);
    let cols = Layout::horizontal(vec![Constraint::Fill(1); usize::from(columns)]).split(inner);
    let mut rest = lines;
    for col in cols.iter() {
        let tail = rest.split_off(per_column.min(rest.len()));
        Paragraph::new(rest).render(*col, buf);
        rest = tail;
    }
}
