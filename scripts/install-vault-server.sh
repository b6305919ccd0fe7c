#!/usr/bin/env bash
# Provides a real HashiCorp Vault server for tests of the secrets backup (issue 38): Vault v1.13.0,
# a release under MPL-2.0 (the 1.15 line and later are BUSL-1.1), built from the Go module proxy and cached per version under
# ~/.cache/ainative-vault/ (about 10 minutes cold on 2 cores, instant after). Run in dev mode on
# 127.0.0.1 it serves KV version 2 at secret/, AppRole, and the HTTP API clients such as
# node-vault speak.
#
# Why this version and this way: the module's go.mod replaces its sdk and api with folders that the
# module download does not carry, so it is built from a copy of the download with those replaces
# dropped and its own requirement kept (sdk v0.8.1, api v1.9.0). Later lines need sdk code that no
# published sdk version has (v1.14.0 misses two functions, v1.14.8, v1.14.10 and v1.21.4 more).
#
# Usage: scripts/install-vault-server.sh [-h|--help]
# The last line printed is the path of the vault binary.
set -euo pipefail

VERSION=v1.13.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ainative-vault/vault-$VERSION"
BIN="$CACHE/bin/vault"

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-vault-server: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

if [ ! -x "$BIN" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "install-vault-server: go is not installed: install Go (https://go.dev/dl), then run this again" >&2
    exit 1
  fi
  echo "install-vault-server: building Vault $VERSION from the Go module proxy (cached after)" >&2
  dir="$(go mod download -json "github.com/hashicorp/vault@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || { echo "install-vault-server: the module download of Vault $VERSION failed" >&2; exit 1; }
  src="$(mktemp -d)"
  trap 'rm -rf "$src"' EXIT
  cp -r "$dir/." "$src/"
  chmod -R u+w "$src"
  # The replaces point at folders the module download leaves out: the requirements stand instead.
  sed -i -E '/^replace github\.com\/hashicorp\/vault\/(api|sdk)( |\/)/d' "$src/go.mod"
  mkdir -p "$CACHE/bin"
  (cd "$src" && GOFLAGS=-mod=mod go build -o "$CACHE/bin/vault.tmp" .) >&2
  mv "$CACHE/bin/vault.tmp" "$BIN"
fi
echo "$BIN"
