use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Count entries per directory below PATH (which directory eats the inodes).
    Scan(headroom::headless::scan::ScanArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Scan(args)) => {
            let stdout = std::io::stdout();
            headroom::headless::scan::run(&args, &mut stdout.lock())
        }
        None => Ok(()),
    }
}
