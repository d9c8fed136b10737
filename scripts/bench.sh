#!/usr/bin/env bash
# The pipeline benchmark, native and wasm, on the same synthetic Zipkin v2 traces:
#   scripts/bench.sh [--sizes 10000,100000,1000000] [--runs N]
# Prints a markdown table for each, then wasm time / native time per size. Both are built
# with the `perf` profile (opt-level 3) unless BENCH_PROFILE says otherwise:
# BENCH_PROFILE=release measures what the app ships (opt-level "z", tuned for bundle size).
# The wasm build runs in Node, timed with performance.now() around each stage call.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
target=${CARGO_TARGET_DIR:-target}
profile=${BENCH_PROFILE:-perf}
pkg=bench-out/wasm-pkg-$profile

echo "[bench] building (native and wasm32, $profile profile)" >&2
cargo build --quiet --profile "$profile" -p tracescope-cli
cargo build --quiet --profile "$profile" --target wasm32-unknown-unknown -p tracescope-bench-wasm
wasm-bindgen --target nodejs --out-dir "$pkg" \
  "$target/wasm32-unknown-unknown/$profile/tracescope_bench_wasm.wasm"

native=$("$target/$profile/tracescope" bench "$@")
wasm=$(node crates/tracescope-bench-wasm/bench.mjs "$pkg" "$@")
printf '%s\n\n%s\n\n' "$native" "$wasm"

# The "total ms" and "total CPU ms" columns of each table, side by side. On a busy machine
# wall time says more about the other work than about ours: compare CPU time too.
totals() {
  awk -F'|' '/\| spans \|/ { for (i = 1; i <= NF; i++) { if ($i ~ /^ total ms/) w = i; if ($i ~ /total CPU ms/) c = i }; next }
             w && /^\| [0-9]/ { gsub(/ /, "", $2); gsub(/ /, "", $w); gsub(/ /, "", $c); print $2, $w, $c }'
}
echo "| spans | native total ms | wasm total ms | wasm / native | native CPU ms | wasm CPU ms | wasm / native (CPU) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
paste -d' ' <(printf '%s\n' "$native" | totals) <(printf '%s\n' "$wasm" | totals) |
  awk 'function r(a, b) { return (a > 0 && b != "–") ? sprintf("%.2f×", b / a) : "–" }
       { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $5, r($2, $5), $3, $6, r($3, $6) }'
