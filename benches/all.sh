#!/usr/bin/env bash
# Every figure of issue 13's table in one run, each beside its anchor, from release builds:
#   - the machine, the date and the load average (before each part);
#   - benches/process.sh: binary size, first frame beside `gh auth login` and a trivial
#     ratatui app, peak RSS through a password sign-in beside `gh auth status`, idle costs;
#   - benches/tui.rs: bytes written per typed character beside ratatui's crossterm backend
#     (the anchor: what a plain ratatui app writes for the same frames);
#   - benches/server.rs: the emulator under load, `GET /v1/client` and token minting beside
#     `GET /v1/environment` (in-process clients, then `wrk -t2 -c16` with 200 signed-in
#     clients).
# Everything runs under `nice`: the machine is shared, and the load average says how much.
#
# Usage: benches/all.sh [OUT.md]  (default target/bench-all.md; RUNS, IDLE_SECS, NO_ANCHOR, WRK_SECS,
#        WRK_CLIENTS pass through; BIN and SERVER skip a build, see below)
# Needs what process.sh needs, plus wrk (apt-get install wrk) and, for the anchors, gh.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${1:-target/bench-all.md}"
mkdir -p "$(dirname "$OUT")"
load() { cut -d' ' -f1-3 /proc/loadavg | sed 's| | / |g'; }

executable() {
    python3 -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$1"
}
# Release builds are slow (fat LTO, one codegen unit): SERVER= (the server bench's executable)
# and BIN= (a release binary, e.g. one `cargo install` made) skip theirs. The benches build
# first: they leave their own build of the binary (with the dev-dependencies' features) at
# target/release/clerk-tui, which the release build then puts back.
if [[ -z "${SERVER:-}" ]]; then
    nice cargo bench --locked --no-run --bench server >&2
    SERVER="$(cargo bench --locked --no-run --bench server --message-format=json 2>/dev/null | executable server)"
fi
if [[ -z "${BIN:-}" ]]; then
    nice cargo build --release --locked --bin clerk-tui >&2
    BIN="$(cargo build --release --locked --bin clerk-tui --message-format=json 2>/dev/null | executable clerk-tui)"
fi
export BIN
# Bytes per keystroke do not depend on the optimizer: the debug build of benches/tui.rs
# prints them in seconds (`cargo bench --bench tui` adds the CPU time per keystroke).
nice cargo test --locked --bench tui --no-run >&2

{
    echo "# All figures, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "| machine | |"
    echo "|---|---|"
    echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), nproc = $(nproc) |"
    echo "| memory | $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) |"
    echo "| OS | $(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r) |"
    echo "| toolchain | $(rustc --version) |"
    echo "| commit | $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' (with uncommitted changes)') |"
    echo
    echo "Load average (1 / 5 / 15 min) before process.sh: $(load)"
    echo
    nice benches/process.sh --no-build
    echo
    echo "## Keystrokes (benches/tui.rs)"
    echo
    echo "Load average before: $(load)"
    echo
    echo '```'
    nice cargo test --locked --bench tui 2>/dev/null | grep -E '^bytes/'
    echo '```'
    echo
    echo "## Emulator under load (benches/server.rs)"
    echo
    echo "Load average before: $(load)"
    echo
    nice "$SERVER" --bench
    echo
    echo "Load average after: $(load)"
} | tee "$OUT"
