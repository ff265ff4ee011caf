//! `headroom report`: the morning report of a recording, as text and as HTML checked in a real
//! browser where one is installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use headroom::recording::{Header, Options, Writer};

#[path = "support/frames.rs"]
mod frames;
#[path = "support/run.rs"]
mod run;

const START: u64 = 1_764_480_000_000; // 2025-11-30T05:20:00Z

/// Ten minutes of the OpenVZ fixture (numothersock at 399 of 400), one frame a second.
fn night(dir: &Path) -> PathBuf {
    let path = dir.join("night.hr");
    let snaps = frames::sequence(600, START, 1000);
    let header = Header {
        host: "db1".into(),
        start_ms: START,
        interval_ms: 1000,
        full_every_ms: 600_000,
        writer: "test".into(),
    };
    let mut w = Writer::open(&path, header, Options::default()).unwrap();
    for s in &snaps {
        w.write(s).unwrap();
    }
    w.finish(START + 600_000, "done").unwrap();
    path
}

#[test]
fn the_report_gives_the_window_each_limit_near_its_max_and_for_how_long() {
    let dir = tempfile::tempdir().unwrap();
    let path = night(dir.path());
    let n = headroom::headless::report::read(&path).unwrap();
    assert_eq!(n.summary.frames, 600);
    let span = &n.summary.limits["ubc.101.numothersock"];
    assert_eq!(span.first_near_ms, Some(START));
    assert_eq!(span.near_ms, 599_000);
    assert!(span.peak_pct > 99.0);
    let text = run::stdout(&["report", path.to_str().unwrap()]);
    assert!(
        text.contains("window: 2025-11-30T05:20:00Z to 2025-11-30T05:29:59Z (9m 59s, 600 frames)"),
        "{text}"
    );
    assert!(text.contains("headroom report of"), "{text}");
    assert!(text.contains("(db1)"), "{text}");
    assert!(
        text.contains("numothersock (uid 101): peak 100.0% (400 of 400) at 05:20:04; above 80% for 9m 59s from 05:20:00; failed"),
        "{text}"
    );
    assert!(text.contains("threshold ubc.101.numothersock"), "{text}");
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
}

#[test]
fn the_html_report_is_one_self_contained_page_that_a_browser_draws() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let rec = dir.path().join("busy.hr");
    let kmsg = fixture.join("kmsg/limits.kmsg");
    let roots = run::roots_of("graphs-busy");
    let mut args = vec![
        "record",
        rec.to_str().unwrap(),
        "--samples",
        "3",
        "--interval",
        "100ms",
        "--kmsg",
        kmsg.to_str().unwrap(),
    ];
    args.extend(roots.iter().map(String::as_str));
    run::stdout(&args);
    let html = dir.path().join("report.html");
    let text = run::stdout(&[
        "report",
        rec.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert!(text.contains("dirty pages (bytes): 11.72 MiB"), "{text}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "no JavaScript");
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "nothing fetched"
    );
    assert_eq!(page.matches("<svg").count(), 7, "one chart a series");
    assert!(page.contains("nf_conntrack: table full, dropping packet"));

    let Some(browser) = chromium() else {
        eprintln!(
            "skipped the browser check: chromium is not installed (apt-get install chromium)"
        );
        return;
    };
    let browse = |extra: &[&str]| {
        Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .args(extra)
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap()
    };
    // The DOM as the browser parsed it: every chart an SVG element with its line.
    let out = browse(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(dom.matches("<svg").count(), 7, "{dom}\n{err}");
    assert_eq!(dom.matches("<polyline").count(), 7);
    let shot = dir.path().join("report.png");
    let out = browse(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=900,1600",
    ]);
    let png = std::fs::read(&shot)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
}
