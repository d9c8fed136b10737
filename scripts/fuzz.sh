#!/usr/bin/env bash
# Fuzzes the core: one target per importer, and the whole pipeline (fuzz/fuzz_targets/).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 20 s, every target)
# Seeds are the fixtures of each target's format, read in place (never copied into the
# repository); new corpus entries go to fuzz/corpus/ (ignored by git). A crash input is
# copied to crates/tracescope-core/tests/fuzz_regressions/<target>-<hash>, where the native
# test `fuzz_regressions` replays it; the script then exits 1.
#
# cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
# No sanitizer (the core forbids unsafe code, so ASan would only slow it down); debug
# assertions on, so that arithmetic overflow is found like the tests would find it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
secs=${1:-20}
shift || true
all_targets=(import_zipkin_v2 import_zipkin_v1 import_jaeger import_otlp pipeline)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all_targets[@]}")

export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked --quiet
fi

fixtures=${TRACESCOPE_FIXTURES:-$(cd .. && pwd)/shared/fixtures}
if [ ! -d "$fixtures/zipkin-v2" ]; then
  echo "[fuzz] trace fixtures missing at $fixtures (set TRACESCOPE_FIXTURES)" >&2
  exit 1
fi
target_dir=()
[ -z "${CARGO_TARGET_DIR:-}" ] || target_dir=(--target-dir "$CARGO_TARGET_DIR/fuzz")
regressions=$ROOT/crates/tracescope-core/tests/fuzz_regressions
mkdir -p "$regressions"

seeds_for() {
  case $1 in
    import_zipkin_v2) echo "$fixtures/zipkin-v2" ;;
    import_zipkin_v1) echo "$fixtures/zipkin-v1" ;;
    import_jaeger) echo "$fixtures/jaeger" ;;
    import_otlp) echo "$fixtures/otlp" ;;
    pipeline) echo "$fixtures/zipkin-v2 $fixtures/zipkin-v1 $fixtures/jaeger $fixtures/otlp" ;;
    *) echo "[fuzz] unknown target $1 (one of: ${all_targets[*]})" >&2; exit 2 ;;
  esac
}

found=0
for t in "${targets[@]}"; do
  seeds=$(seeds_for "$t")
  corpus=fuzz/corpus/$t
  artifacts=fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  echo "[fuzz] $t for ${secs}s (seeds: ${seeds//$fixtures\//})" >&2
  # shellcheck disable=SC2086 # $seeds is a list of directories
  if cargo fuzz run --fuzz-dir fuzz "${target_dir[@]}" --sanitizer none --debug-assertions "$t" \
      "$corpus" $seeds -- \
      -max_total_time="$secs" -dict=fuzz/json.dict -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      >"fuzz/artifacts/$t.log" 2>&1; then
    echo "[fuzz] $t: no crash ($(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "fuzz/artifacts/$t.log" | grep -Eo '[0-9]+$' || echo '?') runs)" >&2
  else
    echo "[fuzz] $t: the fuzzer stopped with a finding; log: fuzz/artifacts/$t.log" >&2
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY' "fuzz/artifacts/$t.log" | head -5 >&2 || true
  fi
  for crash in "$artifacts"/crash-* "$artifacts"/oom-* "$artifacts"/timeout-*; do
    [ -f "$crash" ] || continue
    kind=$(basename "$crash" | cut -d- -f1)
    hash=$(sha1sum "$crash" | cut -c1-16)
    dest=$regressions/$t-$hash
    [ "$kind" = crash ] || dest=$regressions/$t-$kind-$hash
    if [ ! -f "$dest" ]; then
      cp "$crash" "$dest"
      echo "[fuzz] $kind input saved as ${dest#"$ROOT"/}" >&2
    fi
    found=1
  done
done
if [ "$found" -ne 0 ]; then
  echo "[fuzz] findings saved; replay them with: cargo test -p tracescope-core --test fuzz_regressions" >&2
  exit 1
fi
echo "[fuzz] no findings" >&2
