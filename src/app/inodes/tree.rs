//! The result tree of a finished scan as the Inodes pane shows it: which directories are
//! open (a bit each, carried across a rescan by name), the visible rows, and the selection,
//! which follows its directory through re-sorts and rescans.

use std::sync::Arc;

use crate::scan::{Expanded, ScanDiff, ScanResult, SortKey, rows};

/// A visible row of the result tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub node: u32,
    pub depth: u16,
}

/// A finished scan and how it is shown.
#[derive(Debug)]
pub struct ScanView {
    pub result: Arc<ScanResult>,
    /// Change since the previous scan of the same root.
    pub diff: Option<ScanDiff>,
    pub rows: Vec<TreeRow>,
    pub selected: usize,
    /// Open directories, a bit each: memory stays linear in the tree whatever its depth.
    expanded: Expanded,
}

impl ScanView {
    /// A finished scan, shown as the previous one of the same root was (its open directories
    /// and selection), with the change since; a first scan opens along its heaviest path.
    pub fn new(result: ScanResult, prev: Option<ScanView>, sort: SortKey) -> Self {
        let result = Arc::new(result);
        let (diff, expanded, selected) = match prev {
            Some(prev) if prev.result.root == result.root => {
                let map = rows::match_nodes(&prev.result.tree, &result.tree);
                let sel = prev.selected_node().and_then(|p| {
                    let i = map.iter().position(|m| *m == Some(p))?;
                    u32::try_from(i).ok()
                });
                let diff = crate::scan::diff(&prev.result, &result);
                (diff, prev.expanded.carry(&map), sel)
            }
            _ => (None, Expanded::new(result.tree.len()), None),
        };
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
            select = Some(view.expanded.open_heaviest(&view.result.tree, sort));
        }
        view.rebuild(sort);
        view.select(select);
        view
    }

    /// Selects the row of `node` when it is shown; keeps the selection in range.
    fn select(&mut self, node: Option<u32>) {
        if let Some(i) = node.and_then(|n| self.rows.iter().position(|r| r.node == n)) {
            self.selected = i;
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Opens the selected directory, or steps into its first child when open.
    pub fn expand(&mut self, sort: SortKey) {
        let Some(node) = self.selected_node() else {
            return;
        };
        if self.result.tree.children(node).is_empty() {
            return;
        }
        if self.expanded.contains(node) {
            self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
        } else {
            self.expanded.insert(node);
            self.rebuild(sort);
        }
    }

    /// Closes the selected directory, or goes up to its parent when closed.
    pub fn collapse(&mut self, sort: SortKey) {
        let Some(node) = self.selected_node() else {
            return;
        };
        if self.expanded.remove(node) {
            self.rebuild(sort);
        } else if node != 0 {
            let parent = self.result.tree.get(node).map_or(0, |n| n.parent);
            self.select(Some(parent));
        }
    }

    pub fn selected_node(&self) -> Option<u32> {
        self.rows.get(self.selected).map(|r| r.node)
    }

    pub fn is_expanded(&self, node: u32) -> bool {
        self.expanded.contains(node)
    }

    /// Bytes held by the open set and the visible rows (what the view adds to the scan).
    pub fn heap_bytes(&self) -> usize {
        self.expanded.heap_bytes() + self.rows.capacity() * std::mem::size_of::<TreeRow>()
    }

    pub fn rebuild(&mut self, sort: SortKey) {
        let keep = self.selected_node();
        let shown = rows::visible_rows(&self.result.tree, &self.expanded, sort, self.diff.as_ref());
        self.rows = shown
            .into_iter()
            .map(|r| TreeRow {
                node: r.node,
                depth: u16::try_from(r.depth).unwrap_or(u16::MAX),
            })
            .collect();
        self.select(keep);
    }
}
