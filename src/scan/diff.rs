//! Rescan and diff: what changed per directory between two scans of the same root, and how
//! fast (entries per minute), so a directory that keeps filling up stands out.

use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
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

    // (parent in prev, name) -> index in prev.
    let mut by_name: HashMap<(u32, &[u8]), u32> = HashMap::with_capacity(prev.tree.len());
    for (i, n) in prev.tree.nodes().iter().enumerate().skip(1) {
        if let Ok(i) = u32::try_from(i) {
            by_name.insert((n.parent, prev.tree.name(i).as_bytes()), i);
        }
    }

    let mut prev_of: Vec<Option<u32>> = Vec::with_capacity(cur.tree.len());
    let mut changes = Vec::with_capacity(cur.tree.len());
    let mut matched = 0u64;
    for (i, n) in cur.tree.nodes().iter().enumerate() {
        let p = if i == 0 {
            Some(0)
        } else {
            let parent = prev_of.get(n.parent as usize).copied().flatten();
            let name = u32::try_from(i)
                .map(|i| cur.tree.name(i).as_bytes())
                .unwrap_or_default();
            parent.and_then(|pp| by_name.get(&(pp, name)).copied())
        };
        prev_of.push(p);
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
