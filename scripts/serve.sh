#!/usr/bin/env bash
# Serves tracescope at http://127.0.0.1:8080/ with the demo backend: the project's
# Zipkin-compatible test server, loaded with generated sample traces, serving the
# release bundle on the same origin. Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true

PORT=${PORT:-8080}
SAMPLES=${SAMPLES:-300}
echo "[serve] building the app (release)" >&2
trunk build --release
echo "[serve] building the demo backend" >&2
cargo build --release --quiet -p tracescope-testserver
echo "[serve] tracescope on http://127.0.0.1:$PORT/ (API at /api/v2, $SAMPLES sample traces); Ctrl-C stops" >&2
exec target/release/tracescope-testserver --host 127.0.0.1 --port "$PORT" \
  --static dist --samples "$SAMPLES" --seed "${SEED:-7}" "$@"
