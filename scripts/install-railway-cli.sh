#!/usr/bin/env bash
# Provides Railway's own CLI, the client the tests judge the Railway emulator with: the `railwayapp`
# crate at a pinned version, built from the Rust crate registry as a debug build (it builds about
# twice as fast as a release build, and only a debug build honours RAILWAY_BACKBOARD_URL), cached
# per version under ~/.cache/ainative-railway-cli/<version>-debug/ so it builds once per machine
# (about 7 to 12 minutes cold on 2 cores, instant after).
#
# Beside the binary it keeps the schema Railway ships in that crate (`src/gql/schema.json`), which
# a test compares with the one the emulator serves (providers/railway/schema/schema.json).
#
# Usage: scripts/install-railway-cli.sh [--version] [-h|--help]
#   --version   print the pinned version and exit
# The last line printed is the path of the `railway` binary.
set -euo pipefail

VERSION=5.71.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ainative-railway-cli/$VERSION-debug"
BIN="$CACHE/bin/railway"

for arg in "$@"; do
  case "$arg" in
    --version) echo "$VERSION"; exit 0 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-railway-cli: unknown option '$arg' (usage: scripts/install-railway-cli.sh [--version])" >&2; exit 2 ;;
  esac
done

log() { printf 'install-railway-cli: %s\n' "$*" >&2; }

# The version is read whole before it is compared (grep -q closing the pipe early would fail it under pipefail).
built() {
  [ -x "$BIN" ] && [ -s "$CACHE/schema.json" ] || return 1
  local printed
  printed="$("$BIN" --version 2>/dev/null || true)"
  [ "$(printf '%s' "$printed" | head -1)" = "railway $VERSION" ]
}

if ! built; then
  if ! command -v cargo >/dev/null 2>&1; then
    log "cargo is not installed: install Rust (https://rustup.rs), then run this again"
    exit 1
  fi
  log "building Railway's CLI $VERSION from the crate registry (debug; cold: about 10 minutes on 2 cores; cached after)"
  # A build interrupted half-way leaves no binary that passes `built`; cargo resumes from its cache.
  cargo install railwayapp --version "$VERSION" --debug --locked --root "$CACHE" --quiet >&2
  crate_src="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"railwayapp-$VERSION" 2>/dev/null | head -1 || true)"
  if [ -n "$crate_src" ] && [ -s "$crate_src/src/gql/schema.json" ]; then
    cp "$crate_src/src/gql/schema.json" "$CACHE/schema.json.tmp"
  else
    crate_file="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"railwayapp-$VERSION.crate" | head -1)"
    tar -xzOf "$crate_file" "railwayapp-$VERSION/src/gql/schema.json" > "$CACHE/schema.json.tmp"
  fi
  mv "$CACHE/schema.json.tmp" "$CACHE/schema.json"
  built || { log "the build finished but $BIN does not report railway $VERSION"; exit 1; }
fi
echo "$BIN"
