#!/usr/bin/env bash
# Provides the S3-compatible server the tests keep team state on: versitygw (the Versity S3
# Gateway, Apache-2.0), a pinned version built from the Go module proxy and cached per version
# under ~/.cache/ainative-s3/ (a minute or two cold on 2 cores, instant after). It serves a folder
# as buckets ("posix" backend) and makes conditional writes (If-None-Match, If-Match) atomic under
# concurrency, which the lease tests race; docs/team-setup.md "Team set-up" says why this server.
#
# Usage: scripts/install-s3-server.sh [-h|--help]
# The last line printed is the path of the versitygw binary.
set -euo pipefail

VERSION=v1.8.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ainative-s3/versitygw-$VERSION"
BIN="$CACHE/bin/versitygw"

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-s3-server: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

if [ ! -x "$BIN" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "install-s3-server: go is not installed: install Go (https://go.dev/dl), then run this again" >&2
    exit 1
  fi
  echo "install-s3-server: building versitygw $VERSION from the Go module proxy (cached after)" >&2
  mkdir -p "$CACHE/bin"
  GOBIN="$CACHE/bin.tmp" GOFLAGS=-mod=mod go install "github.com/versity/versitygw/cmd/versitygw@$VERSION" >&2
  mv "$CACHE/bin.tmp/versitygw" "$BIN"
  rmdir "$CACHE/bin.tmp"
fi
echo "$BIN"
