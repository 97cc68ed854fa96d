#!/usr/bin/env bash
# Installs what running or testing Realtime.Aspire needs on Debian/Ubuntu, only where missing:
# redis-server and PostgreSQL (run as local programs when no container runtime answers), and
# checks the .NET SDK; with --tests, also what only the tests use. Safe to run again and again.
set -euo pipefail

for_tests=""
[ "${1:-}" = "--tests" ] && for_tests=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    echo "==> apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  echo "==> apt-get install -y $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

required_sdk=$(sed -n 's/.*"version": *"\([0-9]*\)\..*/\1/p' "$(dirname "$0")/../global.json" | head -n 1)
if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks | grep -q "^${required_sdk}\."; then
  echo "The .NET SDK ${required_sdk} is required (see global.json): https://dot.net/download" >&2
  exit 1
fi

command -v redis-server >/dev/null 2>&1 || apt_install redis-server

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
  apt_install postgresql
fi

# setpriv drops root to the postgres user for the local PostgreSQL server.
command -v setpriv >/dev/null 2>&1 || apt_install util-linux


# The protocol tests drive the official centrifuge SDK from Node.
command -v node >/dev/null 2>&1 || apt_install nodejs npm
sdk_dir="$(dirname "$0")/../tests/Realtime.EndToEnd.Tests/ClientSdk/js"
if [ ! -d "$sdk_dir/node_modules/centrifuge" ] || [ "$sdk_dir/package-lock.json" -nt "$sdk_dir/node_modules/.package-lock.json" ]; then
  echo "==> npm ci (centrifuge SDK for the protocol tests)"
  (cd "$sdk_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The demo page loads the official centrifuge browser SDK, which the demo serves from its npm install.
demo_dir="$(dirname "$0")/../Clients/Realtime.Demo"
if [ ! -d "$demo_dir/node_modules/centrifuge" ] || [ "$demo_dir/package-lock.json" -nt "$demo_dir/node_modules/.package-lock.json" ]; then
  echo "==> npm ci (centrifuge browser SDK for the demo)"
  (cd "$demo_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ -n "$for_tests" ]; then
  # The compose tests render infra/compose with docker-compose's own renderer (no engine needed).
  command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
  # The demo's browser tests drive Debian's chromium through Playwright (no browser download).
  [ -x /usr/lib/chromium/chromium ] || apt_install chromium
fi

echo "==> prerequisites present: $(dotnet --version) SDK, $(redis-server --version | cut -d' ' -f3), PostgreSQL $(ls /usr/lib/postgresql | sort -n | tail -n 1)"
