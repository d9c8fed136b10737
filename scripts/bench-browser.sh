#!/usr/bin/env bash
# Browser benchmark of the trace view (tests/bench/waterfall.mjs): first complete paint (by
# URL and by file), stages of a load, main-thread long tasks, frame cost of scrolling, zooming
# and panning, filter latency and memory at 10k/100k/1M spans, in headless Chromium. Builds
# what it needs (release bundle, release test server and trace generator), then prints a
# table. Arguments go to the benchmark, e.g.
#   scripts/bench-browser.sh --sizes 10000,100000 --runs 3
#   scripts/bench-browser.sh --sizes 1000000 --profile bench-out/profiles   # + main-thread CPU profiles
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true

echo "[bench] release bundle" >&2
trunk build --release
echo "[bench] release test server and trace generator" >&2
cargo build --release --quiet -p tracescope-testserver -p tracescope-synth
node tests/bench/waterfall.mjs "$@"
