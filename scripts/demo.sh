#!/usr/bin/env bash
# Builds Gatehouse and runs it on proxy.conf.example in front of the bundled demo app:
#   http://127.0.0.1:8000/  (Gatehouse)  →  http://127.0.0.1:8080/  (demo/app.py)
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release

python3 demo/app.py --port 8080 &
app=$!
trap 'kill "$app" 2>/dev/null || true' EXIT

export GATEHOUSE_SESSION_KEY="${GATEHOUSE_SESSION_KEY:-$(head -c 32 /dev/urandom | base64)}"
echo "Gatehouse on http://127.0.0.1:8000/ (admin on http://127.0.0.1:9901/) — Ctrl-C to stop"
echo "Security audit of a copy of this demo (static checks and live probes): scripts/audit-demo.sh"
.build/release/gatehouse run --config proxy.conf.example
