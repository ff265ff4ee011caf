//! The man page and completions under assets/ match what the CLI generates now, docs/messages.md
//! what the table of messages generates, and the `completions` subcommand prints the same scripts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[path = "support/generated.rs"]
mod generated;
#[path = "support/run.rs"]
mod run;

#[test]
fn committed_files_match_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, now) in generated::files() {
        let committed = std::fs::read(root.join(&path)).unwrap_or_default();
        assert!(
            committed == now,
            "{path} is out of step with the code; regenerate it with `{}` and commit the result",
            generated::REGENERATE
        );
    }
}

#[test]
fn the_man_page_names_every_subcommand() {
    let files = generated::files();
    let man = String::from_utf8(files[0].1.clone()).unwrap();
    for sub in [
        "snapshot",
        "check",
        "export",
        "record",
        "replay",
        "scan",
        "completions",
    ] {
        assert!(man.contains(sub), "{sub} missing from the man page");
        let page = format!("assets/man/headroom-{sub}.1");
        assert!(files.iter().any(|(p, _)| *p == page), "no {page}");
    }
    let check = files
        .iter()
        .find(|(p, _)| p.ends_with("headroom-check.1"))
        .unwrap();
    let check = String::from_utf8_lossy(&check.1);
    assert!(check.contains("\\-\\-crit"), "{check}");
}

#[test]
fn completions_subcommand_prints_the_committed_scripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, path) in [
        ("bash", "assets/completions/headroom.bash"),
        ("zsh", "assets/completions/_headroom"),
        ("fish", "assets/completions/headroom.fish"),
    ] {
        let printed = run::stdout(&["completions", shell]);
        let committed = std::fs::read_to_string(root.join(path)).unwrap();
        assert_eq!(printed, committed, "{shell}");
        assert!(
            printed.contains("check") && printed.contains("sysctl"),
            "{shell}"
        );
    }
    assert!(!run::headroom(&["completions", "tcsh"]).status.success());
}
