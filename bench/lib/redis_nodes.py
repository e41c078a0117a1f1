#!/usr/bin/env python3
"""Per-node Redis numbers for the session-redis* benchmark scenarios.

    redis_nodes.py snapshot FILE HOST:PORT...
    redis_nodes.py rates BEFORE AFTER
    redis_nodes.py memory PREFIX BASELINE HOST:PORT...
    redis_nodes.py capture FILE HOST:PORT
    redis_nodes.py roundtrips METRICS_BEFORE METRICS_AFTER

snapshot: writes one line per node to FILE: `time address role calls used_memory cpu scripts`,
where `calls` is the sum of `calls=` over `INFO commandstats` (every command the node executed,
the ones inside scripts included), `scripts` the calls of EVALSHA, EVALSHA_RO, EVAL and EVAL_RO
(one per Gatehouse store operation), `role` is `master` or `replica` (from `INFO replication`)
and `cpu` the node's CPU seconds (`used_cpu_user + used_cpu_sys` from `INFO cpu`).

rates: reads two snapshot files and prints one line per node: scripts/s (store operations),
commands/s, the share of one core the node used and its CPU µs per script (everything the node
did, networking included, over the scripts it ran), then the totals and the busiest node's share
of the scripts. The per-node rate shows whether the load spreads.

memory: samples up to 500 session keys (`PREFIX s:*`) and user index keys (`PREFIX u:*`) on the
masters among the nodes (SCAN + `MEMORY USAGE key SAMPLES 0`) and prints the mean bytes per key
of each kind, and the growth of `used_memory` on the masters since the BASELINE snapshot (taken
on the empty database) over the number of sessions. With one session per user (the benchmark's
logins), bytes per session = s + u by `MEMORY USAGE`; the growth also counts the keyspace's
hash tables and the expiry entries.

capture: watches `MONITOR` (at most 60 s) for the first session lookup Gatehouse sends and
writes its commands to FILE, one command per line, words separated by tabs, for
`redis-benchmark` to replay: either the lookup script (`EVALSHA <sha> 2 <index key> <session
key> <member>`: Cluster, replica reads) or, on one connection, the script-free lookup's three
pipelined commands (`ZSCORE <index key> <member>`, `HMGET <session key> t v c a e i u h n f`,
`TIME`; docs/redis.md §7).

roundtrips: reads two copies of Gatehouse's `/metrics` (before and after the measured run) and
prints the session-store round trips per request: the growth of the store operations'
`gatehouse_redis_command_duration_seconds_count` (one per operation; a lookup's three pipelined
commands are one) over the growth of `gatehouse_requests_total`.

A minimal RESP client over the standard library; exits 1 on a connection or protocol error.
"""

import socket
import sys
import time


class Redis:
    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.buf = b""

    def call(self, *words):
        out = [b"*%d\r\n" % len(words)]
        for w in words:
            w = w.encode() if isinstance(w, str) else w
            out.append(b"$%d\r\n%s\r\n" % (len(w), w))
        self.sock.sendall(b"".join(out))
        return self.read()

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise OSError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OSError("connection closed")
                self.buf += chunk
            data, self.buf = self.buf[:n], self.buf[n + 2 :]
            return data
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise OSError("bad reply %r" % line)


def info(r, section):
    text = r.call("INFO", section).decode()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def snapshot(path, addresses):
    with open(path, "w") as f:
        for address in addresses:
            r = Redis(address)
            calls = 0
            scripts = 0
            for line in info(r, "commandstats"):
                name = line.split(":", 1)[0]
                for field in line.split(":", 1)[1].split(","):
                    if field.startswith("calls="):
                        calls += int(field[6:])
                        if name in ("cmdstat_evalsha", "cmdstat_evalsha_ro", "cmdstat_eval", "cmdstat_eval_ro"):
                            scripts += int(field[6:])
            role = "master"
            for line in info(r, "replication"):
                if line.startswith("role:"):
                    role = "replica" if line[5:] == "slave" else "master"
            used = 0
            for line in info(r, "memory"):
                if line.startswith("used_memory:"):
                    used = int(line.split(":")[1])
            cpu = 0.0
            for line in info(r, "cpu"):
                if line.startswith("used_cpu_user:") or line.startswith("used_cpu_sys:"):
                    cpu += float(line.split(":")[1])
            f.write("%.6f %s %s %d %d %.6f %d\n" % (time.time(), address, role, calls, used, cpu, scripts))


