//! The terminal: raw mode, the alternate screen and mouse reporting for as long as the guard
//! lives, restored on drop, on panic and on every exit path, exactly once.

use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
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
        // Without mouse reporting the keys still work.
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
        // ratatui's hook restores, then prints; ours gives the mouse back first and marks the
        // terminal as given back.
        let restoring = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !RESTORED.swap(true, Ordering::SeqCst) {
                let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
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
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
            ratatui::restore();
        }
    }
}
