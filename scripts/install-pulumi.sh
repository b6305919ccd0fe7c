#!/usr/bin/env bash
# Provides the Pulumi CLI and its Node.js language host without get.pulumi.com.
#
# When `pulumi` and `pulumi-language-nodejs` are already on PATH they are used as they are.
# Otherwise both are built from Go modules at a pinned version into a cache folder outside the
# repository (recipe: shared/pulumi/CLI-FROM-GO-MODULES.md): a throwaway wrapper module, because
# `go install pkg/v3/cmd/pulumi@vX` is refused (pkg/go.mod has replace lines), and the version
# ldflag, without which `pulumi version` is empty. A second run is a no-op.
#
# Prints, as its last line, the folder to put on PATH: `export PATH="$(scripts/install-pulumi.sh | tail -1):$PATH"`.
#
# Options: --with-command   also build pulumi-resource-command (the deployment gate under the engine)
set -euo pipefail

PULUMI_VERSION="${AINATIVE_PULUMI_VERSION:-3.274.1}"
COMMAND_PROVIDER_VERSION=1.2.1
COMMAND_PROVIDER_COMMIT=7f3eb6f3b77cd0fa3895ba437a695dd393f7dd25
CACHE_ROOT="${AINATIVE_PULUMI_CACHE:-$HOME/.cache/ainative-pulumi}"
OUT="$CACHE_ROOT/$PULUMI_VERSION"
BIN="$OUT/bin"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

with_command=0
for arg in "$@"; do
  case "$arg" in
    --with-command) with_command=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install-pulumi: unknown option '$arg' (known: --with-command)" >&2; exit 2 ;;
  esac
done

log() { printf 'install-pulumi: %s\n' "$*" >&2; }

# The dynamic-provider plugin is a 3-line script shipped inside the @pulumi/pulumi npm package.
link_dynamic_provider() {
  local dir="$1" script="$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ -f "$script" ]; then
    chmod +x "$script" 2>/dev/null || true
    mkdir -p "$dir"
    ln -sf "$script" "$dir/pulumi-resource-pulumi-nodejs"
  else
    log "warning: $script not found; run 'npm ci' first so dynamic providers (Railway) can run under the engine"
  fi
}

# 1. Already installed by the user (a real workstation): use it.
if [ -z "${AINATIVE_PULUMI_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  existing="$(dirname "$(command -v pulumi)")"
  log "using the installed CLI: $(pulumi version) at $existing"
  if ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then link_dynamic_provider "$BIN"; fi
  echo "$existing"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "no Pulumi CLI on PATH and no Go toolchain to build one: install Pulumi (https://www.pulumi.com/docs/install/) or Go 1.26+"; exit 1; }

export CGO_ENABLED=0 GOFLAGS=-trimpath
MC="$(go env GOMODCACHE)/cache/download"

fetch_module() {
  # go mod download prints a JSON error naming the module when the proxy lacks it.
  if ! go mod download -json "$1" >/dev/null 2>"$OUT/download.err"; then
    log "the Go module proxy could not provide $1:"
    cat "$OUT/download.err" >&2
    exit 1
  fi
}

build_cli() {
  mkdir -p "$BIN"
  log "building Pulumi CLI v$PULUMI_VERSION and pulumi-language-nodejs from Go modules (10-20 min cold on 2 cores)"
  fetch_module "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION"
  fetch_module "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  local sha="${AINATIVE_PULUMI_LANGUAGE_HOST_VERSION:-}"
  [ -n "$sha" ] || sha=$(grep -o '"Hash":"[0-9a-f]*"' "$MC/github.com/pulumi/pulumi/sdk/v3/@v/v$PULUMI_VERSION.info" | cut -d'"' -f4 || true)
  [ -n "$sha" ] || sha=$(npm view "@pulumi/pulumi@$PULUMI_VERSION" gitHead 2>/dev/null || true)
  if [ -z "$sha" ]; then
    log "cannot build github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3: that module has no tags, so it is"
    log "only reachable by the release commit of v$PULUMI_VERSION, and neither the Go proxy's .info (Origin.Hash) nor npm"
    log "(@pulumi/pulumi@$PULUMI_VERSION gitHead) gives it here. Install the Pulumi CLI (https://www.pulumi.com/docs/install/),"
    log "or set AINATIVE_PULUMI_LANGUAGE_HOST_VERSION to a pseudo-version of that module the proxy serves."
    exit 1
  fi

  local w="$OUT/wrapper-cli"
  rm -rf "$w" && mkdir -p "$w"
  (
    cd "$w"
    go mod init offline.local/pulumi-cli >/dev/null 2>&1
    # pkg/go.mod's only replace that matters outside Windows-free builds is this clipboard fork.
    go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
    go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION"
    go get "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
    go get -tool "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$sha"
    go mod tidy
    # The language host's stale requires must not drag pkg or sdk off the pinned version.
    go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
    for m in pkg sdk; do
      got=$(go list -m -f '{{.Version}}' "github.com/pulumi/pulumi/$m/v3")
      [ "$got" = "v$PULUMI_VERSION" ] || { log "wrapper resolved $m/v3 to $got, not v$PULUMI_VERSION"; exit 1; }
    done
    local ld="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
    go build -tags osusergo,grpcnotrace -ldflags "$ld" -o "$BIN/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    go build -tags osusergo,grpcnotrace -ldflags "$ld" -o "$BIN/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
    # Renamed last, so an interrupted build is never mistaken for a finished one.
    mv "$BIN/pulumi.tmp" "$BIN/pulumi"
  )
  rm -rf "$w"
}

build_command_provider() {
  log "building pulumi-resource-command v$COMMAND_PROVIDER_VERSION from Go modules"
  GOBIN="$BIN" go install \
    -ldflags "-s -w -X github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$COMMAND_PROVIDER_VERSION" \
    "github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command@$COMMAND_PROVIDER_COMMIT"
}

mkdir -p "$OUT"
if [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-nodejs" ] && "$BIN/pulumi" version >/dev/null 2>&1; then
  log "cached: $BIN"
else
  build_cli
fi
if [ "$with_command" = 1 ] && [ ! -x "$BIN/pulumi-resource-command" ]; then build_command_provider; fi
link_dynamic_provider "$BIN"
log "provides $("$BIN/pulumi" version)"
echo "$BIN"
