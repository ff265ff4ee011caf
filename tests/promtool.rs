//! The alert rules under promtool: syntax (`check rules`) and behaviour (`test rules` on
//! tests/prometheus/*.test.yml). scripts/test.sh installs promtool (Debian's prometheus).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

fn promtool(args: &[&str]) -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(out) = Command::new("promtool")
        .args(args)
        .current_dir(root)
        .output()
    else {
        eprintln!("promtool not installed (scripts/test.sh installs it); skipped");
        return None;
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?}:\n{text}");
    Some(text)
}

#[test]
fn rules_pass_promtool_check() {
    if let Some(text) = promtool(&["check", "rules", "assets/prometheus/headroom.rules.yml"]) {
        assert!(text.contains("SUCCESS: 7 rules found"), "{text}");
    }
}

#[test]
fn rules_pass_their_unit_tests() {
    if let Some(text) = promtool(&["test", "rules", "tests/prometheus/headroom.test.yml"]) {
        assert!(text.contains("SUCCESS"), "{text}");
    }
}
