use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use headroom::app::{self, Feed};
use headroom::cli::{Args, Command};
use headroom::headless::{self, record};

fn main() -> ExitCode {
    let args = Args::parse();
    let interval = args.common.interval;
    let collector = || args.common.collector();
    let result = match args.command {
        Some(Command::Snapshot { json, samples }) => {
            let out = &mut io::stdout().lock();
            headless::snapshot::run(collector(), json, samples, interval, out)
        }
        Some(Command::Scan(scan)) => match headless::scan::run(&scan, &mut io::stdout().lock()) {
            Ok(headless::scan::Counted::Incomplete) => {
                return ExitCode::from(headless::scan::INCOMPLETE_EXIT);
            }
            other => other.map(|_| ()),
        },
        Some(Command::Record {
            file,
            samples,
            duration,
        }) => record_until_stopped(
            collector(),
            &file,
            interval,
            record::Span { samples, duration },
        ),
        Some(Command::Replay { file, speed }) => replay(&file, speed, interval),
        Some(Command::Export { listen }) => headless::export::run(collector(), interval, listen),
        None => dashboard(Feed::Live(Box::new(collector())), interval),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("headroom: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dashboard(feed: Feed, interval: std::time::Duration) -> anyhow::Result<()> {
    if !(io::stdout().is_terminal() && io::stdin().is_terminal()) {
        eprintln!(
            "headroom: no terminal here. For a report without one, run `headroom snapshot` (or `headroom snapshot --json`)."
        );
        std::process::exit(2);
    }
    app::run(feed, interval)
}

fn replay(file: &std::path::Path, speed: f64, interval: std::time::Duration) -> anyhow::Result<()> {
    let rec = record::read(file)?;
    if let Some(d) = &rec.damaged {
        eprintln!(
            "headroom: {}: {d}; replaying the {} whole snapshots before it",
            file.display(),
            rec.snapshots.len()
        );
    }
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    dashboard(
        Feed::Replay {
            name,
            snapshots: rec.snapshots,
            speed,
        },
        interval,
    )
}

/// SIGINT, SIGTERM and SIGHUP end a recording cleanly, with the file finished.
fn record_until_stopped(
    collector: headroom::collect::Collector,
    file: &std::path::Path,
    interval: std::time::Duration,
    span: record::Span,
) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    record::run(collector, file, interval, span, &|| {
        stop.load(Ordering::Relaxed)
    })
    .map(|_| ())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        || e.downcast_ref::<serde_json::Error>()
            .and_then(|e| e.io_error_kind())
            == Some(io::ErrorKind::BrokenPipe)
}
