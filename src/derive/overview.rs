//! A whole recording in one pass, read ahead of play: the Graphs pane's series over all of it
//! (every sample of its last two hours, minute aggregates before them, as live) with a mark at
//! each event, and an index of every event (kernel messages stored in the frames, failure
//! counters that rose, limits that passed 90%, leak verdicts) for the time cursor's `{`/`}`.
//!
//! The frames go through the same [`Deriver`] as playback, so the values and events agree with
//! what playing the recording shows. Memory is the deriver's, bounded whatever the length.

use super::Deriver;
use super::events::{EventIndex, INDEX_EVENTS};
use crate::history::SeriesHistory;
use crate::model::Snapshot;

/// Marks kept over a whole recording: as many as the events kept in full.
const MARKS: usize = INDEX_EVENTS;

/// What a pass over a whole recording found.
#[derive(Debug)]
pub struct Overview {
    pub series: SeriesHistory,
    pub events: EventIndex,
    /// The first and the last frame's time.
    pub first_ms: u64,
    pub last_ms: u64,
    pub frames: u64,
}

/// Builds an [`Overview`] one frame at a time.
#[derive(Debug)]
pub struct OverviewBuilder {
    deriver: Deriver,
    events: EventIndex,
    span: Option<(u64, u64)>,
    frames: u64,
}

impl Default for OverviewBuilder {
    fn default() -> Self {
        Self {
            deriver: Deriver::keeping_marks(MARKS),
            events: EventIndex::default(),
            span: None,
            frames: 0,
        }
    }
}

impl OverviewBuilder {
    /// Derives the next frame of the recording.
    pub fn add(&mut self, snap: &Snapshot) {
        let derived = self.deriver.update(snap);
        self.events.add(&derived.events);
        let t = snap.time_ms;
        self.span = Some(self.span.map_or((t, t), |(a, z)| (a.min(t), z.max(t))));
        self.frames += 1;
    }

    /// The overview of the frames added; None without any.
    pub fn finish(self) -> Option<Overview> {
        let (first_ms, last_ms) = self.span?;
        Some(Overview {
            series: self.deriver.into_series(),
            events: self.events,
            first_ms,
            last_ms,
            frames: self.frames,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};
    use crate::derive::graphs::key;

    fn fixture(name: &str) -> Collector {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        Collector::new(Roots::fixture(dir.join(name)))
    }

    const START: u64 = 1_700_000_000_000;

    /// Three hours at a frame a minute from `pick(i)`'s fixture.
    fn night(mut pick: impl FnMut(u64) -> Snapshot) -> Overview {
        let mut b = OverviewBuilder::default();
        for i in 0..180u64 {
            let mut s = pick(i);
            s.time_ms = START + i * 60_000;
            b.add(&s);
        }
        b.finish().unwrap()
    }

    #[test]
    fn a_night_is_read_whole() {
        assert!(OverviewBuilder::default().finish().is_none());
        let mut busy = fixture("graphs-busy");
        let o = night(|_| busy.sample());
        assert_eq!(
            (o.first_ms, o.last_ms, o.frames),
            (START, START + 179 * 60_000, 180)
        );
        // Minute aggregates reach back past the two hours of samples to the first frame.
        assert_eq!(o.series.earliest_ms(), Some(START - START % 60_000));
        assert!(o.series.oldest_fine_ms() > Some(START + 50 * 60_000));
        assert!(
            o.series
                .value_at(key::LOAD1, START + 60_000, 1_500)
                .is_some()
        );
    }

    #[test]
    fn every_event_is_indexed_and_marked() {
        let mut quiet = fixture("openvz-container");
        let mut failing = fixture("openvz-container-later");
        // The container is refused sockets from 02:30 on.
        let o = night(|i| {
            if i < 150 {
                quiet.sample()
            } else {
                failing.sample()
            }
        });
        let failed = START + 150 * 60_000;
        assert_eq!(o.events.after(START + 60_000), Some(failed));
        assert!(
            o.events
                .events()
                .iter()
                .any(|e| e.time_ms == failed && e.text.contains("new failures")),
            "{:?}",
            o.events.events()
        );
        assert!(o.series.marks_between(failed, failed).count() > 0);
    }
}
