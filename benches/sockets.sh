#!/usr/bin/env bash
# Socket enumeration speed against ss, with 1k, 10k and 20k loopback connections (2 sockets
# each). Connections are held by helper processes of at most 4,000 connections (8,000 fds)
# each, below the per-process fd limit. Prints, per size, the median of several runs and the
# ratios: full sample / `ss -tan` (goal <= 0.25) and sample with owners / `ss -tanp` (<= 0.40).
# Samples are taken one after another by one reader, as the dashboard takes them: from 8,192
# sockets on, a netlink dump runs as two halves on two threads. nl_single is a one-shot sample
# (one dump, as `snapshot` takes it).
#
#   benches/sockets.sh [SIZES...]     default: 1000 10000 20000
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build -q --release --example hold_connections --example sockets_sample
bin="$CARGO_TARGET_DIR/release/examples"
RUNS="${RUNS:-7}"
PER_HELPER=4000
ulimit -n "$(ulimit -Hn)"

# Median wall time in ms of a command, over $RUNS runs.
median_ms() {
  local t=()
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

helpers=()
fifos=()
cleanup() {
  for fd in "${fifos[@]:-}"; do [ -n "$fd" ] && eval "exec ${fd}>&-" || true; done
  for pid in "${helpers[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  helpers=(); fifos=()
}
trap cleanup EXIT

# The ratio of a to b, two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

printf '%-7s %8s %8s %9s %9s %9s %9s %9s %9s %9s %7s %7s %7s %7s %7s\n' conns sockets ss_tan ss_tanp nl_sample nl_single pf_sample owners nl+owners pf+owners nl/ss nl1/ss pf/ss nl+o/ssp pf+o/ssp
for size in "${@:-1000 10000 20000}"; do
  for n in $size; do
    left=$n
    while [ "$left" -gt 0 ]; do
      k=$(( left < PER_HELPER ? left : PER_HELPER ))
      dir=$(mktemp -d)
      mkfifo "$dir/in" "$dir/out"
      "$bin/hold_connections" "$k" <"$dir/in" >"$dir/out" &
      helpers+=($!)
      exec {w}>"$dir/in"
      fifos+=("$w")
      read -r ready _ <"$dir/out"
      [ "$ready" = ready ] || { echo "helper failed" >&2; exit 1; }
      rm -rf "$dir"
      left=$(( left - k ))
    done
    sockets=$(ss -tanH | wc -l)
    tan=$(median_ms ss -tan)
    tanp=$(median_ms ss -tanp)
    declare -A r=()
    while read -r name med _min _n; do r[$name]=$med; done < <("$bin/sockets_sample" "$RUNS")
    printf '%-7s %8s %8s %9s %9s %9s %9s %9s %9s %9s %7s %7s %7s %7s %7s\n' "$n" "$sockets" "$tan" "$tanp" \
      "${r[sample_netlink]}" "${r[sample_netlink_single]}" "${r[sample_procfs]}" "${r[owner_map]}" \
      "${r[sample_owners_netlink]}" "${r[sample_owners_procfs]}" \
      "$(ratio "${r[sample_netlink]}" "$tan")" "$(ratio "${r[sample_netlink_single]}" "$tan")" \
      "$(ratio "${r[sample_procfs]}" "$tan")" \
      "$(ratio "${r[sample_owners_netlink]}" "$tanp")" "$(ratio "${r[sample_owners_procfs]}" "$tanp")"
    cleanup
    # Let the closed connections' TIME_WAIT sockets not count against the next size.
    sleep 1
  done
done
echo "times in ms (median of $RUNS); nl = netlink, pf = /proc/net/tcp*; goals: nl/ss <= 0.25, nl+o/ssp <= 0.40 (pf: the fallback)"
