//! A chart line's points: a time span cut into equal buckets, each keeping its peak, so a
//! one-second spike stays visible however wide the window.

/// A time span cut into equal buckets, each keeping its highest value: a chart line of at most
/// one point a bucket.
pub struct Buckets {
    from_ms: u64,
    to_ms: u64,
    width: u64,
    best: Vec<Option<(u64, f32)>>,
}

impl Buckets {
    pub fn new(from_ms: u64, to_ms: u64, buckets: usize) -> Self {
        let n = if to_ms > from_ms { buckets } else { 0 };
        Self {
            from_ms,
            to_ms,
            width: (to_ms.saturating_sub(from_ms))
                .div_ceil(n.max(1) as u64)
                .max(1),
            best: vec![None; n],
        }
    }

    /// Offers a value at a moment; a gap (NaN) or a moment outside the span is left out.
    pub fn put(&mut self, t: u64, v: f32) {
        if v.is_nan() || t < self.from_ms || t > self.to_ms {
            return;
        }
        let last = self.best.len().saturating_sub(1);
        let b = (((t - self.from_ms) / self.width) as usize).min(last);
        if let Some(slot) = self.best.get_mut(b) {
            match slot {
                Some((_, old)) if *old >= v => {}
                _ => *slot = Some((t, v)),
            }
        }
    }

    /// The peaks, x in seconds relative to the end of the span (so ≤ 0).
    pub fn points(self) -> Vec<(f64, f64)> {
        let to = self.to_ms as f64;
        self.best
            .into_iter()
            .flatten()
            .map(|(t, v)| ((t as f64 - to) / 1000.0, f64::from(v)))
            .collect()
    }
}
