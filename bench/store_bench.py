"""Store benchmarks: durable ingest, commit latency, open time, memory, file size.

Every figure runs against real files in a temp folder and, where the figure
has one, a baseline measured in the same run (plain TinyDB for ingest, the
1k session for commit latency, an empty session for open time).
"""
from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB

from store.model import Question, now_iso, question_id
from store.session_store import SessionStore

Row = dict[str, object]
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sizes:
    ingest: tuple[int, ...]  # sessions built by a real `qtime ingest`
    latency: tuple[int, ...]  # sessions whose approve latency is measured
    approvals: int  # approvals timed per session
    baseline_seconds: float  # plain TinyDB is stopped after this long
    big: int  # the session for open time, memory and file size


FULL = Sizes(ingest=(1_000, 5_000, 10_000, 100_000), latency=(1_000, 10_000, 100_000), approvals=300, baseline_seconds=60.0, big=100_000)
QUICK = Sizes(ingest=(1_000, 5_000, 10_000), latency=(1_000, 10_000), approvals=100, baseline_seconds=10.0, big=10_000)


@dataclass
class Workspace:
    """Stores built once and shared by the store and app benchmarks."""

    folder: Path
    stores: dict[int, Path] = field(default_factory=dict)


def post(n: int) -> dict[str, object]:
    """One JSON Lines record of a realistic size (~340 bytes stored)."""
    return {
        "id": f"b{n}",
        "author": f"@asker{n % 4999}",
        "name": f"Asker {n % 4999}",
        "at": "2024-05-02T18:00:00Z",
        "text": f"Question {n}: when will the roadmap for #{n % 97} be public, and will pricing change for small teams?",
        "votes": n % 13,
    }


