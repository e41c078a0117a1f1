#!/usr/bin/env python3
"""Holds many idle client connections to a proxy, for its RSS per connection.

    idle_connections.py HOST:PORT COUNT

Opens COUNT connections and prints `open`; on a line on stdin sends one keep-alive
`GET /` on each, reads every answer and prints `served`; on the next line (or end of input)
closes them all and exits. The caller reads the proxy's RSS at each step. Raises the
open-files limit to what COUNT needs (the caller's hard limit permitting).
"""

import resource
import socket
import sys


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    count = int(sys.argv[2])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    conns = []
    for _ in range(count):
        s = socket.create_connection((host, int(port)), timeout=60)
        conns.append(s)
    print("open", flush=True)
    sys.stdin.readline()
    request = f"GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: gatehouse-bench\r\n\r\n".encode()
    # In batches: thousands of requests at once would need as many upstream connections.
    for start in range(0, len(conns), 50):
        batch = conns[start : start + 50]
        for s in batch:
            s.sendall(request)
        for s in batch:
            read_answer(s)
    print("served", flush=True)
    sys.stdin.readline()
    for s in conns:
        s.close()
    return 0


def read_answer(s):
    """Reads one HTTP/1.1 answer with a Content-Length body; anything but 200 ends the run."""
    data = b""
    while True:
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(body) >= length:
                break
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("idle_connections.py: a connection closed before its answer")
        data += chunk
    if not data.startswith(b"HTTP/1.1 200"):
        raise SystemExit("idle_connections.py: answer " + data.split(b"\r\n", 1)[0].decode())


if __name__ == "__main__":
    sys.exit(main())
