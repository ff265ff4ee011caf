#!/usr/bin/env bash
# Benchmark of `headroom scan` beside du, find and (when installed) gdu, ncdu and dua.
#
# Generates (once) a tree of about 505,000 entries in 5,555 directories, warms it, then runs
# every tool a few times on the warm tree and prints the best wall time, the ratio to
# headroom and the peak RSS of each.
#
#   benches/scan.sh [DIR]          DIR defaults to /var/tmp/headroom-bench-tree
#   HEADROOM=path/to/headroom      binary to measure (default: builds the release binary)
#   RUNS=5                         runs per tool (best is kept)
#
# Goals: headroom >= 4x faster than `du --inodes -xs`, faster than `find -xdev | wc -l`,
# `--bytes` >= 2x faster than `du --inodes`, peak RSS < 16 MB.
set -euo pipefail

DIR=${1:-/var/tmp/headroom-bench-tree}
RUNS=${RUNS:-5}
HERE=$(cd "$(dirname "$0")/.." && pwd)

if [[ -z "${HEADROOM:-}" ]]; then
    (cd "$HERE" && cargo build --release --quiet)
    HEADROOM="${CARGO_TARGET_DIR:-$HERE/target}/release/headroom"
fi
[[ -x "$HEADROOM" ]] || { echo "no headroom binary at $HEADROOM" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time) is needed for peak RSS: apt-get install time" >&2; exit 1; }

# 55 top directories x 100 subdirectories x 91 files = 500,500 files in 5,555 directories.
if [[ ! -f "$DIR/.complete" ]]; then
    echo "generating $DIR ..." >&2
    rm -rf "$DIR"
    mkdir -p "$DIR"
    for t in $(seq -w 0 54); do
        for s in $(seq -w 0 99); do
            d="$DIR/t$t/s$s"
            mkdir -p "$d"
            (cd "$d" && touch f{01..91})
        done
    done
    touch "$DIR/.complete"
fi

# Warm the dentry and inode caches.
find "$DIR" -xdev >/dev/null
du -xs "$DIR" >/dev/null

# Every run times each tool once, round robin, so a change of load on the machine hits all
# tools alike; the best wall time of each is kept, with its peak RSS.
declare -A WALL RSS CMD
ORDER=()
tool() { local name=$1; shift; ORDER+=("$name"); CMD[$name]=$(printf '%q ' "$@"); }
time_one() {
    local name=$1 t0 t1 dt out
    out=$(mktemp)
    t0=$EPOCHREALTIME
    eval "/usr/bin/time -f '%M' -o '$out' ${CMD[$name]}" >/dev/null 2>&1
    t1=$EPOCHREALTIME
    dt=$(echo "$t1 - $t0" | bc -l)
    if [[ -z "${WALL[$name]:-}" ]] || (( $(echo "$dt < ${WALL[$name]}" | bc -l) )); then
        WALL[$name]=$dt
        RSS[$name]=$(tail -1 "$out")
    fi
    rm -f "$out"
}

entries=$("$HEADROOM" scan "$DIR" --json --top 1 | sed -n 's/.*"total_entries": \([0-9]*\).*/\1/p')
echo "tree: $DIR, $entries entries (find -xdev: $(find "$DIR" -xdev | wc -l)), $(nproc) cores, best of $RUNS, load $(cut -d' ' -f1-3 /proc/loadavg)"

tool headroom "$HEADROOM" scan "$DIR" --top 20
tool headroom_bytes "$HEADROOM" scan "$DIR" --top 20 --bytes
tool du_inodes du --inodes -xs "$DIR"
tool du_bytes du -xs "$DIR"
tool find_wc bash -c "find '$DIR' -xdev | wc -l"
command -v gdu >/dev/null && tool gdu gdu --non-interactive --no-progress "$DIR"
command -v ncdu >/dev/null && tool ncdu ncdu -x -0 -o /dev/null "$DIR"
command -v dua >/dev/null && tool dua dua aggregate "$DIR"
for _ in $(seq "$RUNS"); do
    for n in "${ORDER[@]}"; do time_one "$n"; done
done

printf '%-16s %10s %14s %12s\n' tool seconds "x headroom" "peak RSS"
for n in "${ORDER[@]}"; do
    ratio=$(echo "${WALL[$n]} / ${WALL[headroom]}" | bc -l)
    printf '%-16s %10.3f %14.2f %9.1f MB\n' "$n" "${WALL[$n]}" "$ratio" "$(echo "${RSS[$n]} / 1024" | bc -l)"
done

ok() { if (( $(echo "$1" | bc -l) )); then echo "ok  "; else echo "MISS"; fi; }
echo
echo "$(ok "${WALL[du_inodes]} >= 4 * ${WALL[headroom]}") du --inodes / headroom = $(printf %.2f "$(echo "${WALL[du_inodes]} / ${WALL[headroom]}" | bc -l)") (goal >= 4)"
echo "$(ok "${WALL[find_wc]} > ${WALL[headroom]}") find | wc -l / headroom = $(printf %.2f "$(echo "${WALL[find_wc]} / ${WALL[headroom]}" | bc -l)") (goal > 1)"
echo "$(ok "${WALL[du_inodes]} >= 2 * ${WALL[headroom_bytes]}") du --inodes / headroom --bytes = $(printf %.2f "$(echo "${WALL[du_inodes]} / ${WALL[headroom_bytes]}" | bc -l)") (goal >= 2)"
echo "$(ok "${RSS[headroom]} < 16384 && ${RSS[headroom_bytes]} < 16384") peak RSS headroom $(( RSS[headroom] / 1024 )) MB, --bytes $(( RSS[headroom_bytes] / 1024 )) MB (goal < 16)"
