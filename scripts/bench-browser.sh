#!/usr/bin/env bash
# Browser benchmark of the trace view (tests/bench/waterfall.mjs): first paint, stages of a
# load, main-thread long tasks, scroll frame times and memory at 10k/100k/1M spans, in
# headless Chromium. Builds what it needs (release bundle, release test server and trace
# generator), then prints a table. Arguments go to the benchmark, e.g.
#   scripts/bench-browser.sh --sizes 10000,100000 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true

echo "[bench] release bundle" >&2
trunk build --release
echo "[bench] release test server and trace generator" >&2
cargo build --release --quiet -p tracescope-testserver -p tracescope-synth
node tests/bench/waterfall.mjs "$@"
