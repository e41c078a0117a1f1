#!/usr/bin/env bash
# Starts its own copy of the demo (demo/app.py behind Gatehouse on proxy.conf.example, with a
# fresh session key) and runs `gatehouse audit` against it: the static checks and every live
# probe. Stops both when done. The exit status is the audit's: 0 every check passed.
#   scripts/audit-demo.sh                      # text report
#   scripts/audit-demo.sh --format markdown    # any further `gatehouse audit` flags
# Ports (loopback; they do not clash with scripts/demo.sh): GATEHOUSE_DEMO_PORT (18000),
# GATEHOUSE_DEMO_ADMIN_PORT (19901), GATEHOUSE_DEMO_APP_PORT (18080).
# GATEHOUSE_BIN: the gatehouse binary to use (default: build the release binary as demo.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${GATEHOUSE_BIN:-}" ]]; then
  scripts/install-deps.sh
  swift build -c release
  GATEHOUSE_BIN=.build/release/gatehouse
fi
port="${GATEHOUSE_DEMO_PORT:-18000}"
admin_port="${GATEHOUSE_DEMO_ADMIN_PORT:-19901}"
app_port="${GATEHOUSE_DEMO_APP_PORT:-18080}"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The example config, on these ports, with its key in a file (an env: key would work as well).
(umask 077 && head -c 32 /dev/urandom | base64 >"$work/session.key")
sed -e "s/^listen = \"0.0.0.0:8000\"/listen = \"127.0.0.1:$port\"/" \
  -e "s/^address = \"127.0.0.1:8080\"/address = \"127.0.0.1:$app_port\"/" \
  -e "s/^listen = \"127.0.0.1:9901\"/listen = \"127.0.0.1:$admin_port\"/" \
  -e 's/^keys = \["env:GATEHOUSE_SESSION_KEY"\]/keys = ["file:session.key"]/' \
  proxy.conf.example >"$work/proxy.conf"

python3 demo/app.py --port "$app_port" 2>"$work/app.log" &
pids+=($!)
"$GATEHOUSE_BIN" run --config "$work/proxy.conf" >"$work/gatehouse.log" 2>&1 &
pids+=($!)

# Wait (up to 10 s) until Gatehouse and the app accept connections.
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$app_port") 2>/dev/null; then
    break
  fi
  sleep 0.1
done

set +e
"$GATEHOUSE_BIN" audit --config "$work/proxy.conf" --target "http://127.0.0.1:$port" --i-own-this-target \
  --login /login --login-field 'username={user}' --login-field password=demo \
  --reflect /api/whoami --logout /logout "$@"
status=$?
set -e
if ((status == 3)); then
  echo "--- gatehouse log ---" >&2
  cat "$work/gatehouse.log" >&2
fi
exit "$status"
