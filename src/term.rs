//! The terminal: raw mode, the alternate screen and mouse reporting for as long as the guard
//! lives, restored on
//! drop, on panic and on every exit path, exactly once; given back on suspend (Ctrl-Z) and
//! taken again on resume.
//!
//! The screen takes only the newest frame. The event loop renders into a buffer and leaves it
//! in a one-frame mailbox; a writer thread owns the terminal and writes whatever frame is newest
//! when it is ready for one. A terminal that stops reading (a frozen SSH session, a paused
//! terminal emulator) blocks only the writer: the loop keeps taking snapshots, keys and signals,
//! frames it could not write are replaced rather than queued, and memory stays flat.

use std::collections::VecDeque;
use std::io::{Write, stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{DefaultTerminal, Terminal};

use crate::app::AppState;

/// Set once the terminal has been given back. Leaving the alternate screen a second time would
/// move the cursor back over whatever was printed since (a panic message).
static RESTORED: AtomicBool = AtomicBool::new(false);

/// How long giving the terminal back may wait for the writer; a terminal that does not read is
/// left as it is after that (raw mode is still switched off, which needs no writing).
const RESTORE_WAIT: Duration = Duration::from_millis(500);

/// What the writer does besides writing frames, in order, before the next frame.
enum Job {
    /// Leave the alternate screen, show the cursor, cooked mode; acknowledged when done.
    Suspend(std_mpsc::Sender<()>),
    /// Raw mode and the alternate screen again, cleared, and the next frame drawn whole.
    Resume,
    /// As `Suspend`, and the writer ends.
    Restore(std_mpsc::Sender<()>),
}

#[derive(Default)]
struct Slot {
    jobs: VecDeque<Job>,
    /// The newest frame not yet written; a newer one replaces it.
    frame: Option<Buffer>,
}

enum Work {
    Job(Job),
    Frame(Buffer),
}

#[derive(Default)]
struct Mailbox {
    slot: Mutex<Slot>,
    ready: Condvar,
}

impl Mailbox {
    fn post(&self, put: impl FnOnce(&mut Slot)) {
        if let Ok(mut slot) = self.slot.lock() {
            put(&mut slot);
            self.ready.notify_one();
        }
    }

    /// Waits for work: jobs first, then the newest frame. `None` if the lock is poisoned.
    fn take(&self) -> Option<Work> {
        let mut slot = self.slot.lock().ok()?;
        loop {
            if let Some(job) = slot.jobs.pop_front() {
                return Some(Work::Job(job));
            }
            if let Some(frame) = slot.frame.take() {
                return Some(Work::Frame(frame));
            }
            slot = self.ready.wait(slot).ok()?;
        }
    }
}

pub struct TerminalGuard {
    mailbox: Arc<Mailbox>,
    area: Rect,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen; installs the panic hook that restores them
    /// before the message is printed; starts the writer.
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
        let area = terminal.size().map(Rect::from).unwrap_or_default();
        let mailbox = Arc::new(Mailbox::default());
        let theirs = Arc::clone(&mailbox);
        let spawned = thread::Builder::new()
            .name("terminal".into())
            .spawn(move || write_frames(terminal, &theirs));
        let guard = Self { mailbox, area };
        // Without the writer nothing could be drawn; the guard's drop gives the terminal back.
        spawned?;
        Ok(guard)
    }

    /// Renders the state into a new frame and hands it to the writer; never waits for the
    /// terminal.
    pub fn draw(&mut self, state: &AppState) -> std::io::Result<()> {
        let mut frame = Buffer::empty(self.area);
        crate::ui::render(state, self.area, &mut frame);
        self.mailbox.post(|slot| slot.frame = Some(frame));
        Ok(())
    }

    /// Gives the terminal back as a shell expects it before the process stops.
    pub fn suspend(&mut self) {
        let (ack, done) = std_mpsc::channel();
        self.mailbox
            .post(|slot| slot.jobs.push_back(Job::Suspend(ack)));
        if done.recv_timeout(RESTORE_WAIT).is_err() {
            let _ = disable_raw_mode();
        }
    }

    /// The terminal's new size, from the resize event (asking the terminal on every frame
    /// costs an open of /dev/tty).
    pub fn resized(&mut self, width: u16, height: u16) {
        self.area = Rect::new(0, 0, width, height);
    }

    /// Takes the terminal again after a stop; the next frame is drawn whole, at the size the
    /// terminal has now.
    pub fn resume(&mut self) {
        if let Ok((width, height)) = crossterm::terminal::size() {
            self.resized(width, height);
        }
        self.mailbox.post(|slot| slot.jobs.push_back(Job::Resume));
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // After SIGHUP the terminal may be gone; restoring then fails quietly.
        if RESTORED.swap(true, Ordering::SeqCst) {
            return;
        }
        let (ack, done) = std_mpsc::channel();
        self.mailbox.post(|slot| {
            slot.frame = None;
            slot.jobs.push_back(Job::Restore(ack));
        });
        if done.recv_timeout(RESTORE_WAIT).is_err() {
            let _ = disable_raw_mode();
        }
    }
}

