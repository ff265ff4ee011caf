//! Rescan and diff: what changed per directory between two scans of the same root, and how
//! fast (entries per minute), so a directory that keeps filling up stands out.

use std::time::Duration;

use super::ScanResult;

/// The change of one directory of the newer scan.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DirChange {
    /// Entries in the previous scan; None when the directory is new.
    pub before: Option<u64>,
    /// Change of the cumulative entry count.
    pub delta: i64,
    /// Change of the entries directly in this directory (its subdirectories' changes taken
    /// out): where the new files are being made.
    pub own_delta: i64,
    /// `delta` per minute between the two scans.
    pub per_minute: f64,
    /// Change of the cumulative bytes, when both scans summed bytes.
    pub bytes_delta: Option<i64>,
}

/// Changes between two scans, one per directory of the newer one (same indices).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanDiff {
    /// Time between the starts of the two scans.
    pub interval: Duration,
    pub changes: Vec<DirChange>,
    /// Directories of the previous scan that are gone.
    pub removed_dirs: u64,
}

impl ScanDiff {
    pub fn get(&self, index: u32) -> Option<&DirChange> {
        self.changes.get(index as usize)
    }

    /// The directory whose own entries grew the most, if any grew.
    pub fn fastest_own(&self) -> Option<u32> {
        let (i, c) = self
            .changes
            .iter()
            .enumerate()
            .max_by_key(|(_, c)| c.own_delta)?;
        (c.own_delta > 0).then(|| u32::try_from(i).ok()).flatten()
    }

    /// Where the tree is filling, fastest first: subtrees ranked by their cumulative growth,
    /// each the deepest directory that still carries most of it. A directory none of whose
    /// subdirectories grew by more than half as much as it did is such a place; one with a
    /// subdirectory that did is passed over for it. So a tree growing by 30,000 spread over
    /// many small folders is named by its top, ahead of a single folder growing by 5,000;
    /// and a chain of folders that only pass growth down is named by its deepest.
    /// `tree` is the newer scan's (the one the diff's indices belong to).
    pub fn fastest_subtrees(&self, tree: &super::Tree, n: usize) -> Vec<u32> {
        // Largest growth of any child, per directory: children come after their parents.
        // Depths in the same pass, so ties go to the deeper directory without a walk each.
        let mut most_of_a_child = vec![0i64; self.changes.len()];
        let mut depth = vec![0u32; tree.len()];
        for (i, node) in tree.nodes().iter().enumerate().skip(1) {
            let d = self.changes.get(i).map_or(0, |c| c.delta);
            if let Some(m) = most_of_a_child.get_mut(node.parent as usize) {
                *m = (*m).max(d);
            }
            let below = depth.get(node.parent as usize).map_or(0, |d| d + 1);
            if let Some(slot) = depth.get_mut(i) {
                *slot = below;
            }
        }
        let mut places: Vec<u32> = (0..u32::try_from(self.changes.len()).unwrap_or(u32::MAX))
            .filter(|&i| {
                let d = self.get(i).map_or(0, |c| c.delta);
                let child = most_of_a_child.get(i as usize).copied().unwrap_or(0);
                d > 0 && child.saturating_mul(2) <= d
            })
            .collect();
        let delta = |i: u32| self.get(i).map_or(0, |c| c.delta);
        places.sort_by(|a, b| {
            delta(*b)
                .cmp(&delta(*a))
                .then_with(|| depth.get(*b as usize).cmp(&depth.get(*a as usize)))
                .then(a.cmp(b))
        });
        places.truncate(n);
        places
    }

    /// Directories of the newer scan ranked by growth rate, fastest first.
    pub fn fastest(&self, n: usize) -> Vec<u32> {
        let mut idx: Vec<u32> = (0..u32::try_from(self.changes.len()).unwrap_or(u32::MAX))
            .filter(|&i| self.get(i).is_some_and(|c| c.delta != 0))
            .collect();
        idx.sort_by(|a, b| {
            let da = self.get(*a).map_or(0, |c| c.delta);
            let db = self.get(*b).map_or(0, |c| c.delta);
            db.cmp(&da)
        });
        idx.truncate(n);
        idx
    }
}

