//! The recording format: written from fixture snapshots, read back field for field, damaged in
//! every way a night can damage it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use headroom::model::Snapshot;
use headroom::recording::{Header, OpenError, Options, Reader, Writer, writer::Outcome};

#[path = "support/frames.rs"]
mod frames;

const START: u64 = 1_764_457_200_000;

fn header(host: &str) -> Header {
    Header {
        host: host.into(),
        start_ms: START,
        interval_ms: 1000,
        full_every_ms: 10_000,
        writer: "headroom test".into(),
    }
}

fn opts() -> Options {
    Options {
        full_every: Duration::from_secs(10),
        ..Options::default()
    }
}

/// Writes `snaps` to `path` and closes the file.
fn record(path: &Path, snaps: &[Snapshot]) {
    let mut w = Writer::open(path, header(&snaps[0].hostname), opts()).unwrap();
    for s in snaps {
        assert_eq!(w.write(s).unwrap(), Outcome::Written);
    }
    assert_eq!(
        w.finish(START, "the test is over").unwrap(),
        snaps.len() as u64
    );
}

fn all(path: &Path) -> (Vec<Snapshot>, Reader) {
    let mut r = Reader::open(path).unwrap();
    let snaps = r.by_ref().map(|f| f.snapshot).collect();
    (snaps, r)
}

fn tmp(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

#[test]
fn record_then_replay_gives_the_same_snapshots() {
    let (_d, path) = tmp("night.hr");
    let snaps = frames::sequence(45, START, 1000);
    record(&path, &snaps);
    let (back, r) = all(&path);
    assert_eq!(back, snaps);
    assert!(r.lost().is_empty());
    assert_eq!(r.segment_times().len(), 5, "a full frame every 10 s");
    assert!(r.notes().iter().any(|(_, n)| n == "the test is over"));
}

#[test]
fn seek_next_and_prev_move_a_frame_or_a_time() {
    let (_d, path) = tmp("night.hr");
    let snaps = frames::sequence(45, START, 1000);
    record(&path, &snaps);
    let mut r = Reader::open(&path).unwrap();
    let at = |i: usize| START + i as u64 * 1000;
    assert_eq!(r.seek(at(23) + 500).unwrap().snapshot, snaps[23]);
    assert_eq!(r.next_frame().unwrap().snapshot, snaps[24]);
    assert_eq!(r.prev().unwrap().snapshot, snaps[23]);
    // Across a segment boundary (a full frame every 10 frames) both ways.
    assert_eq!(r.seek(at(20)).unwrap().time_ms, at(20));
    assert_eq!(r.prev().unwrap().time_ms, at(19));
    assert_eq!(r.next_frame().unwrap().time_ms, at(20));
    assert_eq!(
        r.seek(0).unwrap().time_ms,
        at(0),
        "before the start: the first"
    );
    assert_eq!(r.prev(), None);
    assert_eq!(
        r.seek(u64::MAX).unwrap().time_ms,
        at(44),
        "after the end: the last"
    );
    assert_eq!(r.next_frame(), None);
}

#[test]
fn a_cut_tail_keeps_every_whole_frame() {
    let (_d, path) = tmp("cut.hr");
    let snaps = frames::sequence(30, START, 1000);
    record(&path, &snaps);
    let bytes = std::fs::read(&path).unwrap();
    // Cut inside the last frame (the index, notes and trailer follow it).
    let r = Reader::open(&path).unwrap();
    let last = r.by_ref_last_offset();
    std::fs::write(&path, &bytes[..last as usize + 30]).unwrap();
    let (back, r) = all(&path);
    assert_eq!(back, snaps[..29]);
    let lost = r.lost();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0].offset, last);
    assert!(lost[0].to_string().contains("cut short"), "{}", lost[0]);
}

/// The offset of the last frame of a reader, from a full read.
trait LastOffset {
    fn by_ref_last_offset(self) -> u64;
}

impl LastOffset for Reader {
    fn by_ref_last_offset(mut self) -> u64 {
        self.by_ref().last().unwrap().offset
    }
}

#[test]
fn a_flipped_byte_loses_its_segment_and_says_where() {
    let (_d, path) = tmp("flip.hr");
    let snaps = frames::sequence(30, START, 1000);
    record(&path, &snaps);
    let offsets: Vec<u64> = Reader::open(&path).unwrap().map(|f| f.offset).collect();
    let mut bytes = std::fs::read(&path).unwrap();
    // A byte inside the 13th frame (a delta of the second segment, frames 10..20).
    let at = offsets[12] as usize + 25;
    bytes[at] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let (back, r) = all(&path);
    assert_eq!(back[..12], snaps[..12]);
    assert_eq!(back[12..], snaps[20..], "the rest of that segment is lost");
    let lost = r.lost();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!((lost[0].offset, lost[0].frames), (offsets[12], 8));
}

