#!/usr/bin/env bash
# Installs everything tracescope needs to build, serve and test, from the package
# registries only (crates.io, npm, Debian). Idempotent: tools already at the right
# version are skipped, so a second run goes straight on.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TRUNK_VERSION=0.21.14
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Faster installs of the build tools themselves: they need not be maximally optimised.
install_env=(CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
# A CJK font, so the Chinese UI renders in the browser tests' screenshots (not as boxes).
[ -d /usr/share/fonts/truetype/wqy ] || need_apt+=(fonts-wqy-zenhei)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "apt: installing ${need_apt[*]} (for browser tests)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
pids=()
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "cargo install trunk $TRUNK_VERSION (about 10 minutes)"
  env "${install_env[@]}" cargo install trunk --version "$TRUNK_VERSION" --locked --quiet &
  pids+=($!)
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WB_VERSION (about 8 minutes)"
  # Not --locked: its own lockfile pins a webpki-roots the registry no longer has.
  env "${install_env[@]}" cargo install wasm-bindgen-cli --version "$WB_VERSION" --force --quiet &
  pids+=($!)
fi

# playwright-core and binaryen (wasm-opt 132: Debian's 108 produces a broken bundle).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

log "cargo fetch"
cargo fetch --quiet

for pid in "${pids[@]}"; do wait "$pid"; done
log "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null)"
