#!/usr/bin/env bash
# Kernel-side comparison of Gatehouse and HAProxy on pass-through (docs/performance.md,
# "Pass-through, round 4"): both proxies in front of one nginx, one worker each, the same wrk run
# (-t1 -c50) per proxy, everything in a private network namespace (`unshare -n`, root) so that
# `nstat` counts only these sockets. Per request: req/s, user and system µs (/proc/PID/stat),
# TCP segments, delayed ACKs and bytes (nstat); with --strace the syscalls (strace -c -f), with
# --perf a `perf record -g` (cpu-clock) per proxy and its read-layer samples.
#
#   bench/kernel-compare.sh [--gatehouse-bin P] [--duration 5s] [--rounds 1] [--strace] [--perf]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/haproxy.sh
source "$ROOT/bench/lib/haproxy.sh"
BIN="$ROOT/.build/release/gatehouse" DURATION=5s ROUNDS=1 MODE=plain
while (($#)); do
  case "$1" in
    --gatehouse-bin) BIN=${2:?}; shift 2 ;;
    --duration) DURATION=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    --strace) MODE=strace; shift ;;
    --perf) MODE=perf; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kernel-compare: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ ${KERNEL_COMPARE_INSIDE:-} != 1 ]]; then
  for tool in wrk nginx haproxy nstat unshare; do
    command -v "$tool" >/dev/null || { echo "kernel-compare: $tool not found (scripts/install-deps.sh --bench)" >&2; exit 2; }
  done
  [[ -x $BIN ]] || { echo "kernel-compare: no gatehouse binary at $BIN" >&2; exit 2; }
  export KERNEL_COMPARE_INSIDE=1
  exec unshare -n "$0" --gatehouse-bin "$BIN" --duration "$DURATION" --rounds "$ROUNDS" \
    $([[ $MODE != plain ]] && echo "--$MODE")
fi

TMP=$(mktemp -d /tmp/kernel-compare.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
ip link set lo up
cat >"$TMP/upstream.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP/upstream.pid;
error_log $TMP/upstream.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $TMP/body;
  proxy_temp_path $TMP/proxy;
  server {
    listen 127.0.0.1:18080 reuseport;
    location / { default_type text/plain; return 200 "hello world\n"; }
  }
}
CONF
cat >"$TMP/gatehouse.toml" <<CONF
[server]
listen = "127.0.0.1:18081"
workers = 1

[upstream]
address = "127.0.0.1:18080"

[log]
access_log = false

[admin]
listen = "127.0.0.1:18091"

[[route]]
path_prefix = "/"
auth = "public"
CONF
haproxy_config 1 18082 18080 >"$TMP/haproxy.cfg"
nginx -p "$TMP" -c "$TMP/upstream.conf" -e "$TMP/upstream.err" & PIDS+=($!)
"$BIN" run --config "$TMP/gatehouse.toml" >"$TMP/gatehouse.log" 2>&1 & GATEHOUSE=$!; PIDS+=($!)
haproxy -db -f "$TMP/haproxy.cfg" >"$TMP/haproxy.log" 2>&1 & HAPROXY=$!; PIDS+=($!)
for port in 18080 18081 18082; do
  for _ in $(seq 100); do wrk -t1 -c1 -d1s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
done

HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
measure() { # measure NAME PORT PID
  local name=$1 port=$2 pid=$3 out="$TMP/$1" tracer=""
  mkdir -p "$out"
  wrk -t1 -c50 -d1s "http://127.0.0.1:$port/" >/dev/null
  nstat -n >/dev/null
  read -r u0 s0 < <(cpu_ticks "$pid")
  case $MODE in
    strace) strace -c -f -q -p "$pid" -o "$out/strace.txt" & tracer=$! ;;
    perf) perf record -q -e cpu-clock -F 2000 -g -p "$pid" -o "$out/perf.data" -- sleep "${DURATION%s}" 2>/dev/null & tracer=$! ;;
  esac
  [[ -n $tracer ]] && sleep 0.3
  wrk -t1 -c50 -d"$DURATION" "http://127.0.0.1:$port/" >"$out/wrk.txt"
  if [[ $MODE == strace ]]; then kill -INT "$tracer"; fi
  [[ -n $tracer ]] && wait "$tracer" || true
  read -r u1 s1 < <(cpu_ticks "$pid")
  nstat -z >"$out/nstat.txt"
  python3 - "$name" "$out" "$HZ" "$u0" "$s0" "$u1" "$s1" "$MODE" <<'PY'
import re, subprocess, sys
name, out, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
u0, s0, u1, s1 = map(int, sys.argv[4:8])
mode = sys.argv[8]
wrk = open(f"{out}/wrk.txt").read()
reqs = int(re.search(r"(\d+) requests in", wrk).group(1))
rps = re.search(r"Requests/sec:\s*(\S+)", wrk).group(1)
us = lambda ticks: ticks / hz * 1e6 / reqs
print(f"{name:9s} req/s {rps:>9s}  per request: usr {us(u1 - u0):5.1f} µs  sys {us(s1 - s0):5.1f} µs")
keys = ["TcpInSegs", "TcpOutSegs", "TcpExtTCPOrigDataSent", "TcpExtTCPPureAcks", "TcpExtDelayedACKs", "IpExtInOctets", "TcpActiveOpens"]
counts = {}
for line in open(f"{out}/nstat.txt"):
    parts = line.split()
    if len(parts) >= 2 and parts[0] in keys: counts[parts[0]] = int(parts[1])
print("          " + "  ".join(f"{k.replace('TcpExt', '')} {counts.get(k, 0) / reqs:.3f}" for k in keys))
if mode == "strace":
    # strace -c rows: % time, seconds, usecs/call, calls, [errors], syscall
    for line in open(f"{out}/strace.txt"):
        parts = line.split()
        if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
            calls = int(parts[3]); errors = int(parts[4]) if len(parts) == 6 else 0
            print(f"          {parts[-1]:18s} {calls / reqs:7.3f}/request  errors {errors / reqs:.3f}")
if mode == "perf":
    report = subprocess.run(["perf", "report", "-i", f"{out}/perf.data", "--no-children", "--sort", "sym",
                             "-g", "none", "--stdio", "-n"], capture_output=True, text=True).stdout
    read_layer = {"vfs_read", "rw_verify_area", "fdget_pos", "sock_read_iter", "ksys_read",
                  "security_file_permission", "__x64_sys_read", "__sys_recvfrom", "__x64_sys_recvfrom"}
    kernel = layer = 0
    for line in report.splitlines():
        m = re.match(r"\s*[\d.]+%\s+(\d+)\s+\[(.)\]\s+(\S+)", line)
        if not m: continue
        if m.group(2) == "k": kernel += int(m.group(1))
        if m.group(3) in read_layer: layer += int(m.group(1))
    # -F 2000: one sample is 500 µs of CPU (the run's length must match the sleep).
    print(f"          perf: kernel {kernel * 500 / reqs:.1f} µs/request, read syscall layer {layer * 500 / reqs:.2f} µs/request ({out}/perf.data)")
PY
}
for ((round = 1; round <= ROUNDS; round++)); do
  measure gatehouse 18081 "$GATEHOUSE"
  measure haproxy 18082 "$HAPROXY"
done
echo "files: $TMP"
