#!/usr/bin/env bash
# The test suites, by what they need; `npm test` runs them all (docs/tests.md "Tests").
#   static    eslint, prettier --check, tsc (needs nothing)
#   unit      test/**/*.test.ts but *.services.test.ts and test/e2e/ (needs nothing)
#   services  test/**/*.services.test.ts (PostgreSQL, Redis, Chromium, gh, aiosmtpd, installed here
#             when missing; Railway's CLI, the S3 server and Vault, built by scripts/install-*.sh)
#   e2e       test/e2e/ (the real Pulumi engine, found or built by scripts/install-pulumi.sh;
#             Railway's CLI; PostgreSQL, Redis, the S3 server and Vault)
# Usage: scripts/test.sh [all|static|unit|services|e2e]...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n== %s\n' "$*"; }

static() {
  say "static checks: eslint, prettier --check, tsc --noEmit"
  npx eslint .
  npx prettier --check . >/dev/null
  npx tsc --noEmit -p tsconfig.json
}
unit() {
  say "unit suite: test/**/*.test.ts except *.services.test.ts and test/e2e/ (needs nothing)"
  npx mocha
}
services() {
  say "services suite: test/**/*.services.test.ts (PostgreSQL, Redis, sample app; servers started on 127.0.0.1 by the tests)"
  bash scripts/provision-services.sh
  # Built once per version, cached after; its progress goes to stderr, and its failure is the suite's.
  bash scripts/install-railway-cli.sh >/dev/null
  bash scripts/install-s3-server.sh >/dev/null
  bash scripts/install-vault-server.sh >/dev/null
  npx mocha --config .mocharc.services.json
}
e2e() {
  say "end-to-end suite: test/e2e/ (the real Pulumi engine, the Railway emulator, PostgreSQL, Redis)"
  bash scripts/provision-services.sh
  # Built once, cached after; its progress goes to stderr, and its failure is the suite's.
  bash scripts/install-pulumi.sh >/dev/null
  bash scripts/install-railway-cli.sh >/dev/null
  bash scripts/install-s3-server.sh >/dev/null
  bash scripts/install-vault-server.sh >/dev/null
  npx mocha --config .mocharc.e2e.json
}

for arg in "$@"; do
  case "$arg" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
done
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(all)
for suite in "${suites[@]}"; do
  case "$suite" in
    all) static; unit; services; e2e ;;
    static|unit|services|e2e) "$suite" ;;
    *) echo "test.sh: unknown suite '$suite' (all, static, unit, services, e2e)" >&2; exit 2 ;;
  esac
done
