#!/usr/bin/env bash
# Gatehouse benchmark: Gatehouse, HAProxy and nginx as reverse proxies in front of the same static
# upstream (nginx), one after another in the same run, plus the upstream alone as the ceiling.
# Loopback only; not part of CI. See bench/README.md for what each number means.
#
#   bench/run.sh [options]
#     --workers N        worker threads/processes of every proxy (default 1)
#     --rounds R         rounds; targets are interleaved within a round, medians reported (default 3)
#     --duration D       wrk measuring time per target and round, wrk syntax (default 10s)
#     --warmup D         wrk warm-up before each measurement, discarded (default 2s)
#     --connections C    wrk connections (default 50)
#     --threads T        wrk threads (default 1)
#     --only LIST        comma-separated targets: upstream,gatehouse,haproxy,nginx (default all)
#     --scenarios LIST   comma-separated scenarios (default: passthrough)
#     --gatehouse-bin P  use this binary instead of building .build/release/gatehouse
#     --no-build         do not run `swift build -c release` (use the existing binary)
#     --no-install       do not run scripts/install-deps.sh --bench
#     --out DIR          results directory (default bench-results/<timestamp>)
#     --keep-tmp         keep the generated configs and logs (printed at exit)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
cd "$ROOT"

# ---- options ------------------------------------------------------------------------------------
WORKERS=1
ROUNDS=3
DURATION=10s
WARMUP=2s
CONNECTIONS=50
THREADS=1
ONLY="upstream,gatehouse,haproxy,nginx"
SCENARIO_LIST="passthrough"
GATEHOUSE_BIN=""
BUILD=1
INSTALL=1
OUT=""
KEEP_TMP=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }

while (($#)); do
  case "$1" in
    --workers) WORKERS=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    --duration) DURATION=${2:?}; shift 2 ;;
    --warmup) WARMUP=${2:?}; shift 2 ;;
    --connections) CONNECTIONS=${2:?}; shift 2 ;;
    --threads) THREADS=${2:?}; shift 2 ;;
    --only) ONLY=${2:?}; shift 2 ;;
    --scenarios) SCENARIO_LIST=${2:?}; shift 2 ;;
    --gatehouse-bin) GATEHOUSE_BIN=${2:?}; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-install) INSTALL=0; shift ;;
    --out) OUT=${2:?}; shift 2 ;;
    --keep-tmp) KEEP_TMP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ $WORKERS =~ ^[1-9][0-9]*$ ]] || die "--workers must be a positive integer"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer"
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "--connections must be a positive integer"
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer"

ALL_TARGETS=(upstream gatehouse haproxy nginx)
IFS=, read -r -a TARGETS <<<"$ONLY"
for t in "${TARGETS[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || die "unknown target '$t' (known: ${ALL_TARGETS[*]})"
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# ---- scenarios ----------------------------------------------------------------------------------
# A scenario is a name in ALL_SCENARIOS plus shell functions scenario_<name>_<hook> ('-' becomes
# '_' in function names). The driver calls, per scenario:
#   scenario_X_targets           (required) the targets it measures, a subset of ALL_TARGETS
#   scenario_X_setup             (optional) start what it needs once (a Redis, a JWKS file, a
#                                login that yields a cookie); start processes with start_bg /
#                                launch so the exit trap stops them
#   scenario_X_gatehouse_config  (required) TOML appended to the common [server]/[upstream]/[log]/
#                                [admin] sections: routes, [[jwt.issuer]], [session], ...
#   scenario_X_haproxy_config    (optional) lines appended to HAProxy's frontend (jwt_verify ...)
#   scenario_X_nginx_location    (optional) lines inside nginx's `location /`
#   scenario_X_wrk_args          (optional) extra wrk arguments: -H headers, -s script.lua; the URL
#                                path is scenario_X_path (default "/")
#   scenario_X_teardown          (optional) undo setup (processes are stopped by the trap anyway)
# Later issues add: jwt-repeat (one RS256 token repeated; HAProxy with jwt_verify), jwt-new (a
# new token per request: wrk -s with a pre-signed token list), session-l1 (cookie from a login
# through Gatehouse, L1 cache hit), session-redis (L1 disabled, every lookup in Redis).
ALL_SCENARIOS=(passthrough jwt-repeat jwt-new)
PLANNED_SCENARIOS=(session-l1 session-redis)

# passthrough: a public route, no authentication; the proxy's own cost.
scenario_passthrough_targets() { echo upstream gatehouse haproxy nginx; }
scenario_passthrough_gatehouse_config() {
  cat <<'EOF'
[[route]]
path_prefix = "/"
auth = "public"
EOF
}

