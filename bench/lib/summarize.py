#!/usr/bin/env python3
"""Summarise a benchmark run: medians per scenario and target, ratios, targets, files.

    summarize.py RESULTS_DIR

Reads RESULTS_DIR/raw.csv (one row per target and round, written by bench/run.sh) and
RESULTS_DIR/machine.txt; prints the table and ratios, then the performance goals (one row per
path: the median ratio to its peer over the rounds, the spread min–max of the per-round ratios,
the goal); writes summary.csv, summary.md and chart.png (bench/lib/chart.py, matplotlib).
"""

import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TARGET_ORDER = ["upstream", "gatehouse", "haproxy", "nginx"]
METRICS = [
    # key, header, format
    ("rps", "req/s", "{:,.0f}"),
    ("p50_ms", "p50 ms", "{:.2f}"),
    ("p99_ms", "p99 ms", "{:.2f}"),
    ("cpu_us_per_req", "CPU µs/req", "{:.1f}"),
    ("usr_us_per_req", "usr µs/req", "{:.1f}"),
    ("sys_us_per_req", "sys µs/req", "{:.1f}"),
    ("rss_idle_kib", "RSS idle MiB", "{:.1f}"),
    ("rss_load_kib", "RSS load MiB", "{:.1f}"),
    ("rss_primed_kib", "RSS primed MiB", "{:.1f}"),
    ("ready_ms", "ready ms", "{:.1f}"),
    ("readyz_ms", "readyz ms", "{:.1f}"),
]
KIB_METRICS = {"rss_idle_kib", "rss_load_kib", "rss_primed_kib"}
# Scenarios only Gatehouse runs (HAProxy and nginx have no equivalent), compared instead with
# Gatehouse's pass-through of the same run; the design's req/s target as a fraction of it.
SESSION_TARGETS = {"session-l1": 0.9, "session-redis": 0.5, "session-redis-2": None, "session-redis-l1-2": 0.85}
SESSION_RSS_TARGET = (100000, 48)  # sessions cached, MiB: RSS must stay at or below


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(key, value):
    if value is None:
        return "–"
    if key in KIB_METRICS:
        value = value / 1024
    return dict((k, f) for k, _, f in METRICS)[key].format(value)


