//! The result tree of a finished scan as the Inodes pane shows it: which directories are
//! open (by path, so they stay open across a rescan), the visible rows, and the selection,
//! which follows its directory's path through re-sorts and rescans.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::scan::{ScanDiff, ScanResult, SortKey};

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
    /// Expanded directories, by path (so they stay open across a rescan).
    expanded: HashSet<PathBuf>,
}

impl ScanView {
    /// A finished scan, shown as the previous one of the same root was (its open directories
    /// and selection), with the change since; a first scan opens along its heaviest path.
    pub fn new(result: ScanResult, prev: Option<ScanView>, sort: SortKey) -> Self {
        let result = Arc::new(result);
        let (diff, expanded, selected) = match prev {
            Some(prev) if prev.result.root == result.root => {
                let sel = prev.selected_node().map(|n| prev.result.path(n));
                (crate::scan::diff(&prev.result, &result), prev.expanded, sel)
            }
            _ => (None, HashSet::new(), None),
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
            select = Some(expand_heaviest(&mut view, sort));
        }
        view.rebuild(sort);
        if let Some(path) = select {
            view.select_path(&path);
        }
        view
    }

    fn select_path(&mut self, path: &std::path::Path) {
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| self.result.path(r.node) == path)
        {
            self.selected = i;
        }
    }

    /// Opens the selected directory, or steps into its first child when open.
    pub fn expand(&mut self, sort: SortKey) {
        let Some(node) = self.selected_node() else {
            return;
        };
        if self.result.tree.children(node).is_empty() {
            return;
        }
        let path = self.result.path(node);
        if self.expanded.contains(&path) {
            self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
        } else {
            self.expanded.insert(path);
            self.rebuild(sort);
        }
    }

    /// Closes the selected directory, or goes up to its parent when closed.
    pub fn collapse(&mut self, sort: SortKey) {
        let Some(node) = self.selected_node() else {
            return;
        };
        let path = self.result.path(node);
        if self.expanded.remove(&path) {
            self.rebuild(sort);
        } else if node != 0 {
            let parent = self.result.tree.get(node).map_or(0, |n| n.parent);
            if let Some(i) = self.rows.iter().position(|r| r.node == parent) {
                self.selected = i;
            }
        }
    }

    pub fn selected_node(&self) -> Option<u32> {
        self.rows.get(self.selected).map(|r| r.node)
    }

    pub fn is_expanded(&self, node: u32) -> bool {
        self.expanded.contains(&self.result.path(node))
    }

    pub fn rebuild(&mut self, sort: SortKey) {
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
        if let Some(path) = keep {
            self.select_path(&path);
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }
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
