#!/usr/bin/env bash
# Browser benchmark of the search page (tests/bench/search.mjs): in-browser filter, sort,
# brush and scatter plot over 1,000 and 10,000 results. Builds the release bundle and the
# release test server, then prints a table. Arguments go to the benchmark, e.g.
#   scripts/bench-search.sh --sizes 10000 --runs 9
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
echo "[bench] release bundle" >&2
trunk build --release
echo "[bench] release test server" >&2
cargo build --release --quiet -p tracescope-testserver
node tests/bench/search.mjs "$@"
