#!/usr/bin/env bash
# Makes the PostgreSQL and Redis servers, the Chromium browser, GitHub's CLI `gh`, openssl (the
# fake GitHub's HTTPS certificate), Python 3 (compiling the provider's Python SDK) and aiosmtpd (the
# SMTP server of the email alerts' tests) the services and end-to-end suites need available: the tests start their own servers (and a headless browser) on 127.0.0.1 and
# stop them; this only installs the programs, from
# Debian's packages, when they are missing and this user may install packages (root, or sudo
# without a password). Otherwise it stops at once with the command that installs them: a missing
# server is a failure, never a skipped test.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir 2>/dev/null)/initdb" ]; } || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v gh >/dev/null 2>&1 || need+=(gh)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The SMTP server the email alerts are tested against (tools/local-servers/smtp.ts), in Debian's Python.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=sudo
else
  echo "provision-services: ${need[*]} not installed, and this user cannot install packages." >&2
  echo "Install them, then run the tests again:  sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "provision-services: installing ${need[*]} from Debian's packages" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
