//! What Cargo.toml promises about packaging: a rust-version at least the newest one any locked
//! dependency declares (cargo refuses to build a dependency with an older toolchain, so a lower
//! one would be a promise the lock file breaks; scripts/msrv.sh builds with that toolchain where
//! rustup has it), and `cargo deb` assets that exist.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

/// "1.88.0" or "1.95" as (major, minor, patch).
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

fn metadata(extra: &[&str]) -> serde_json::Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(extra)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn rust_version_covers_every_locked_dependency() {
    let meta = metadata(&[]);
    let resolved: std::collections::HashSet<&str> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    let (newest, needed_by) = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] != "headroom")
        .filter(|p| p["id"].as_str().is_some_and(|id| resolved.contains(id)))
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .expect("dependencies declare rust versions");
    let declared = version(env!("CARGO_PKG_RUST_VERSION"));
    assert!(
        declared >= newest,
        "rust-version {} in Cargo.toml is older than {newest:?}, which {needed_by} declares",
        env!("CARGO_PKG_RUST_VERSION")
    );
}

/// Files a cargo-deb source names: a path, or a directory and a `*` pattern in its last part.
fn matches(root: &std::path::Path, source: &str) -> usize {
    let Some((dir, pattern)) = source.rsplit_once('/').filter(|(_, p)| p.contains('*')) else {
        return usize::from(root.join(source).is_file());
    };
    let (before, after) = pattern.split_once('*').unwrap();
    std::fs::read_dir(root.join(dir))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with(before) && name.ends_with(after)
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn deb_assets_exist_and_cover_what_an_admin_needs() {
    let meta = metadata(&["--no-deps"]);
    let assets = meta["packages"][0]["metadata"]["deb"]["assets"]
        .as_array()
        .expect("[package.metadata.deb] assets");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut targets = Vec::new();
    for asset in assets {
        let source = asset[0].as_str().unwrap();
        targets.push(asset[1].as_str().unwrap().to_string());
        if source.starts_with("target/") {
            continue;
        }
        assert!(
            matches(root, source) > 0,
            "cargo deb asset {source} matches no file"
        );
    }
    for wanted in [
        "usr/bin/",
        "usr/share/man/man1/",
        "bash-completion",
        "lib/systemd/system/",
        "prometheus",
        "grafana",
    ] {
        assert!(
            targets.iter().any(|t| t.contains(wanted)),
            "nothing installed to {wanted}"
        );
    }
}
