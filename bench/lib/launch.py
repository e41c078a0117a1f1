#!/usr/bin/env python3
"""Start a server process and measure its start-to-ready time.

    launch.py --log FILE --url http://127.0.0.1:PORT/ [--readyz URL] [--timeout S] -- CMD ARGS...

Starts CMD (stdout and stderr appended to FILE), then polls `--url` with a plain HTTP/1.1 GET
every 0.5 ms until it answers 200. With `--readyz`, it then polls that URL until it answers 200;
if it does not answer 200 within `--readyz-timeout` seconds (nothing listens, 404: the admin
endpoint does not exist yet; anything else is warned about) its time is reported as NA.

On success it prints one line and exits 0, leaving the server running (re-parented to init; the
caller stops it by the printed pid):

    pid=1234 ready_ms=12.3 readyz_ms=14.0

On failure (the process exits, or is not ready within `--timeout`) it stops the process it
started, prints the reason to stderr and exits 1. Times are measured from just before exec with a
monotonic clock; the poller's own start-up is not included because this script starts the server.
"""

import argparse
import socket
import subprocess
import sys
import time
import urllib.parse


def http_status(url, timeout=1.0):
    """The status code of GET url, or None if nothing accepts the connection."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    path = parts.path or "/"
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            data = b""
            while b"\r\n" not in data and len(data) < 4096:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    line = data.split(b"\r\n", 1)[0].split()
    if len(line) >= 2 and line[0].startswith(b"HTTP/") and line[1].isdigit():
        return int(line[1])
    return 0  # something answered, but not HTTP


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--readyz")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--readyz-timeout", type=float, default=2.0)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command")

    log = open(args.log, "ab")
    start = time.monotonic_ns()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True)
    except OSError as error:
        print(f"cannot start {cmd[0]}: {error}", file=sys.stderr)
        return 1

    def fail(reason):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        print(reason, file=sys.stderr)
        return 1

    def wait_for(url, deadline, refused_means_absent):
        """ms until url answers 200; None if absent; raises RuntimeError on failure."""
        last = None
        while True:
            code = proc.poll()
            if code is not None:
                raise RuntimeError(f"{cmd[0]} exited with status {code} before it was ready")
            status = http_status(url)
            if status == 200:
                return (time.monotonic_ns() - start) / 1e6
            last = status
            if time.monotonic_ns() > deadline:
                if refused_means_absent:
                    if status not in (None, 404):
                        print(f"warning: {url} still answers {status}; readyz_ms=NA", file=sys.stderr)
                    return None
                what = "no connection" if last is None else f"last status {last}"
                raise RuntimeError(f"{url} not ready after {args.timeout:g} s ({what})")
            time.sleep(0.0005)

    try:
        ready = wait_for(args.url, start + int(args.timeout * 1e9), False)
        readyz = None
        if args.readyz:
            deadline = time.monotonic_ns() + int(args.readyz_timeout * 1e9)
            readyz = wait_for(args.readyz, deadline, True)
    except RuntimeError as error:
        return fail(str(error))
    readyz_text = "NA" if readyz is None else f"{readyz:.1f}"
    print(f"pid={proc.pid} ready_ms={ready:.1f} readyz_ms={readyz_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
