#!/usr/bin/env bash
# Peak memory of the live dashboard with many processes.
#
# Starts sleeping processes until the host runs about PROCS of them, runs headroom in a 120x40
# tmux session at a 1 s refresh on pane PANE (5, Processes, by default; the other panes in turn
# with PANES="1 2 3 4 5 6"), and after DURATION seconds prints its peak resident memory
# (VmHWM of /proc/PID/status) and its resident memory then (VmRSS), in MB.
# Goal: at most 24 MB with 5,000 processes.
#
# Usage: benches/rss.sh            (builds the release binary with cargo)
#        HEADROOM=/path/to/headroom PROCS=5000 DURATION=30 PANES="1 5" benches/rss.sh
set -euo pipefail

PROCS=${PROCS:-5000}
DURATION=${DURATION:-30}
PANES=${PANES:-5}
cd "$(dirname "$0")/.."

command -v tmux >/dev/null || { echo "tmux is missing: apt-get install tmux" >&2; exit 1; }
if [ -z "${HEADROOM:-}" ]; then
    cargo build --release --quiet
    HEADROOM="${CARGO_TARGET_DIR:-target}/release/headroom"
fi
[ -x "$HEADROOM" ] || { echo "no headroom binary at $HEADROOM" >&2; exit 1; }

SOCKET="headroom-rss-$$"
SLEEPERS=()
cleanup() {
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    if [ "${#SLEEPERS[@]}" -gt 0 ]; then
        kill "${SLEEPERS[@]}" 2>/dev/null || true
        wait "${SLEEPERS[@]}" 2>/dev/null || true
    fi
}
trap cleanup EXIT

procs() { ls -d /proc/[0-9]* 2>/dev/null | wc -l; }
# One line of /proc/PID/status in MB: "VmHWM" or "VmRSS".
mb() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

for _ in $(seq "$(procs)" "$((PROCS - 1))"); do
    sleep 100000 &
    SLEEPERS+=($!)
done
echo "host: $(procs) processes; ${DURATION}s at 1s refresh, 120x40 tmux"
printf '%-6s %10s %10s\n' pane "peak MB" "now MB"
for pane in $PANES; do
    tmux -L "$SOCKET" new-session -d -s headroom -x 120 -y 40 "exec $HEADROOM --interval 1s"
    sleep 0.5
    tmux -L "$SOCKET" send-keys -t headroom "$pane"
    pid=$(tmux -L "$SOCKET" display-message -p -t "=headroom:" '#{pane_pid}')
    sleep "$DURATION"
    printf '%-6s %10s %10s\n' "$pane" "$(mb "$pid" VmHWM)" "$(mb "$pid" VmRSS)"
    tmux -L "$SOCKET" kill-server
    # The server takes a moment to go; a new session meanwhile finds it exiting.
    sleep 1
done
