//! The one signal set-up every mode shares. SIGINT, SIGTERM, SIGHUP and SIGQUIT end a mode
//! cleanly (a recording finished, the terminal given back); the dashboard also takes SIGTSTP and
//! SIGCONT, to give the terminal back before it stops and take it again when continued.
//!
//! Handlers are installed only while a [`Signals`] lives; a mode that wants a signal's default
//! action (a one-shot report stopped by Ctrl-Z) does not ask for it. signal-hook's handlers run
//! on a thread of their own and pass each signal on to the mode's loop: its set-up reports a
//! shortage of file descriptors as an error, where tokio's signal driver panics.
//!
//! A second stop signal ends the process at once, from the handler itself: whatever a stuck
//! thread does (a sample hung on a mount), a user who asks twice is obeyed.

use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use signal_hook::SigId;
use signal_hook::iterator::Handle;
use tokio::sync::mpsc;

/// What a signal asks of the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Leave cleanly; the name is for messages.
    Stop(&'static str),
    /// SIGTSTP: give the terminal back, then stop the process.
    Suspend,
    /// SIGCONT: the process was continued; take the terminal again and redraw.
    Resume,
}

/// Whether the mode handles job control itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobControl {
    /// The kernel's default: SIGTSTP stops the process as it is.
    Default,
    /// SIGTSTP and SIGCONT arrive as [`Signal::Suspend`] and [`Signal::Resume`].
    Handle,
}

/// The signals a mode listens to; dropping it ends the listening thread.
pub struct Signals {
    rx: mpsc::UnboundedReceiver<Signal>,
    handle: Handle,
    /// The handlers that end the process on a second stop signal.
    second: Vec<SigId>,
}

/// The exit status of a process ended by a second stop signal.
const SECOND_SIGNAL_EXIT: i32 = 130;

impl Signals {
    /// Installs the handlers and starts the thread that passes signals on.
    pub fn listen(job: JobControl) -> std::io::Result<Signals> {
        let stops = [SIGINT, SIGTERM, SIGHUP, SIGQUIT];
        let second = exit_on_second(&stops)?;
        let mut wanted = stops.to_vec();
        if job == JobControl::Handle {
            wanted.extend([SIGTSTP, SIGCONT]);
        }
        let mut signals = signal_hook::iterator::Signals::new(&wanted)?;
        let handle = signals.handle();
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    if tx.send(meaning(sig)).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Signals { rx, handle, second })
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Signal {
        match self.rx.recv().await {
            Some(s) => s,
            // The thread ends only when closed, by our own drop.
            None => std::future::pending().await,
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        self.handle.close();
        for id in self.second.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Arms, on the first of `stops`, a handler that exits on the next one. The exiting handler is
/// registered first so the first signal only arms it.
fn exit_on_second(stops: &[i32]) -> std::io::Result<Vec<SigId>> {
    let armed = Arc::new(AtomicBool::new(false));
    let mut ids = Vec::new();
    for &sig in stops {
        ids.push(signal_hook::flag::register_conditional_shutdown(
            sig,
            SECOND_SIGNAL_EXIT,
            Arc::clone(&armed),
        )?);
        ids.push(signal_hook::flag::register(sig, Arc::clone(&armed))?);
    }
    Ok(ids)
}

fn meaning(sig: i32) -> Signal {
    match sig {
        SIGTSTP => Signal::Suspend,
        SIGCONT => Signal::Resume,
        SIGINT => Signal::Stop("SIGINT"),
        SIGHUP => Signal::Stop("SIGHUP"),
        SIGQUIT => Signal::Stop("SIGQUIT"),
        _ => Signal::Stop("SIGTERM"),
    }
}

/// Stops the process as SIGTSTP's default action would, once the terminal has been given back;
/// returns when the process is continued.
pub fn stop_self() -> std::io::Result<()> {
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_to_the_process_arrives_as_its_meaning() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut s = Signals::listen(JobControl::Handle).unwrap();
        rt.block_on(async {
            signal_hook::low_level::raise(SIGCONT).unwrap();
            assert_eq!(s.recv().await, Signal::Resume);
            signal_hook::low_level::raise(SIGQUIT).unwrap();
            assert_eq!(s.recv().await, Signal::Stop("SIGQUIT"));
        });
    }
}
