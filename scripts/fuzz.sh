#!/usr/bin/env bash
# Runs the cargo-fuzz targets for a given time each and prints a table of executions and
# crashes per target, ready to paste.
#
# usage: scripts/fuzz.sh TARGET|all SECONDS
#   needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
#   The first run seeds each corpus (fuzz/corpus/TARGET, not in git) from tests/fixtures;
#   `recording` also gets recordings written by the current writer (examples/seed_recordings).
#   A crash leaves its input in fuzz/artifacts/TARGET/; reproduce it with
#   (cd fuzz && cargo +nightly fuzz run TARGET artifacts/TARGET/crash-…).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

targets=(beancounters cgroup_mountinfo counters memory_cpu tcp limits_status recording)
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET|all SECONDS   (targets: ${targets[*]})" >&2
  exit 2
fi
if [ "$1" = all ]; then
  run=("${targets[@]}")
else
  run=("$1")
fi
secs=$2

# Fixture files that feed each target, as find(1) -path patterns.
seeds() {
  case "$1" in
    beancounters) echo "*/user_beancounters" ;;
    cgroup_mountinfo) echo "*/self/cgroup */self/mountinfo */statvfs *.events" ;;
    counters) echo "*/net/sockstat* */net/netstat */net/snmp */net/unix */ip_local_port_range" ;;
    memory_cpu) echo "*/meminfo */vmstat */zoneinfo */pressure/* */diskstats */proc/stat */loadavg */cpuinfo */file-nr */tcp_mem" ;;
    tcp) echo "*/net/tcp */net/tcp6" ;;
    limits_status) echo "*/limits */comm */status" ;;
    recording) echo "*/recordings/*" ;;
  esac
}

seed() {
  local target=$1 dir=corpus/$1
  [ -d "$dir" ] && return 0
  mkdir -p "$dir"
  for pattern in $(seeds "$target"); do
    find ../tests/fixtures -type f -path "$pattern" -print0 |
      while IFS= read -r -d '' f; do
        cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)"
      done
  done
  if [ "$target" = recording ]; then
    (cd .. && cargo run -q --example seed_recordings -- "fuzz/$dir")
  fi
}

cargo +nightly fuzz build >/dev/null

rows=()
failed=0
for t in "${run[@]}"; do
  seed "$t"
  mkdir -p "artifacts/$t" logs
  before=$(find "artifacts/$t" -type f | wc -l)
  log=logs/$t.log
  status=ok
  # -fork keeps going after a crash, so one run finds more than one.
  cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 \
    >"$log" 2>&1 || status=exit-$?
  after=$(find "artifacts/$t" -type f | wc -l)
  crashes=$((after - before))
  # Fork mode reports "#N ... exec/s: ..." lines; the last one has the totals.
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  corpus=$(find "corpus/$t" -type f | wc -l)
  if [ "$crashes" -gt 0 ]; then
    status="CRASH (artifacts/$t)"
    failed=1
  fi
  rows+=("$(printf '| %-16s | %7s | %12s | %8s | %6s | %7s | %7s | %s |' \
    "$t" "$secs" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "$crashes" "$status")")
done

echo
echo "fuzzing, $(date -u +%Y-%m-%dT%H:%MZ), $(rustc +nightly --version)"
echo
printf '| %-16s | %7s | %12s | %8s | %6s | %7s | %7s | %s |\n' \
  target seconds executions exec/s cov corpus crashes status
echo "|------------------|---------|--------------|----------|--------|---------|---------|--------|"
printf '%s\n' "${rows[@]}"
exit $failed
