//! The Inodes pane's side of the scanner: asking for a scan (the event loop starts it),
//! cancelling it, and taking in its progress and outcome.

use std::path::PathBuf;

use super::{InodesState, ScanStatus};
use crate::scan::{ProgressSample, ScanEvent, ScanHandle, ScanOptions, SortKey};

impl InodesState {
    /// Asks for a scan of `root` (ignored while one runs).
    pub fn request_scan(&mut self, root: PathBuf) {
        if self.is_running() {
            return;
        }
        let options = ScanOptions::new(root.clone()).with_bytes(self.bytes);
        self.status = ScanStatus::Running {
            root,
            bytes: self.bytes,
            progress: ProgressSample::default(),
        };
        self.pending = Some(options);
    }

    /// Scans the selected filesystem.
    pub fn scan_selected(&mut self) {
        if let Some(fs) = self.filesystems.get(self.fs_selected) {
            let root = PathBuf::from(&fs.mountpoint);
            self.request_scan(root);
        }
    }

    /// Scans the last root again.
    pub fn rescan(&mut self) {
        let root = match (&self.view, &self.status) {
            (_, ScanStatus::Failed { root, .. }) => Some(root.clone()),
            (Some(v), _) => Some(v.result.root.clone()),
            _ => None,
        };
        match root {
            Some(r) => self.request_scan(r),
            None => self.scan_selected(),
        }
    }

    /// `b`: sort by bytes when the result has them, else scan the shown root again with bytes.
    pub fn bytes_key(&mut self) {
        let has_bytes = self.view.as_ref().is_some_and(|v| v.result.bytes);
        if has_bytes {
            self.set_sort(SortKey::Bytes);
        } else {
            self.bytes = true;
            self.sort = SortKey::Bytes;
            match &self.view {
                Some(v) => {
                    let root = v.result.root.clone();
                    self.request_scan(root);
                }
                None => self.rescan(),
            }
        }
    }

    /// The scan the event loop should start, once.
    pub fn take_pending(&mut self) -> Option<ScanOptions> {
        self.pending.take()
    }

    /// The running scan's handle, kept so Esc can cancel it.
    pub fn started(&mut self, handle: ScanHandle) {
        self.handle = Some(handle);
    }

    /// Starting the scan thread failed.
    pub fn start_failed(&mut self, root: PathBuf, message: String) {
        self.handle = None;
        self.status = ScanStatus::Failed { root, message };
    }

    /// Esc: closes the prompt, or cancels a running scan. True when it did something.
    pub fn back(&mut self) -> bool {
        if self.prompt.take().is_some() {
            return true;
        }
        if self.is_running() {
            match &self.handle {
                // It ends soon and reports itself cancelled.
                Some(h) => h.cancel(),
                // Asked for but not started yet: simply dropped.
                None => {
                    self.pending = None;
                    self.status = ScanStatus::Idle;
                }
            }
            return true;
        }
        false
    }

    /// Takes in a progress sample or the outcome of the running scan.
    pub fn on_scan_event(&mut self, event: ScanEvent) {
        match event {
            ScanEvent::Progress(p) => {
                if let ScanStatus::Running { progress, .. } = &mut self.status {
                    *progress = p;
                }
            }
            ScanEvent::Done(outcome) => {
                self.handle = None;
                let root = match std::mem::take(&mut self.status) {
                    ScanStatus::Running { root, .. } | ScanStatus::Failed { root, .. } => root,
                    ScanStatus::Idle => PathBuf::new(),
                };
                match outcome {
                    Ok(result) => self.show(*result),
                    Err(e) => {
                        self.status = ScanStatus::Failed {
                            root,
                            message: e.to_string(),
                        }
                    }
                }
            }
        }
    }
}
