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
#     --scenarios LIST   comma-separated scenarios (default: the performance table's rows,
#                        passthrough,jwt-repeat,jwt-new,session-l1,session-redis,session-redis-l1-2,
#                        rss,callgrind); known: those and session-redis-2, session-redis-dual,
#                        session-cluster, session-cluster-replica, session-l1-assert,
#                        jwt-repeat-assert
#     --sessions N       sessions logged in before each session-* measurement (default 10000)
#     --rss-sessions L   the rss scenario's session counts (default 10000,100000,300000)
#     --idle-connections N  the rss scenario's idle client connections (default 5000)
#     --gatehouse-bin P  use this binary instead of building .build/release/gatehouse
#     --no-build         do not run `swift build -c release` (use the existing binary)
#     --no-install       do not run scripts/install-deps.sh --bench
#     --out DIR          results directory (default bench-results/<timestamp>)
#     --keep-tmp         keep the generated configs and logs (printed at exit)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
# shellcheck source=lib/haproxy.sh
source "$BENCH/lib/haproxy.sh"
cd "$ROOT"

# ---- options ------------------------------------------------------------------------------------
WORKERS=1
ROUNDS=3
DURATION=10s
WARMUP=2s
CONNECTIONS=50
THREADS=1
ONLY="upstream,gatehouse,haproxy,nginx"
SCENARIO_LIST="passthrough,jwt-repeat,jwt-new,session-l1,session-redis,session-redis-l1-2,rss,callgrind"
SESSIONS=10000
RSS_SESSIONS=10000,100000,300000
IDLE_CONNECTIONS=5000
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
    --sessions) SESSIONS=${2:?}; shift 2 ;;
    --rss-sessions) RSS_SESSIONS=${2:?}; shift 2 ;;
    --idle-connections) IDLE_CONNECTIONS=${2:?}; shift 2 ;;
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
[[ $SESSIONS =~ ^[1-9][0-9]*$ ]] || die "--sessions must be a positive integer"

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
#   scenario_X_gatehouse_instances (optional) how many Gatehouse processes to start on the same
#                                config (default 1); with 2, each gets its own listen and admin
#                                port, one wrk per process runs at once, req/s and requests are
#                                summed, CPU and RSS summed over the processes, p50/p99 the worse
#   scenario_X_prime TARGET URL...  (optional) after the target answers and before the warm-up:
#                                log users in, fill caches (one base URL per process); failure
#                                skips the measurement
#   scenario_X_observe before|after  (optional) right before and after the measured wrk run:
#                                e.g. snapshot and print the Redis nodes' command rates
# setup and teardown run only when --only selects one of the scenario's targets.
ALL_SCENARIOS=(passthrough jwt-repeat jwt-new session-l1 session-redis session-redis-2 session-redis-l1-2 rss callgrind session-redis-dual
  session-cluster session-cluster-replica session-l1-assert jwt-repeat-assert)
