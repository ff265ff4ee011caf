//! View state of the Inodes pane: the filesystems by inode use, the scanner's progress and its
//! result tree (expanded directories, selection, sort), and the rescan diff.
//!
//! The scan itself runs in its own thread ([`crate::scan::spawn`]); this state only asks for one
//! (`pending`, taken by the event loop) and takes in the [`ScanEvent`]s it sends.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::Mount;
use crate::scan::{
    FsKind, ProgressSample, ScanDiff, ScanEvent, ScanHandle, ScanOptions, ScanResult, SortKey,
    fstype,
};

/// One filesystem row, like `df -i` beside `df -h`.
#[derive(Debug, Clone, PartialEq)]
pub struct FsRow {
    pub mountpoint: String,
    pub fstype: String,
    pub inodes_used: Option<u64>,
    pub inodes_total: Option<u64>,
    pub bytes_used: Option<u64>,
    pub bytes_total: Option<u64>,
    /// Network or pseudo: the scanner leaves it alone.
    pub kind: Option<FsKind>,
    /// Why statvfs gave nothing.
    pub error: Option<String>,
}

impl FsRow {
    pub fn from_mount(m: &Mount) -> Self {
        let kind = fstype::classify_name(&m.fstype);
        match &m.usage {
            Ok(u) => {
                let inodes_used = u.inodes_total.saturating_sub(u.inodes_free);
                let bytes_used = u.bytes_total.saturating_sub(u.bytes_free);
                Self {
                    mountpoint: m.mountpoint.clone(),
                    fstype: m.fstype.clone(),
                    inodes_used: (u.inodes_total > 0).then_some(inodes_used),
                    inodes_total: (u.inodes_total > 0).then_some(u.inodes_total),
                    bytes_used: Some(bytes_used),
                    // As df: used against what the user could have (used + available).
                    bytes_total: Some(bytes_used.saturating_add(u.bytes_avail)),
                    kind,
                    error: None,
                }
            }
            Err(e) => Self {
                mountpoint: m.mountpoint.clone(),
                fstype: m.fstype.clone(),
                inodes_used: None,
                inodes_total: None,
                bytes_used: None,
                bytes_total: None,
                kind,
                error: Some(e.to_string()),
            },
        }
    }

    pub fn inodes_pct(&self) -> Option<f64> {
        pct(self.inodes_used, self.inodes_total)
    }

    pub fn bytes_pct(&self) -> Option<f64> {
        pct(self.bytes_used, self.bytes_total)
    }
}

fn pct(used: Option<u64>, total: Option<u64>) -> Option<f64> {
    match (used, total) {
        (Some(u), Some(t)) if t > 0 => Some(u as f64 * 100.0 / t as f64),
        _ => None,
    }
}

/// Which part of the pane the arrow keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Filesystems,
    Tree,
}

/// A visible row of the result tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub node: u32,
    pub depth: u16,
}

/// What the scanner is doing.
#[derive(Debug, Default)]
pub enum ScanStatus {
    #[default]
    Idle,
    Running {
        root: PathBuf,
        bytes: bool,
        progress: ProgressSample,
    },
    /// The last scan ended without a result (the previous result, if any, stays shown).
    Failed { root: PathBuf, message: String },
}

/// A finished scan and how it is shown.
#[derive(Debug)]
pub struct ScanView {
    pub result: Arc<ScanResult>,
    /// Change since the previous scan of the same root.
    pub diff: Option<ScanDiff>,
    pub rows: Vec<TreeRow>,
    pub selected: usize,
    /// Expanded directories, by path (so they stay open across a rescan).
    expanded: HashSet<PathBuf>,
}

impl ScanView {
    pub fn selected_node(&self) -> Option<u32> {
        self.rows.get(self.selected).map(|r| r.node)
    }

    pub fn is_expanded(&self, node: u32) -> bool {
        self.expanded.contains(&self.result.path(node))
    }

