#!/usr/bin/env bash
# Regenerates every README screenshot (screenshots/*.png) from the fixtures in tests/fixtures.
#
# usage: scripts/screenshots.sh
#
# Each pane runs in its own tmux server at 120x36 with TERM=xterm-256color, reading a fixture by
# its repository-relative path so the header names it the same way on every machine. Needs tmux,
# python3-pil and fonts-dejavu-core; the last two are installed with apt-get when missing.
# HEADROOM_PROFILE=debug renders with the debug build instead of a release one;
# HEADROOM_NO_BUILD=1 uses the binary already built.
set -euo pipefail

cd "$(dirname "$0")/.."
profile="${HEADROOM_PROFILE:-release}"
bin="target/$profile/headroom"
cols=120
rows=36

need_packages() {
    local missing=()
    /usr/bin/python3 -c 'import PIL' 2>/dev/null || missing+=(python3-pil)
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing+=(fonts-dejavu-core)
    command -v tmux >/dev/null || missing+=(tmux)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            echo "screenshots: needs ${missing[*]}: run as root or apt-get install them" >&2
            exit 1
        fi
        apt-get update -qq >/dev/null
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

build() {
    if [ -n "${HEADROOM_NO_BUILD:-}" ]; then
        return 0
    fi
    if [ "$profile" = release ]; then
        cargo build --release --quiet
    else
        cargo build --quiet
    fi
}

# A small tree at a stable path for the Inodes scan: a session directory that ran away.
make_tree() {
    local root=target/shots-tree
    rm -rf "$root"
    for d in var/lib/php/sessions var/cache/apt usr/share/doc home/app/.cache/pip; do
        mkdir -p "$root/$d"
    done
    for i in $(seq 1 1200); do : >"$root/var/lib/php/sessions/sess_$i"; done
    for i in $(seq 1 40); do mkdir -p "$root/home/app/.cache/pip/h$i" && : >"$root/home/app/.cache/pip/h$i/w"; done
    for i in $(seq 1 150); do : >"$root/usr/share/doc/p$i"; done
    for i in $(seq 1 30); do : >"$root/var/cache/apt/a$i"; done
}

# The graphs-busy fixture with its steps laid over it one by one while the dashboard reads it.
graphs_tree() {
    rm -rf target/shots-graphs
    mkdir -p target/shots-graphs
    cp -r tests/fixtures/graphs-busy/proc tests/fixtures/graphs-busy/sys target/shots-graphs/
}

# tmux SOCKET ARGS...
t() {
    local socket=$1
    shift
    tmux -L "$socket" "$@"
}

start() { # start SOCKET ARGS... (the headroom arguments)
    local socket=$1
    shift
    t "$socket" kill-server 2>/dev/null || true
    t "$socket" new-session -d -s shot -x "$cols" -y "$rows" \
        "TERM=xterm-256color $bin $*"
}

wait_for() { # wait_for SOCKET TEXT
    local i
    for i in $(seq 1 100); do
        if t "$1" capture-pane -p -t shot 2>/dev/null | grep -qF -- "$2"; then
            return 0
        fi
        sleep 0.1
    done
    echo "screenshots: gave up waiting for '$2' on $1" >&2
    t "$1" capture-pane -p -t shot >&2 || true
    return 1
}

shoot() { # shoot SOCKET NAME: wait a frame so the pane is whole, then render it
    sleep 1.2
    /usr/bin/python3 scripts/screenshot.py "shot" "screenshots/$2.png" "$1"
    t "$1" kill-server
}

# Leaves no tmux server behind when a pane fails to draw.
cleanup() {
    local pane
    for pane in limits inodes sockets graphs processes events; do
        tmux -L "headroom-shots-$pane" kill-server 2>/dev/null || true
        rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/headroom-shots-$pane"
    done
}
trap cleanup EXIT

roots() { echo "--proc-root tests/fixtures/$1/proc --sys-root tests/fixtures/$1/sys"; }

limits() {
    local s=headroom-shots-limits
    start $s "$(roots openvz-container)"
    wait_for $s "numothersock"
    shoot $s limits
}

inodes() {
    local s=headroom-shots-inodes
    make_tree
    start $s "$(roots healthy-host)"
    wait_for $s "1 Limits"
    t $s send-keys -t shot 2
    wait_for $s "inode use"
    t $s send-keys -t shot /
    wait_for $s "scan path:"
    for _ in $(seq 1 80); do t $s send-keys -t shot BSpace; done
    t $s send-keys -t shot -l target/shots-tree
    t $s send-keys -t shot Enter
    wait_for $s "entries in"
    shoot $s inodes
}

sockets() {
    local s=headroom-shots-sockets
    start $s "$(roots memcached-clients)"
    wait_for $s "1 Limits"
    t $s send-keys -t shot 3
    wait_for $s "owners of 10.0.0.7:11211"
    shoot $s sockets
}

graphs() {
    local s=headroom-shots-graphs step
    graphs_tree
    start $s "--proc-root target/shots-graphs/proc --sys-root target/shots-graphs/sys"
    wait_for $s "1 Limits"
    t $s send-keys -t shot 4
    wait_for $s "window 5m"
    # The one-minute window, so the few seconds of history fill a visible part of each chart.
    t $s send-keys -t shot +
    wait_for $s "window 1m"
    for step in tests/fixtures/graphs-busy/steps/*/; do
        sleep 5
        cp -r "$step"* target/shots-graphs/
    done
    sleep 5
    shoot $s graphs
}

processes() {
    local s=headroom-shots-processes
    start $s "$(roots procs)"
    wait_for $s "1 Limits"
    t $s send-keys -t shot 5
    wait_for $s "pid"
    shoot $s processes
}

events() {
    local s=headroom-shots-events
    start $s "replay tests/fixtures/recordings/openvz-v1.hr"
    wait_for $s "1 Limits"
    t $s send-keys -t shot 6
    if ! wait_for $s "6 Events" 2>/dev/null; then
        t $s kill-server 2>/dev/null || true
        echo "screenshots: no Events pane (key 6) in this build; skipped events.png"
        return 0
    fi
    sleep 1
    shoot $s events
}

need_packages
build
limits
inodes
sockets
graphs
processes
if [ -f tests/fixtures/recordings/openvz-v1.hr ]; then
    events
else
    echo "screenshots: no tests/fixtures/recordings/openvz-v1.hr; skipped events.png"
fi
