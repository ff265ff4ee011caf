#!/usr/bin/env bash
# Checks the declared rust-version: the test `packaging` proves it is at least what every locked
# dependency declares; this builds with that toolchain when rustup has it and it differs from
# the default one (with the same compiler, the ordinary build already is that check).
set -euo pipefail
cd "$(dirname "$0")/.."

declared=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$declared" ] || { echo "msrv: no rust-version in Cargo.toml" >&2; exit 1; }
case "$declared" in *.*.*) toolchain=$declared ;; *) toolchain=$declared.0 ;; esac

if ! command -v rustup >/dev/null 2>&1 || ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "msrv: toolchain $toolchain not installed; the packaging test checks the declared version"
  exit 0
fi
if [ "$(rustup run "$toolchain" rustc --version)" = "$(rustc --version)" ]; then
  echo "msrv: the default toolchain is $toolchain; the ordinary build checks it"
  exit 0
fi
echo "msrv: building with $toolchain"
CARGO_TARGET_DIR=target/msrv cargo "+$toolchain" check --locked --all-targets
