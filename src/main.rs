use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::Parser;
use headroom::cli::{Args, Command};
use headroom::headless;

fn main() -> ExitCode {
    let args = Args::parse();
    let roots = args.common.roots();
    let result = match args.command {
        Some(Command::Snapshot { json, samples }) => headless::snapshot::run(
            roots,
            args.common.sockets_via.method(),
            json,
            samples,
            args.common.interval,
            &mut io::stdout().lock(),
        ),
        None => {
            if !(io::stdout().is_terminal() && io::stdin().is_terminal()) {
                eprintln!(
                    "headroom: no terminal here. For a report without one, run `headroom snapshot` (or `headroom snapshot --json`)."
                );
                return ExitCode::from(2);
            }
            headroom::app::run(
                roots,
                args.common.sockets_via.method(),
                args.common.interval,
            )
        }
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

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        || e.downcast_ref::<serde_json::Error>()
            .and_then(|e| e.io_error_kind())
            == Some(io::ErrorKind::BrokenPipe)
}