def rates(before_path, after_path):
    def load(path):
        rows = {}
        for line in open(path):
            t, address, role, calls, _, cpu, scripts = line.split()
            rows[address] = (float(t), role, int(calls), float(cpu), int(scripts))
        return rows

    before, after = load(before_path), load(after_path)
    total_scripts = total_commands = 0.0
    per = []
    for address in sorted(after):
        if address not in before:
            continue
        t0, _, c0, cpu0, s0 = before[address]
        t1, role, c1, cpu1, s1 = after[address]
        elapsed = max(t1 - t0, 1e-9)
        scripts, commands = (s1 - s0) / elapsed, (c1 - c0) / elapsed
        # Per script; with script-free lookups (docs/redis.md §7), per command.
        us = (cpu1 - cpu0) * 1e6 / (s1 - s0) if s1 > s0 else (cpu1 - cpu0) * 1e6 / max(c1 - c0, 1)
        per.append((address, role, scripts, commands, (cpu1 - cpu0) / elapsed, us))
        total_scripts += scripts
        total_commands += commands
    for address, role, scripts, commands, busy, us in per:
        print(
            "    %-21s %-7s %8.0f scripts/s %8.0f commands/s %4.0f%% of a core %7.1f us CPU/%s"
            % (address, role, scripts, commands, 100 * busy, us, "script" if scripts > 0 else "command")
        )
    if per and total_scripts > 0:
        print(
            "    total %.0f scripts/s, %.0f commands/s; busiest node %.0f%% of the scripts"
            % (total_scripts, total_commands, 100 * max(p[2] for p in per) / total_scripts)
        )


def memory(prefix, baseline_path, addresses):
    baseline = {}
    for line in open(baseline_path):
        _, address, _, _, used, _, _ = line.split()
        baseline[address] = int(used)
    sizes = {"s": [], "u": []}
    sessions = 0
    used = 0
    for address in addresses:
        r = Redis(address)
        if any(line == "role:slave" for line in info(r, "replication")):
            continue
        for line in info(r, "memory"):
            if line.startswith("used_memory:"):
                used += int(line.split(":")[1]) - baseline.get(address, 0)
        for kind in ("s", "u"):
            cursor = b"0"
            while len(sizes[kind]) < 500:
                cursor, keys = r.call("SCAN", cursor, "MATCH", prefix + kind + ":*", "COUNT", "1000")
                for key in keys:
                    if len(sizes[kind]) < 500:
                        sizes[kind].append(r.call("MEMORY", "USAGE", key, "SAMPLES", "0"))
                if cursor == b"0":
                    break
        cursor = b"0"
        while True:
            cursor, keys = r.call("SCAN", cursor, "MATCH", prefix + "s:*", "COUNT", "10000")
            sessions += len(keys)
            if cursor == b"0":
                break
    mean = {k: (sum(v) / len(v) if v else 0) for k, v in sizes.items()}
    print(
        "    MEMORY USAGE: session key %.0f B, user index %.0f B (means over %d + %d keys); "
        "%d sessions on the masters; used_memory growth / session %.0f B"
        % (mean["s"], mean["u"], len(sizes["s"]), len(sizes["u"]), sessions, used / max(sessions, 1))
    )


def capture(path, address):
    r = Redis(address)
    r.sock.settimeout(60)
    r.call("MONITOR")
    lookup = []
    while True:
        line = r.line().decode("utf-8", "replace")
        words = line.split('"')[1::2]  # monitor quotes every argument; keys are plain ASCII
        name = words[0].lower() if words else ""
        if len(words) == 6 and name == "evalsha" and words[2] == "2":
            lookup = [words]
        elif len(words) == 3 and name == "zscore":
            lookup = [words]
            continue
        elif lookup and lookup[-1][0].lower() == "zscore" and len(words) == 12 and name == "hmget":
            lookup.append(words)
            continue
        elif len(lookup) == 2 and name == "time":
            lookup.append(words)
        else:
            lookup = []
            continue
        with open(path, "w") as f:
            f.write("".join("\t".join(command) + "\n" for command in lookup))
        return


def roundtrips(before_path, after_path):
    def sums(path):
        operations = requests = 0.0
        for line in open(path):
            if line.startswith("gatehouse_redis_command_duration_seconds_count"):
                operations += float(line.split()[-1])
            elif line.startswith("gatehouse_requests_total"):
                requests += float(line.split()[-1])
        return operations, requests

    (o0, r0), (o1, r1) = sums(before_path), sums(after_path)
    if r1 > r0:
        print("    session-store round trips per request: %.3f (%.0f operations, %.0f requests)"
              % ((o1 - o0) / (r1 - r0), o1 - o0, r1 - r0))


def main(argv):
    try:
        if len(argv) >= 3 and argv[0] == "snapshot":
            snapshot(argv[1], argv[2:])
        elif len(argv) == 3 and argv[0] == "rates":
            rates(argv[1], argv[2])
        elif len(argv) >= 4 and argv[0] == "memory":
            memory(argv[1], argv[2], argv[3:])
        elif len(argv) == 3 and argv[0] == "capture":
            capture(argv[1], argv[2])
        elif len(argv) == 3 and argv[0] == "roundtrips":
            roundtrips(argv[1], argv[2])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except OSError as e:
        print("redis_nodes.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
