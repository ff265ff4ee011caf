use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use headroom::cli::{Args, Command};
use headroom::feed::Source;
use headroom::headless::{self, record};

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => usage_error(e),
    };
    let interval = args.common.interval;
    let collector = || args.common.collector();
    let record = args.record.clone();
    let result = match args.command {
        Some(Command::Snapshot {
            json,
            sysctl: Some(file),
            ..
        }) => headless::sysctl::run(&file, json, &mut io::stdout().lock()),
        Some(Command::Snapshot { json, samples, .. }) => {
            let out = &mut io::stdout().lock();
            headless::snapshot::run(collector(), json, samples, interval, out)
        }
        Some(Command::Check(check)) => {
            let out = &mut io::stdout().lock();
            let status =
                headless::check::run(&check, collector(), interval, out).unwrap_or_else(|e| {
                    eprintln!("headroom: {e}");
                    headless::check::Status::Unknown
                });
            exit(i32::from(status.code()));
        }
        Some(Command::Completions { shell }) => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "headroom", &mut io::stdout().lock());
            Ok(())
        }
        Some(Command::Why { message, samples }) => {
            let out = &mut io::stdout().lock();
            headless::why::run(collector(), &message, samples, interval, out)
        }
        Some(Command::Scan(scan)) => match headless::scan::run(&scan, &mut io::stdout().lock()) {
            Ok(headless::scan::Counted::Incomplete) => exit(headless::scan::INCOMPLETE_EXIT.into()),
            other => other.map(|_| ()),
        },
        Some(Command::Record {
            file,
            samples,
            duration,
            max_size,
            keep,
            force,
        }) => record::run(
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
        )
        .map(|_| ()),
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
        None => {
            let c = collector();
            let title = c.roots().proc.display().to_string();
            dashboard(Source::Live(Box::new(c)), title, interval, record)
        }
    };
    let code = match result {
        Ok(()) => 0,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("headroom: {e:#}");
            1
        }
    };
    exit(code)
}

/// Bad arguments exit 2, as clap does, except under `check`, where 2 would read as CRITICAL:
/// monitoring plugins exit 3 (UNKNOWN) for usage errors.
fn usage_error(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !informational && std::env::args().skip(1).any(|a| a == "check") {
        let _ = e.print();
        std::process::exit(i32::from(headless::check::Status::Unknown.code()));
    }
    e.exit()
}

/// Ends the process; `process::exit` flushes stdout first (unless a thread holds it: the
/// terminal's writer on a terminal that stopped reading). A thread may still be stuck in the
/// kernel (statvfs of a mount whose server never answers); nothing waits for it.
fn exit(code: i32) -> ! {
    std::process::exit(code)
}

fn dashboard(
    source: Source,
    title: String,
    interval: std::time::Duration,
    record: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    if !(io::stdout().is_terminal() && io::stdin().is_terminal()) {
        eprintln!(
            "headroom: no terminal here. For a report without one, run `headroom snapshot` (or `headroom snapshot --json`)."
        );
        exit(2);
    }
    headroom::app::run(source, title, interval, record)
}

fn replay(file: &std::path::Path, speed: f64, interval: std::time::Duration) -> anyhow::Result<()> {
    // Streamed: only the frame at hand is in memory; damaged frames are skipped as met.
    let reader = record::open(file)?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = Source::Recording {
        reader: Box::new(reader),
        speed,
    };
    dashboard(source, format!("replay {name}"), interval, None)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        || e.downcast_ref::<serde_json::Error>()
            .and_then(|e| e.io_error_kind())
            == Some(io::ErrorKind::BrokenPipe)
}
