//! Draws the whole dashboard into a test terminal and reads it back as text.

#![allow(dead_code)]

use headroom::app::AppState;
use headroom::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The dashboard as it would appear in a terminal of `w` × `h`.
pub fn draw(state: &AppState, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| ui::render(state, f.area(), f.buffer_mut()))
        .expect("draw");
    t
}

/// The screen's text, one line per row.
pub fn screen(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}
