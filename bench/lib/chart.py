#!/usr/bin/env python3
"""The benchmark's chart: one small panel per path of the performance table, each showing
Gatehouse's ratio to its peer (HAProxy, or Gatehouse's own pass-through for the session paths)
as a bar at the median of the rounds with a whisker from the lowest to the highest round, and
the goal drawn as a dashed line. Needs matplotlib (installed into .venv-bench/ by
`scripts/install-deps.sh --bench`).
"""

import math

# (scenario, title, metric, peer, goal, higher_is_better); peer "haproxy" or "passthrough".
PANELS = [
    ("passthrough", "pass-through\nreq/s vs HAProxy", "rps", "haproxy", 1.2, True),
    ("passthrough", "pass-through\nCPU/request vs HAProxy", "cpu_us_per_req", "haproxy", 0.75, False),
    ("session-l1", "session, L1 hit\nreq/s vs own pass-through", "rps", "passthrough", 0.9, True),
    ("jwt-repeat", "RS256 repeated token\nreq/s vs HAProxy", "rps", "haproxy", 3.0, True),
    ("jwt-new", "RS256 new token\nreq/s vs HAProxy", "rps", "haproxy", 1.1, True),
    ("session-redis", "session from Redis (L1 off)\nreq/s vs own pass-through", "rps", "passthrough", 0.5, True),
    (
        "session-redis-l1-2",
        "2 processes, shared Redis, L1 on\nreq/s vs one pass-through",
        "rps",
        "passthrough",
        0.85,
        True,
    ),
]


def panels_with_data(round_ratios):
    """The panels whose ratios this run measured: (panel, [ratio per round])."""
    out = []
    for panel in PANELS:
        values = round_ratios(panel[0], panel[2], panel[3])
        if values:
            out.append((panel, values))
    return out


def draw(path, round_ratios, rss_rows, subtitle):
    """Writes the grid to `path`; `round_ratios(scenario, metric, peer)` gives one ratio per round,
    `rss_rows` [(label, MiB, goal MiB or None)]. Answers False when there is nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = panels_with_data(round_ratios)
    count = len(panels) + (1 if rss_rows else 0)
    if count == 0:
        return False
    columns = min(4, count)
    rows = math.ceil(count / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.9 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, ((_, title, _, _, goal, higher), values) in zip(flat, panels):
        values = sorted(values)
        mid = values[len(values) // 2] if len(values) % 2 else sum(values[len(values) // 2 - 1 : len(values) // 2 + 1]) / 2
        met = mid >= goal if higher else mid <= goal
        ax.bar([0], [mid], width=0.5, color="#4c9a5b" if met else "#c8553d")
        ax.errorbar([0], [mid], yerr=[[mid - values[0]], [values[-1] - mid]], color="black", capsize=6)
        ax.axhline(goal, color="#333333", linestyle="--", linewidth=1)
        ax.text(0.42, goal, f"goal {'≥' if higher else '≤'} {goal:g}×", va="bottom", ha="right", fontsize=8)
        ax.text(0, mid / 2, f"{mid:.2f}×", ha="center", va="center", color="white", fontsize=11, weight="bold")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_xlim(-0.6, 0.6)
        ax.set_ylim(0, max(goal, values[-1]) * 1.25)
        ax.set_ylabel("ratio", fontsize=8)
    if rss_rows:
        ax = flat[len(panels)]
        labels = [label for label, _, _ in rss_rows]
        values = [mib for _, mib, _ in rss_rows]
        colors = [
            "#4c9a5b" if goal is None or mib <= goal else "#c8553d" for _, mib, goal in rss_rows
        ]
        ax.bar(range(len(values)), values, color=colors)
        for i, (_, mib, goal) in enumerate(rss_rows):
            ax.text(i, mib, f"{mib:.0f}", ha="center", va="bottom", fontsize=8)
            if goal is not None:
                ax.hlines(goal, i - 0.4, i + 0.4, colors="#333333", linestyles="--", linewidth=1)
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(labels, fontsize=7, rotation=30, ha="right")
        ax.set_title("RSS, MiB (goal dashed)", fontsize=9)
    for ax in flat[count:]:
        ax.axis("off")
    fig.suptitle(subtitle, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