def write_jsonl(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        for n in range(count):
            handle.write(json.dumps(post(n)) + "\n")
    return path


def qtime(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT, check=True)


def ingest_seconds(store: Path, source: Path) -> float:
    started = time.perf_counter()
    result = qtime("ingest", "--store", str(store), "--source", f"file:{source}", "--once")
    elapsed = time.perf_counter() - started
    if not result.stdout.startswith(f"{sum(1 for _ in source.open())} new"):
        raise RuntimeError(f"ingest of {source} did not store every line: {result.stdout} {result.stderr}")
    return elapsed


def tinydb_rate(folder: Path, count: int, limit: float) -> tuple[int, float, float]:
    """Plain TinyDB (default JSONStorage), one insert per question, stopped after `limit` s.

    Returns how many it inserted, in how long, and the rate it had reached
    (over its last tenth of inserts): each insert rewrites the whole file, so
    the rate keeps falling as the table grows.
    """
    db = TinyDB(folder / "tinydb-baseline.json")
    table = db.table("questions")
    received = now_iso()
    stamps = [time.perf_counter()]
    while len(stamps) <= count and stamps[-1] - stamps[0] < limit:
        n = len(stamps) - 1
        record = post(n)
        question = Question(question_id("file", str(record["id"])), "file", str(record["id"]), str(record["author"]), str(record["text"]), received)
        table.insert(question.to_dict())
        stamps.append(time.perf_counter())
    db.close()
    inserted = len(stamps) - 1
    tail = max(1, inserted // 10)
    return inserted, stamps[-1] - stamps[0], tail / (stamps[-1] - stamps[-1 - tail])


def fmt_rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s ({count:,} in {seconds:.2f} s)"


def ingest_rows(work: Workspace, sizes: Sizes) -> list[Row]:
    baseline_count, baseline_time, baseline_rate = tinydb_rate(work.folder, 5_000, sizes.baseline_seconds)
    baseline = (
        f"TinyDB, one insert per question: {baseline_rate:,.0f}/s reached at {baseline_count:,}"
        f" ({baseline_count / baseline_time:,.0f}/s average, {baseline_time:.1f} s)"
    )
    rows = []
    for count in sizes.ingest:
        source = write_jsonl(work.folder / f"posts-{count}.jsonl", count)
        store = work.folder / f"session-{count}.json"
        seconds = ingest_seconds(store, source)
        work.stores[count] = store
        ratio = count / seconds / baseline_rate
        if count == 100_000:
            target, met = "under 10 s", seconds < 10
        elif count == 5_000:
            target, met = "at least 500x baseline", ratio >= 500
        else:
            target, met = "—", None
        rows.append({
            "figure": f"durable ingest, {count:,} questions (qtime ingest --once, subprocess)",
            "value": f"{fmt_rate(count, seconds)}; {ratio:,.0f}x baseline",
            "baseline": baseline,
            "target": target,
            "met": met,
        })
    return rows


def approve_latencies(store_path: Path, approvals: int) -> list[float]:
    session = SessionStore.open(store_path, actor="bench")
    ids = random.Random(8).sample([q.id for q in session.state.questions.values() if q.status == "new"], approvals)
    timings = []
    for qid in ids:
        started = time.perf_counter()
        session.approve(qid)
        timings.append(time.perf_counter() - started)
    for qid in ids:  # leave the session as it was for the app benchmarks
        session.reopen(qid)
    session.close()
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def latency_rows(work: Workspace, sizes: Sizes) -> list[Row]:
    figures = {count: approve_latencies(work.stores[count], sizes.approvals) for count in sizes.latency}
    base = figures[sizes.latency[0]]
    base_text = f"1k: median {statistics.median(base) * 1000:.2f} ms, p95 {p95(base) * 1000:.2f} ms"
    rows = []
    for count, timings in figures.items():
        median, tail = statistics.median(timings) * 1000, p95(timings) * 1000
        ratio = p95(timings) / p95(base)
        met: bool | None = None
        target = "—"
        if count == 100_000:
            target, met = "p95 under 20 ms, within 2x of 1k", tail < 20 and ratio <= 2
        rows.append({
            "figure": f"commit latency of one approve, {count:,}-question session ({sizes.approvals} approvals)",
            "value": f"median {median:.2f} ms, p95 {tail:.2f} ms ({ratio:.2f}x 1k p95)",
            "baseline": base_text,
            "target": target,
            "met": met,
        })
    return rows


PROBE = """
import sys, time
started = time.perf_counter()
from store.session_store import SessionStore
session = SessionStore.open(sys.argv[1], actor="probe")
opened = time.perf_counter() - started
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(len(session.state.questions), opened, peak)
"""


def probe(store: Path) -> tuple[int, float, float]:
    """Open a store in a fresh process: (questions, seconds to open, peak RSS in MB).

    Peak RSS is VmHWM: `ru_maxrss` would carry this (large) process's peak
    into the child across fork and exec.
    """
    out = subprocess.run([sys.executable, "-c", PROBE, str(store)], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024


def open_rows(work: Workspace, sizes: Sizes) -> list[Row]:
    empty = work.folder / "empty.json"
    SessionStore.open(empty).close()
    work.stores[0] = empty
    big = work.stores[sizes.big]
    empties = [probe(empty) for _ in range(3)]
    bigs = [probe(big) for _ in range(3)]
    empty_open = statistics.median(e[1] for e in empties)
    big_open = statistics.median(b[1] for b in bigs)
    empty_rss, big_rss = statistics.median(e[2] for e in empties), statistics.median(b[2] for b in bigs)
    size = big.stat().st_size + big.with_name(big.name + ".journal").stat().st_size
    return [
        {
            "figure": f"store open, {sizes.big:,}-question session (SessionStore.open in a fresh process, median of 3)",
            "value": f"{big_open:.2f} s",
            "baseline": f"empty session: {empty_open:.3f} s",
            "target": "under 2 s (with first paint: see app rows)",
            "met": big_open < 2,
        },
        {
            "figure": f"peak memory, {sizes.big:,}-question session open (store only, max RSS)",
            "value": f"{big_rss:.0f} MB",
            "baseline": f"empty session: {empty_rss:.0f} MB",
            "target": "under 500 MB",
            "met": big_rss < 500,
        },
        {
            "figure": f"store file size, {sizes.big:,} questions (snapshot + journal, compacted)",
            "value": f"{size / 1e6:.1f} MB ({size / sizes.big:.0f} bytes/question)",
            "baseline": "—",
            "target": "report",
            "met": None,
        },
    ]


def run(work: Workspace, quick: bool = False) -> list[Row]:
    sizes = QUICK if quick else FULL
    rows = ingest_rows(work, sizes)
    rows += latency_rows(work, sizes)
    rows += open_rows(work, sizes)
    return rows
