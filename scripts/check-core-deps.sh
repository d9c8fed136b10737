#!/usr/bin/env bash
# The core crate must stay free of web dependencies: it is tested and benchmarked natively.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(leptos|web-sys|js-sys|gloo|wasm-bindgen)'
for target in x86_64-unknown-linux-gnu wasm32-unknown-unknown; do
  bad=$(cargo tree -p tracescope-core --target "$target" -e normal,build --prefix none --format '{p}' \
        | awk '{print $1}' | sort -u | grep -E "$forbidden" || true)
  if [ -n "$bad" ]; then
    echo "tracescope-core depends on web crates ($target): $bad" >&2
    exit 1
  fi
done
echo "tracescope-core: no web dependencies"

# The worker carries the engine, not the UI: no UI framework in it.
bad=$(cargo tree -p tracescope-worker --target wasm32-unknown-unknown -e normal,build --prefix none --format '{p}' \
      | awk '{print $1}' | sort -u | grep -E '^leptos' || true)
if [ -n "$bad" ]; then
  echo "tracescope-worker depends on the UI framework: $bad" >&2
  exit 1
fi
echo "tracescope-worker: no UI framework"
