#!/usr/bin/env python3
"""Instructions per request, counted by callgrind (repeatable, unlike wall time on a shared machine).

    callgrind.py --binary .build/release/gatehouse [--scenarios passthrough,session-l1,jwt-repeat,session-redis]
                 [--requests 1000,3000] [--out DIR] [--annotate] [--csv FILE] [--sessions N] [--cache-sim]

For each scenario, Gatehouse (one worker, no access log) runs under
`valgrind --tool=callgrind` twice: once serving N1 requests, once N2, each on one keep-alive
connection after a short warm-up. Start-up, readiness and shutdown cost the same in both runs,
so (instructions(N2) - instructions(N1)) / (N2 - N1) is the cost of one request. The upstream is
a small Python server started here (its cost is not counted). With --annotate the per-function
table of the N2 run (callgrind_annotate, inclusive) is written next to the raw output; with
--csv the results also go to FILE (scenario,instructions_per_request; bench/run.sh reads it).
--sessions N logs N sessions in for the session scenarios (default 100; bench/run.sh's wall-clock
run uses 10,000, and with more than 100 the verified-ticket cache is sized as run.sh sizes it).
--cache-sim adds callgrind's cache simulation and prints the simulated first-level and
last-level data-cache misses per request beside the instructions (why a request with a large
working set takes longer than its instruction count says; docs/performance.md).

Scenarios:
  passthrough    public route
  session-l1     `auth = "session"`, memory store, 100 sessions cycled (every lookup an L1 hit)
  jwt-repeat     `auth = "jwt"`, one RS256 token repeated (verified-token cache hits)
  jwt-new        `auth = "jwt"`, a new RS256 token on every request (the RSA verification;
                 run it with smaller counts, e.g. --requests 300,900)
  session-redis  `auth = "session"`, Redis store, L1 off (one Redis round trip per request)
  session-redis-dual  session-redis during a session migration to a second Redis in `dual` mode
                 (both stores read per request, answers compared)
  session-redis-l1-2  bench/run.sh's two-process row: two Gatehouse processes on one Redis with the
                 L1 on (each subscribed to invalidations). The second process runs natively and logs
                 the 1,000 sessions in; the measured one (under valgrind) only serves them, so its
                 L1 is filled from Redis in the warm-up and every measured request is an L1 hit of a
                 session another process created.
  session-l1-assert, jwt-repeat-assert  the same with `[assertion]` on (a generated ES256 key):
                 every request also carries the signed assertion, from the assertion cache
  session-l1-cookies  session-l1 with `[cookie_policy]` (two rules) and a vaulted cookie
                 (`vault_cookies`) configured: the consent, vault and cookie-policy phases run
                 on every request (no consent cookie, nothing vaulted: their common case)
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
SESSIONS = 100
TARGET_PORT = None  # the second Redis of session-redis-dual
TWO_PROCESS_SESSIONS = 1000  # session-redis-l1-2 (the benchmark cycles 10,000 over two processes)
PEER = {}  # session-redis-l1-2: the native second process {"proc", "cookies"}, started once


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"hello world\n"
        self.send_response(200)
        if self.path.startswith("/login-as/?u="):
            self.send_header("Gatehouse-Login", self.path.split("=", 1)[1])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


COOKIES = """
[cookie_policy]
environment = "production"
on_unknown = "pass"

[cookie_policy.environments.production]
domain = "bench.example"
force_secure = false

[[cookie_policy.cookie]]
name = "JSESSIONID"
category = "essential"

[[cookie_policy.cookie]]
name = "_ga*"
category = "analytics"
"""

ASSERTION = '\n[assertion]\nissuer = "https://gatehouse.bench/"\nclaims = { roles = "role" }\n'


def config(scenario, port, upstream_port, tmp, redis_port, session_key):
    if scenario == "session-l1-cookies":
        text = config("session-l1", port, upstream_port, tmp, redis_port, session_key)
        return text.replace('rotation_interval = "1h"\n', 'rotation_interval = "1h"\nvault_cookies = ["legacy_sid"]\n') + COOKIES
    if scenario.endswith("-assert"):
        base = scenario[: -len("-assert")]
        return config(base, port, upstream_port, tmp, redis_port, session_key) + ASSERTION
    common = f"""
[server]
listen = "127.0.0.1:{port}"
workers = 1

[upstream]
address = "127.0.0.1:{upstream_port}"

[admin]
listen = "off"

[log]
level = "warning"
access_log = false
"""
    if scenario == "passthrough":
        return common + '\n[[route]]\npath_prefix = "/"\nauth = "public"\n'
    if scenario in ("jwt-repeat", "jwt-new"):
        return common + f"""
[[jwt.issuer]]
issuer = "https://login.example.com/"
audiences = ["api.example.com"]
jwks_file = "{tmp}/jwt/jwks.json"

