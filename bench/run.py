"""Run every benchmark and print one table: `python -m bench [--quick]` or `python bench/run.py`.

Figures come with a baseline measured in the same run: on a shared, noisy
machine the ratio is the number to quote, not the absolute time.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import app_bench, bulk_bench, counter, live_triage_bench, store_bench, triage_bench

Row = dict[str, object]
SUITES = ("store", "app", "counter", "triage", "live", "bulk")


def verdict(met: object) -> str:
    return {True: "yes", False: "NO", None: "—"}.get(met, str(met))  # type: ignore[arg-type]


def table(rows: list[Row]) -> str:
    header = ["figure", "value", "baseline (same run)", "target", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(row["figure"]), str(row["value"]), str(row["baseline"]), str(row["target"]), verdict(row["met"])]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    try:
        with open("/proc/meminfo") as handle:
            memory = f"{int(handle.readline().split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = "memory unknown"
    return f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.system()} {platform.machine()}, {os.cpu_count()} cores, {memory}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a reduced set, under a minute (sessions up to 10k)")
    parser.add_argument("--only", nargs="+", choices=SUITES, help="these suites only (default: all)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="qtime-bench-") as folder:
        work = store_bench.Workspace(Path(folder))
        suites: list[tuple[str, Callable[[], list[Row]]]] = [
            ("store", lambda: store_bench.run(work, args.quick)),
            ("app", lambda: app_bench.run(work, args.quick)),
            ("counter", lambda: counter.run(args.quick)),
            ("triage", lambda: triage_bench.run(args.quick)),
            ("live", lambda: live_triage_bench.run(args.quick)),
            ("bulk", lambda: bulk_bench.run(args.quick)),
        ]
        for name, suite in suites:
            if args.only and name not in args.only:
                continue
            started = time.perf_counter()
            print(f"running {name} benchmarks...", file=sys.stderr, flush=True)
            rows += suite()
            print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    report("qtime benchmarks", rows, args.quick)
    return 0


def report(title: str, rows: list[Row], quick: bool) -> None:
    """The table, under a line that says when and where it was measured, and the verdict."""
    print(f"{title}{' (--quick)' if quick else ''}: {machine()}\n")
    print(table(rows))
    missed = [row for row in rows if row["met"] is False]
    print(f"\n{len(missed)} target(s) missed" if missed else "\nevery target met")


if __name__ == "__main__":
    sys.exit(main())