fn signed(a: u64, b: u64) -> i64 {
    let d = i128::from(a) - i128::from(b);
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

/// Compares a scan with a previous one of the same root; None when the roots differ.
pub fn diff(prev: &ScanResult, cur: &ScanResult) -> Option<ScanDiff> {
    if prev.root != cur.root || prev.tree.is_empty() || cur.tree.is_empty() {
        return None;
    }
    let interval = cur
        .started
        .duration_since(prev.started)
        .unwrap_or(Duration::ZERO);
    let minutes = interval.as_secs_f64() / 60.0;
    let both_bytes = prev.bytes && cur.bytes;

    let prev_of = super::rows::match_nodes(&prev.tree, &cur.tree);
    let mut changes = Vec::with_capacity(cur.tree.len());
    let mut matched = 0u64;
    for (n, p) in cur.tree.nodes().iter().zip(&prev_of) {
        let before = p.and_then(|p| prev.tree.get(p));
        if before.is_some() {
            matched += 1;
        }
        let delta = signed(n.entries, before.map_or(0, |b| b.entries));
        changes.push(DirChange {
            before: before.map(|b| b.entries),
            delta,
            own_delta: 0,
            per_minute: if minutes > 0.0 {
                delta as f64 / minutes
            } else {
                0.0
            },
            bytes_delta: both_bytes.then(|| signed(n.bytes, before.map_or(0, |b| b.bytes))),
        });
    }
    // Own change: the cumulative change less the children's.
    let mut children_delta = vec![0i64; changes.len()];
    for (i, n) in cur.tree.nodes().iter().enumerate().skip(1) {
        let d = changes.get(i).map_or(0, |c: &DirChange| c.delta);
        if let Some(p) = children_delta.get_mut(n.parent as usize) {
            *p = p.saturating_add(d);
        }
    }
    for (c, below) in changes.iter_mut().zip(children_delta) {
        c.own_delta = c.delta.saturating_sub(below);
    }
    Some(ScanDiff {
        interval,
        changes,
        removed_dirs: (prev.tree.len() as u64).saturating_sub(matched),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::scan::{ScanErrors, Tree};

    fn tree(nodes: &[(u32, u32, &str, u64)]) -> Tree {
        Tree::of(nodes)
    }

    fn result(tree: Tree, secs: u64) -> ScanResult {
        ScanResult {
            root: "/r".into(),
            started: std::time::UNIX_EPOCH + Duration::from_secs(secs),
            elapsed: Duration::ZERO,
            bytes: false,
            tree,
            errors: ScanErrors::default(),
            other_mounts: 0,
            lowest_parallelism: 1,
            threads: 1,
            no_answer: Vec::new(),
        }
    }

    /// / {proc (a leaf), var/spool/queue/{q0..q9}}: proc churns by 5,000, the queue grows by
    /// 30,000 spread evenly over its ten folders.
    fn spool(proc_own: u64, per_queue: u64) -> Tree {
        let mut nodes = vec![
            (0, 0, "", 0),
            (1, 0, "proc", proc_own),
            (2, 0, "var", 0),
            (3, 2, "spool", 0),
            (4, 3, "queue", 10),
        ];
        let names = ["q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"];
        for (i, name) in names.iter().enumerate() {
            nodes.push((5 + i as u32, 4, name, per_queue));
        }
        tree(&nodes)
    }

    #[test]
    fn the_subtree_carrying_the_growth_ranks_above_a_busy_leaf() {
        let prev = result(spool(100, 1000), 0);
        let cur = result(spool(5100, 4000), 60);
        let d = diff(&prev, &cur).unwrap();
        // The old ranking by own entries points at the leaf.
        assert_eq!(d.fastest_own(), Some(1));
        let places = d.fastest_subtrees(&cur.tree, 3);
        // queue (30,000) first: no single folder of it carries half; proc next, then the
        // queue's folders (3,000 each); the root (35,000) is left out since var carries
        // most of it, and so are var and spool.
        assert_eq!(places, [4, 1, 5]);
        assert_eq!(
            cur.path(places[0]),
            std::path::Path::new("/r/var/spool/queue")
        );
        assert_eq!(d.get(4).unwrap().per_minute, 30_000.0);
    }

    proptest::proptest! {
        /// Any tree and any change: every place named grew, none of its subdirectories
        /// carries more than half of that, and the largest growth comes first.
        #[test]
        fn places_carry_their_growth_and_come_largest_first(
            shape in proptest::collection::vec((0u32..1000, 0u64..50, 0u64..50), 1..40)
        ) {
            let nodes = |after: bool| -> Vec<(u32, u32, String, u64)> {
                let mut v = vec![(0, 0, String::new(), 1)];
                for (i, (p, before, later)) in shape.iter().enumerate() {
                    let id = i as u32 + 1;
                    v.push((id, p % id, format!("d{id}"), if after { *later } else { *before }));
                }
                v
            };
            let build = |after: bool| {
                let n = nodes(after);
                let r: Vec<(u32, u32, &str, u64)> =
                    n.iter().map(|(a, b, c, d)| (*a, *b, c.as_str(), *d)).collect();
                tree(&r)
            };
            let (prev, cur) = (result(build(false), 0), result(build(true), 60));
            let d = diff(&prev, &cur).unwrap();
            let places = d.fastest_subtrees(&cur.tree, usize::MAX);
            let delta = |i: u32| d.get(i).unwrap().delta;
            for w in places.windows(2) {
                proptest::prop_assert!(delta(w[0]) >= delta(w[1]));
            }
            for &p in &places {
                proptest::prop_assert!(delta(p) > 0);
                for &c in cur.tree.children(p) {
                    proptest::prop_assert!(delta(c) * 2 <= delta(p));
                }
            }
            // Something grew: some place names it.
            if d.get(0).unwrap().delta > 0 {
                proptest::prop_assert!(!places.is_empty());
            }
        }
    }

    #[test]
    fn growth_passed_down_a_chain_is_named_by_its_deepest_folder() {
        let chain = |own: u64| {
            tree(&[
                (0, 0, "", 1),
                (1, 0, "a", 1),
                (2, 1, "b", 1),
                (3, 2, "c", own),
            ])
        };
        let prev = result(chain(1), 0);
        let cur = result(chain(500), 30);
        let d = diff(&prev, &cur).unwrap();
        assert_eq!(d.fastest_subtrees(&cur.tree, 5), [3]);
        // Nothing grew: nothing to name.
        let d = diff(&prev, &prev).unwrap();
        assert!(d.fastest_subtrees(&prev.tree, 5).is_empty());
        // Shrinking is not filling.
        let d = diff(&cur, &prev).unwrap();
        assert!(d.fastest_subtrees(&prev.tree, 5).is_empty());
    }
}
