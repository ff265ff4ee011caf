//! A seek in the dashboard's replay lands with the minutes before it derived: the trend of a
//! limit that grows steadily is there at the landing frame, as it was when recorded, and the
//! Graphs pane's samples reach back before it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use headroom::app::AppState;
use headroom::app::replay::ReplayState;
use headroom::collect::{Collector, Roots};
use headroom::derive::Deriver;
use headroom::feed::{Delivery, Feed, Source};
use headroom::recording::{Options, Reader, Writer};

const START: u64 = 1_764_457_200_000;
/// Tasks grow by two a second: 120 a minute.
const PER_S: u64 = 2;

/// Thirty minutes at a frame a second of a machine whose tasks keep growing.
fn growing(file: &Path) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openvz-container");
    let first = Collector::new(Roots::fixture(dir)).sample();
    let opts = Options {
        min_free_pct: 0.0,
        ..Options::default()
    };
    let header = headroom::headless::record::header(&first, Duration::from_secs(1), &opts);
    let mut w = Writer::open(file, header, opts).unwrap();
    for i in 0..1800 {
        let mut s = first.clone();
        s.time_ms = START + i * 1000;
        s.kernel.tasks = Ok(1_000 + PER_S * i);
        w.write(&s).unwrap();
    }
    w.finish(START + 1_800_000, "done").unwrap();
}

fn tasks_trend(state: &AppState) -> Option<f64> {
    let row = state
        .derived
        .limits
        .iter()
        .find(|v| v.limit.id == "kernel.tasks");
    row.expect("a tasks row").trend_per_min
}

#[test]
fn after_a_seek_the_landing_frame_has_the_trend_of_the_minutes_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("growing.hr");
    growing(&file);
    let rt = headroom::feed::runtime().unwrap();
    let source = Source::Recording {
        reader: Box::new(Reader::open(&file).unwrap()),
        speed: 1.0,
    };
    let mut feed = Feed::start(source, Duration::from_secs(1)).unwrap();
    let mut state = AppState::new("replay growing.hr".into(), 1000);
    state.live = false;
    state.replay = Some(ReplayState::new("growing.hr".into(), 1.0));
    // Takes deliveries until a frame is shown.
    let shown = |state: &mut AppState, feed: &mut Feed| loop {
        let d = rt.block_on(feed.next_delivery()).unwrap();
        let frame = matches!(&d, Delivery::Frame(_, a) if !a.lead_in);
        state.take(d);
        if frame {
            return;
        }
    };
    shown(&mut state, &mut feed);
    assert_eq!(state.snapshot.as_ref().unwrap().time_ms, START);
    assert_eq!(tasks_trend(&state), None, "one reading has no trend");

    let landing = START + 20 * 60_000;
    feed.pause(true);
    feed.seek(landing);
    shown(&mut state, &mut feed);
    let snap = state.snapshot.clone().unwrap();
    assert_eq!(snap.time_ms, landing);
    let trend = tasks_trend(&state).expect("a trend at the landing frame");
    assert!((trend - 120.0).abs() < 1.0, "{trend}/min");
    // The Graphs pane's samples reach two minutes back; derivation that started at the
    // landing frame would have neither.
    assert!(state.series().oldest_fine_ms() <= Some(landing - 110_000));
    let fresh = Deriver::default().update(&snap);
    let row = fresh.limits.iter().find(|v| v.limit.id == "kernel.tasks");
    assert_eq!(row.unwrap().trend_per_min, None);
}
