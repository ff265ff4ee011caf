//! The result tree as a list of visible rows, for a pane that opens and closes directories.
//!
//! Which directories are open is one bit per directory ([`Expanded`]), never a path per
//! directory: with paths, a chain 100,000 deep costs the sum of its path lengths (gigabytes)
//! and every lookup rebuilds a path. Flattening is an explicit stack, so no depth can exhaust
//! the thread's stack, and costs memory linear in the rows it returns. Across a rescan the
//! open set is carried over by matching directories by parent and name ([`match_nodes`]).

use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;

use super::diff::ScanDiff;
use super::tree::{SortKey, Tree};

/// A visible row: a directory and how deep it sits below the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub node: u32,
    pub depth: u32,
}

/// The open directories of one tree, a bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    bits: Vec<u64>,
}

impl Expanded {
    /// Nothing open, room for a tree of `len` directories.
    pub fn new(len: usize) -> Self {
        Self {
            bits: vec![0; len.div_ceil(64)],
        }
    }

    fn slot(node: u32) -> (usize, u64) {
        ((node / 64) as usize, 1u64 << (node % 64))
    }

    pub fn contains(&self, node: u32) -> bool {
        let (w, b) = Self::slot(node);
        self.bits.get(w).is_some_and(|x| x & b != 0)
    }

    /// Opens a directory; false when it was open already.
    pub fn insert(&mut self, node: u32) -> bool {
        let (w, b) = Self::slot(node);
        if self.bits.len() <= w {
            self.bits.resize(w + 1, 0);
        }
        match self.bits.get_mut(w) {
            Some(x) if *x & b == 0 => {
                *x |= b;
                true
            }
            _ => false,
        }
    }

    /// Closes a directory; false when it was not open.
    pub fn remove(&mut self, node: u32) -> bool {
        let (w, b) = Self::slot(node);
        match self.bits.get_mut(w) {
            Some(x) if *x & b != 0 => {
                *x &= !b;
                true
            }
            _ => false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&x| x == 0)
    }

    /// The same directories opened in a newer scan of the same root (`map` from
    /// [`match_nodes`]: the previous index of each newer directory).
    pub fn carry(&self, map: &[Option<u32>]) -> Self {
        let mut out = Self::new(map.len());
        for (i, prev) in map.iter().enumerate() {
            if let (Some(p), Ok(i)) = (prev, u32::try_from(i))
                && self.contains(*p)
            {
                out.insert(i);
            }
        }
        out
    }

    /// Opens the root and, while one child holds at least half of its parent's entries (and
    /// has subdirectories), that child too. Returns the last directory opened.
    pub fn open_heaviest(&mut self, tree: &Tree, key: SortKey) -> u32 {
        let key = match key {
            SortKey::Name | SortKey::Growth => SortKey::Entries,
            k => k,
        };
        let mut node = 0u32;
        loop {
            self.insert(node);
            let heaviest = tree
                .children(node)
                .iter()
                .copied()
                .min_by(|a, b| tree.compare(key, *a, *b));
            let Some(heaviest) = heaviest else { break };
            let (Some(p), Some(c)) = (tree.get(node), tree.get(heaviest)) else {
                break;
            };
            if c.entries * 2 < p.entries || tree.children(heaviest).is_empty() {
                break;
            }
            node = heaviest;
        }
        node
    }

    /// Bytes held by the set.
    pub fn heap_bytes(&self) -> usize {
        self.bits.capacity() * 8
    }
}

/// A directory's subdirectories ranked by `key`; by growth (the cumulative change since the
/// previous scan, largest first) when `key` is [`SortKey::Growth`] and a diff is at hand.
pub fn sorted_children(tree: &Tree, node: u32, key: SortKey, diff: Option<&ScanDiff>) -> Vec<u32> {
    let mut c = tree.children(node).to_vec();
    match (key, diff) {
        (SortKey::Growth, Some(d)) => {
            let delta = |i: u32| d.get(i).map_or(0, |c| c.delta);
            c.sort_unstable_by(|a, b| {
                delta(*b)
                    .cmp(&delta(*a))
                    .then_with(|| tree.compare(SortKey::Entries, *a, *b))
            });
        }
        _ => c.sort_unstable_by(|a, b| tree.compare(key, *a, *b)),
    }
    c
}

/// The rows shown: the root, then depth first the children of every open directory, in
/// `key` order.
pub fn visible_rows(
    tree: &Tree,
    expanded: &Expanded,
    key: SortKey,
    diff: Option<&ScanDiff>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    if tree.is_empty() {
        return rows;
    }
    let mut stack = vec![Row { node: 0, depth: 0 }];
    while let Some(row) = stack.pop() {
        rows.push(row);
        if expanded.contains(row.node) {
            let children = sorted_children(tree, row.node, key, diff);
            stack.extend(children.iter().rev().map(|&c| Row {
                node: c,
                depth: row.depth.saturating_add(1),
            }));
        }
    }
    rows
}

