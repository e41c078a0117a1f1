#!/usr/bin/env bash
# Prepares the dashboard's real-browser test (Tests/IntegrationTests/DashboardBrowserTests.swift):
# checks that Debian's chromium and chromium-driver are installed (scripts/install-deps.sh
# --browser installs them) and installs selenium, pinned, into a virtual environment under
# .venv-browser/ (gitignored via `.venv*/`) only when it is missing. Prints the venv's bin
# directory on its last line. Exits non-zero when anything is missing and cannot be installed:
# the test then fails, it never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${GATEHOUSE_BROWSER_VENV:-$PWD/.venv-browser}"
requirement="selenium==4.50.0"

for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null || {
    echo "install-browser-test: $tool not found (run scripts/install-deps.sh --browser)" >&2
    exit 1
  }
done

# Fast path: selenium present at the pinned version.
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" - "$requirement" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
name, wanted = sys.argv[1].split("==")
sys.exit(0 if version(name) == wanted else 1)
PY
  echo "$venv/bin"
  exit 0
fi

python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "install-browser-test: $python not found (scripts/install-deps.sh installs python3)" >&2; exit 1; }
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv" >&2 || {
    echo "install-browser-test: '$python -m venv' failed (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement" >&2
echo "$venv/bin"
