#!/usr/bin/env bash
# Instructions per request from callgrind, for the paths the benchmark measures:
#   bench/callgrind.sh                      # release build, passthrough,session-l1,jwt-repeat,session-redis,
#                                           # session-l1-assert,jwt-repeat-assert
#   bench/callgrind.sh --scenarios passthrough --annotate --out /tmp/cg
#   bench/callgrind.sh --scenarios jwt-new --requests 300,900   # RSA per request: fewer requests
# Counts are repeatable for the same binary and inputs, whatever else the machine does
# (wall-clock numbers are not); see bench/lib/callgrind.py for the method.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
build=1
args=()
for a in "$@"; do
  if [[ $a == --no-build ]]; then build=0; else args+=("$a"); fi
done
# valgrind, and python3-cryptography for the JWT scenarios' tokens (a system pip may refuse).
if ! command -v valgrind >/dev/null || ! python3 -c 'import cryptography' 2>/dev/null; then
  scripts/install-deps.sh --bench
fi
if ((build)); then swift build -c release >&2; fi
bin=$(swift build -c release --show-bin-path)/gatehouse
exec python3 bench/lib/callgrind.py --binary "$bin" "${args[@]}"