[[route]]
path_prefix = "/api/"
auth = "jwt"

[[route]]
path_prefix = "/"
auth = "public"
"""
    store = "redis" if scenario.startswith("session-redis") else "memory"
    cache = store == "memory" or scenario == "session-redis-l1-2"
    sized = ""
    if SESSIONS > 100:
        tickets = 4096
        while tickets < SESSIONS * 3 // 2:
            tickets *= 2
        sized = f"max_entries = {max(SESSIONS, 100000)}\nverified_tickets = {tickets}\n"
    text = common + f"""
[session]
store = "{store}"
keys = ["{session_key}"]
cookie_name = "gh"
secure_cookie = false
max_per_user = 0
rotation_interval = "1h"
# Under valgrind a run lasts minutes: at the default 60 s every session would be touched (a store
# write) about once a minute — one request in ~20 — which a real-time run never sees.
touch_interval = "20m"

[session.cache]
enabled = {"true" if cache else "false"}
# Under valgrind a run lasts minutes: entries must not expire mid-run, or "L1 hit" measures misses.
ttl = "1h"
{sized}
[[route]]
path_prefix = "/app/"
auth = "session"

[[route]]
path_prefix = "/"
auth = "public"
"""
    if store == "redis":
        # Under valgrind everything runs ~50x slower: deadlines sized for that.
        text += f'\n[redis]\naddress = "127.0.0.1:{redis_port}"\nconnect_timeout = "5s"\ncommand_timeout = "5s"\n'
    if scenario == "session-redis-dual":
        text += f"""
[session.migration]
mode = "dual"
step_back_p99 = "60s"

