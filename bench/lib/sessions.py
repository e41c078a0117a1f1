#!/usr/bin/env python3
"""Session material for the session-* benchmark scenarios.

    sessions.py login HOST:PORT COUNT COOKIEFILE [--connections K] [--cookie NAME] [--first I]
    sessions.py check HOST:PORT COOKIEFILE [--connections K] [--path /app/x]

login: logs COUNT distinct users in through Gatehouse and writes their session cookies to
COOKIEFILE, one `NAME=value` line per user, in login order. Each login is
`GET /login-as/?u=bench-user-<i>` (i from --first, default 0): the benchmark's upstream answers it with
`Gatehouse-Login: bench-user-<i>`, and Gatehouse sets the session cookie on that response.

check: sends every cookie of COOKIEFILE once (`GET /app/x`); every answer must be 200. It proves
the cookies work on that Gatehouse process (with two processes on one Redis: that they are
shared) and leaves the L1 cache warm.

Both use K keep-alive connections (http.client, one thread each; default 8) and exit 1, naming
the first failure, if any request fails.
"""

import argparse
import http.client
import sys
import threading
import time

USER_AGENT = "gatehouse-bench"  # the same on every request (bind_user_agent is off anyway)
LOGIN_ATTEMPTS = 5


def connect(address):
    host, port = address.rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=10)


def login_range(address, cookie, offset, first, stop, out, errors):
    conn = connect(address)
    prefix = cookie + "="
    for i in range(first, stop):
        # A login answers 503 when its store write times out (the documented outage answer,
        # docs/operations.md): on a loaded machine that is the machine, so a 503 is retried a
        # few times; any other answer is an error at once.
        for attempt in range(LOGIN_ATTEMPTS):
            conn.request("GET", f"/login-as/?u=bench-user-{offset + i}", headers={"User-Agent": USER_AGENT})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 503 or attempt == LOGIN_ATTEMPTS - 1:
                break
            time.sleep(0.05)
        value = None
        for name, header in resp.getheaders():
            if name.lower() == "set-cookie" and header.startswith(prefix):
                value = header.split(";", 1)[0]
                break
        if resp.status != 200 or value is None:
            errors.append(f"login of bench-user-{i}: HTTP {resp.status}, no {cookie} cookie")
            return
        out[i] = value
    conn.close()


def check_range(address, path, cookies, first, stop, out, errors):
    conn = connect(address)
    for i in range(first, stop):
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Cookie": cookies[i]})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            errors.append(f"cookie {i + 1} (bench-user-{i}) on {path}: HTTP {resp.status}")
            return
        out[i] = True
    conn.close()


def guarded(work):
    def run(*args):
        errors = args[-1]
        try:
            work(*args)
        except (OSError, http.client.HTTPException) as e:
            errors.append(f"requests {args[-4]}..{args[-3] - 1}: {type(e).__name__}: {e}")

    return run


def in_parallel(work, count, connections, *args):
    """Runs work(*args, first, stop, out, errors) over `connections` slices of range(count)."""
    out = [None] * count
    errors = []
    k = max(1, min(connections, count))
    bounds = [count * j // k for j in range(k + 1)]
    threads = [
        threading.Thread(target=guarded(work), args=(*args, bounds[j], bounds[j + 1], out, errors))
        for j in range(k)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors or any(v is None for v in out):
        return None, errors[0] if errors else "a connection failed"
    return out, None


def main():
    ap = argparse.ArgumentParser(description="session material for the session-* benchmarks")
    sub = ap.add_subparsers(dest="command", required=True)
    login = sub.add_parser("login")
    login.add_argument("address")
    login.add_argument("count", type=int)
    login.add_argument("cookiefile")
    login.add_argument("--cookie", default="gh")
    login.add_argument("--first", type=int, default=0)
    check = sub.add_parser("check")
    check.add_argument("address")
    check.add_argument("cookiefile")
    check.add_argument("--path", default="/app/x")
    for p in (login, check):
        p.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()

    started = time.monotonic()
    if args.command == "login":
        out, error = in_parallel(
            login_range, args.count, args.connections, args.address, args.cookie, args.first
        )
        if out:
            with open(args.cookiefile, "w") as f:
                f.write("\n".join(out) + "\n")
        what = f"{args.count} logins through {args.address}"
    else:
        with open(args.cookiefile) as f:
            cookies = [line.strip() for line in f if line.strip()]
        out, error = in_parallel(check_range, len(cookies), args.connections, args.address, args.path, cookies)
        what = f"{len(cookies)} cookies checked on {args.address}"
    if error:
        print(f"sessions.py {args.command}: {error}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(f"  {what} in {elapsed:.1f} s ({len(out) / elapsed:,.0f}/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
