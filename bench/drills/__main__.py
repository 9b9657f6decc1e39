"""`python -m bench.drills [--quick] [--only NAME ...]`: run the fault drills, print one table."""
from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench.run import machine, table

DRILLS = ("kill", "concurrency", "disk", "network", "hostile")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drills", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced counts, for CI (under two minutes in all)")
    parser.add_argument("--only", nargs="+", choices=DRILLS, default=list(DRILLS), help="run only these drills")
    args = parser.parse_args(argv)
    rows = []
    for name in args.only:
        started = time.perf_counter()
        print(f"running the {name} drill...", file=sys.stderr, flush=True)
        rows += importlib.import_module(f"bench.drills.{name}").run(args.quick)
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print(f"qtime drills{' (--quick)' if args.quick else ''}: {machine()}\n")
    print(table(rows))
    failed = [r for r in rows if r["met"] is False]
    print(f"\n{len(failed)} drill target(s) missed" if failed else "\nevery drill target met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