/// The writer thread: the only code that writes to the terminal while the guard lives.
fn write_frames(mut terminal: DefaultTerminal, mailbox: &Mailbox) {
    while let Some(work) = mailbox.take() {
        // Holding stdout while checking keeps a panic's restore from landing inside a frame.
        let _out = stdout().lock();
        match work {
            Work::Job(Job::Suspend(ack)) => {
                leave();
                let _ = ack.send(());
            }
            Work::Job(Job::Resume) => {
                if !RESTORED.load(Ordering::SeqCst) {
                    let _ = enable_raw_mode();
                    let _ = execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All));
                    mouse(true);
                    // A new terminal has blank buffers, as the screen now is, so the next frame
                    // is drawn whole. (`Terminal::clear` asks the terminal for the cursor first,
                    // an answer the key reader may take; it then fails and redraws nothing.)
                    if let Ok(fresh) = Terminal::new(CrosstermBackend::new(stdout())) {
                        terminal = fresh;
                    }
                }
            }
            Work::Job(Job::Restore(ack)) => {
                leave();
                let _ = ack.send(());
                return;
            }
            Work::Frame(frame) => {
                // Given back (a panic's hook, or a restore queued behind): draw nothing more.
                if !RESTORED.load(Ordering::SeqCst) {
                    let _ = terminal.draw(|f| place(frame, f.buffer_mut()));
                }
            }
        }
    }
}

/// Cooked mode, the main screen, the cursor shown.
fn leave() {
    mouse(false);
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
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
    let mut out = stdout();
    let _ = out.write_all(codes.as_bytes()).and_then(|()| out.flush());
}

/// Puts a rendered frame in the terminal's buffer, moved whole when both are the same size;
/// after a resize the two differ until the next frame, and only the part both cover is
/// copied.
fn place(from: Buffer, to: &mut Buffer) {
    if from.area == to.area {
        *to = from;
        return;
    }
    let both = from.area.intersection(to.area);
    for y in both.top()..both.bottom() {
        for x in both.left()..both.right() {
            if let (Some(src), Some(dst)) = (from.cell((x, y)), to.cell_mut((x, y))) {
                dst.clone_from(src);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_of_another_size_copies_only_what_both_cover() {
        let from = Buffer::with_lines(["abc", "def"]);
        let mut to = Buffer::with_lines(["....", "....", "...."]);
        place(from.clone(), &mut to);
        assert_eq!(to, Buffer::with_lines(["abc.", "def.", "...."]));
        let mut same = Buffer::with_lines(["xxx", "yyy"]);
        place(from.clone(), &mut same);
        assert_eq!(same, from);
    }

    #[test]
    fn the_mailbox_keeps_jobs_in_order_and_only_the_newest_frame() {
        let m = Mailbox::default();
        let (ack, _done) = std_mpsc::channel();
        m.post(|s| s.frame = Some(Buffer::with_lines(["1"])));
        m.post(|s| s.jobs.push_back(Job::Suspend(ack)));
        m.post(|s| s.jobs.push_back(Job::Resume));
        m.post(|s| s.frame = Some(Buffer::with_lines(["2"])));
        assert!(matches!(m.take(), Some(Work::Job(Job::Suspend(_)))));
        assert!(matches!(m.take(), Some(Work::Job(Job::Resume))));
        match m.take() {
            Some(Work::Frame(f)) => assert_eq!(f, Buffer::with_lines(["2"])),
            _ => panic!("no frame"),
        }
    }
}
