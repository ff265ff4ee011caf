//! The terminal: raw mode and the alternate screen for as long as the guard lives, restored on
//! drop, on panic (ratatui's hook) and on every exit path.

use ratatui::DefaultTerminal;

use crate::app::AppState;

pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen; installs the panic hook that restores them.
    pub fn new() -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
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
        // After SIGHUP the terminal may be gone; there is nothing to restore then.
        ratatui::restore();
    }
}
