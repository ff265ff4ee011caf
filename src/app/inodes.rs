//! View state of the Inodes pane: the filesystems by inode use, the scanner's progress and its
//! result tree (expanded directories, selection, sort), and the rescan diff.
//!
//! The scan itself runs in its own thread ([`crate::scan::spawn`]); this state only asks for one
//! (`pending`, taken by the event loop) and takes in the [`crate::scan::ScanEvent`]s it sends.

mod keys;
mod prompt;
mod scanning;
mod tree;

use std::path::PathBuf;

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

use super::action::{Action, Spot, Step};
use super::panes::{Data, Jump, Pane, PaneId, PaneState};
use super::state::AppState;
use crate::limits::fs::Space;
use crate::model::Mount;
use crate::scan::{FsKind, ProgressSample, ScanHandle, ScanOptions, ScanResult, SortKey, fstype};
use crate::ui::inodes::InodesPane;
pub use keys::InodesAction;
pub use prompt::PromptInput;

pub const PANE: Pane = Pane {
    id: PaneId("inodes"),
    title: "Inodes",
    keys: keys::KEYS,
    rows: true,
    sockets: false,
    new: || Box::<InodesState>::default(),
};
pub use tree::{ScanView, TreeRow};

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
                // The same figures as the limits table's fs rows.
                let space = Space::of(u);
                Self {
                    mountpoint: m.mountpoint.clone(),
                    fstype: m.fstype.clone(),
                    inodes_used: space.inodes_used,
                    inodes_total: space.inodes_total,
                    bytes_used: Some(space.bytes_used),
                    bytes_total: Some(space.bytes_total),
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

    /// Shows a finished scan: diffed against the previous one of the same root, expanded
    /// along its heaviest path, the deepest directory of that path selected.
    pub fn show(&mut self, result: ScanResult) {
        if self.sort == SortKey::Bytes && !result.bytes {
            self.sort = SortKey::Entries;
        }
        self.view = Some(ScanView::new(result, self.view.take(), self.sort));
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
        if let Some(v) = self.tree_view() {
            v.expand(sort);
        }
    }

    /// Left arrow: closes the selected directory, or goes up to its parent when closed.
    pub fn collapse(&mut self) {
        let sort = self.sort;
        if let Some(v) = self.tree_view() {
            v.collapse(sort);
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

    /// The pane's keys and mouse.
    pub fn apply(&mut self, action: Action) {
        match (InodesAction::of(action), action) {
            (Some(a), _) => self.inodes_key(a),
            (None, Action::Back) => {
                self.back();
            }
            (None, Action::Click(spot)) => {
                if self.focus_table(spot.table)
                    && let Some(row) = spot.row
                {
                    self.move_selection(|_, _| row);
                }
            }
            (None, Action::Wheel { table, .. }) => {
                if let (true, Some(step)) = (self.focus_table(table), Step::of(action)) {
                    self.move_selection(|i, n| step.apply(i, n));
                }
            }
            _ => {
                if let Some(step) = Step::of(action) {
                    self.move_selection(|i, n| step.apply(i, n));
                }
            }
        }
    }

    fn inodes_key(&mut self, action: InodesAction) {
        match action {
            InodesAction::ScanSelected => self.scan_selected(),
            InodesAction::Prompt => self.open_prompt(),
            InodesAction::Rescan => self.rescan(),
            InodesAction::Bytes => self.bytes_key(),
            InodesAction::SortEntries => self.set_sort(SortKey::Entries),
            InodesAction::SortName => self.set_sort(SortKey::Name),
            InodesAction::SortGrowth => self.set_sort(SortKey::Growth),
            InodesAction::Expand => self.expand(),
            InodesAction::Collapse => self.collapse(),
            InodesAction::Toggle => self.toggle(),
            InodesAction::Focus => self.toggle_focus(),
        }
    }

    /// Puts the arrows in table 0 (filesystems) or 1 (the tree, when there is one); false
    /// when there is no such table.
    fn focus_table(&mut self, table: u8) -> bool {
        match table {
            FILESYSTEMS => self.focus = Focus::Filesystems,
            TREE if self.view.is_some() => self.focus = Focus::Tree,
            _ => return false,
        }
        true
    }
}

/// The pane's tables, numbered as the mouse reports them.
pub const FILESYSTEMS: u8 = 0;
pub const TREE: u8 = 1;

impl PaneState for InodesState {
    fn refresh(&mut self, data: &Data) {
        if let Some(Ok(mounts)) = data.snapshot.map(|s| &s.mounts) {
            self.set_mounts(mounts);
        }
    }

    fn apply(&mut self, action: Action, _: &Data) -> Option<Jump> {
        InodesState::apply(self, action);
        None
    }

    fn typing(&mut self, key: KeyEvent, _: &Data) -> bool {
        InodesState::typing(self, key)
    }

    fn render(&self, _: &AppState, area: Rect, buf: &mut Buffer) {
        InodesPane::new(self).render(area, buf);
    }

    fn spot(&self, _: &AppState, area: Rect, at: Position) -> Option<Spot> {
        InodesPane::new(self).spot(area, at)
    }
}
