"""A table of locust runs (their --csv *_stats.csv files): requests per second, failures,
p50 and p95 of all pages, and of the dashboard and recommendation pages, per run; then, for
runs named compare-<think>-w<weight>-<off|on>-<round>, the ratio of on to off by mix.

    python load/summarise.py var/load/compare-*_stats.csv
"""

import csv
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

NAMED = re.compile(
    r"compare-(?P<think>[^-]+-[^-]+)-w(?P<weight>\d+)-(?P<cache>off|on)-(?P<round>\d+)"
)


def rows(path):
    with open(path, newline="") as file:
        return {(row["Type"], row["Name"]): row for row in csv.DictReader(file)}


def p95(stats, name):
    return stats.get(("GET", name), {}).get("95%", "-")


def main(paths):
    print(
        "| run | requests/s | failures | p50 / p95 all pages (ms) | dashboard p95 | recommendation p95 |"
    )
    print("|---|---|---|---|---|---|")
    rates = defaultdict(lambda: defaultdict(list))
    for path in sorted(paths):
        stats = rows(path)
        total = stats[("", "Aggregated")]
        name = Path(path).name.removesuffix("_stats.csv")
        rate = float(total["Requests/s"])
        print(
            f"| {name} | {rate:.1f} | {total['Failure Count']} | {total['50%']} / {total['95%']} "
            f"| {p95(stats, 'dashboard')} | {p95(stats, 'recommendation')} |"
        )
        found = NAMED.search(name)
        if found:
            rates[(found["think"], found["weight"])][found["cache"]].append(rate)
    if rates:
        print()
        print(
            "| think time (s) | post weight | off: requests/s | on: requests/s | on / off (medians) |"
        )
        print("|---|---|---|---|---|")
        for (think, weight), by_cache in sorted(rates.items()):
            off, on = by_cache["off"], by_cache["on"]
            ratio = statistics.median(on) / statistics.median(off) if off and on else float("nan")
            print(
                f"| {think} | {weight} | {', '.join(f'{r:.1f}' for r in off)} "
                f"| {', '.join(f'{r:.1f}' for r in on)} | {ratio:.2f} |"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