def load(results):
    with open(os.path.join(results, "raw.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    machine = {}
    path = os.path.join(results, "machine.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                machine[key] = value
    return rows, machine


def summarise(rows):
    """{scenario: {target: {metric: median, 'rounds': n, 'errors': total}}} in run order."""
    out = {}
    for row in rows:
        out.setdefault(row["scenario"], {}).setdefault(row["target"], []).append(row)
    summary = {}
    for scenario, targets in out.items():
        summary[scenario] = {}
        for target in sorted(targets, key=lambda t: TARGET_ORDER.index(t) if t in TARGET_ORDER else 99):
            samples = targets[target]
            entry = {key: median(number(r[key]) for r in samples) for key, _, _ in METRICS}
            entry["rounds"] = len(samples)
            entry["processes"] = max(int(number(r.get("processes")) or 1) for r in samples)
            entry["errors"] = sum(int(number(r["errors"]) or 0) for r in samples)
            entry["rps_min"] = min((number(r["rps"]) for r in samples if number(r["rps"])), default=None)
            entry["rps_max"] = max((number(r["rps"]) for r in samples if number(r["rps"])), default=None)
            summary[scenario][target] = entry
    return summary


def ratio(a, b):
    return a / b if a is not None and b else None


def ratios(targets):
    """Gatehouse/HAProxy and Gatehouse/nginx: (label, req/s ratio, CPU ratio, p99 ratio)."""
    gh = targets.get("gatehouse")
    result = []
    for other in ("haproxy", "nginx"):
        if gh and other in targets:
            o = targets[other]
            result.append(
                (
                    f"gatehouse/{other}",
                    ratio(gh["rps"], o["rps"]),
                    ratio(gh["cpu_us_per_req"], o["cpu_us_per_req"]),
                    ratio(gh["p99_ms"], o["p99_ms"]),
                )
            )
    return result


def cmp(a, b, ok):
    return None if a is None or b is None else ok(a, b)


def passthrough_ratios(scenario, summary):
    """For a session scenario: (label, req/s, CPU/req, p99 ratios) to Gatehouse's pass-through."""
    gh = summary[scenario].get("gatehouse")
    base = summary.get("passthrough", {}).get("gatehouse")
    if scenario not in SESSION_TARGETS or not gh:
        return []
    label = f"{scenario}/passthrough" + (f" ({gh['processes']} processes vs 1)" if gh["processes"] > 1 else "")
    if not base:
        return [(label + ": no Gatehouse passthrough in this run", None, None, None)]
    return [
        (
            label,
            ratio(gh["rps"], base["rps"]),
            ratio(gh["cpu_us_per_req"], base["cpu_us_per_req"]),
            ratio(gh["p99_ms"], base["p99_ms"]),
        )
    ]


def session_checks(scenario, summary, machine):
    gh = summary[scenario].get("gatehouse")
    base = summary.get("passthrough", {}).get("gatehouse")
    out = []
    fraction = SESSION_TARGETS.get(scenario)
    if fraction is not None:
        out.append(
            (
                f"req/s ≥ {fraction} × Gatehouse passthrough's (median ÷ median; the goals table, "
                "per-round ratios, is the verdict)",
                cmp(gh["rps"], base["rps"] if base else None, lambda a, b: a >= fraction * b),
            )
        )
    sessions = int(number(dict(kv.split("=", 1) for kv in machine.get("settings", "").split() if "=" in kv).get("sessions")) or 0)
    count, mib = SESSION_RSS_TARGET
    if scenario == "session-l1" and sessions >= count:
        out.append(
            (
                f"RSS ≤ {mib} MiB with {sessions:,} sessions cached",
                cmp(gh["rss_primed_kib"], mib * 1024, lambda a, b: a <= b),
            )
        )
    return out


def checks(scenario, targets, summary=None, machine=None):
    """The design's performance targets that this scenario can judge: (text, passed or None)."""
    gh, ha = targets.get("gatehouse"), targets.get("haproxy")
    if scenario in SESSION_TARGETS and gh:
        return session_checks(scenario, summary, machine or {})
    if scenario != "passthrough" or not gh:
        return []

    out = []
    if ha:
        out.append(("req/s ≥ HAProxy's", cmp(gh["rps"], ha["rps"], lambda a, b: a >= b)))
        out.append(("p99 ≤ HAProxy's", cmp(gh["p99_ms"], ha["p99_ms"], lambda a, b: a <= b)))
        out.append(
            (
                "CPU/req ≤ 0.8 × HAProxy's",
                cmp(gh["cpu_us_per_req"], ha["cpu_us_per_req"], lambda a, b: a <= 0.8 * b),
            )
        )
    out.append(("RSS idle < 32 MiB", cmp(gh["rss_idle_kib"], 32 * 1024, lambda a, b: a < b)))
    ready = gh["readyz_ms"] if gh["readyz_ms"] is not None else gh["ready_ms"]
    out.append(("start to ready < 100 ms", cmp(ready, 100, lambda a, b: a < b)))
    return out


def render_table(headers, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    lines += [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
        for r in rows
    ]
    return "\n".join(lines)


TABLE = [
    ("req/s", lambda e: fmt("rps", e["rps"])),
    ("p50 ms", lambda e: fmt("p50_ms", e["p50_ms"])),
    ("p99 ms", lambda e: fmt("p99_ms", e["p99_ms"])),
    ("CPU µs/req", lambda e: fmt("cpu_us_per_req", e["cpu_us_per_req"])),
    ("usr/sys µs", lambda e: f'{fmt("usr_us_per_req", e["usr_us_per_req"])}/{fmt("sys_us_per_req", e["sys_us_per_req"])}'),
    ("RSS MiB idle→[sessions→]load", lambda e: f'{fmt("rss_idle_kib", e["rss_idle_kib"])}→'
        + (f'{fmt("rss_primed_kib", e["rss_primed_kib"])}→' if e["rss_primed_kib"] is not None else "")
        + fmt("rss_load_kib", e["rss_load_kib"])),
    ("ready ms", lambda e: fmt("ready_ms", e["ready_ms"]) + (f'/{fmt("readyz_ms", e["readyz_ms"])}' if e["readyz_ms"] is not None else "")),
    ("errors", lambda e: str(e["errors"])),
    ("req/s range", lambda e: f'{fmt("rps", e["rps_min"])}–{fmt("rps", e["rps_max"])}'),
]


def report(summary, machine, markdown):
    parts = []
    header = (
        f"nproc={machine.get('nproc', '?')}, {machine.get('settings', '')}; "
        f"haproxy {machine.get('haproxy', '?')}, nginx {machine.get('nginx', '?')}, "
        f"wrk {machine.get('wrk', '?')}; gatehouse {machine.get('gatehouse_commit', '?')}"
    )
    parts.append(("Machine: `" + header + "`") if markdown else header)
    for scenario, targets in summary.items():
        rows = [
            [t + (f" ×{e['processes']}" if e["processes"] > 1 else "")] + [f(e) for _, f in TABLE]
            for t, e in targets.items()
        ]
        rounds = max(e["rounds"] for e in targets.values())
        title = f"{scenario} (median of {rounds} rounds)"
        parts.append(("### " + title) if markdown else "\n" + title)
        parts.append(render_table(["target"] + [h for h, _ in TABLE], rows, markdown))
        rs = ratios(targets)
        if scenario in SESSION_TARGETS:
            rs = passthrough_ratios(scenario, summary) + [
                (f"gatehouse/{other}: N/A (no equivalent)", None, None, None) for other in ("haproxy", "nginx")
            ]
        if rs:
            rrows = [
                [label, f"{r:.2f}×" if r else "–", f"{c:.2f}×" if c else "–", f"{p:.2f}×" if p else "–"]
                for label, r, c, p in rs
            ]
            parts.append("" if markdown else "")
            parts.append(render_table(["ratio", "req/s", "CPU/req", "p99"], rrows, markdown))
        elif "gatehouse" not in targets:
            parts.append("(no Gatehouse results in this run: no ratios)")
        cs = checks(scenario, targets, summary, machine)
        if cs:
            marks = {True: "met", False: "NOT met", None: "n/a"}
            lines = [f"- {text}: {marks[ok]}" for text, ok in cs]
            parts.append(("Design targets:\n" if markdown else "design targets:\n") + "\n".join(lines))
    return "\n\n".join(parts) if markdown else "\n".join(parts)


def write_csv(path, summary):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        keys = [k for k, _, _ in METRICS]
        w.writerow(["scenario", "target", "rounds", "errors"] + keys)
        for scenario, targets in summary.items():
            for target, e in targets.items():
                w.writerow(
                    [scenario, target, e["rounds"], e["errors"]]
                    + ["" if e[k] is None else f"{e[k]:.3f}" for k in keys]
                )


def round_ratios(rows):
    """(scenario, metric, peer) -> [Gatehouse's value / the peer's, per round of this run]; the
    peer is "haproxy" (same scenario, same round) or "passthrough" (Gatehouse's own pass-through
    in the same round)."""
    by = {}
    for row in rows:
        by[(row["scenario"], row["target"], row["round"])] = row

    def ratios_for(scenario, metric, peer):
        out = []
        for (sc, target, rnd), row in by.items():
            if sc != scenario or target != "gatehouse":
                continue
            other = by.get((scenario, "haproxy", rnd)) if peer == "haproxy" else by.get(("passthrough", "gatehouse", rnd))
            a, b = number(row[metric]), number(other[metric]) if other else None
            if a is not None and b:
                out.append(a / b)
        return out

    return ratios_for


def goals(rows, summary, machine):
    """The performance table: (path, median ratio, spread, goal, met) per path this run measured."""
    import chart as chartlib

    ratios_for = round_ratios(rows)
    out = []
    for scenario, title, metric, peer, goal, higher in chartlib.PANELS:
        values = sorted(ratios_for(scenario, metric, peer))
        if not values:
            continue
        mid = statistics.median(values)
        met = mid >= goal if higher else mid <= goal
        out.append(
            (
                title.replace("\n", ", "),
                f"{mid:.2f}×",
                f"{values[0]:.2f}–{values[-1]:.2f}× ({len(values)} rounds)",
                f"{'≥' if higher else '≤'} {goal:g}×",
                "met" if met else "NOT met",
            )
        )
    return out


def rss_table(results):
    out = []
    for label, value, unit, goal in rss_rows(results):
        verdict = "" if goal is None else ("met" if value <= goal else "NOT met")
        out.append([label, f"{value:.1f} {unit}", f"≤ {goal:g} {unit}" if goal is not None else "", verdict])
    return out


# Instructions per request (callgrind scenario): the session L1 hit's goal; the others are shown
# beside pass-through, the floor every path adds to.
CALLGRIND_GOALS = {"session-l1": 30000}
CALLGRIND_LABELS = {
    "passthrough": "pass-through",
    "session-l1": "session, L1 hit",
    "jwt-repeat": "RS256 repeated token",
    "session-redis": "session from Redis (L1 off)",
}


def callgrind_table(results):
    """Rows [path, instructions, vs pass-through, goal, verdict] from callgrind.csv, if it ran."""
    path = os.path.join(results, "callgrind.csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        measured = {row["scenario"]: number(row["instructions_per_request"]) for row in csv.DictReader(f)}
    base = measured.get("passthrough")
    out = []
    for scenario, value in measured.items():
        if value is None:
            continue
        goal = CALLGRIND_GOALS.get(scenario)
        out.append([
            CALLGRIND_LABELS.get(scenario, scenario),
            f"{value:,.0f}",
            f"+{value - base:,.0f}" if base is not None and scenario != "passthrough" else "",
            f"≤ {goal:,}" if goal else "",
            ("met" if value <= goal else "NOT met") if goal else "",
        ])
    return out


RSS_GOALS = {("memory store", 0): 24, ("memory store", 100000): 48, ("L1 over Redis", 100000): 48}
CONNECTION_GOAL_KIB = 4


def rss_rows(results):
    """[(label, value, unit, goal or None)] from rss.csv (the rss scenario), if it ran: RSS in MiB
    per row, and KiB per idle connection (before and after one request) over the idle process."""
    path = os.path.join(results, "rss.csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    base = None
    for row in rows:
        sessions, connections, kib = int(row["sessions"]), int(row["connections"]), number(row["rss_kib"])
        if kib is None:
            continue
        if row["row"] == "pass-through":
            base = kib
        if connections:
            out.append((f"{row['row']}, {connections:,} connections", kib / 1024, "MiB", None))
            if base is not None:
                out.append((f"  per connection ({row['row']})", (kib - base) / connections, "KiB", CONNECTION_GOAL_KIB if "after" in row["row"] else None))
            continue
        label = f"{row['row']}, {sessions:,} sessions" if row["row"] != "pass-through" else "pass-through, idle"
        out.append((label, kib / 1024, "MiB", RSS_GOALS.get((row["row"], sessions))))
    return out


def chart(path, rows, results, machine):
    """The grid of bench/lib/chart.py; returns a description, or None when not drawn."""
    import chart as chartlib

    subtitle = f"nproc={machine.get('nproc', '?')} {machine.get('settings', '')} gatehouse {machine.get('gatehouse_commit', '?')}"
    try:
        rss = [(label.replace(" sessions", ""), v, g) for label, v, unit, g in rss_rows(results) if unit == "MiB"]
        drawn = chartlib.draw(path, round_ratios(rows), rss, subtitle)
    except ImportError:
        print("chart not drawn: matplotlib is not installed (scripts/install-deps.sh --bench)", file=sys.stderr)
        return None
    return "matplotlib" if drawn else None


def main():
    results = sys.argv[1]
    rows, machine = load(results)
    if not rows and not any(os.path.exists(os.path.join(results, f)) for f in ("rss.csv", "callgrind.csv")):
        print("no results recorded", file=sys.stderr)
        return 1
    summary = summarise(rows)
    print()
    print(report(summary, machine, markdown=False))
    goal_headers = ["path", "median", "spread (min–max)", "goal", ""]
    goal_rows = [list(g) for g in goals(rows, summary, machine)]
    if goal_rows:
        print("\nperformance goals (Gatehouse vs its peer, per-round ratios)")
        print(render_table(goal_headers, goal_rows, markdown=False))
    rss_headers = ["memory (rss scenario, VmRSS)", "value", "goal", ""]
    rss = rss_table(results)
    if rss:
        print("\n" + render_table(rss_headers, rss, markdown=False))
    cg_headers = ["instructions per request (callgrind)", "value", "over pass-through", "goal", ""]
    cg = callgrind_table(results)
    if cg:
        print("\n" + render_table(cg_headers, cg, markdown=False))
    with open(os.path.join(results, "summary.md"), "w") as f:
        f.write(f"# Benchmark {machine.get('date', '')}\n\n")
        if goal_rows:
            f.write("## Performance goals\n\n" + render_table(goal_headers, goal_rows, markdown=True) + "\n\n")
        if rss:
            f.write("## Memory\n\n" + render_table(rss_headers, rss, markdown=True) + "\n\n")
        if cg:
            f.write("## Instructions per request\n\n" + render_table(cg_headers, cg, markdown=True) + "\n\n")
        f.write(report(summary, machine, markdown=True) + "\n")
        f.write("\nSettings: `" + machine.get("settings", "") + "`, CPU: " + machine.get("cpu", "?") + "\n")
    write_csv(os.path.join(results, "summary.csv"), summary)
    how = chart(os.path.join(results, "chart.png"), rows, results, machine)
    print(f"\nwritten: {results}/summary.md, summary.csv, raw.csv" + (f", chart.png ({how})" if how else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
