#!/usr/bin/env bash
# Installs what the service tests need outside Python: PostgreSQL 15 server binaries, Debian's
# chromium (for Playwright; never `playwright install`) and axe-core (npm, into tests/e2e).
# Safe to run repeatedly; each step is skipped when its tool is already there.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi

need_apt=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
if [ ! -x /usr/bin/chromium ]; then
  need_apt+=(chromium)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ ! -f "$HERE/e2e/node_modules/axe-core/axe.min.js" ] || [ ! -f "$HERE/e2e/node_modules/adaptivecards/dist/adaptivecards.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$HERE/e2e" && npm install --no-audit --no-fund --silent)
  else
    echo "npm not found: axe-core and adaptivecards cannot be installed" >&2
  fi
fi
