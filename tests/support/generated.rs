//! The files generated from the code and committed: the man pages and the shell completions
//! under assets/ (from the CLI), and docs/messages.md (from the table of messages).
//! `cargo run --example gen-assets` writes them; tests/generated_assets.rs fails when the CLI
//! or the table has changed since.

#![allow(dead_code)]

use clap::CommandFactory;
use clap_complete::Shell;
use headroom::cli::Args;
use headroom::limits::messages::{MESSAGES, Message, Origin};

/// The command that rewrites every file below.
pub const REGENERATE: &str = "cargo run --example gen-assets";

/// Every generated file: its path under the repository, and its contents as of this CLI.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(
        "assets/man/headroom.1".to_string(),
        man(Args::command(), "headroom"),
    )];
    // One page per subcommand, as git and cargo have them: headroom-check(1), ...
    let top = Args::command();
    for sub in top.get_subcommands() {
        let name = format!("headroom-{}", sub.get_name());
        // clap names commands with &'static str; a generator that runs once may leak a few.
        let static_name: &'static str = Box::leak(name.clone().into_boxed_str());
        let page = sub
            .clone()
            .name(static_name)
            .version(env!("CARGO_PKG_VERSION"))
            .bin_name(format!("headroom {}", sub.get_name()));
        out.push((format!("assets/man/{name}.1"), man(page, &name)));
    }
    for (path, shell) in [
        ("assets/completions/headroom.bash", Shell::Bash),
        ("assets/completions/_headroom", Shell::Zsh),
        ("assets/completions/headroom.fish", Shell::Fish),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Args::command(), "headroom", &mut buf);
        out.push((path.to_string(), buf));
    }
    out.push(("docs/messages.md".to_string(), messages_page().into_bytes()));
    out
}

/// docs/messages.md: the table of messages as the reader of a log meets them.
fn messages_page() -> String {
    let mut page = String::from(
        "# Messages and the limits behind them\n\n\
         <!-- Generated from src/limits/messages/table.rs by `cargo run --example gen-assets`. -->\n\n\
         `headroom why \"MESSAGE\"` looks these up, by the message, a line that holds it, or its \
         errno name, and ranks the limits behind it by how close each is now. The Limits pane's \
         hints quote the same words, and the kernel log lines below are what the Events pane \
         shows, on the first of their limits that the machine has.\n\n\
         A limit is the id of a row of the Limits table (`limits[].id` in `snapshot --json`): \
         `ubc.*.numproc` is the numproc beancounter of every container, and an id ending in `:` \
         stands for one row per process, user, filesystem, service or destination \
         (`proc.nofile:4242`). \"…\" stands for what varies from one line to the next.\n",
    );
    for (origin, title, second) in [
        (Origin::Program, "Errors programs print", "errno"),
        (Origin::Kernel, "Kernel log lines", "severity"),
    ] {
        page.push_str(&format!(
            "\n## {title}\n\n| message | {second} | limits that can produce it |\n| --- | --- | --- |\n"
        ));
        for m in MESSAGES.iter().filter(|m| m.origin == origin) {
            page.push_str(&row(m));
        }
    }
    page
}

fn row(m: &Message) -> String {
    let second = match m.origin {
        Origin::Program if m.errno.is_empty() => "",
        Origin::Program => m.errno,
        Origin::Kernel if m.critical => "critical",
        Origin::Kernel => "warning",
    };
    let limits: Vec<String> = m.limits.iter().map(|l| format!("`{l}`")).collect();
    format!("| {} | {second} | {} |\n", m.text, limits.join(", "))
}

fn man(cmd: clap::Command, title: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd).title(title).render(&mut buf);
    buf
}