    fn rebuild(&mut self, sort: SortKey) {
        let keep = self.selected_node().map(|n| self.result.path(n));
        let tree = &self.result.tree;
        self.rows.clear();
        if tree.is_empty() {
            self.selected = 0;
            return;
        }
        // Depth first, children in sort order.
        let mut stack = vec![TreeRow { node: 0, depth: 0 }];
        while let Some(row) = stack.pop() {
            self.rows.push(row);
            if self.expanded.contains(&self.result.path(row.node)) {
                let children = tree.sorted_children(row.node, sort);
                for &c in children.iter().rev() {
                    stack.push(TreeRow {
                        node: c,
                        depth: row.depth.saturating_add(1),
                    });
                }
            }
        }
        if let Some(path) = keep
            && let Some(i) = self
                .rows
                .iter()
                .position(|r| self.result.path(r.node) == path)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }
}

/// State of the Inodes pane.
#[derive(Debug, Default)]
pub struct InodesState {
    /// Filesystems, worst inode use first.
    pub filesystems: Vec<FsRow>,
    pub fs_selected: usize,
    pub focus: Focus,
    /// The path being typed at the prompt, while it is open.
    pub prompt: Option<String>,
    /// Sum bytes in the next scan.
    pub bytes: bool,
    pub sort: SortKey,
    pub status: ScanStatus,
    pub view: Option<ScanView>,
    /// A scan asked for, for the event loop to start.
    pending: Option<ScanOptions>,
    handle: Option<ScanHandle>,
}

impl InodesState {
    /// Takes in the mounts of a new snapshot: worst first, selection kept on the same mount.
    pub fn set_mounts(&mut self, mounts: &[Mount]) {
        let keep = self
            .filesystems
            .get(self.fs_selected)
            .map(|f| f.mountpoint.clone());
        let mut rows: Vec<FsRow> = mounts.iter().map(FsRow::from_mount).collect();
        rows.sort_by(|a, b| {
            let key = |r: &FsRow| {
                (
                    r.inodes_pct().unwrap_or(-1.0),
                    r.bytes_pct().unwrap_or(-1.0),
                )
            };
            let (ka, kb) = (key(a), key(b));
            kb.0.total_cmp(&ka.0)
                .then(kb.1.total_cmp(&ka.1))
                .then_with(|| a.mountpoint.cmp(&b.mountpoint))
        });
        self.filesystems = rows;
        if let Some(mp) = keep
            && let Some(i) = self.filesystems.iter().position(|f| f.mountpoint == mp)
        {
            self.fs_selected = i;
        }
        self.fs_selected = self
            .fs_selected
            .min(self.filesystems.len().saturating_sub(1));
    }

    pub fn is_running(&self) -> bool {
        matches!(self.status, ScanStatus::Running { .. })
    }

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

