#!/usr/bin/env bash
# CPU cost of the live dashboard beside htop and btop.
#
# Each program runs in its own 120x40 tmux session at a 1 s refresh, all at the same time, and
# its CPU use (utime+stime of /proc/PID/stat, all threads) is measured over ROUNDS rounds of
# DURATION seconds (the start order rotated each round), first on the host as it is, then with
# 2,000 extra sleeping processes. Prints CPU% of a core for each and the ratios headroom/htop (idle) and headroom/btop (2,000 processes).
# Goal: headroom <= htop idle, headroom <= btop with 2,000 processes (<= half of btop's on the
# Processes pane, PANE=5, where it reads every process's columns).
#
# Usage: benches/cpu.sh            (builds the release binary with cargo)
#        HEADROOM=/path/to/headroom DURATION=30 ROUNDS=3 EXTRA=2000 benches/cpu.sh
#        PANE=4 benches/cpu.sh    (headroom shows the pane of that key, e.g. 4 for Graphs)
set -euo pipefail

DURATION=${DURATION:-30}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
EXTRA=${EXTRA:-2000}
PANE=${PANE:-}
cd "$(dirname "$0")/.."

for tool in tmux htop btop; do
    if ! command -v "$tool" >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null
        else
            echo "$tool is missing: apt-get install $tool" >&2
            exit 1
        fi
    fi
done

if [ -z "${HEADROOM:-}" ]; then
    cargo build --release --quiet
    HEADROOM="${CARGO_TARGET_DIR:-target}/release/headroom"
fi
[ -x "$HEADROOM" ] || { echo "no headroom binary at $HEADROOM" >&2; exit 1; }

SOCKET="headroom-bench-$$"
WORK=$(mktemp -d)
SLEEPERS=()

cleanup() {
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    if [ "${#SLEEPERS[@]}" -gt 0 ]; then
        kill "${SLEEPERS[@]}" 2>/dev/null || true
        wait "${SLEEPERS[@]}" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# btop reads its refresh interval from its config file; give it its own, at 1000 ms.
mkdir -p "$WORK/config/btop" "$WORK/htop"
printf 'update_ms = 1000\n' > "$WORK/config/btop/btop.conf"

CLK_TCK=$(getconf CLK_TCK)

# utime+stime in clock ticks of a process (all its threads).
ticks() {
    # The command name may hold spaces: fields after the last ')' start at state (field 3).
    local stat rest
    stat=$(cat "/proc/$1/stat")
    rest=${stat##*) }
    set -- $rest
    echo $(( ${12} + ${13} ))
}

# The program's pid in a session: the pane's process, or its only child when a shell kept it.
program_pid() {
    local pid child
    pid=$(tmux -L "$SOCKET" display-message -p -t "=$1:" '#{pane_pid}')
    child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{print $1}')
    if [ -n "$child" ] && [ "$(cat "/proc/$pid/comm")" = sh ]; then
        echo "$child"
    else
        echo "$pid"
    fi
}

# Starts the three programs, each in its own session, in the order given: the first one started
# measured up to twice the CPU of the others on the same binary here (it lands on the CPU that
# takes the interrupts), so rounds rotate the order and every program starts first once.
start_all() {
    local name
    for name in "$@"; do
        case $name in
        headroom)
            tmux -L "$SOCKET" new-session -d -s headroom -x 120 -y 40 "exec $HEADROOM --interval 1s"
            if [ -n "$PANE" ]; then
                sleep 0.5
                tmux -L "$SOCKET" send-keys -t headroom "$PANE"
            fi
            ;;
        htop)
            tmux -L "$SOCKET" new-session -d -s htop -x 120 -y 40 \
                "exec env HTOPRC=$WORK/htop/htoprc htop -d 10"
            ;;
        btop)
            tmux -L "$SOCKET" new-session -d -s btop -x 120 -y 40 \
                "exec env XDG_CONFIG_HOME=$WORK/config btop"
            ;;
        esac
    done
}

# One round: CPU ticks of "headroom htop btop" over DURATION seconds, and the seconds measured.
round() {
    start_all "$@"
    sleep "$WARMUP"
    local names=(headroom htop btop) pids=() before=() after=() t0 t1 n i
    for n in "${names[@]}"; do
        pids+=("$(program_pid "$n")")
    done
    t0=$(date +%s.%N)
    for i in 0 1 2; do before+=("$(ticks "${pids[$i]}")"); done
    sleep "$DURATION"
    for i in 0 1 2; do after+=("$(ticks "${pids[$i]}")"); done
    t1=$(date +%s.%N)
    tmux -L "$SOCKET" kill-server
    # The next round's server must not start while this one is still going away.
    while tmux -L "$SOCKET" list-sessions >/dev/null 2>&1; do sleep 0.1; done
    sleep 0.5
    echo "$(( after[0] - before[0] )) $(( after[1] - before[1] )) $(( after[2] - before[2] )) $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
}

# Prints "headroom htop btop" CPU% over ROUNDS rounds of DURATION seconds, the start order
# rotated each round.
measure() {
    local orders=("headroom htop btop" "htop btop headroom" "btop headroom htop")
    local h=0 t=0 b=0 secs=0 r dh dt db ds
    for ((r = 0; r < ROUNDS; r++)); do
        # shellcheck disable=SC2086
        read -r dh dt db ds < <(round ${orders[$((r % 3))]})
        h=$((h + dh)) t=$((t + dt)) b=$((b + db))
        secs=$(awk -v a="$secs" -v b="$ds" 'BEGIN { print a + b }')
    done
    awk -v h="$h" -v t="$t" -v b="$b" -v s="$secs" -v hz="$CLK_TCK" \
        'BEGIN { printf "%.3f %.3f %.3f\n", h / hz / s * 100, t / hz / s * 100, b / hz / s * 100 }'
}

procs() { ls -d /proc/[0-9]* 2>/dev/null | wc -l; }

echo "host: $(nproc) cores, $(procs) processes; ${ROUNDS}x${DURATION}s at 1s refresh, 120x40 tmux each${PANE:+; headroom on pane $PANE}"
read -r h_idle t_idle b_idle < <(measure)
printf '%-28s %9s %9s %9s\n' "" headroom htop btop
printf '%-28s %8s%% %8s%% %8s%%\n' "idle ($(procs) processes)" "$h_idle" "$t_idle" "$b_idle"

for _ in $(seq "$EXTRA"); do
    sleep 100000 &
    SLEEPERS+=($!)
done
read -r h_busy t_busy b_busy < <(measure)
printf '%-28s %8s%% %8s%% %8s%%\n' "+$EXTRA sleeping ($(procs))" "$h_busy" "$t_busy" "$b_busy"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "headroom/htop idle:          $(ratio "$h_idle" "$t_idle")  (goal <= 1)"
busy_goal=1
[ "$PANE" = 5 ] && busy_goal=0.5
echo "headroom/btop +$EXTRA procs: $(ratio "$h_busy" "$b_busy")  (goal <= $busy_goal)"
echo "headroom/htop +$EXTRA procs: $(ratio "$h_busy" "$t_busy")"
