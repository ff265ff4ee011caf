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

# best_of NAME CMD...: best wall time in seconds over RUNS runs, and the peak RSS in KiB.
declare -A WALL RSS
best_of() {
    local name=$1; shift
    local best="" t0 t1 dt rss out
    out=$(mktemp)
    for _ in $(seq "$RUNS"); do
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%M' -o "$out" "$@" >/dev/null 2>&1
        t1=$EPOCHREALTIME
        rss=$(tail -1 "$out")
        dt=$(echo "$t1 - $t0" | bc -l)
        if [[ -z "$best" ]] || (( $(echo "$dt < $best" | bc -l) )); then best=$dt; fi
    done
    rm -f "$out"
    WALL[$name]=$best
    RSS[$name]=$rss
}

entries=$("$HEADROOM" scan "$DIR" --json --top 1 | sed -n 's/.*"total_entries": \([0-9]*\).*/\1/p')
echo "tree: $DIR, $entries entries (find -xdev: $(find "$DIR" -xdev | wc -l)), $(nproc) cores, best of $RUNS"

ORDER=(headroom headroom_bytes du_inodes du_bytes find_wc)
best_of headroom "$HEADROOM" scan "$DIR" --top 20
best_of headroom_bytes "$HEADROOM" scan "$DIR" --top 20 --bytes
best_of du_inodes du --inodes -xs "$DIR"
best_of du_bytes du -xs "$DIR"
best_of find_wc bash -c "find '$DIR' -xdev | wc -l"
if command -v gdu >/dev/null; then
    best_of gdu gdu --non-interactive --no-progress "$DIR"; ORDER+=(gdu)
fi
if command -v ncdu >/dev/null; then
    best_of ncdu ncdu -x -0 -o /dev/null "$DIR"; ORDER+=(ncdu)
fi
if command -v dua >/dev/null; then
    best_of dua dua aggregate "$DIR"; ORDER+=(dua)
fi

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
