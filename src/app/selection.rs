//! A selection that follows its row: rows re-sort every second during an incident, and the
//! highlight must stay on the limit, peer or directory the user chose, not on a position.

/// The selected row of one table, by position and by the identity of the row there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection<K> {
    index: usize,
    key: Option<K>,
}

impl<K> Default for Selection<K> {
    fn default() -> Self {
        Self {
            index: 0,
            key: None,
        }
    }
}

impl<K: PartialEq> Selection<K> {
    /// Where the selected row is now.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The identity of the selected row, once there was a row to select.
    pub fn key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    /// After the rows changed (new data, another sort): back on the row with the same identity,
    /// or, when it is gone, on the row now at the same place.
    pub fn follow(&mut self, keys: impl IntoIterator<Item = K>) {
        let keys: Vec<K> = keys.into_iter().collect();
        if let Some(k) = &self.key {
            if let Some(i) = keys.iter().position(|x| x == k) {
                self.index = i;
            }
        }
        self.index = self.index.min(keys.len().saturating_sub(1));
        self.key = keys.into_iter().nth(self.index);
    }

    /// Selects row `index` (clamped to the rows) and remembers which row it is.
    pub fn set(&mut self, index: usize, keys: impl IntoIterator<Item = K>) {
        self.index = index;
        self.key = None;
        self.follow(keys);
    }

    /// Moves by `f(current, rows)`, as the arrow, page and wheel keys do.
    pub fn move_by<I>(&mut self, f: impl Fn(usize, usize) -> usize, keys: I)
    where
        I: IntoIterator<Item = K>,
        I::IntoIter: ExactSizeIterator,
    {
        let keys = keys.into_iter();
        let index = f(self.index, keys.len());
        self.set(index, keys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selection_stays_on_its_row_through_a_re_sort() {
        let mut s = Selection::default();
        s.set(1, ["a", "b", "c"]);
        assert_eq!((s.index(), s.key()), (1, Some(&"b")));
        s.follow(["c", "a", "b"]);
        assert_eq!(s.index(), 2);
        // Its row is gone: the place stays, the identity becomes the row now there.
        s.follow(["c", "a"]);
        assert_eq!((s.index(), s.key()), (1, Some(&"a")));
        s.follow(Vec::<&str>::new());
        assert_eq!((s.index(), s.key()), (0, None));
        s.move_by(|i, n| (i + 5).min(n - 1), ["x", "y", "z"]);
        assert_eq!((s.index(), s.key()), (2, Some(&"z")));
    }
}
