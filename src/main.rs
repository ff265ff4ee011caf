use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
        Some(Command::Scan(scan)) => headless::scan::run(&scan, &mut io::stdout().lock()),
        Some(Command::Record {
            file,
            samples,
            duration,
            max_size,
            keep,
            force,
        }) => record_until_stopped(
            collector(),
            &file,
            interval,
            record::Span { samples, duration },
            headroom::recording::Options {
                max_size,
                keep,
                force,
                ..Default::default()
            },
        ),
        Some(Command::Replay {
            file,
            json: true,
            from,
            to,
            ..
        }) => headless::frames::run(
            &file,
            from.as_deref(),
            to.as_deref(),
            &mut io::stdout().lock(),
        )
        .map(drop),
        Some(Command::Replay { file, speed, .. }) => replay(&file, speed, interval),
        Some(Command::Report { file, html }) => {
            headless::report::run(&file, html.as_deref(), &mut io::stdout().lock())
        }
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

/// SIGINT, SIGTERM and SIGHUP end a recording cleanly, with the file finished; a second one
/// ends the process at once.
fn record_until_stopped(
    collector: headroom::collect::Collector,
    file: &std::path::Path,
    interval: std::time::Duration,
    span: record::Span,
    opts: headroom::recording::Options,
) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let stop = Arc::new(AtomicBool::new(false));
    let which = Arc::new(AtomicUsize::new(0));
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&stop))?;
        signal_hook::flag::register_usize(sig, Arc::clone(&which), sig as usize)?;
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let name = |sig: usize| match sig as i32 {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    };
    record::run(collector, file, interval, span, opts, &|| {
        stop.load(Ordering::Relaxed)
            .then(|| format!("stopped by {}", name(which.load(Ordering::Relaxed))))
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
