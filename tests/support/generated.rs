//! The files generated from the CLI and committed under assets/: the man page and the shell
//! completions. `cargo run --example gen-assets` writes them; tests/generated_assets.rs
//! fails when the CLI has changed since.

#![allow(dead_code)]

use clap::CommandFactory;
use clap_complete::Shell;
use headroom::cli::Args;

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
    out
}

fn man(cmd: clap::Command, title: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd).title(title).render(&mut buf);
    buf
}
