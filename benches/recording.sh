#!/usr/bin/env bash
# The recording format's two goals, measured:
#  1. size: a recording at 1 s on a machine with 1,000 loopback connections and 300 extra
#     processes, for $DURATION (default 10m): bytes per frame (goal <= 600);
#  2. replay: a synthetic 24-hour recording at 1 s (86,400 frames, written from fixtures without
#     waiting a day): peak RSS of a full replay --json (goal <= 64 MB), time to the first frame
#     from the start and from a seek to the middle (goal < 1 s); in the dashboard, the first
#     frame on screen, the time until the pass ahead of play puts the whole recording on the
#     Graphs pane, and peak RSS with it (goal <= 64 MB).
#
#   benches/recording.sh [size|replay]     default: both
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build -q --release --bin headroom --example hold_connections --example synthetic_night
bin="$CARGO_TARGET_DIR/release"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
what="${1:-both}"

if [ "$what" = size ] || [ "$what" = both ]; then
  ulimit -n 8192
  coproc HOLD { "$bin/examples/hold_connections" 1000; }
  pids+=("$HOLD_PID")
  read -r ready <&"${HOLD[0]}"
  echo "$ready"
  for _ in $(seq 300); do
    sleep 100000 &
    pids+=($!)
  done
  "$bin/headroom" record "$work/size.hr" --interval 1s --duration "${DURATION:-10m}"
  frames=$("$bin/headroom" replay --json "$work/size.hr" | wc -l)
  bytes=$(stat -c %s "$work/size.hr")
  echo "size: $frames frames, $bytes bytes, $((bytes / frames)) bytes/frame (goal <= 600)"
fi

if [ "$what" = replay ] || [ "$what" = both ]; then
  "$bin/examples/synthetic_night" "$work/night.hr" 86400
  /usr/bin/time -f "replay --json of 24 h: %e s, peak RSS %M KB (goal <= 65536)" \
    "$bin/headroom" replay --json "$work/night.hr" >/dev/null
  first_ms() {
    local s e
    s=$(date +%s%N)
    "$bin/headroom" replay --json "$work/night.hr" "$@" 2>/dev/null | head -c 1 >/dev/null
    e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  }
  echo "first frame from the start: $(first_ms) ms (goal < 1000)"
  echo "first frame after a seek 12 h in: $(first_ms --from 2025-11-30T11:00:00Z) ms (goal < 1000)"
  /usr/bin/time -f "replay of the last hour (a seek 23 h in): %e s, peak RSS %M KB" \
    "$bin/headroom" replay --json "$work/night.hr" --from 2025-11-30T22:00:00Z >/dev/null
  # The dashboard on the same file, in a detached tmux: the first frame on screen, then peak RSS
  # after a minute of play at x600 with the time cursor jumping about.
  if command -v tmux >/dev/null; then
    sock="$work/tmux"
    s=$(date +%s%N)
    tmux -S "$sock" new-session -d -x 120 -y 40 \
      "/usr/bin/time -f 'dashboard replay: peak RSS %M KB (goal <= 65536)' -o $work/dash.txt \
       $bin/headroom replay $work/night.hr --speed 600"
    until tmux -S "$sock" capture-pane -p | grep -q 'replay night.hr'; do sleep 0.02; done
    e=$(date +%s%N)
    echo "dashboard: first frame on screen in $(( (e - s) / 1000000 )) ms (goal < 1000)"
    # The pass ahead of play: the Graphs header says how far it has read, until the whole
    # recording is on the pane.
    tmux -S "$sock" send-keys 4
    for _ in $(seq 100); do
      tmux -S "$sock" capture-pane -p | grep -q 'reading the whole recording' && break
      sleep 0.05
    done
    while tmux -S "$sock" capture-pane -p | grep -q 'reading the whole recording'; do sleep 0.1; done
    e=$(date +%s%N)
    echo "dashboard: the whole recording on the Graphs pane in $(( (e - s) / 1000000 )) ms"
    for k in ] ] ] '{' g 1 2 : 0 0 Enter '}' + + +; do
      tmux -S "$sock" send-keys "$k"; sleep 0.5
    done
    sleep 30
    tmux -S "$sock" send-keys q
    while tmux -S "$sock" has-session 2>/dev/null; do sleep 0.1; done
    cat "$work/dash.txt"
  fi
fi
