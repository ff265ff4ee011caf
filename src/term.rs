//! The terminal: raw mode, the alternate screen and mouse reporting for as long as the guard
//! lives, restored on drop, on panic and on every exit path, exactly once.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::DefaultTerminal;

use crate::app::AppState;

/// Set once the terminal has been given back. Leaving the alternate screen a second time would
/// move the cursor back over whatever was printed since (a panic message).
static RESTORED: AtomicBool = AtomicBool::new(false);

pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen; installs the panic hook that restores them
    /// before the message is printed.
    pub fn new() -> std::io::Result<Self> {
        RESTORED.store(false, Ordering::SeqCst);
        let terminal = ratatui::try_init()?;
        mouse(true);
        // ratatui's hook restores, then prints; ours gives the mouse back first and marks the
        // terminal as given back.
        let restoring = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !RESTORED.swap(true, Ordering::SeqCst) {
                mouse(false);
                restoring(info);
            }
        }));
        Ok(Self { terminal })
    }

    pub fn draw(&mut self, state: &AppState) -> std::io::Result<()> {
        self.terminal
            .draw(|f| crate::ui::render(state, f.area(), f.buffer_mut()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // After SIGHUP the terminal may be gone; restoring then fails quietly.
        if !RESTORED.swap(true, Ordering::SeqCst) {
            mouse(false);
            ratatui::restore();
        }
    }
}

/// Turns the terminal's mouse reports on or off: clicks and the wheel (mode 1000) in SGR
/// encoding (1006), without motion (crossterm's capture adds it, and every move would redraw).
/// Without them the keys still work, so a failure is ignored.
fn mouse(on: bool) {
    let codes = if on {
        "\x1b[?1000h\x1b[?1006h"
    } else {
        "\x1b[?1006l\x1b[?1000l"
    };
    let mut out = std::io::stdout();
    let _ = out.write_all(codes.as_bytes()).and_then(|()| out.flush());
}