    pub fn set_sort(&mut self, sort: SortKey) {
        let has_bytes = self.view.as_ref().is_some_and(|v| v.result.bytes);
        self.sort = if sort == SortKey::Bytes && !has_bytes {
            SortKey::Entries
        } else {
            sort
        };
        let s = self.sort;
        if let Some(v) = &mut self.view {
            v.rebuild(s);
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

    /// Shows a finished scan: diffed against the previous one of the same root, expanded
    /// along its heaviest path, the deepest directory of that path selected.
    pub fn show(&mut self, result: ScanResult) {
        let result = Arc::new(result);
        let (diff, expanded, selected) = match self.view.take() {
            Some(prev) if prev.result.root == result.root => {
                let sel = prev.selected_node().map(|n| prev.result.path(n));
                (crate::scan::diff(&prev.result, &result), prev.expanded, sel)
            }
            _ => (None, HashSet::new(), None),
        };
        if self.sort == SortKey::Bytes && !result.bytes {
            self.sort = SortKey::Entries;
        }
        let first = expanded.is_empty();
        let mut view = ScanView {
            result,
            diff,
            rows: Vec::new(),
            selected: 0,
            expanded,
        };
        let mut select = selected;
        if first {
            select = Some(expand_heaviest(&mut view, self.sort));
        }
        view.rebuild(self.sort);
        if let Some(path) = select
            && let Some(i) = view
                .rows
                .iter()
                .position(|r| view.result.path(r.node) == path)
        {
            view.selected = i;
        }
        self.view = Some(view);
        self.focus = Focus::Tree;
    }

    pub fn toggle_focus(&mut self) {
        self.focus = match self.focus {
            Focus::Filesystems if self.view.is_some() => Focus::Tree,
            _ => Focus::Filesystems,
        };
    }

    /// Moves the selection of the focused list.
    pub fn move_selection(&mut self, f: impl Fn(usize, usize) -> usize) {
        match (self.focus, &mut self.view) {
            (Focus::Tree, Some(v)) => {
                let n = v.rows.len();
                v.selected = f(v.selected, n).min(n.saturating_sub(1));
            }
            _ => {
                let n = self.filesystems.len();
                self.fs_selected = f(self.fs_selected, n).min(n.saturating_sub(1));
            }
        }
    }

    /// Right arrow: opens the selected directory, or steps into its first child when open.
    pub fn expand(&mut self) {
        let sort = self.sort;
        let Some(v) = self.tree_view() else { return };
        let Some(node) = v.selected_node() else {
            return;
        };
        if v.result.tree.children(node).is_empty() {
            return;
        }
        let path = v.result.path(node);
        if v.expanded.contains(&path) {
            v.selected = (v.selected + 1).min(v.rows.len().saturating_sub(1));
        } else {
            v.expanded.insert(path);
            v.rebuild(sort);
        }
    }

    /// Left arrow: closes the selected directory, or goes up to its parent when closed.
    pub fn collapse(&mut self) {
        let sort = self.sort;
        let Some(v) = self.tree_view() else { return };
        let Some(node) = v.selected_node() else {
            return;
        };
        let path = v.result.path(node);
        if v.expanded.remove(&path) {
            v.rebuild(sort);
        } else if node != 0 {
            let parent = v.result.tree.get(node).map_or(0, |n| n.parent);
            if let Some(i) = v.rows.iter().position(|r| r.node == parent) {
                v.selected = i;
            }
        }
    }

    /// Enter: scans the selected filesystem in the filesystem list; opens or closes the selected
    /// directory in the tree.
    pub fn toggle(&mut self) {
        if self.focus == Focus::Filesystems {
            self.scan_selected();
            return;
        }
        let open = self
            .view
            .as_ref()
            .and_then(|v| v.selected_node().map(|n| v.is_expanded(n)));
        match open {
            Some(true) => self.collapse(),
            Some(false) => self.expand(),
            None => {}
        }
    }

    fn tree_view(&mut self) -> Option<&mut ScanView> {
        if self.focus != Focus::Tree {
            return None;
        }
        self.view.as_mut()
    }

    /// Opens the prompt for a path, starting from the selected filesystem.
    pub fn open_prompt(&mut self) {
        let start = self
            .filesystems
            .get(self.fs_selected)
            .map(|f| {
                let mut s = f.mountpoint.clone();
                if !s.ends_with('/') {
                    s.push('/');
                }
                s
            })
            .unwrap_or_else(|| "/".into());
        self.prompt = Some(start);
    }

    /// A key typed at the prompt: text, Backspace, Enter (scan) or Esc (close).
    pub fn prompt_input(&mut self, input: PromptInput) {
        let Some(text) = &mut self.prompt else { return };
        match input {
            PromptInput::Char(c) => text.push(c),
            PromptInput::Backspace => {
                text.pop();
            }
            PromptInput::Submit => {
                let path = PathBuf::from(text.trim());
                self.prompt = None;
                if !path.as_os_str().is_empty() {
                    self.request_scan(path);
                }
            }
            PromptInput::Cancel => self.prompt = None,
        }
    }
}

/// Keys the prompt understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptInput {
    Char(char),
    Backspace,
    Submit,
    Cancel,
}

/// Opens the root and, while one child holds at least half of its parent's entries (and has
/// subdirectories), that child too; returns the path of the last directory opened.
fn expand_heaviest(view: &mut ScanView, sort: SortKey) -> PathBuf {
    let tree = &view.result.tree;
    let key = if sort == SortKey::Name {
        SortKey::Entries
    } else {
        sort
    };
    let mut node = 0u32;
    loop {
        view.expanded.insert(view.result.path(node));
        let Some(&heaviest) = tree.sorted_children(node, key).first() else {
            break;
        };
        let (Some(p), Some(c)) = (tree.get(node), tree.get(heaviest)) else {
            break;
        };
        if c.entries * 2 < p.entries || tree.children(heaviest).is_empty() {
            break;
        }
        node = heaviest;
    }
    view.result.path(node)
}