# jwt-repeat / jwt-new: `/api/` needs an RS256 JWT (one issuer, key from a JWKS file), `/` stays
# public so start-to-ready is measured the same way. HAProxy 2.6 checks the same key with
# `jwt_verify` (signature only: it has no exp/aud checks and no verified-token cache, while
# Gatehouse also checks iss, aud, exp, nbf and iat). jwt-repeat sends one token on every request;
# jwt-new cycles through JWT_BENCH_TOKENS (default 20000) distinct tokens with a wrk Lua script -
# more than Gatehouse's verified-token cache (10000, CLOCK) holds, so cyclic access misses every
# time. Keys and tokens are made once per run with python3 + cryptography (lib/jwt_tokens.py).
JWT_BENCH_TOKENS=${JWT_BENCH_TOKENS:-20000}
jwt_bench_setup() {
  [[ -s $TMP/jwt/tokens.txt ]] && return 0
  echo "generating an RSA key and $JWT_BENCH_TOKENS tokens (python3 + cryptography)..." >&2
  python3 "$ROOT/bench/lib/jwt_tokens.py" "$TMP/jwt" "$JWT_BENCH_TOKENS" ||
    die "cannot make JWT material (pip install cryptography)"
  cat >"$TMP/jwt/cycle.lua" <<EOF
local tokens = {}
for line in io.lines("$TMP/jwt/tokens.txt") do tokens[#tokens + 1] = "Bearer " .. line end
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", nil, { ["Authorization"] = tokens[i] })
end
EOF
}
jwt_bench_gatehouse_config() {
  cat <<EOF
[[jwt.issuer]]
issuer = "https://login.example.com/"
audiences = ["api.example.com"]
jwks_file = "$TMP/jwt/jwks.json"

[[route]]
path_prefix = "/api/"
auth = "jwt"

[[route]]
path_prefix = "/"
auth = "public"
EOF
}
jwt_bench_haproxy_config() {
  echo "http-request deny deny_status 401 if { path_beg /api/ } !{ http_auth_bearer,jwt_verify(\"RS256\",\"$TMP/jwt/pub.pem\") -m int 1 }"
}
scenario_jwt_repeat_targets() { echo gatehouse haproxy; }
scenario_jwt_repeat_setup() { jwt_bench_setup; }
scenario_jwt_repeat_gatehouse_config() { jwt_bench_gatehouse_config; }
scenario_jwt_repeat_haproxy_config() { jwt_bench_haproxy_config; }
scenario_jwt_repeat_path() { echo /api/x; }
scenario_jwt_repeat_wrk_args() { printf '%s\n' -H "Authorization: Bearer $(cat "$TMP/jwt/token.txt")"; }
scenario_jwt_new_targets() { echo gatehouse haproxy; }
scenario_jwt_new_setup() { jwt_bench_setup; }
scenario_jwt_new_gatehouse_config() { jwt_bench_gatehouse_config; }
scenario_jwt_new_haproxy_config() { jwt_bench_haproxy_config; }
scenario_jwt_new_path() { echo /api/x; }
scenario_jwt_new_wrk_args() { printf '%s\n' -s "$TMP/jwt/cycle.lua"; }

IFS=, read -r -a SCENARIOS <<<"$SCENARIO_LIST"
for s in "${SCENARIOS[@]}"; do
  if [[ " ${PLANNED_SCENARIOS[*]} " == *" $s "* ]]; then
    die "scenario '$s' is planned but not implemented yet (see the extension point in $0)"
  fi
  [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || die "unknown scenario '$s' (known: ${ALL_SCENARIOS[*]})"
done

hook() { # hook SCENARIO NAME [ARGS]: run scenario_SCENARIO_NAME if it exists
  local fn="scenario_${1//-/_}_$2"
  shift 2
  if declare -F "$fn" >/dev/null; then "$fn" "$@"; fi
}
scenario_path() {
  local fn="scenario_${1//-/_}_path"
  if declare -F "$fn" >/dev/null; then "$fn"; else echo /; fi
}

# ---- processes: everything started here is stopped by pid at exit --------------------------------
TMP=$(mktemp -d /tmp/gatehouse-bench.XXXXXX)
PIDS=()

stop_pid() { # stop_pid PID: TERM, wait up to 3 s, then KILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

forget_pid() { # forget_pid PID: remove from PIDS once stopped
  local keep=() p
  for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if ((KEEP_TMP)); then echo "configs and logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# launch NAME URL [READYZ_URL] -- CMD...: start a server, wait until URL answers 200; sets
# LAUNCH_PID, LAUNCH_READY_MS, LAUNCH_READYZ_MS. Returns 1 (with the log's tail) on failure.
launch() {
  local name=$1 url=$2 readyz=$3 out
  shift 4
  if ! out=$(python3 "$BENCH/lib/launch.py" --log "$TMP/$name.log" --url "$url" \
    ${readyz:+--readyz "$readyz"} -- "$@" 2>>"$TMP/$name.launch"); then
    echo "  $name failed to start: $(tail -n 1 "$TMP/$name.launch")" >&2
    if [[ -s $TMP/$name.log ]]; then
      echo "  last lines of its output ($TMP/$name.log):" >&2
      tail -n 15 "$TMP/$name.log" | sed 's/^/    | /' >&2
    fi
    KEEP_TMP=1
    return 1
  fi
  LAUNCH_PID=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$out")
  LAUNCH_READY_MS=$(sed -n 's/.*ready_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  LAUNCH_READYZ_MS=$(sed -n 's/.*readyz_ms=\([0-9.NA]*\).*/\1/p' <<<"$out")
  PIDS+=("$LAUNCH_PID")
}

free_ports() { # free_ports N: N currently unused loopback ports
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# ---- /proc measurements ---------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)

proc_tree() { # proc_tree PID: the pid and its direct children (nginx's workers)
  echo "$1"
  ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true
}

cpu_ticks() { # cpu_ticks PID: "utime stime" summed over the process and its children (all threads)
  local u=0 s=0 p fields
  for p in $(proc_tree "$1"); do
    [[ -r /proc/$p/stat ]] || continue
    fields=$(sed 's/.*) //' "/proc/$p/stat") # fields from 3 (state) on; comm may contain spaces
    read -r -a f <<<"$fields"
    u=$((u + f[11])) # field 14 utime
    s=$((s + f[12])) # field 15 stime
  done
  echo "$u $s"
}

rss_kib() { # rss_kib PID: VmRSS summed over the process and its children
  local total=0 p v
  for p in $(proc_tree "$1"); do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# ---- load generator -----------------------------------------------------------------------------
# run_wrk OUTFILE DURATION URL [EXTRA...]
run_wrk() {
  local outfile=$1 duration=$2 url=$3
  shift 3
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency "$@" "$url" >"$outfile" 2>&1
}

# parse_wrk FILE: "rps p50_ms p99_ms requests errors"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { for (i = 4; i <= NF; i += 2) { gsub(",", "", $i); errors += $i } }
    END { printf "%s %s %s %s %d\n", (rps == "" ? "NA" : rps), (p50 == "" ? "NA" : p50),
                 (p99 == "" ? "NA" : p99), (reqs == "" ? 0 : reqs), errors }
  ' "$1"
}

# ---- targets ------------------------------------------------------------------------------------
# Each target has target_<name>_start SCENARIO (sets TARGET_PID, TARGET_URL, TARGET_READY_MS,
# TARGET_READYZ_MS; returns 1 on failure) and is stopped with stop_target.
read -r UPSTREAM_PORT GATEHOUSE_PORT GATEHOUSE_ADMIN_PORT HAPROXY_PORT NGINX_PORT <<<"$(free_ports 5)"

start_upstream() {
  mkdir -p "$TMP/upstream"
  cat >"$TMP/upstream/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/upstream/nginx.pid;
error_log $TMP/upstream/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 65s;
  client_body_temp_path $TMP/upstream/body;
  proxy_temp_path $TMP/upstream/proxy;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT reuseport;
    location / {
      default_type text/plain;
      return 200 "hello world\n";
    }
  }
}
EOF
  launch upstream "http://127.0.0.1:$UPSTREAM_PORT/" "" -- \
    nginx -e "$TMP/upstream/error.log" -p "$TMP/upstream" -c "$TMP/upstream/nginx.conf" || return 1
  UPSTREAM_PID=$LAUNCH_PID
}

target_upstream_start() { # the upstream is already running for the whole run
  TARGET_PID=$UPSTREAM_PID
  TARGET_URL="http://127.0.0.1:$UPSTREAM_PORT"
  TARGET_READY_MS=NA
  TARGET_READYZ_MS=NA
}

target_gatehouse_start() {
  local scenario=$1 dir="$TMP/gatehouse"
  mkdir -p "$dir"
  {
    cat <<EOF
# generated by bench/run.sh ($scenario)
[server]
listen = "127.0.0.1:$GATEHOUSE_PORT"
workers = $WORKERS

[upstream]
address = "127.0.0.1:$UPSTREAM_PORT"

[log]
access_log = false

[admin]
listen = "127.0.0.1:$GATEHOUSE_ADMIN_PORT"

EOF
    hook "$scenario" gatehouse_config
  } >"$dir/gatehouse.toml"
  [[ -x $GATEHOUSE_BIN ]] || { echo "  gatehouse: no binary at $GATEHOUSE_BIN" >&2; return 1; }
  launch gatehouse "http://127.0.0.1:$GATEHOUSE_PORT/" "http://127.0.0.1:$GATEHOUSE_ADMIN_PORT/readyz" -- \
    "$GATEHOUSE_BIN" run --config "$dir/gatehouse.toml" || return 1
  TARGET_PID=$LAUNCH_PID
  TARGET_URL="http://127.0.0.1:$GATEHOUSE_PORT"
  TARGET_READY_MS=$LAUNCH_READY_MS
  TARGET_READYZ_MS=$LAUNCH_READYZ_MS
}

target_haproxy_start() {
  local scenario=$1 dir="$TMP/haproxy"
  mkdir -p "$dir"
  cat >"$dir/haproxy.cfg" <<EOF
# generated by bench/run.sh ($scenario)
global
  nbthread $WORKERS
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout http-keep-alive 30s

frontend bench
  bind 127.0.0.1:$HAPROXY_PORT
$(hook "$scenario" haproxy_config | sed 's/^/  /')
  default_backend app

backend app
  server app1 127.0.0.1:$UPSTREAM_PORT
EOF
  launch haproxy "http://127.0.0.1:$HAPROXY_PORT/" "" -- haproxy -db -f "$dir/haproxy.cfg" || return 1
  TARGET_PID=$LAUNCH_PID
  TARGET_URL="http://127.0.0.1:$HAPROXY_PORT"
  TARGET_READY_MS=$LAUNCH_READY_MS
  TARGET_READYZ_MS=NA
}

target_nginx_start() {
  local scenario=$1 dir="$TMP/nginx"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
# generated by bench/run.sh ($scenario)
worker_processes $WORKERS;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 65s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  upstream app {
    server 127.0.0.1:$UPSTREAM_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
$(hook "$scenario" nginx_location | sed 's/^/      /')
    }
  }
}
EOF
  launch nginx "http://127.0.0.1:$NGINX_PORT/" "" -- \
    nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" || return 1
  TARGET_PID=$LAUNCH_PID
  TARGET_URL="http://127.0.0.1:$NGINX_PORT"
  TARGET_READY_MS=$LAUNCH_READY_MS
  TARGET_READYZ_MS=NA
}

stop_target() { # stop_target TARGET PID (the upstream keeps running until exit)
  [[ $1 == upstream ]] && return 0
  stop_pid "$2"
  forget_pid "$2"
}

# ---- one measurement ----------------------------------------------------------------------------
# measure SCENARIO TARGET ROUND: start, warm up, measure, record one CSV row, stop.
measure() {
  local scenario=$1 target=$2 round=$3 path extra=() before after rss_idle rss_load
  local rps p50 p99 reqs errors cpu_us usr_us sys_us ready=NA readyz=NA
  path=$(scenario_path "$scenario")
  mapfile -t extra < <(hook "$scenario" wrk_args)

  if ! "target_${target}_start" "$scenario"; then
    echo "  $target: skipped in round $round (did not start)" >&2
    FAILED_TARGETS+=("$scenario/$target")
    return 0
  fi
  local pid=$TARGET_PID url="$TARGET_URL$path"
  ready=$TARGET_READY_MS
  readyz=$TARGET_READYZ_MS
  rss_idle=$(rss_kib "$pid")

  run_wrk "$TMP/wrk-warmup.txt" "$WARMUP" "$url" "${extra[@]}" || true
  before=$(cpu_ticks "$pid")
  if ! run_wrk "$TMP/wrk-$scenario-$target-$round.txt" "$DURATION" "$url" "${extra[@]}"; then
    echo "  $target: wrk failed: $(tail -n 3 "$TMP/wrk-$scenario-$target-$round.txt")" >&2
  fi
  after=$(cpu_ticks "$pid")
  rss_load=$(rss_kib "$pid")
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "  $target: process $pid died during the run (log: $TMP/$target.log)" >&2
    KEEP_TMP=1
  fi

  read -r rps p50 p99 reqs errors <<<"$(parse_wrk "$TMP/wrk-$scenario-$target-$round.txt")"
  read -r usr_us sys_us cpu_us <<<"$(awk -v b="$before" -v a="$after" -v n="$reqs" -v hz="$CLK_TCK" '
    BEGIN {
      split(b, x, " "); split(a, y, " ")
      if (n <= 0) { print "NA NA NA"; exit }
      u = (y[1] - x[1]) * 1e6 / hz / n; s = (y[2] - x[2]) * 1e6 / hz / n
      printf "%.2f %.2f %.2f\n", u, s, u + s
    }')"
  printf '  %-10s rps=%-9s p50=%-7s p99=%-7s cpu/req=%sus (usr %s, sys %s) rss=%s->%s KiB ready=%s readyz=%s (ms) errors=%s\n' \
    "$target" "$rps" "${p50}ms" "${p99}ms" "$cpu_us" "$usr_us" "$sys_us" "$rss_idle" "$rss_load" "$ready" "$readyz" "$errors"
  echo "$scenario,$target,$round,$rps,$p50,$p99,$reqs,$errors,$cpu_us,$usr_us,$sys_us,$rss_idle,$rss_load,$ready,$readyz" >>"$RAW"
  stop_target "$target" "$pid"
}

# ---- main ---------------------------------------------------------------------------------------
if ((INSTALL)); then "$ROOT/scripts/install-deps.sh" --bench; fi
for tool in wrk python3 ps; do command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh --bench)"; done
wants haproxy && ! command -v haproxy >/dev/null && die "haproxy not found"
command -v nginx >/dev/null || die "nginx not found (the upstream is nginx)"

if wants gatehouse; then
  if [[ -z $GATEHOUSE_BIN ]]; then
    GATEHOUSE_BIN="$ROOT/.build/release/gatehouse"
    if ((BUILD)); then
      echo "building gatehouse (swift build -c release)..."
      if ! swift build -c release 2>&1 | tail -n 5; then
        echo "run.sh: the release build failed; gatehouse is skipped" >&2
      fi
    fi
  fi
  [[ -x $GATEHOUSE_BIN ]] || echo "run.sh: no gatehouse binary at $GATEHOUSE_BIN; gatehouse is skipped" >&2
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-"$ROOT/bench-results/$STAMP"}
mkdir -p "$OUT"
RAW="$OUT/raw.csv"
echo "scenario,target,round,rps,p50_ms,p99_ms,requests,errors,cpu_us_per_req,usr_us_per_req,sys_us_per_req,rss_idle_kib,rss_load_kib,ready_ms,readyz_ms" >"$RAW"
FAILED_TARGETS=()

