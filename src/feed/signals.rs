//! The one signal set-up every mode shares. SIGINT, SIGTERM, SIGHUP and SIGQUIT end a mode
//! cleanly (a recording finished, the terminal given back); the dashboard also takes SIGTSTP and
//! SIGCONT, to give the terminal back before it stops and take it again when continued.
//!
//! Handlers are installed only while a [`Signals`] lives in a tokio runtime; a mode that wants a
//! signal's default action (a one-shot report stopped by Ctrl-Z) does not ask for it.

use tokio::signal::unix::{Signal as Stream, SignalKind, signal};

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

/// The signals a mode listens to.
pub struct Signals {
    stop: [(Stream, &'static str); 4],
    job: Option<(Stream, Stream)>,
}

impl Signals {
    /// Installs the handlers; must be called inside a tokio runtime with signals enabled.
    pub fn listen(job: JobControl) -> std::io::Result<Signals> {
        let stop = [
            (signal(SignalKind::interrupt())?, "SIGINT"),
            (signal(SignalKind::terminate())?, "SIGTERM"),
            (signal(SignalKind::hangup())?, "SIGHUP"),
            (signal(SignalKind::quit())?, "SIGQUIT"),
        ];
        let job = match job {
            JobControl::Default => None,
            JobControl::Handle => Some((
                signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP))?,
                signal(SignalKind::from_raw(signal_hook::consts::SIGCONT))?,
            )),
        };
        Ok(Signals { stop, job })
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Signal {
        let [(int, _), (term, _), (hup, _), (quit, _)] = &mut self.stop;
        let job = async {
            match &mut self.job {
                Some((tstp, cont)) => tokio::select! {
                    _ = tstp.recv() => Signal::Suspend,
                    _ = cont.recv() => Signal::Resume,
                },
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = int.recv() => Signal::Stop("SIGINT"),
            _ = term.recv() => Signal::Stop("SIGTERM"),
            _ = hup.recv() => Signal::Stop("SIGHUP"),
            _ = quit.recv() => Signal::Stop("SIGQUIT"),
            s = job => s,
        }
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
        rt.block_on(async {
            let mut s = Signals::listen(JobControl::Handle).unwrap();
            signal_hook::low_level::raise(signal_hook::consts::SIGCONT).unwrap();
            assert_eq!(s.recv().await, Signal::Resume);
            signal_hook::low_level::raise(signal_hook::consts::SIGQUIT).unwrap();
            assert_eq!(s.recv().await, Signal::Stop("SIGQUIT"));
        });
    }
}