[redis.target]
address = "127.0.0.1:{TARGET_PORT}"
connect_timeout = "5s"
command_timeout = "5s"
"""
    return text


class Client:
    """One keep-alive HTTP/1.1 connection; reads Content-Length responses."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buf = b""

    def request(self, path, headers):
        lines = [f"GET {path} HTTP/1.1", "Host: bench", "User-Agent: gatehouse-bench"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        while len(self.buf) < length:
            self.buf += self.recv()
        self.buf = self.buf[length:]
        status = int(head.split(b" ", 2)[1])
        return status, head

    def recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed by gatehouse")
        return chunk


def wait_ready(port, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gatehouse exited during start-up")
        try:
            c = Client(port)
            c.request("/", {})
            c.sock.close()
            return
        except (OSError, RuntimeError, AttributeError):
            time.sleep(0.2)
    raise RuntimeError("gatehouse did not become ready")


def peer_cookies(args, scenario, tmp, upstream_port, redis_port, session_key):
    """session-redis-l1-2: starts the second process (natively, once) and logs the sessions in
    through it; their cookies, for the measured process."""
    if "cookies" not in PEER:
        port = free_port()
        conf = os.path.join(tmp, f"{scenario}-peer.conf")
        with open(conf, "w") as f:
            f.write(config(scenario, port, upstream_port, tmp, redis_port, session_key))
        PEER["proc"] = subprocess.Popen([args.binary, "run", "--config", conf], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_ready(port, PEER["proc"])
        PEER["cookies"] = login_cookies(port, TWO_PROCESS_SESSIONS)
    return PEER["cookies"]


def login_cookies(port, count):
    """Logs in users cg-0 … cg-(count-1) through the demo login route; their `gh=` cookies."""
    login = Client(port)
    cookies = []
    for i in range(count):
        status, head = login.request(f"/login-as/?u=cg-{i}", {})
        m = re.search(rb"(?im)^set-cookie:\s*(gh=[^;\r\n]*)", head)
        if status != 200 or not m:
            raise RuntimeError(f"login failed: HTTP {status}")
        cookies.append(m.group(1).decode())
    login.sock.close()
    return cookies


def run_once(args, scenario, count, tmp, upstream_port, redis_port, session_key, token, tokens):
    port = free_port()
    conf = os.path.join(tmp, f"{scenario}.conf")
    with open(conf, "w") as f:
        f.write(config(scenario, port, upstream_port, tmp, redis_port, session_key))
    out = os.path.join(args.out, f"callgrind.{scenario}.{count}.out")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    if args.annotate:
        cmd.append("--dump-instr=yes")
    if args.cache_sim:
        cmd.append("--cache-sim=yes")
    cmd += [args.binary, "run", "--config", conf]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(out + ".log", "w"))
    try:
        wait_ready(port, proc)
        cookies = []
        if scenario == "session-redis-l1-2":
            cookies = peer_cookies(args, scenario, tmp, upstream_port, redis_port, session_key)
        elif scenario.startswith("session"):
            cookies = login_cookies(port, SESSIONS)
        client = Client(port)

        def one(i):
            if scenario.startswith("session"):
                return client.request("/app/x", {"Cookie": cookies[i % len(cookies)]})
            if scenario.startswith("jwt-repeat"):
                return client.request("/api/x", {"Authorization": f"Bearer {token}"})
            if scenario == "jwt-new":
                return client.request("/api/x", {"Authorization": f"Bearer {next(tokens)}"})
            return client.request("/x", {})

        # warm-up: every session cached, pools filled (twice over the two-process scenario's
        # sessions: an answer from Redis enters the L1 only once the subscriber is subscribed)
        for i in range(2 * len(cookies) if scenario == "session-redis-l1-2" else max(SESSIONS, 100)):
            status, _ = one(i)
            if status != 200:
                raise RuntimeError(f"{scenario}: warm-up request answered {status}")
        for i in range(count):
            status, _ = one(i)
            if status != 200:
                raise RuntimeError(f"{scenario}: request {i} answered {status}")
        client.sock.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return [int(x) for x in line.split()[1:]], out
    raise RuntimeError(f"no totals in {out}")


def main():
    global SESSIONS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--scenarios", default="passthrough,session-l1,jwt-repeat,session-redis,session-l1-assert,jwt-repeat-assert")
    p.add_argument("--requests", default="1000,3000")
    p.add_argument("--out", default=None)
    p.add_argument("--annotate", action="store_true")
    p.add_argument("--csv", default=None)
    p.add_argument("--sessions", type=int, default=SESSIONS)
    p.add_argument("--cache-sim", action="store_true")
    args = p.parse_args()
    SESSIONS = args.sessions
    n1, n2 = (int(x) for x in args.requests.split(","))
    args.out = args.out or tempfile.mkdtemp(prefix="gatehouse-callgrind-")
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="gatehouse-cg-")
    # valgrind 3.19 cannot read the DWARF 5 debug info Swift 6 emits: measure a copy without it
    # (the symbol table stays, so function names still show).
    stripped = os.path.join(tmp, "gatehouse")
    shutil.copy(args.binary, stripped)
    subprocess.run(["strip", "-g", stripped], check=True)
    args.binary = stripped
    upstream = start_upstream()
    session_key = secrets.token_hex(32)
    token = None
    token_list = []
    redis = None
    redis_port = free_port()
    scenarios = args.scenarios.split(",")
    try:
        if any(s.startswith("jwt-") for s in scenarios):
            # jwt-new: every request of both runs (warm-up included) gets a token never sent before.
            count = 2 * (n2 + max(SESSIONS, 100)) if "jwt-new" in scenarios else 1
            subprocess.run([sys.executable, os.path.join(HERE, "jwt_tokens.py"), f"{tmp}/jwt", str(count)],
                           check=True, stdout=subprocess.DEVNULL)
            token = open(f"{tmp}/jwt/token.txt").read().strip()
            token_list = open(f"{tmp}/jwt/tokens.txt").read().split()
        global TARGET_PORT
        ports = []
        if any(s.startswith("session-redis") for s in scenarios):
            ports.append(redis_port)
        if "session-redis-dual" in scenarios:
            TARGET_PORT = free_port()
            ports.append(TARGET_PORT)
        redis = []
        for port in ports:
            redis.append(subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                           "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL))
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
        misses = f" {'D1 misses':>10} {'LL misses':>10}" if args.cache_sim else ""
        print(f"{'scenario':<14} {'instr/request':>14}{misses}   (N={n1} and N={n2}; raw output in {args.out})")
        for scenario in scenarios:
            i1, _ = run_once(args, scenario, n1, tmp, upstream.server_port, redis_port, session_key, token,
                             iter(token_list))
            i2, out = run_once(args, scenario, n2, tmp, upstream.server_port, redis_port, session_key, token,
                               iter(token_list[n1 + max(SESSIONS, 100):]))
            per = (i2[0] - i1[0]) / (n2 - n1)
            extra = ""
            if args.cache_sim:
                # Events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw.
                d1 = (i2[4] + i2[5] - i1[4] - i1[5]) / (n2 - n1)
                ll = (i2[7] + i2[8] - i1[7] - i1[8]) / (n2 - n1)
                extra = f" {d1:>10,.1f} {ll:>10,.1f}"
            print(f"{scenario:<14} {per:>14,.0f}{extra}", flush=True)
            if args.csv:
                new = not os.path.exists(args.csv)
                with open(args.csv, "a") as f:
                    if new:
                        f.write("scenario,instructions_per_request\n")
                    f.write(f"{scenario},{per:.0f}\n")
            if args.annotate and shutil.which("callgrind_annotate"):
                with open(out + ".annotate.txt", "w") as f:
                    subprocess.run(["callgrind_annotate", "--inclusive=yes", out], stdout=f, check=False)
    finally:
        upstream.shutdown()
        if "proc" in PEER:
            PEER["proc"].terminate()
            PEER["proc"].wait()
        for server in redis or []:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