#[test]
fn no_flipped_byte_is_accepted_silently() {
    let (_d, path) = tmp("fuzz.hr");
    let snaps = frames::sequence(12, START, 1000);
    record(&path, &snaps);
    let good = std::fs::read(&path).unwrap();
    let step = (good.len() / 150).max(1);
    for at in (0..good.len()).step_by(step) {
        let mut bytes = good.clone();
        bytes[at] ^= 0x04;
        std::fs::write(&path, &bytes).unwrap();
        let Ok(mut r) = Reader::open(&path) else {
            continue;
        };
        let back: Vec<_> = r.by_ref().collect();
        for f in &back {
            let i = ((f.time_ms - START) / 1000) as usize;
            assert_eq!(f.snapshot, snaps[i], "flip at {at} changed frame {i}");
        }
        // Either every frame came back or the loss is reported (a flip in the index or a
        // note loses no frame).
        assert!(
            back.len() == snaps.len() || !r.lost().is_empty(),
            "flip at {at}"
        );
    }
}

#[test]
fn empty_foreign_and_frameless_files_are_clear_errors() {
    let (_d, path) = tmp("x.hr");
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(Reader::open(&path), Err(OpenError::Empty)));
    std::fs::write(&path, b"#!/bin/sh\necho hello\n").unwrap();
    let e = Reader::open(&path).err().unwrap().to_string();
    assert!(e.contains("not a headroom recording"), "{e}");
    let snaps = frames::sequence(3, START, 1000);
    std::fs::remove_file(&path).unwrap();
    record(&path, &snaps);
    let offsets: Vec<u64> = Reader::open(&path).unwrap().map(|f| f.offset).collect();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[offsets[0] as usize + 30] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let e = Reader::open(&path).err().unwrap();
    assert!(matches!(e, OpenError::NoFrames(_)), "{e}");
    assert!(
        e.to_string().contains(&format!("bytes {}..", offsets[0])),
        "{e}"
    );
}

#[test]
fn a_killed_writer_leaves_every_frame_it_wrote() {
    let (_d, path) = tmp("killed.hr");
    let snaps = frames::sequence(25, START, 1000);
    let mut w = Writer::open(&path, header(&snaps[0].hostname), opts()).unwrap();
    for s in &snaps {
        w.write(s).unwrap();
    }
    // No finish: no closing index, no trailer, as after kill -9.
    drop(w);
    let (back, r) = all(&path);
    assert_eq!(back, snaps);
    assert!(r.lost().is_empty());
}

#[test]
fn a_recording_of_this_host_is_appended_to_and_others_are_refused() {
    let (_d, path) = tmp("night.hr");
    let snaps = frames::sequence(20, START, 1000);
    let host = snaps[0].hostname.clone();
    record(&path, &snaps[..8]);
    // A crash left half a record at the end: the appender cuts it off.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"HR\x02\x10\x00");
    std::fs::write(&path, &bytes).unwrap();
    record(&path, &snaps[8..]);
    let (back, r) = all(&path);
    assert_eq!(back, snaps);
    assert!(r.lost().is_empty(), "{:?}", r.lost());

    let other = Writer::open(&path, header("elsewhere"), opts())
        .err()
        .unwrap();
    assert!(
        other
            .to_string()
            .contains(&format!("recording of host {host:?}")),
        "{other}"
    );
    let (_d2, text) = tmp("notes.txt");
    std::fs::write(&text, "my notes").unwrap();
    let e = Writer::open(&text, header(&host), opts()).err().unwrap();
    assert!(e.to_string().contains("--force"), "{e}");
    assert_eq!(std::fs::read(&text).unwrap(), b"my notes");
    let forced = Options {
        force: true,
        ..opts()
    };
    Writer::open(&text, header(&host), forced).unwrap();
    assert!(Reader::open(&text).is_err(), "a fresh file, no frame yet");
}

#[test]
fn max_size_rotates_or_caps() {
    let (dir, path) = tmp("night.hr");
    let snaps = frames::sequence(120, START, 1000);
    let rotating = Options {
        max_size: Some(12 * 1024),
        keep: 2,
        ..opts()
    };
    let mut w = Writer::open(&path, header(&snaps[0].hostname), rotating).unwrap();
    for s in &snaps {
        assert_eq!(w.write(s).unwrap(), Outcome::Written);
    }
    w.finish(START, "done").unwrap();
    let mut seen = 0;
    for name in ["night.hr", "night.hr.1", "night.hr.2"] {
        let p = dir.path().join(name);
        assert!(std::fs::metadata(&p).unwrap().len() <= 12 * 1024, "{name}");
        let (back, r) = all(&p);
        assert!(r.lost().is_empty());
        seen += back.len();
        assert_eq!(back.last(), snaps.iter().find(|s| Some(*s) == back.last()));
    }
    assert!(!dir.path().join("night.hr.3").exists(), "only two kept");
    assert!(seen < snaps.len(), "the oldest were dropped");
    let (back, _) = all(&path);
    assert_eq!(back.last(), snaps.last());

    let (_d, capped) = tmp("cap.hr");
    let cap = Options {
        max_size: Some(12 * 1024),
        keep: 0,
        ..opts()
    };
    let mut w = Writer::open(&capped, header(&snaps[0].hostname), cap).unwrap();
    let outcomes: Vec<Outcome> = snaps.iter().map(|s| w.write(s).unwrap()).collect();
    assert_eq!(outcomes.last(), Some(&Outcome::Capped));
    let written = w.finish(START, "done").unwrap() as usize;
    assert!(std::fs::metadata(&capped).unwrap().len() <= 12 * 1024);
    let (back, r) = all(&capped);
    assert_eq!(back, snaps[..written]);
    assert!(r.notes().iter().any(|(_, n)| n.contains("size cap")));
}

