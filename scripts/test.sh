#!/usr/bin/env bash
# Runs every test: installs what the tests need (tmux, memcached, prometheus with promtool,
# chromium) when missing, then cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v memcached >/dev/null 2>&1 || need+=(memcached)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)
# The HTML report is checked in a headless browser (the test says so and skips without it).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

# `--all-targets` builds the examples as tests only; the tests that run an example (the FUSE
# server that never answers, the connection holder) need the plain binaries beside them.
cargo build --examples
cargo test --all-targets "$@"