/// For each directory of `cur`, the index of the same directory (same names from the root)
/// in `prev`, if it was there. Linear in the two trees.
pub fn match_nodes(prev: &Tree, cur: &Tree) -> Vec<Option<u32>> {
    let mut by_name: HashMap<(u32, &[u8]), u32> = HashMap::with_capacity(prev.len());
    for i in 1..u32::try_from(prev.len()).unwrap_or(u32::MAX) {
        if let Some(n) = prev.get(i) {
            by_name.insert((n.parent, prev.name(i).as_bytes()), i);
        }
    }
    let mut map: Vec<Option<u32>> = Vec::with_capacity(cur.len());
    for i in 0..u32::try_from(cur.len()).unwrap_or(u32::MAX) {
        let p = match cur.get(i) {
            _ if i == 0 => (!prev.is_empty()).then_some(0),
            Some(n) => map
                .get(n.parent as usize)
                .copied()
                .flatten()
                .and_then(|pp| by_name.get(&(pp, cur.name(i).as_bytes())).copied()),
            None => None,
        };
        map.push(p);
    }
    map
}

/// The row showing a directory, if it is visible.
pub fn row_of(rows: &[Row], node: u32) -> Option<usize> {
    rows.iter().position(|r| r.node == node)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::scan::diff::DirChange;

    fn tree(nodes: &[(u32, u32, &str, u64)]) -> Tree {
        Tree::of(nodes)
    }

    /// root{a{c, d}, b}
    fn sample() -> Tree {
        tree(&[
            (0, 0, "", 2),
            (1, 0, "a", 12),
            (2, 0, "b", 30),
            (3, 1, "c", 1),
            (4, 1, "d", 9),
        ])
    }

    #[test]
    fn rows_follow_the_open_directories_in_sort_order() {
        let t = sample();
        let mut open = Expanded::new(t.len());
        let rows = |open: &Expanded, key| -> Vec<(u32, u32)> {
            visible_rows(&t, open, key, None)
                .iter()
                .map(|r| (r.node, r.depth))
                .collect()
        };
        assert_eq!(rows(&open, SortKey::Entries), [(0, 0)]);
        assert!(open.insert(0) && !open.insert(0));
        // b (31) before a (1 + 12 + 2 + 10 = 25).
        assert_eq!(rows(&open, SortKey::Entries), [(0, 0), (2, 1), (1, 1)]);
        open.insert(1);
        assert_eq!(
            rows(&open, SortKey::Name),
            [(0, 0), (1, 1), (3, 2), (4, 2), (2, 1)]
        );
        assert!(open.remove(1) && !open.remove(1) && !open.remove(999));
        assert!(!open.contains(1) && !open.contains(70_000));
        assert_eq!(
            row_of(&visible_rows(&t, &open, SortKey::Name, None), 2),
            Some(2)
        );
        assert!(visible_rows(&Tree::default(), &open, SortKey::Entries, None).is_empty());
    }

    #[test]
    fn heaviest_path_is_opened_to_its_end() {
        let t = sample();
        let mut open = Expanded::new(t.len());
        // b holds more than half the root but has no subdirectories: only the root opens.
        assert_eq!(open.open_heaviest(&t, SortKey::Growth), 0);
        let t = tree(&[
            (0, 0, "", 1),
            (1, 0, "a", 1),
            (2, 1, "b", 50),
            (3, 2, "c", 1),
        ]);
        let mut open = Expanded::new(t.len());
        assert_eq!(open.open_heaviest(&t, SortKey::Name), 2);
        assert!(open.contains(0) && open.contains(1) && open.contains(2) && !open.contains(3));
    }

    #[test]
    fn growth_sorts_children_by_their_cumulative_change() {
        let t = sample();
        let mut d = ScanDiff::default();
        for delta in [40, 35, 5, 0, 35] {
            d.changes.push(DirChange {
                delta,
                ..DirChange::default()
            });
        }
        assert_eq!(sorted_children(&t, 0, SortKey::Growth, Some(&d)), [1, 2]);
        // Without a diff, growth ranks as entries do.
        assert_eq!(sorted_children(&t, 0, SortKey::Growth, None), [2, 1]);
        assert_eq!(sorted_children(&t, 1, SortKey::Growth, Some(&d)), [4, 3]);
    }

    #[test]
    fn open_directories_are_carried_over_by_name() {
        let prev = sample();
        // The new scan found them in another order, and a new directory e under a.
        let cur = tree(&[
            (0, 0, "", 2),
            (1, 0, "b", 30),
            (2, 0, "a", 12),
            (3, 2, "e", 0),
            (4, 2, "d", 9),
            (5, 1, "d", 0),
        ]);
        let map = match_nodes(&prev, &cur);
        assert_eq!(map, [Some(0), Some(2), Some(1), None, Some(4), None]);
        let mut open = Expanded::new(prev.len());
        open.insert(0);
        open.insert(1);
        open.insert(4);
        let carried = open.carry(&map);
        let now: Vec<u32> = (0..6).filter(|&i| carried.contains(i)).collect();
        assert_eq!(now, [0, 2, 4]);
        assert!(Expanded::new(3).is_empty() && !carried.is_empty());
        assert!(
            match_nodes(&Tree::default(), &cur)
                .iter()
                .all(Option::is_none)
        );
    }
}
