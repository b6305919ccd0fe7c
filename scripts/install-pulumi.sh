#!/usr/bin/env bash
# Provides the real Pulumi engine for this project: the CLI, the Node.js language host, the
# dynamic-provider launcher, and the provider plugins the stacks use (Command; GitHub, Sentry and
# PagerDuty unless --core).
#
#   1. A Pulumi CLI already on PATH, v3.248.0 or newer, with its Node.js language host: used as it is
#      (a platform engineer's machine, a CI runner); the stacks' provider plugins are installed
#      into its plugin cache when missing (that needs the network).
#   2. Otherwise the engine is built from Go modules and upstream sources by the workplace's
#      build script (shared/pulumi/build-engine.sh, found beside or above this repository, or at
#      $AINATIVE_ENGINE_SOURCES): minutes the first time, instant after. Never a binary in the repo.
#      Its provider plugins are installed into a PULUMI_HOME of their own (no PATH warnings).
#   3. Otherwise it stops, saying how to install the Pulumi CLI.
#
# Usage: scripts/install-pulumi.sh [--core] [--env] [-h|--help]
#   --core   only the CLI, the language host and the Command provider
#   --env    print `export NAME="value"` lines to eval (PATH, and PULUMI_HOME for a built engine):
#              eval "$(bash scripts/install-pulumi.sh --env)"
# Without --env the last line printed is the folder to put on PATH.
set -euo pipefail

MIN_VERSION=3.248.0
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ainative-pulumi"
core=0
print_env=0
for arg in "$@"; do
  case "$arg" in
    --core) core=1 ;;
    --env) print_env=1 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-pulumi: unknown option '$arg' (usage: scripts/install-pulumi.sh [--core] [--env])" >&2; exit 2 ;;
  esac
done

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
# version_ge A B: A >= B for dotted versions.
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

finish() { # bin [home]
  local bin="$1" home="${2:-}"
  if [ "$print_env" = 1 ]; then
    printf 'export PATH="%s:$PATH"\n' "$bin"
    [ -z "$home" ] || printf 'export PULUMI_HOME="%s"\n' "$home"
  else
    echo "$bin"
  fi
  exit 0
}

# The provider plugins the stacks use, for an installed CLI: the engine runs with automatic plugin
# acquisition off (tests, CI), so they must be in the plugin cache. Downloaded when missing (needs
# the network: a CI runner, a developer machine); a failure is a warning, and the run that needs the
# plugin then says which one is missing.
ensure_plugins() {
  local have_list name version server
  have_list="$(PULUMI_SKIP_UPDATE_CHECK=true pulumi plugin ls 2>/dev/null || true)"
  while read -r name version server; do
    if printf '%s\n' "$have_list" | grep -Eq "^$name[[:space:]]+resource[[:space:]]+$version[[:space:]]"; then continue; fi
    log "installing the $name $version provider plugin"
    PULUMI_SKIP_UPDATE_CHECK=true pulumi plugin install resource "$name" "$version" ${server:+--server "$server"} >/dev/null 2>&1 \
      || log "warning: could not install the $name $version plugin (offline?): pulumi plugin install resource $name $version ${server:+--server $server}"
  done <<'PLUGINS'
command 1.2.1
github 6.15.0
sentry 0.0.9 github://api.github.com/pulumiverse
pagerduty 3.4.0
PLUGINS
}

# Our own provider plugin, `railway` (providers/railway/plugin/): installed from this repository,
# no network. Its launcher finds the checkout when it runs, so the same file serves every checkout.
RAILWAY_PLUGIN_VERSION=0.1.0
RAILWAY_PLUGIN_FILE="$REPO_ROOT/providers/railway/plugin/pulumi-resource-railway"
install_railway_plugin() { # pulumi binary, PULUMI_HOME (empty: the CLI's own)
  local pulumi="$1" home="$2" dir
  dir="${home:-${PULUMI_HOME:-$HOME/.pulumi}}/plugins/resource-railway-v$RAILWAY_PLUGIN_VERSION"
  [ -d "$dir" ] && cmp -s "$RAILWAY_PLUGIN_FILE" "$dir/pulumi-resource-railway" && return 0
  ${home:+env PULUMI_HOME="$home"} PULUMI_SKIP_UPDATE_CHECK=true "$pulumi" plugin install resource railway "$RAILWAY_PLUGIN_VERSION" --file "$RAILWAY_PLUGIN_FILE" --reinstall >/dev/null 2>&1 \
    || { log "could not install the railway provider plugin from $RAILWAY_PLUGIN_FILE"; return 1; }
}