PLANNED_SCENARIOS=()

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
# write_cycle_lua SCRIPT LINES HEADER PREFIX: a wrk script sending one line of LINES per request, in
# turn, as HEADER: PREFIX<line>. Every request is formatted once, in `init`, so the client's cost per
# request is a table read: formatting in `request()` (`wrk.format` per call) cost wrk ~4 µs of CPU
# per request more than a static request on this 2-core machine, CPU the proxy and the upstream
# share (bench/README.md, "The client's cost").
write_cycle_lua() {
  cat >"$1" <<EOF
local requests, n, i = {}, 0, 0
init = function(args)
  for line in io.lines("$2") do
    n = n + 1
    requests[n] = wrk.format("GET", nil, { ["$3"] = "$4" .. line })
  end
end
request = function()
  i = i % n + 1
  return requests[i]
end
EOF
}
JWT_BENCH_TOKENS=${JWT_BENCH_TOKENS:-20000}
jwt_bench_setup() {
  [[ -s $TMP/jwt/tokens.txt ]] && return 0
  echo "generating an RSA key and $JWT_BENCH_TOKENS tokens (python3 + cryptography)..." >&2
  python3 "$ROOT/bench/lib/jwt_tokens.py" "$TMP/jwt" "$JWT_BENCH_TOKENS" ||
    die "cannot make JWT material (python3-cryptography: scripts/install-deps.sh --bench)"
  write_cycle_lua "$TMP/jwt/cycle.lua" "$TMP/jwt/tokens.txt" Authorization "Bearer "
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

# session-l1 / session-redis / session-redis-2: `/app/` needs a session (`auth = "session"`),
# `/login-as/` is public and the upstream answers it with `Gatehouse-Login: $arg_u`, so a GET of
# `/login-as/?u=NAME` through Gatehouse logs NAME in. Before each measurement, SESSIONS (--sessions,
# default 10000) distinct users are logged in (lib/sessions.py: python3 on several keep-alive
# connections; max_per_user = 0, so no cap) and their cookies written to a file; then one pass
# sends every cookie once to `/app/x` through every Gatehouse process (every answer must be 200:
# it checks the cookies and warms the L1 cache), and wrk cycles through the cookies with a Lua
# script, one cookie per request.
# session-l1: memory store, L1 cache big enough for all of them (every lookup hits L1).
# session-redis: Redis store, L1 disabled (`[session.cache] enabled = false`): every request is a
# Redis round trip. session-redis-2: the same with two Gatehouse processes sharing the Redis;
# cookies made through the first, each process gets its own wrk. The Redis is a `redis-server`
# started at setup on an ephemeral loopback port (no persistence) and flushed before each round.
# session-redis-dual: session-redis in the middle of a session migration to a second Redis
# (`[session.migration] mode = "dual"`, `[redis.target]` on another `redis-server`): every lookup
# reads both stores (the old one's answer is used, the two are compared), every login writes
# both; the cost of `dual` against the session-redis row.
# session-cluster: session-redis on a Redis Cluster of 3 masters with a replica each (6
# `redis-server --cluster-enabled yes` on ephemeral loopback ports, joined with `redis-cli
# --cluster create`, no persistence); session-cluster-replica: the same cluster with
# `read_from = "replica_preferred"` (lookups from the replicas, the master on a miss). For every
# session-redis* measurement the commands each Redis node executed during the measured run are
# printed per second (`INFO commandstats`), and after the logins the memory per session
# (`MEMORY USAGE` of real records, and the growth of `used_memory`).
# HAProxy and nginx have no session equivalent: these scenarios run Gatehouse only.
SESSION_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
REDIS_PID=""
REDIS_NODES=()  # HOST:PORT of every Redis node of the scenario (single or cluster)
CLUSTER_PIDS=()
session_bench_gatehouse_config() { # session_bench_gatehouse_config STORE CACHE_ENABLED [TOPOLOGY] [VERIFIED_TICKETS]
  cat <<EOF
[session]
store = "$1"
keys = ["$SESSION_KEY"]
cookie_name = "gh"
secure_cookie = false
max_per_user = 0
bind_ip = true
bind_user_agent = false
# no rotation during a long run (wrk does not follow Set-Cookie)
rotation_interval = "1h"

[session.cache]
enabled = $2
max_entries = $((SESSIONS > 100000 ? SESSIONS : 100000))
verified_tickets = ${4:-4096}

[[route]]
path_prefix = "/app/"
auth = "session"

[[route]]
path_prefix = "/"
auth = "public"
EOF
  if [[ $1 == redis ]]; then
    case ${3:-single} in
      single) printf '\n[redis]\naddress = "127.0.0.1:%s"\n' "$REDIS_PORT" ;;
      cluster | cluster-replica)
        printf '\n[redis]\ncluster = [%s]\n' "$(printf '"%s", ' "${REDIS_NODES[@]:0:3}" | sed 's/, $//')"
        [[ $3 == cluster-replica ]] && printf 'read_from = "replica_preferred"\n'
        ;;
    esac
  fi
}
session_bench_prime() { # session_bench_prime TARGET URL...: log SESSIONS users in, check, warm
  local target=$1 url
  shift
  mkdir -p "$TMP/sessions"
  local node
  for node in "${REDIS_NODES[@]}"; do
    redis_cmd_at "${node#*:}" FLUSHALL >/dev/null 2>&1 || true # replicas refuse; masters flush
  done
  if ((${#REDIS_NODES[@]})); then
    python3 "$BENCH/lib/redis_nodes.py" snapshot "$TMP/redis-empty.txt" "${REDIS_NODES[@]}" || return 1
  fi
  python3 "$BENCH/lib/sessions.py" login "${1#http://}" "$SESSIONS" "$TMP/sessions/cookies.txt" || return 1
  if ((${#REDIS_NODES[@]})); then
    python3 "$BENCH/lib/redis_nodes.py" memory gh: "$TMP/redis-empty.txt" "${REDIS_NODES[@]}" || return 1
  fi
  for url in "$@"; do
    python3 "$BENCH/lib/sessions.py" check "${url#http://}" "$TMP/sessions/cookies.txt" || return 1
  done
  [[ -s $TMP/sessions/cycle.lua ]] && return 0
  write_cycle_lua "$TMP/sessions/cycle.lua" "$TMP/sessions/cookies.txt" Cookie ""
}
redis_cmd() { redis_cmd_at "$REDIS_PORT" "$@"; } # redis_cmd WORD...: to the single bench Redis
redis_cmd_at() { # redis_cmd_at PORT WORD...: one command to 127.0.0.1:PORT; the reply on stdout
  python3 - "$@" <<'PY'
import socket, sys
port, words = int(sys.argv[1]), sys.argv[2:]
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(("*%d\r\n" % len(words) + "".join("$%d\r\n%s\r\n" % (len(w), w) for w in words)).encode())
reply = s.recv(65536).decode()
print(reply[1:].strip() if reply[:1] in "+:-" else reply.strip())
sys.exit(1 if reply[:1] == "-" else 0)
PY
}
start_redis() {
  command -v redis-server >/dev/null || die "redis-server not found (scripts/install-deps.sh installs it)"
  mkdir -p "$TMP/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$TMP/redis" --logfile "$TMP/redis/redis.log" --daemonize no &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  REDIS_NODES=("127.0.0.1:$REDIS_PORT")
  local i
  for ((i = 0; i < 200; i++)); do
    if [[ $(redis_cmd PING 2>/dev/null) == PONG ]]; then
      echo "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT"
      return 0
    fi
    sleep 0.025
  done
  die "redis-server did not answer on 127.0.0.1:$REDIS_PORT (log: $TMP/redis/redis.log)"
}
start_redis_target() { # the second Redis of session-redis-dual (REDIS_NODES gains it)
  mkdir -p "$TMP/redis-target"
  redis-server --bind 127.0.0.1 --port "$REDIS_TARGET_PORT" --save "" --appendonly no \
    --dir "$TMP/redis-target" --logfile "$TMP/redis-target/redis.log" --daemonize no &
  REDIS_TARGET_PID=$!
  PIDS+=("$REDIS_TARGET_PID")
  REDIS_NODES+=("127.0.0.1:$REDIS_TARGET_PORT")
  local i
  for ((i = 0; i < 200; i++)); do
    [[ $(redis_cmd_at "$REDIS_TARGET_PORT" PING 2>/dev/null) == PONG ]] && return 0
    sleep 0.025
  done
  die "redis-server did not answer on 127.0.0.1:$REDIS_TARGET_PORT (log: $TMP/redis-target/redis.log)"
}
stop_redis_target() {
  [[ -n ${REDIS_TARGET_PID:-} ]] || return 0
  stop_pid "$REDIS_TARGET_PID"
  forget_pid "$REDIS_TARGET_PID"
  REDIS_TARGET_PID=""
}
stop_redis() {
  [[ -n $REDIS_PID ]] || return 0
  stop_pid "$REDIS_PID"
  forget_pid "$REDIS_PID"
  REDIS_PID=""
  REDIS_NODES=()
}
start_redis_cluster() { # 3 masters + 3 replicas; REDIS_NODES lists them (masters first after create)
  command -v redis-server >/dev/null || die "redis-server not found (scripts/install-deps.sh installs it)"
  local ports i port bus dir
  read -r -a ports <<<"$(free_ports 12)"
  REDIS_NODES=()
  for ((i = 0; i < 6; i++)); do
    port=${ports[$i]} bus=${ports[$((i + 6))]} dir="$TMP/redis-cluster/$port"
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes --cluster-port "$bus" \
      --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 2000 --save "" --appendonly no \
      --repl-diskless-sync-delay 0 --repl-ping-replica-period 1 --dir "$dir" --logfile "$dir/redis.log" \
      --daemonize no &
    CLUSTER_PIDS+=($!)
    PIDS+=($!)
    REDIS_NODES+=("127.0.0.1:$port")
  done
  for port in "${ports[@]:0:6}"; do
    for ((i = 0; i < 200; i++)); do
      [[ $(redis_cmd_at "$port" PING 2>/dev/null) == PONG ]] && break
      sleep 0.025
    done
  done
  redis-cli --cluster create "${REDIS_NODES[@]}" --cluster-replicas 1 --cluster-yes >"$TMP/redis-cluster/create.log" 2>&1 ||
    die "redis-cli --cluster create failed (log: $TMP/redis-cluster/create.log)"
  for ((i = 0; i < 400; i++)); do # every replica synced and listed by CLUSTER SLOTS
    (($(redis-cli -p "${ports[0]}" CLUSTER SLOTS 2>/dev/null | grep -cE "^(${ports[0]}|$(IFS='|'; echo "${ports[*]:1:5}"))$") >= 6)) && break
    sleep 0.05
  done
  echo "redis cluster (3 masters, 3 replicas) on ${REDIS_NODES[*]}"
}
stop_redis_cluster() {
  local pid
  for pid in "${CLUSTER_PIDS[@]}"; do stop_pid "$pid"; forget_pid "$pid"; done
  CLUSTER_PIDS=()
  REDIS_NODES=()
}
redis_observe() { # redis_observe before|after: per-node command rates over the measured run
  ((${#REDIS_NODES[@]})) || return 0
  python3 "$BENCH/lib/redis_nodes.py" snapshot "$TMP/redis-$1.txt" "${REDIS_NODES[@]}" || return 0
  curl -s --max-time 5 "http://127.0.0.1:$GATEHOUSE_ADMIN_PORT/metrics" >"$TMP/gatehouse-metrics-$1.txt" || true
  if [[ $1 == after ]]; then
    echo "  redis nodes during the measured run:"
    python3 "$BENCH/lib/redis_nodes.py" rates "$TMP/redis-before.txt" "$TMP/redis-after.txt" | tee -a "$OUT/redis-nodes.txt"
    python3 "$BENCH/lib/redis_nodes.py" roundtrips "$TMP/gatehouse-metrics-before.txt" \
      "$TMP/gatehouse-metrics-after.txt" | tee -a "$OUT/redis-nodes.txt" || true
    # Gatehouse's own view since its start: lookups by source, and any store errors.
    python3 - "http://127.0.0.1:$GATEHOUSE_ADMIN_PORT/metrics" <<'PY' || true
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
wanted = ("gatehouse_redis_loads_total", "gatehouse_redis_errors_total", "gatehouse_redis_breaker_state")
lines = [l for l in text.splitlines() if l.startswith(wanted) and not l.endswith(" 0")]
print("  gatehouse (first process): " + ("; ".join(lines) if lines else "no store errors"))
PY
  fi
}
# redis_capacity before|after (single Redis, first round): capture one real lookup from the
# measured run, then replay it with redis-benchmark (50 connections, no pipelining) for the
# saturated rate of the lookup script on one Redis core.
REDIS_CAPACITY_DONE=0
redis_capacity() {
  ((REDIS_CAPACITY_DONE == 0)) && [[ -n $REDIS_PID ]] || return 0
  if [[ $1 == before ]]; then
    rm -f "$TMP/lookup-command.txt"
    python3 "$BENCH/lib/redis_nodes.py" capture "$TMP/lookup-command.txt" "127.0.0.1:$REDIS_PORT" &
    PIDS+=($!)
    return 0
  fi
  REDIS_CAPACITY_DONE=1
  [[ -s $TMP/lookup-command.txt ]] && command -v redis-benchmark >/dev/null || return 0
  # One rate per captured command (the script, or the script-free lookup's three commands);
  # a lookup costs the sum of its commands' times: 1 / sum(1 / rate).
  local line words rate rates=()
  while IFS= read -r line; do
    IFS=$'\t' read -r -a words <<<"$line"
    rate=$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c 50 -n 200000 -q "${words[@]}" 2>/dev/null |
      tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1)
    rates+=("${rate:-0}")
  done <"$TMP/lookup-command.txt"
  rate=$(python3 -c 'import sys; r = [float(x) for x in sys.argv[1:]]; print("%.0f" % (1 / sum(1 / x for x in r)) if r and min(r) > 0 else "NA")' "${rates[@]}")
  echo "  one Redis core, the lookup's $(wc -l <"$TMP/lookup-command.txt") command(s) replayed by redis-benchmark (-c 50, no pipelining): ${rate:-NA} lookups/s" |
    tee -a "$OUT/redis-nodes.txt"
}
scenario_session_l1_targets() { echo gatehouse; }
scenario_session_l1_prime() { session_bench_prime "$@"; }
scenario_session_l1_path() { echo /app/x; }
scenario_session_l1_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_redis_targets() { echo gatehouse; }
scenario_session_redis_prime() { session_bench_prime "$@"; }
scenario_session_redis_path() { echo /app/x; }
scenario_session_redis_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_redis_2_targets() { echo gatehouse; }
scenario_session_redis_2_prime() { session_bench_prime "$@"; }
scenario_session_redis_2_path() { echo /app/x; }
scenario_session_redis_2_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
# The verified-ticket cache sized for the cycled cookies (the default 4,096 per worker missed
# nearly every request of a 10,000-session cycle: docs/performance.md, "Verified-ticket cache size").
verified_tickets_for_sessions() { local n=4096; while ((n < SESSIONS * 3 / 2)); do n=$((n * 2)); done; echo $n; }
scenario_session_l1_gatehouse_config() { session_bench_gatehouse_config memory true single "$(verified_tickets_for_sessions)"; }

# session-l1-assert / jwt-repeat-assert: session-l1 and jwt-repeat with `[assertion]` on (a
# generated ES256 key, one copied claim): every request also carries the signed assertion, from
# the assertion cache (signed once per session generation or token). Target: within 5 % of the
# rows without it.
assertion_bench_config() { printf '\n[assertion]\nissuer = "https://gatehouse.bench/"\nclaims = { roles = "role" }\n'; }
scenario_session_l1_assert_targets() { echo gatehouse; }
scenario_session_l1_assert_prime() { session_bench_prime "$@"; }
scenario_session_l1_assert_path() { echo /app/x; }
scenario_session_l1_assert_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_l1_assert_gatehouse_config() {
  session_bench_gatehouse_config memory true single "$(verified_tickets_for_sessions)"
  assertion_bench_config
}
scenario_jwt_repeat_assert_targets() { echo gatehouse; }
scenario_jwt_repeat_assert_setup() { jwt_bench_setup; }
scenario_jwt_repeat_assert_gatehouse_config() { jwt_bench_gatehouse_config; assertion_bench_config; }
scenario_jwt_repeat_assert_path() { echo /api/x; }
scenario_jwt_repeat_assert_wrk_args() { scenario_jwt_repeat_wrk_args; }
scenario_session_redis_setup() { start_redis; }
scenario_session_redis_teardown() { stop_redis; }
scenario_session_redis_gatehouse_config() { session_bench_gatehouse_config redis false single "$(verified_tickets_for_sessions)"; }
scenario_session_redis_2_gatehouse_instances() { echo 2; }
scenario_session_redis_2_setup() { start_redis; }
scenario_session_redis_2_teardown() { stop_redis; }
scenario_session_redis_2_gatehouse_config() { session_bench_gatehouse_config redis false; }
scenario_session_redis_observe() {
  redis_observe "$@"
  redis_capacity "$@"
}
scenario_session_redis_2_observe() { redis_observe "$@"; }
# session-redis-l1-2: two Gatehouse processes sharing one Redis with the L1 on (each process's
# cache kept coherent by its invalidation subscriber); compared with one process's pass-through.
scenario_session_redis_l1_2_targets() { echo gatehouse; }
scenario_session_redis_l1_2_prime() { session_bench_prime "$@"; }
scenario_session_redis_l1_2_path() { echo /app/x; }
scenario_session_redis_l1_2_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_redis_l1_2_gatehouse_instances() { echo 2; }
scenario_session_redis_l1_2_setup() { start_redis; }
scenario_session_redis_l1_2_teardown() { stop_redis; }
scenario_session_redis_l1_2_gatehouse_config() { session_bench_gatehouse_config redis true single "$(verified_tickets_for_sessions)"; }
scenario_session_redis_l1_2_observe() { redis_observe "$@"; }
# rss: Gatehouse's memory, once per run (not timed, so not per round), into rss.csv: the memory
# store (session-l1's config) idle and after each count of --rss-sessions logged in and used once;
# the L1 over Redis (one process, L1 on) with the largest count up to 100,000; and a pass-through
# process holding --idle-connections client connections that never sent a request, then the same
# after one request each (KiB per connection over the idle process).
scenario_rss_targets() { echo gatehouse; }
scenario_rss_gatehouse_config() { session_bench_gatehouse_config memory true; }
scenario_rss_redis_gatehouse_config() { # a long command timeout: logins race a loaded machine here, not a clock
  session_bench_gatehouse_config redis true
  echo 'command_timeout = "2s"'
}
scenario_rss_connections_gatehouse_config() { scenario_passthrough_gatehouse_config; }
# callgrind: instructions per request of the four paths (bench/callgrind.sh's method, the same
# binary), once per run, into callgrind.csv; repeatable where req/s is not.
scenario_callgrind_targets() { echo gatehouse; }
callgrind_rows() {
  command -v valgrind >/dev/null || { echo "[callgrind] skipped: no valgrind (scripts/install-deps.sh --bench)"; return 0; }
  python3 "$BENCH/lib/callgrind.py" --binary "$GATEHOUSE_BIN" --csv "$OUT/callgrind.csv" \
    --scenarios passthrough,session-l1,jwt-repeat,session-redis --out "$TMP/callgrind" ||
    FAILED_TARGETS+=("callgrind")
}
rss_row() { echo "$1,$2,$3,$4" >>"$OUT/rss.csv"; printf '  %-28s sessions=%-7s connections=%-5s rss=%s KiB\n' "$1" "$2" "$3" "$4"; }
rss_login() { # rss_login URL FIRST COUNT: log COUNT more users in (from bench-user-FIRST), use each once
  python3 "$BENCH/lib/sessions.py" login "${1#http://}" "$3" "$TMP/sessions/rss.txt" --first "$2" &&
    python3 "$BENCH/lib/sessions.py" check "${1#http://}" "$TMP/sessions/rss.txt"
}
rss_rows() {
  local n prev=0 pid url redis_n=0
  mkdir -p "$TMP/sessions"
  echo "row,sessions,connections,rss_kib" >"$OUT/rss.csv"
  SESSIONS_SAVED=$SESSIONS
  for n in ${RSS_SESSIONS//,/ }; do ((n > SESSIONS)) && SESSIONS=$n; ((n <= 100000 && n > redis_n)) && redis_n=$n; done
  if target_gatehouse_start rss; then
    pid=$TARGET_PID url=$TARGET_URL
    rss_row "memory store" 0 0 "$(rss_kib_all "$pid")"
    for n in ${RSS_SESSIONS//,/ }; do
      rss_login "$url" "$prev" $((n - prev)) || { FAILED_TARGETS+=("rss/memory"); break; }
      rss_row "memory store" "$n" 0 "$(rss_kib_all "$pid")"
      prev=$n
    done
    stop_target gatehouse "$pid"
  else
    FAILED_TARGETS+=("rss/memory")
  fi
  if ((redis_n > 0)) && start_redis && target_gatehouse_start rss-redis; then
    pid=$TARGET_PID url=$TARGET_URL
    rss_row "L1 over Redis" 0 0 "$(rss_kib_all "$pid")"
    if rss_login "$url" 0 "$redis_n"; then
      rss_row "L1 over Redis" "$redis_n" 0 "$(rss_kib_all "$pid")"
    else
      FAILED_TARGETS+=("rss/redis")
    fi
    stop_target gatehouse "$pid"
    stop_redis
  fi
  SESSIONS=$SESSIONS_SAVED
  if target_gatehouse_start rss-connections; then
    pid=$TARGET_PID url=$TARGET_URL
    rss_row "pass-through" 0 0 "$(rss_kib_all "$pid")"
    coproc IDLE { python3 -u "$BENCH/lib/idle_connections.py" "${url#http://}" "$IDLE_CONNECTIONS"; }
    if read -r line <&"${IDLE[0]}" && [[ $line == open ]]; then
      rss_row "idle before a request" 0 "$IDLE_CONNECTIONS" "$(rss_kib_all "$pid")"
      [[ -n ${IDLE[1]:-} ]] && { echo go >&"${IDLE[1]}"; } 2>/dev/null
      if read -r line <&"${IDLE[0]}" && [[ $line == served ]]; then
        rss_row "idle after one request" 0 "$IDLE_CONNECTIONS" "$(rss_kib_all "$pid")"
      else
        FAILED_TARGETS+=("rss/connections")
      fi
      [[ -n ${IDLE[1]:-} ]] && { echo done >&"${IDLE[1]}"; } 2>/dev/null || true
    else
      FAILED_TARGETS+=("rss/connections")
    fi
    wait "${IDLE_PID:-}" 2>/dev/null || true
    stop_target gatehouse "$pid"
  else
    FAILED_TARGETS+=("rss/connections")
  fi
}
scenario_session_redis_dual_targets() { echo gatehouse; }
scenario_session_redis_dual_setup() { start_redis && start_redis_target; }
scenario_session_redis_dual_teardown() { stop_redis_target && stop_redis; }
scenario_session_redis_dual_prime() { session_bench_prime "$@"; }
scenario_session_redis_dual_path() { echo /app/x; }
scenario_session_redis_dual_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_redis_dual_observe() { redis_observe "$@"; }
scenario_session_redis_dual_gatehouse_config() {
  session_bench_gatehouse_config redis false
  printf '\n[session.migration]\nmode = "dual"\n\n[redis.target]\naddress = "127.0.0.1:%s"\n' "$REDIS_TARGET_PORT"
}
scenario_session_cluster_targets() { echo gatehouse; }
scenario_session_cluster_setup() { start_redis_cluster; }
scenario_session_cluster_teardown() { stop_redis_cluster; }
scenario_session_cluster_prime() { session_bench_prime "$@"; }
scenario_session_cluster_path() { echo /app/x; }
scenario_session_cluster_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_cluster_observe() { redis_observe "$@"; }
scenario_session_cluster_gatehouse_config() { session_bench_gatehouse_config redis false cluster; }
scenario_session_cluster_replica_targets() { echo gatehouse; }
scenario_session_cluster_replica_setup() { start_redis_cluster; }
scenario_session_cluster_replica_teardown() { stop_redis_cluster; }
scenario_session_cluster_replica_prime() { session_bench_prime "$@"; }
scenario_session_cluster_replica_path() { echo /app/x; }
scenario_session_cluster_replica_wrk_args() { printf '%s\n' -s "$TMP/sessions/cycle.lua"; }
scenario_session_cluster_replica_observe() { redis_observe "$@"; }
scenario_session_cluster_replica_gatehouse_config() { session_bench_gatehouse_config redis false cluster-replica; }

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

cpu_ticks_all() { # cpu_ticks_all PID...: cpu_ticks summed over several processes
  local u=0 s=0 p a b
  for p in "$@"; do
    read -r a b <<<"$(cpu_ticks "$p")"
    u=$((u + a)) s=$((s + b))
  done
  echo "$u $s"
}

rss_kib_all() { # rss_kib_all PID...: rss_kib summed over several processes
  local total=0 p
  for p in "$@"; do total=$((total + $(rss_kib "$p"))); done
  echo "$total"
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
# run_wrk OUTFILE DURATION URL [EXTRA...] (WRK_CONNECTIONS overrides --connections)
run_wrk() {
  local outfile=$1 duration=$2 url=$3
  shift 3
  wrk -t"$THREADS" -c"${WRK_CONNECTIONS:-$CONNECTIONS}" -d"$duration" --latency "$@" "$url" >"$outfile" 2>&1
}

# run_wrks OUTPREFIX DURATION PATH URL... -- [EXTRA...]: one wrk per base URL, all at once, the
# connections split between them; writes OUTPREFIX.1.txt, OUTPREFIX.2.txt, ...; fails if any fails.
run_wrks() {
  local prefix=$1 duration=$2 path=$3 urls=() pids=() i rc=0
  shift 3
  while (($#)) && [[ $1 != -- ]]; do urls+=("$1"); shift; done
  (($#)) && shift
  local WRK_CONNECTIONS=$(((CONNECTIONS + ${#urls[@]} - 1) / ${#urls[@]}))
  for i in "${!urls[@]}"; do
    run_wrk "$prefix.$((i + 1)).txt" "$duration" "${urls[$i]}$path" "$@" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  return "$rc"
}

# parse_wrk FILE...: "rps p50_ms p99_ms requests errors"; over several files (wrk processes run at
# once): req/s, requests and errors summed, p50 and p99 the worst of them.
parse_wrk() {
  local f
  for f in "$@"; do parse_one_wrk "$f"; done | awk '
    { if ($1 == "NA") na_rps = 1; else rps += $1
      if ($2 == "NA") na_p50 = 1; else if (n == 0 || $2 + 0 > p50) p50 = $2 + 0
      if ($3 == "NA") na_p99 = 1; else if (n == 0 || $3 + 0 > p99) p99 = $3 + 0
      reqs += $4; errors += $5; n++ }
    END { printf "%s %s %s %d %d\n", (na_rps || !n ? "NA" : rps), (na_p50 || !n ? "NA" : p50),
                 (na_p99 || !n ? "NA" : p99), reqs, errors }'
}
parse_one_wrk() {
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
read -r UPSTREAM_PORT GATEHOUSE_PORT GATEHOUSE_ADMIN_PORT HAPROXY_PORT NGINX_PORT \
  GATEHOUSE2_PORT GATEHOUSE2_ADMIN_PORT REDIS_PORT REDIS_TARGET_PORT <<<"$(free_ports 9)"

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
    # the session scenarios log users in through Gatehouse: GET /login-as/?u=NAME
    location /login-as/ {
      default_type text/plain;
      add_header Gatehouse-Login \$arg_u always;
      return 200 "ok\n";
    }
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

gatehouse_config_file() { # gatehouse_config_file SCENARIO LISTEN_PORT ADMIN_PORT
  cat <<EOF
# generated by bench/run.sh ($1)
[server]
listen = "127.0.0.1:$2"
workers = $WORKERS

[upstream]
address = "127.0.0.1:$UPSTREAM_PORT"

[log]
access_log = false

[admin]
listen = "127.0.0.1:$3"

EOF
  hook "$1" gatehouse_config
}

# Starts `scenario_X_gatehouse_instances` processes (default 1; at most 2) on the same config
# but their own ports; TARGET_PIDS / TARGET_URLS list them, the ready times are the first's.
target_gatehouse_start() {
  local scenario=$1 dir="$TMP/gatehouse" instances i name port admin
  instances=$(hook "$scenario" gatehouse_instances)
  instances=${instances:-1}
  ((instances >= 1 && instances <= 2)) || { echo "  gatehouse: $instances instances (1 or 2 supported)" >&2; return 1; }
  [[ -x $GATEHOUSE_BIN ]] || { echo "  gatehouse: no binary at $GATEHOUSE_BIN" >&2; return 1; }
  mkdir -p "$dir"
  TARGET_PIDS=()
  TARGET_URLS=()
  for ((i = 1; i <= instances; i++)); do
    if ((i == 1)); then
      name=gatehouse port=$GATEHOUSE_PORT admin=$GATEHOUSE_ADMIN_PORT
    else
      name=gatehouse$i port=$GATEHOUSE2_PORT admin=$GATEHOUSE2_ADMIN_PORT
    fi
    gatehouse_config_file "$scenario" "$port" "$admin" >"$dir/$name.toml"
    if ! launch "$name" "http://127.0.0.1:$port/" "http://127.0.0.1:$admin/readyz" -- \
      "$GATEHOUSE_BIN" run --config "$dir/$name.toml"; then
      for pid in "${TARGET_PIDS[@]}"; do stop_pid "$pid"; forget_pid "$pid"; done
      return 1
    fi
    TARGET_PIDS+=("$LAUNCH_PID")
    TARGET_URLS+=("http://127.0.0.1:$port")
    if ((i == 1)); then
      TARGET_PID=$LAUNCH_PID
      TARGET_URL="http://127.0.0.1:$port"
      TARGET_READY_MS=$LAUNCH_READY_MS
      TARGET_READYZ_MS=$LAUNCH_READYZ_MS
    fi
  done
}

target_haproxy_start() {
  local scenario=$1 dir="$TMP/haproxy"
  mkdir -p "$dir"
  {
    echo "# generated by bench/run.sh ($scenario)"
    haproxy_config "$WORKERS" "$HAPROXY_PORT" "$UPSTREAM_PORT" "$(hook "$scenario" haproxy_config | sed 's/^/  /')"
  } >"$dir/haproxy.cfg"
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
  local scenario=$1 target=$2 round=$3 path extra=() before after rss_idle rss_load rss_primed=NA
  local rps p50 p99 reqs errors cpu_us usr_us sys_us ready=NA readyz=NA p died=0
  local out="$TMP/wrk-$scenario-$target-$round"
  path=$(scenario_path "$scenario")
  mapfile -t extra < <(hook "$scenario" wrk_args)

  TARGET_PIDS=()
  TARGET_URLS=()
  if ! "target_${target}_start" "$scenario"; then
    echo "  $target: skipped in round $round (did not start)" >&2
    FAILED_TARGETS+=("$scenario/$target")
    return 0
  fi
  ((${#TARGET_PIDS[@]})) || { TARGET_PIDS=("$TARGET_PID"); TARGET_URLS=("$TARGET_URL"); }
  local pids=("${TARGET_PIDS[@]}") urls=("${TARGET_URLS[@]}")
  ready=$TARGET_READY_MS
  readyz=$TARGET_READYZ_MS
  rss_idle=$(rss_kib_all "${pids[@]}")

  if declare -F "scenario_${scenario//-/_}_prime" >/dev/null; then
    if ! hook "$scenario" prime "$target" "${urls[@]}"; then
      echo "  $target: skipped in round $round (preparing the scenario failed; logs: $TMP)" >&2
      FAILED_TARGETS+=("$scenario/$target")
      KEEP_TMP=1
      for p in "${pids[@]}"; do stop_target "$target" "$p"; done
      return 0
    fi
    rss_primed=$(rss_kib_all "${pids[@]}")
  fi

  run_wrks "$TMP/wrk-warmup" "$WARMUP" "$path" "${urls[@]}" -- "${extra[@]}" || true
  hook "$scenario" observe before
  before=$(cpu_ticks_all "${pids[@]}")
  if ! run_wrks "$out" "$DURATION" "$path" "${urls[@]}" -- "${extra[@]}"; then
    echo "  $target: wrk failed: $(tail -q -n 3 "$out".*.txt)" >&2
  fi
  after=$(cpu_ticks_all "${pids[@]}")
  hook "$scenario" observe after
  rss_load=$(rss_kib_all "${pids[@]}")
  for p in "${pids[@]}"; do
    if ! kill -0 "$p" 2>/dev/null; then
      echo "  $target: process $p died during the run (logs: $TMP/$target*.log)" >&2
      died=1
    fi
  done
  ((died)) && KEEP_TMP=1

  read -r rps p50 p99 reqs errors <<<"$(parse_wrk "$out".*.txt)"
  read -r usr_us sys_us cpu_us <<<"$(awk -v b="$before" -v a="$after" -v n="$reqs" -v hz="$CLK_TCK" '
    BEGIN {
      split(b, x, " "); split(a, y, " ")
      if (n <= 0) { print "NA NA NA"; exit }
      u = (y[1] - x[1]) * 1e6 / hz / n; s = (y[2] - x[2]) * 1e6 / hz / n
      printf "%.2f %.2f %.2f\n", u, s, u + s
    }')"
  printf '  %-10s rps=%-9s p50=%-7s p99=%-7s cpu/req=%sus (usr %s, sys %s) rss=%s->%s KiB%s ready=%s readyz=%s (ms) errors=%s\n' \
    "$target$( ((${#pids[@]} > 1)) && echo "×${#pids[@]}")" "$rps" "${p50}ms" "${p99}ms" "$cpu_us" "$usr_us" "$sys_us" \
    "$rss_idle" "$rss_load" "$([[ $rss_primed != NA ]] && echo " (with $SESSIONS sessions: $rss_primed)")" \
    "$ready" "$readyz" "$errors"
  echo "$scenario,$target,$round,$rps,$p50,$p99,$reqs,$errors,$cpu_us,$usr_us,$sys_us,$rss_idle,$rss_load,$ready,$readyz,$rss_primed,${#pids[@]}" >>"$RAW"
  for p in "${pids[@]}"; do stop_target "$target" "$p"; done
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
echo "scenario,target,round,rps,p50_ms,p99_ms,requests,errors,cpu_us_per_req,usr_us_per_req,sys_us_per_req,rss_idle_kib,rss_load_kib,ready_ms,readyz_ms,rss_primed_kib,processes" >"$RAW"
FAILED_TARGETS=()

{
  echo "date=$STAMP"
  echo "nproc=$(nproc)"
  echo "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "kernel=$(uname -r)"
  echo "settings=workers=$WORKERS rounds=$ROUNDS duration=$DURATION warmup=$WARMUP connections=$CONNECTIONS wrk_threads=$THREADS sessions=$SESSIONS"
  echo "wrk=$(wrk --version 2>&1 | head -n 1 | awk '{print $2}')"
  echo "nginx=$(nginx -v 2>&1 | sed 's/.*nginx\///')"
  command -v redis-server >/dev/null && echo "redis=$(redis-server --version | awk '{print $3}' | sed 's/^v=//')"
  command -v haproxy >/dev/null && echo "haproxy=$(haproxy -v | head -n 1 | awk '{print $3}')"
  echo "gatehouse_commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo -dirty)"
} >"$OUT/machine.txt"

echo "nproc=$(nproc) workers=$WORKERS rounds=$ROUNDS duration=$DURATION connections=$CONNECTIONS; results in $OUT"
echo "starting upstream (nginx, 1 worker) on 127.0.0.1:$UPSTREAM_PORT"
start_upstream || die "the upstream did not start"

for scenario in "${SCENARIOS[@]}"; do
  read -r -a scenario_targets <<<"$(hook "$scenario" targets)"
  selected=0
  for target in "${scenario_targets[@]}"; do wants "$target" && selected=1; done
  if ((!selected)); then
    echo "[$scenario] skipped: it runs only ${scenario_targets[*]}, and --only is $ONLY"
    continue
  fi
  if [[ $scenario == rss ]]; then
    echo "[rss] once (memory is not timed)"
    rss_rows
    continue
  fi
  if [[ $scenario == callgrind ]]; then
    echo "[callgrind] once (instructions are not timed; minutes under valgrind)"
    callgrind_rows
    continue
  fi
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
# The chart needs matplotlib: in .venv-bench/ (scripts/install-deps.sh --bench) when present.
CHART_PYTHON="$ROOT/.venv-bench/bin/python"
[[ -x $CHART_PYTHON ]] || CHART_PYTHON=python3
"$CHART_PYTHON" "$BENCH/lib/summarize.py" "$OUT"
ln -sfn "$(basename "$OUT")" "$(dirname "$OUT")/latest" 2>/dev/null || true
# A target that did not start makes the run fail (exit 1) after the partial results are written.
((${#FAILED_TARGETS[@]} == 0))
