#!/usr/bin/env bash
# The one test command (README, CI). It installs what a fresh machine lacks, then builds and
# runs every test project of the solution. Servers the tests need (PostgreSQL, the OCPP central
# system) are started by the test fixtures themselves on 127.0.0.1 and stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '[test] %s\n' "$*"; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL binaries for the throw-away clusters of the persistence tests.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL (Debian package)"
  apt_install postgresql
fi

# Chromium for the dashboard's browser tests (Playwright drives Debian's build; no browser download).
if [ ! -x /usr/bin/chromium ]; then
  log "installing Chromium (Debian package)"
  apt_install chromium
fi

# Node.js for the independent OCPP central system (ocpp-rpc) of the interoperability tests.
if ! command -v node >/dev/null 2>&1; then
  log "installing Node.js (Debian package)"
  apt_install nodejs npm
fi
if [ -f tests/interop/package.json ] && [ ! -d tests/interop/node_modules ]; then
  log "installing the OCPP central system for the interop tests (npm)"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

log "building"
dotnet build SmartElek.Site.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

out=$(mktemp)
trap 'rm -f "$out"' EXIT
log "running the tests"
set +e
# One test project at a time (-m:1): on two cores, the Host's process tests, the cluster tests and
# the browser tests running together starved each other (OCPP process tests timed out under load 20).
dotnet test SmartElek.Site.sln -c Release --no-build -nologo -m:1 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole suite, summed over the test projects.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  }
  END { printf "%d %d %d\n", p, f, s }' "$out")
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ]; then exit "$status"; fi
if [ "$passed" -eq 0 ]; then echo "no test ran"; exit 1; fi
if [ "$skipped" -ne 0 ]; then echo "a test was skipped: CI runs them all"; exit 1; fi
