#!/usr/bin/env bash
# Installs the Debian packages Gatehouse needs to build and test. Idempotent: packages that are
# already present are not reinstalled. Used by the README's commands, by .ci/run and by the
# Dockerfile's build stage, so the three cannot drift apart.
#   scripts/install-deps.sh             build + test dependencies
#   scripts/install-deps.sh --browser   also the headless browser of the dashboard test (Debian's
#                                       chromium + chromium-driver, selenium in .venv-browser/)
#   scripts/install-deps.sh --bench     also the proxies and load generator of the benchmark, and
#                                       matplotlib (its chart) in .venv-bench/, python3-cryptography
#                                       (the JWT scenarios' keys and tokens)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libssl-dev libhiredis-dev pkg-config openssl redis-server redis-sentinel python3 python3-venv curl ca-certificates)
browser=false
bench=false
for flag in "$@"; do
  case "$flag" in
    --bench) bench=true; packages+=(haproxy nginx-light wrk valgrind python3-cryptography) ;;
    --browser) browser=true; packages+=(chromium chromium-driver) ;;
    *) echo "install-deps: unknown flag $flag (use --browser, --bench)" >&2; exit 64 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A distribution's redis-server package starts a system instance; tests start their own on
# ephemeral ports, so the system one is left alone (it does not bind the ports tests use).

# The dashboard test's selenium, pinned, in a venv (a no-op when it is already there).
if $browser; then
  scripts/install-browser-test.sh >/dev/null
fi

# The benchmark chart's matplotlib, pinned, in a venv (a no-op when it is already there).
if $bench; then
  [[ -x .venv-bench/bin/python ]] || python3 -m venv .venv-bench
  .venv-bench/bin/python -c 'import matplotlib' 2>/dev/null ||
    .venv-bench/bin/pip install -q 'matplotlib==3.11.2'
fi