{
  echo "date=$STAMP"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "kernel=$(uname -r)"
  echo "settings=workers=$WORKERS rounds=$ROUNDS duration=$DURATION warmup=$WARMUP connections=$CONNECTIONS wrk_threads=$THREADS"
  echo "wrk=$(wrk --version 2>&1 | head -n 1 | awk '{print $2}')"
  echo "nginx=$(nginx -v 2>&1 | sed 's/.*nginx\///')"
  command -v haproxy >/dev/null && echo "haproxy=$(haproxy -v | head -n 1 | awk '{print $3}')"
  echo "gatehouse_commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo -dirty)"
} >"$OUT/machine.txt"

echo "nproc=$(nproc) workers=$WORKERS rounds=$ROUNDS duration=$DURATION connections=$CONNECTIONS; results in $OUT"
echo "starting upstream (nginx, 1 worker) on 127.0.0.1:$UPSTREAM_PORT"
start_upstream || die "the upstream did not start"

for scenario in "${SCENARIOS[@]}"; do
  read -r -a scenario_targets <<<"$(hook "$scenario" targets)"
  hook "$scenario" setup
  for ((round = 1; round <= ROUNDS; round++)); do
    echo "[$scenario] round $round/$ROUNDS"
    for target in "${scenario_targets[@]}"; do
      wants "$target" || continue
      measure "$scenario" "$target" "$round"
    done
  done
  hook "$scenario" teardown
done

if ((${#FAILED_TARGETS[@]})); then
  echo "did not start (see messages above): $(printf '%s\n' "${FAILED_TARGETS[@]}" | sort -u | tr '\n' ' ')" >&2
fi
python3 "$BENCH/lib/summarize.py" "$OUT"
ln -sfn "$(basename "$OUT")" "$(dirname "$OUT")/latest" 2>/dev/null || true
# A target that did not start makes the run fail (exit 1) after the partial results are written.
((${#FAILED_TARGETS[@]} == 0))
