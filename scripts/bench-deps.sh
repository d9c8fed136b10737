#!/usr/bin/env bash
# Benchmarks of the dependency graph: the native table (tracescope bench-deps: graph, layout,
# the core's share of a frame) and the browser table (tests/bench/dependencies.mjs: layout in
# wasm, pan and zoom draw cost). Builds what it needs. Arguments go to the browser benchmark,
# e.g.  scripts/bench-deps.sh --sizes 1000x5000 --runs 5
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
TARGET="${CARGO_TARGET_DIR:-target}"

echo "[bench-deps] release CLI and test server" >&2
cargo build --release --quiet -p tracescope-cli -p tracescope-testserver
"$TARGET/release/tracescope" bench-deps
echo "[bench-deps] release bundle" >&2
trunk build --release
node tests/bench/dependencies.mjs "$@"