/// A 1 MB tmpfs for the disk-full cases; None (with a message) where mounting is not allowed.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount() -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m,nr_inodes=400", "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: mounting a tmpfs needs root");
            return None;
        }
        Some(Self(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn the_disk_reserve_pauses_and_resumes_and_a_full_disk_corrupts_nothing() {
    let Some(fs) = Tmpfs::mount() else { return };
    let path = fs.0.path().join("night.hr");
    let filler = fs.0.path().join("filler");
    let snaps = frames::sequence(40, START, 1000);
    let mut w = Writer::open(&path, header(&snaps[0].hostname), opts()).unwrap();
    assert_eq!(w.write(&snaps[0]).unwrap(), Outcome::Written);
    // Fill to under 5% free: the writer stops, and starts again once there is room.
    std::fs::write(&filler, vec![1u8; 1000 * 1024]).unwrap();
    assert_eq!(w.write(&snaps[1]).unwrap(), Outcome::Paused);
    assert_eq!(w.write(&snaps[2]).unwrap(), Outcome::Paused);
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(w.write(&snaps[3]).unwrap(), Outcome::Written);
    w.finish(START, "done").unwrap();
    let (back, r) = all(&path);
    assert_eq!(back, vec![snaps[0].clone(), snaps[3].clone()]);
    let notes: Vec<String> = r.notes().into_iter().map(|(_, n)| n).collect();
    assert!(
        notes.iter().any(|n| n.starts_with("paused after 1 frames")),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.starts_with("resumed")), "{notes:?}");

    // With no reserve, the disk fills: the error names the file and the frames, and every
    // frame before it reads back.
    std::fs::remove_file(&path).unwrap();
    let no_reserve = Options {
        min_free_pct: 0.0,
        full_every: Duration::from_secs(1),
        ..opts()
    };
    let mut w = Writer::open(&path, header(&snaps[0].hostname), no_reserve).unwrap();
    let room = 1024 * 1024 - 40 * 1024;
    std::fs::write(&filler, vec![1u8; room]).unwrap();
    let mut err = None;
    for s in snaps.iter().cycle().take(2000) {
        if let Err(e) = w.write(s) {
            err = Some(e);
            break;
        }
    }
    let err = err.expect("the disk filled").to_string();
    let frames = w.frames;
    assert!(frames > 0);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains(&format!("after {frames} frames")), "{err}");
    assert!(err.contains("no space left"), "{err}");
    drop(w);
    let (back, r) = all(&path);
    assert_eq!(back.len() as u64, frames);
    assert!(r.lost().is_empty(), "{:?}", r.lost());
}

#[test]
fn a_filesystem_out_of_inodes_or_space_refuses_a_new_recording_and_says_which() {
    let Some(fs) = Tmpfs::mount() else { return };
    let dir = fs.0.path();
    let path = dir.join("night.hr");
    let snaps = frames::sequence(1, START, 1000);
    let mut made = 0;
    while std::fs::write(dir.join(format!("f{made}")), b"").is_ok() {
        made += 1;
    }
    let err = Writer::open(&path, header(&snaps[0].hostname), opts())
        .err()
        .expect("no inode left")
        .to_string();
    assert!(err.starts_with(&format!("{}: ", path.display())), "{err}");
    assert!(
        err.contains(&format!(
            "no inode left on its filesystem ({0} of {0} used)",
            made + 1
        )),
        "{err}"
    );
    assert!(err.contains("headroom scan"), "{err}");

    // Inodes back, bytes gone: the header cannot be written, and no empty file is left.
    for i in 0..made {
        std::fs::remove_file(dir.join(format!("f{i}"))).unwrap();
    }
    let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
    while std::io::Write::write_all(&mut filler, &[1u8; 4096]).is_ok() {}
    let err = Writer::open(&path, header(&snaps[0].hostname), opts())
        .err()
        .expect("no space left")
        .to_string();
    assert!(err.contains("no space left on its filesystem"), "{err}");
    assert!(!path.exists(), "an empty recording was left behind");
}
