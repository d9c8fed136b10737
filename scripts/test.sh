#!/usr/bin/env bash
# Runs every test: native (core, generator, test server) and end-to-end in headless
# Chromium against the release bundle. Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true

fixtures=${TRACESCOPE_FIXTURES:-$(cd .. && pwd)/shared/fixtures}
if [ ! -d "$fixtures/zipkin-v2" ]; then
  echo "[test] trace fixtures missing at $fixtures (set TRACESCOPE_FIXTURES)" >&2
  exit 1
fi
export TRACESCOPE_FIXTURES=$fixtures

echo "[test] native tests" >&2
cargo test --quiet -p tracescope-core -p tracescope-synth -p tracescope-testserver \
  -p tracescope-cli -p tracescope-bench

echo "[test] release bundle" >&2
trunk build --release
cargo build --quiet -p tracescope-testserver

echo "[test] end-to-end (headless Chromium)" >&2
node tests/e2e/run.mjs "$@"
