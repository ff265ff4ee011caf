//! The help overlay: every key, from the keymap itself.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::app::keymap::{BINDINGS, Binding, INODES_BINDINGS, SOCKETS_BINDINGS};
use crate::app::state::Tab;
use crate::ui::theme;

/// Every global key, then the keys of the pane shown (`tab`).
pub fn render(tab: Tab, area: Rect, buf: &mut Buffer) {
    let line = |b: &Binding| {
        Line::from(vec![
            Span::styled(format!("{:>8}  ", b.label), theme::key()),
            Span::raw(b.help),
        ])
    };
    let mut lines: Vec<Line> = BINDINGS.iter().map(line).collect();
    let pane: &[Binding] = match tab {
        Tab::Inodes => INODES_BINDINGS,
        Tab::Sockets => SOCKETS_BINDINGS,
        Tab::Limits => &[],
    };
    if !pane.is_empty() {
        lines.push(Line::styled(
            format!("{} pane", tab.title()),
            theme::header(),
        ));
        lines.extend(pane.iter().map(line));
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