# 1. An installed CLI.
if [ -z "${AINATIVE_PULUMI_FORCE_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//')"
  existing="$(dirname "$(command -v pulumi)")"
  case "$existing" in
    "$CACHE"/*|*/pulumi-offline/*) ;; # our own build on PATH: handled below, with its plugins
    *)
      if version_ge "$have" "$MIN_VERSION"; then
        log "using the installed Pulumi CLI v$have at $existing"
        [ "$core" = 1 ] || { ensure_plugins; install_railway_plugin pulumi ""; }
        finish "$existing"
      fi
      log "the installed Pulumi CLI is v$have; this project needs v$MIN_VERSION or newer: building one"
      ;;
  esac
fi

# 2. The workplace's build script.
find_sources() {
  if [ -n "${AINATIVE_ENGINE_SOURCES:-}" ]; then echo "$AINATIVE_ENGINE_SOURCES"; return; fi
  local dir="$REPO_ROOT"
  while [ "$dir" != "/" ]; do
    if [ -f "$dir/../shared/pulumi/build-engine.sh" ]; then (cd "$dir/../shared/pulumi" && pwd); return; fi
    dir="$(dirname "$dir")"
  done
  [ -f /work/shared/pulumi/build-engine.sh ] && echo /work/shared/pulumi
}
sources="$(find_sources || true)"
if [ -z "$sources" ] || [ ! -f "$sources/build-engine.sh" ]; then
  log "no Pulumi CLI v$MIN_VERSION+ on PATH, and no engine sources to build one from."
  log "Install the Pulumi CLI: https://www.pulumi.com/docs/install/ (curl -fsSL https://get.pulumi.com | sh),"
  log "or set AINATIVE_ENGINE_SOURCES to a folder holding build-engine.sh."
  exit 1
fi
command -v go >/dev/null 2>&1 || { log "building the engine needs Go (>= 1.26) on PATH; or install the Pulumi CLI: https://www.pulumi.com/docs/install/"; exit 1; }

flags=()
[ "$core" = 1 ] || flags+=(--with-all)
log "building the Pulumi engine from $sources (cold: about 10 minutes on 2 cores; cached after)"
bin="$(bash "$sources/build-engine.sh" "${flags[@]}" | tail -1)"
[ -x "$bin/pulumi" ] || { log "the build script did not produce $bin/pulumi"; exit 1; }

# The dynamic-provider launcher (Railway's providers) sits next to the CLI; the npm package ships it too.
if [ ! -x "$bin/pulumi-resource-pulumi-nodejs" ] && [ -f "$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" ]; then
  install -m 0755 "$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
fi

# Provider plugins into a PULUMI_HOME of their own: the engine finds them by name and version,
# without the "using ... from $PATH" warning in every output.
home="$CACHE/home"
mkdir -p "$home"
install_plugin() { # name version
  local name="$1" version="$2"
  [ -x "$bin/pulumi-resource-$name" ] || return 0
  [ -d "$home/plugins/resource-$name-v$version" ] && cmp -s "$bin/pulumi-resource-$name" "$home/plugins/resource-$name-v$version/pulumi-resource-$name" && return 0
  PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" plugin install resource "$name" "$version" --file "$bin/pulumi-resource-$name" --reinstall >/dev/null
}
install_plugin command 1.2.1
install_plugin github 6.15.0
install_plugin sentry 0.0.9
install_plugin pagerduty 3.4.0
install_railway_plugin "$bin/pulumi" "$home"
log "provides $("$bin/pulumi" version) with its plugins in $home"
finish "$bin" "$home"
