//! The per-directory tree a scan builds: one compact node per directory, names in one arena.
//!
//! Node 0 is the root. A node's parent always has a smaller index, so cumulative counts are
//! one pass from the last node to the first.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// How far a directory could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum DirStatus {
    #[default]
    Read,
    /// It could not be opened or read: permission denied.
    Denied,
    /// It could not be opened, or reading it failed part way, for another reason.
    Failed,
    /// Its filesystem did not answer: the walk gave up waiting to open or read it.
    NoAnswer,
}

/// One directory of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DirNode {
    /// Index of the parent directory (the root is its own parent).
    pub parent: u32,
    name_start: u32,
    name_len: u16,
    pub status: DirStatus,
    /// Direct entries (files, directories and others), "." and ".." not counted.
    pub own_entries: u64,
    /// Entries below and including this directory, as `find DIR -xdev | wc -l` counts them.
    pub entries: u64,
    /// Disk usage of this directory and its direct non-directory entries (0 without bytes).
    pub own_bytes: u64,
    /// Disk usage of the whole subtree (0 without bytes).
    pub bytes: u64,
}

/// What to rank directories by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Entries,
    Bytes,
    Name,
    /// Growth since the previous scan of the same root, largest first; needs a diff
    /// ([`crate::scan::rows::sorted_children`]); by entries without one.
    Growth,
}

/// The directories of a scan.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    nodes: Vec<DirNode>,
    names: Vec<u8>,
    /// Children of node i: `child_list[child_start[i]..child_start[i + 1]]`.
    child_start: Vec<u32>,
    child_list: Vec<u32>,
}

/// A directory as a worker reports it, before the tree is put together.
#[derive(Debug, Clone)]
pub(crate) struct RawNode {
    pub id: u32,
    pub parent: u32,
    pub name_start: u32,
    pub name_len: u16,
    pub status: DirStatus,
    pub own_entries: u64,
    pub own_bytes: u64,
}

/// Collects the nodes reported by the workers, in any order.
#[derive(Debug, Default)]
pub(crate) struct TreeBuilder {
    nodes: Vec<RawNode>,
    names: Vec<u8>,
}

impl TreeBuilder {
    /// Stores a name in the arena; returns its start and length.
    pub fn push_name(&mut self, name: &[u8]) -> (u32, u16) {
        let start = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        self.names
            .extend_from_slice(name.get(..usize::from(len)).unwrap_or(name));
        (start, len)
    }

    pub fn push(&mut self, node: RawNode) {
        self.nodes.push(node);
    }

    /// Where each node reported so far sits, by index (for [`TreeBuilder::chain`]).
    pub fn positions(&self) -> std::collections::HashMap<u32, usize> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(p, n)| (n.id, p))
            .collect()
    }

    /// The names from the root down to node `id` (the root's own empty name left out); None
    /// when a node on the way is missing.
    pub fn chain(
        &self,
        positions: &std::collections::HashMap<u32, usize>,
        id: u32,
    ) -> Option<Vec<Vec<u8>>> {
        let mut names = Vec::new();
        let mut cur = id;
        while cur != 0 {
            let n = self.nodes.get(*positions.get(&cur)?)?;
            let start = n.name_start as usize;
            names.push(
                self.names
                    .get(start..start + usize::from(n.name_len))?
                    .to_vec(),
            );
            if n.parent >= cur {
                return None;
            }
            cur = n.parent;
        }
        names.reverse();
        Some(names)
    }

    /// Orders the nodes by index and sums the subtrees. Every parent index must be smaller
    /// than its children's; nodes that break this, or whose parent is missing, are dropped.
    /// Indices may have gaps (a directory the walk gave up on before it recorded itself), and
    /// a directory recorded twice (by its worker, and as not answering) is kept once, as read.
    pub fn finish(mut self) -> Tree {
        self.nodes
            .sort_unstable_by_key(|n| (n.id, n.status == DirStatus::NoAnswer));
        self.nodes.dedup_by_key(|n| n.id);
        // Index in the tree of each id so far (u32::MAX: none). The walker's indices have a
        // gap or two at most; ids far beyond the node count are not its and are dropped.
        let cap = self.nodes.len().saturating_mul(2).saturating_add(1024);
        let mut index_of =
            vec![u32::MAX; cap.min(self.nodes.last().map_or(0, |n| n.id as usize + 1))];
        let mut nodes: Vec<DirNode> = Vec::with_capacity(self.nodes.len());
        for raw in self.nodes {
            let index = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
            let parent = if raw.id == 0 {
                (raw.parent == 0).then_some(0)
            } else if raw.parent >= raw.id {
                None
            } else {
                index_of
                    .get(raw.parent as usize)
                    .copied()
                    .filter(|&p| p != u32::MAX)
            };
            let (Some(parent), Some(slot)) = (parent, index_of.get_mut(raw.id as usize)) else {
                continue;
            };
            *slot = index;
            nodes.push(DirNode {
                parent,
                name_start: raw.name_start,
                name_len: raw.name_len,
                status: raw.status,
                own_entries: raw.own_entries,
                entries: raw.own_entries,
                own_bytes: raw.own_bytes,
                bytes: raw.own_bytes,
            });
        }
        Tree::from_nodes(nodes, self.names)
    }
}

