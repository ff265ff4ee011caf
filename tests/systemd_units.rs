//! The unit files of assets/systemd pass `systemd-analyze verify` without a warning, with
//! ExecStart pointed at the binary under test (where systemd-analyze exists), and keep their
//! hardening.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

const UNITS: [&str; 3] = [
    "headroom-export.service",
    "headroom-record.service",
    "headroom-record.timer",
];

fn unit(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/systemd");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn units_pass_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    for name in UNITS {
        let text = unit(name).replace("/usr/bin/headroom", env!("CARGO_BIN_EXE_headroom"));
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let paths: Vec<_> = UNITS.iter().map(|u| dir.path().join(u)).collect();
    let Ok(out) = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&paths)
        .output()
    else {
        eprintln!("systemd-analyze not here; skipped");
        return;
    };
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    assert_eq!(said.trim(), "", "systemd-analyze had remarks");
}

#[test]
fn services_are_hardened_and_the_exporter_stays_on_loopback() {
    for name in ["headroom-export.service", "headroom-record.service"] {
        let text = unit(name);
        for line in [
            "DynamicUser=yes",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH",
        ] {
            assert!(text.lines().any(|l| l == line), "{name} lacks {line}");
        }
    }
    assert!(unit("headroom-export.service").contains("--listen 127.0.0.1:9839"));
    assert!(unit("headroom-record.timer").contains("OnCalendar="));
}
