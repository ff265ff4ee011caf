//! The help overlay: every key, from the keymap itself.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::app::keymap::BINDINGS;
use crate::ui::theme;

pub fn render(area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>8}  ", b.label), theme::key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 48.min(area.width);
    let [v] = Layout::vertical([Constraint::Length(h)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(w)])
        .flex(Flex::Center)
        .areas(v);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(Block::bordered().title(" keys — Esc or ? closes "))
        .render(popup, buf);
}