impl Tree {
    fn from_nodes(mut nodes: Vec<DirNode>, names: Vec<u8>) -> Self {
        // Subtree sums: children come after parents.
        for i in (1..nodes.len()).rev() {
            let Some(&DirNode {
                parent,
                entries,
                bytes,
                ..
            }) = nodes.get(i)
            else {
                continue;
            };
            if let Some(p) = nodes.get_mut(parent as usize) {
                p.entries += entries;
                p.bytes += bytes;
            }
        }
        // `entries` so far counts what is below; add the directory itself.
        for n in &mut nodes {
            n.entries += 1;
        }
        // Children lists (counting sort by parent).
        let mut child_start = vec![0u32; nodes.len() + 1];
        for n in nodes.iter().skip(1) {
            if let Some(c) = child_start.get_mut(n.parent as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..child_start.len() {
            let prev = child_start.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = child_start.get_mut(i) {
                *c += prev;
            }
        }
        let mut fill = child_start.clone();
        let mut child_list = vec![0u32; nodes.len().saturating_sub(1)];
        for (i, n) in nodes.iter().enumerate().skip(1) {
            if let Some(slot) = fill.get_mut(n.parent as usize) {
                if let Some(c) = child_list.get_mut(*slot as usize) {
                    *c = u32::try_from(i).unwrap_or(u32::MAX);
                }
                *slot += 1;
            }
        }
        Self {
            nodes,
            names,
            child_start,
            child_list,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn get(&self, index: u32) -> Option<&DirNode> {
        self.nodes.get(index as usize)
    }

    pub fn nodes(&self) -> &[DirNode] {
        &self.nodes
    }

    /// The directory's own name (empty for the root).
    pub fn name(&self, index: u32) -> &OsStr {
        let bytes = self
            .get(index)
            .and_then(|n| {
                let start = n.name_start as usize;
                self.names.get(start..start + usize::from(n.name_len))
            })
            .unwrap_or_default();
        OsStr::from_bytes(bytes)
    }

    /// The subdirectories of a directory, in no particular order.
    pub fn children(&self, index: u32) -> &[u32] {
        let i = index as usize;
        match (self.child_start.get(i), self.child_start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.child_list.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Depth below the root (the root is 0).
    pub fn depth(&self, mut index: u32) -> usize {
        let mut depth = 0;
        while index != 0 {
            match self.get(index) {
                Some(n) if n.parent < index => index = n.parent,
                _ => break,
            }
            depth += 1;
        }
        depth
    }

    /// The full path of a directory, below `root`.
    pub fn path(&self, root: &Path, index: u32) -> PathBuf {
        let mut chain = Vec::new();
        let mut i = index;
        while i != 0 {
            match self.get(i) {
                Some(n) if n.parent < i => {
                    chain.push(i);
                    i = n.parent;
                }
                _ => break,
            }
        }
        let mut path = root.to_path_buf();
        for &c in chain.iter().rev() {
            path.push(self.name(c));
        }
        path
    }

    /// Compares two directories for ranking: by the key descending (name ascending).
    pub fn compare(&self, key: SortKey, a: u32, b: u32) -> std::cmp::Ordering {
        let (Some(na), Some(nb)) = (self.get(a), self.get(b)) else {
            return a.cmp(&b);
        };
        match key {
            SortKey::Entries | SortKey::Growth => nb
                .entries
                .cmp(&na.entries)
                .then_with(|| self.name(a).cmp(self.name(b))),
            SortKey::Bytes => nb
                .bytes
                .cmp(&na.bytes)
                .then_with(|| nb.entries.cmp(&na.entries))
                .then_with(|| self.name(a).cmp(self.name(b))),
            SortKey::Name => self.name(a).cmp(self.name(b)).then(a.cmp(&b)),
        }
    }

    /// The `n` heaviest directories of the whole tree by `key` (the root included).
    pub fn top(&self, key: SortKey, n: usize) -> Vec<u32> {
        let mut all: Vec<u32> = (0..u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)).collect();
        let cmp = |a: &u32, b: &u32| self.compare(key, *a, *b);
        if n < all.len() {
            all.select_nth_unstable_by(n, cmp);
            all.truncate(n);
        }
        all.sort_unstable_by(cmp);
        all
    }

    /// A directory's subdirectories ranked by `key`.
    pub fn sorted_children(&self, index: u32, key: SortKey) -> Vec<u32> {
        let mut c = self.children(index).to_vec();
        c.sort_unstable_by(|a, b| self.compare(key, *a, *b));
        c
    }

    /// Finds the child of `parent` with this name.
    pub fn child_named(&self, parent: u32, name: &OsStr) -> Option<u32> {
        self.children(parent)
            .iter()
            .copied()
            .find(|&c| self.name(c) == name)
    }

    /// Bytes held by the tree itself (nodes, names and child lists).
    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<DirNode>()
            + self.names.capacity()
            + (self.child_start.capacity() + self.child_list.capacity()) * 4
    }
}

#[cfg(test)]
impl Tree {
    /// A tree from (id, parent, name, own entries) in any order, every directory read: what
    /// the scanner's tests build their cases from.
    pub fn of(nodes: &[(u32, u32, &str, u64)]) -> Tree {
        let mut b = TreeBuilder::default();
        for &(id, parent, name, own) in nodes {
            let (name_start, name_len) = b.push_name(name.as_bytes());
            b.push(RawNode {
                id,
                parent,
                name_start,
                name_len,
                status: DirStatus::Read,
                own_entries: own,
                own_bytes: 0,
            });
        }
        b.finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn raw(id: u32, parent: u32, b: &mut TreeBuilder, name: &str, own: u64) -> RawNode {
        let (name_start, name_len) = b.push_name(name.as_bytes());
        RawNode {
            id,
            parent,
            name_start,
            name_len,
            status: DirStatus::Read,
            own_entries: own,
            own_bytes: own * 10,
        }
    }

    /// root{a{c}, b}: root has 2 entries (a, b) + 3 files; a has c + 1 file; c 4 files; b 0.
    fn sample() -> Tree {
        let mut b = TreeBuilder::default();
        let nodes = [
            raw(3, 1, &mut b, "c", 4),
            raw(0, 0, &mut b, "", 5),
            raw(2, 0, &mut b, "b", 0),
            raw(1, 0, &mut b, "a", 2),
        ];
        for n in nodes {
            b.push(n);
        }
        b.finish()
    }

    #[test]
    fn sums_subtrees_like_find() {
        let t = sample();
        let e: Vec<u64> = t.nodes().iter().map(|n| n.entries).collect();
        // c: itself + 4; a: itself + 2 + 4; b: 1; root: 1 + 5 + 2 + 4.
        assert_eq!(e, vec![12, 7, 1, 5]);
        assert_eq!(t.get(1).unwrap().bytes, 60);
        assert_eq!(t.path(Path::new("/r"), 3), PathBuf::from("/r/a/c"));
        assert_eq!(t.depth(3), 2);
        assert_eq!(t.sorted_children(0, SortKey::Entries), vec![1, 2]);
        assert_eq!(t.sorted_children(0, SortKey::Name), vec![1, 2]);
        assert_eq!(t.top(SortKey::Entries, 2), vec![0, 1]);
        assert_eq!(t.child_named(1, OsStr::new("c")), Some(3));
    }

    proptest::proptest! {
        /// Any nodes in any order: no panic; what is kept sums like find, and every kept
        /// node's parent comes first.
        #[test]
        fn any_nodes_build_a_consistent_tree(
            nodes in proptest::collection::vec((0u32..40, 0u32..40, 0u64..1000, "[a-z]{0,3}"), 0..40)
        ) {
            let mut b = TreeBuilder::default();
            for (id, parent, own, name) in &nodes {
                let r = raw(*id, *parent, &mut b, name, *own);
                b.push(r);
            }
            let t = b.finish();
            let own_sum: u64 = t.nodes().iter().map(|n| n.own_entries).sum();
            if let Some(root) = t.get(0) {
                proptest::prop_assert_eq!(root.entries, own_sum + 1);
            }
            for (i, n) in t.nodes().iter().enumerate().skip(1) {
                proptest::prop_assert!((n.parent as usize) < i);
                proptest::prop_assert!(t.children(n.parent).contains(&(i as u32)));
                let _ = t.path(Path::new("/"), i as u32);
            }
            let top = t.top(SortKey::Entries, 5);
            proptest::prop_assert!(top.len() <= 5);
        }
    }

    #[test]
    fn drops_nodes_that_break_the_order() {
        let mut b = TreeBuilder::default();
        let r = raw(0, 0, &mut b, "", 1);
        b.push(r);
        let bad = raw(2, 5, &mut b, "x", 1);
        b.push(bad);
        let t = b.finish();
        assert_eq!(t.len(), 1);
        assert_eq!(t.get(0).unwrap().entries, 2);
        assert!(t.children(0).is_empty());
        assert!(t.children(7).is_empty());
    }

    #[test]
    fn a_gap_in_the_indices_keeps_the_nodes_after_it() {
        let mut b = TreeBuilder::default();
        for (id, parent, name, own) in [
            (0, 0, "", 2),
            (1, 0, "a", 1),
            (3, 1, "c", 4),
            (4, 0, "d", 0),
        ] {
            let r = raw(id, parent, &mut b, name, own);
            b.push(r);
        }
        let t = b.finish();
        assert_eq!(t.len(), 4);
        assert_eq!(t.path(Path::new("/r"), 2), PathBuf::from("/r/a/c"));
        assert_eq!(t.get(2).unwrap().parent, 1);
        assert_eq!(t.get(3).unwrap().parent, 0);
        assert_eq!(t.get(0).unwrap().entries, 1 + 2 + 1 + 4);
    }

    #[test]
    fn a_directory_recorded_twice_is_kept_once_as_read() {
        let mut b = TreeBuilder::default();
        let root = raw(0, 0, &mut b, "", 1);
        b.push(root);
        let mut stuck = raw(1, 0, &mut b, "a", 0);
        stuck.status = DirStatus::NoAnswer;
        let read = raw(1, 0, &mut b, "a", 3);
        b.push(stuck);
        b.push(read);
        let t = b.finish();
        assert_eq!(t.len(), 2);
        assert_eq!(t.get(1).unwrap().status, DirStatus::Read);
        assert_eq!(t.get(1).unwrap().own_entries, 3);
    }
}
