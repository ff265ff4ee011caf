//! `headroom replay FILE`: a recording played back into the dashboard, at its own pace or faster.

use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::{CollectorHandle, Control};
use crate::model::Snapshot;

/// The wait before a snapshot: the recorded gap divided by the speed, at most 10 s.
pub fn gap(prev: &Snapshot, next: &Snapshot, speed: f64) -> Duration {
    let ms = next.time_ms.saturating_sub(prev.time_ms) as f64 / speed.max(0.01);
    Duration::from_millis(ms.min(10_000.0) as u64)
}

/// Waits `d`; false when told to stop. A recording holds every socket already, so the app's
/// other messages change nothing here.
fn sleep(controls: &std_mpsc::Receiver<Control>, d: Duration) -> bool {
    let due = std::time::Instant::now() + d;
    loop {
        match controls.recv_timeout(due.saturating_duration_since(std::time::Instant::now())) {
            Err(std_mpsc::RecvTimeoutError::Timeout) => return true,
            Ok(Control::SocketsInBackground(_)) => {}
            Ok(Control::Stop) | Err(std_mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// Feeds the snapshots to the app on their recorded schedule, from a thread of its own.
pub fn spawn(
    snapshots: Vec<Snapshot>,
    speed: f64,
    tx: mpsc::UnboundedSender<Snapshot>,
) -> std::io::Result<CollectorHandle> {
    let (control, controls) = std_mpsc::channel::<Control>();
    let thread = thread::Builder::new()
        .name("replay".into())
        .spawn(move || {
            let mut prev: Option<Snapshot> = None;
            for snap in snapshots {
                if let Some(p) = &prev
                    && !sleep(&controls, gap(p, &snap, speed))
                {
                    return;
                }
                prev = Some(snap.clone());
                if tx.send(snap).is_err() {
                    return;
                }
            }
        })?;
    Ok(CollectorHandle::new(control, thread))
}
