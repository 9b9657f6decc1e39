"""App benchmarks: open to first paint, key-to-screen latency in the queue, memory with the app open.

Each measurement runs `python -m bench.app_bench MODE STORE` in a fresh
process (so open time and peak memory are the app's own), which drives the
real `QuestionTimeApp` headless with `App.run_test()` and prints one JSON
line. "On screen" means: the key was handled, the queue shows the result
(the cursor moved; the approved question left the New view), every widget
has processed its pending messages and the screen update was composited
(`painted()`: what `pilot.pause()` does, without its waits for an idle
CPU, which alone cost about 100 ms; keys are sent as the driver sends them,
for the same reason).

On a grouped session (`bench/triage_corpus.py`'s #AskObama-scale posts,
ingested with grouping on arrival, so a quarter of the questions are in
groups shown as one row each) it also times `e` (a group's members shown
beneath its row) and `a` on a group's row (the group approved as one: one
event over all its members, then the row leaves the New view).

"First paint" (open time) is measured the same way: from process start
(before importing the app) until the main screen is mounted with the queue
holding its rows, every widget has processed its messages and the frame was
composited. The queue's row flags (link, repeated author, possible
duplicate) are learned after that frame, in small steps between keys: on a
100,000-question session they fill in a few seconds later.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from bench import triage_corpus
from bench.store_bench import ROOT, Workspace, ingest_seconds, p95

Row = dict[str, object]
SIZE = (160, 50)


def peak_rss_mb() -> float:
    """VmHWM: this process's own peak (`ru_maxrss` carries the parent's across fork and exec)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


async def painted(pilot: object) -> None:
    """Let every widget handle its messages, then composite the screen update now."""
    await pilot._wait_for_screen()  # type: ignore[attr-defined]
    pilot.app.screen._on_timer_update()  # type: ignore[attr-defined]


async def press(pilot: object, key: str) -> None:
    """Send a key as the terminal driver does (`pilot.press` adds two waits for an idle CPU)."""
    from textual import events

    event = events.Key(key, key)
    event.set_sender(pilot.app)  # type: ignore[attr-defined]
    pilot.app._driver.send_message(event)  # type: ignore[attr-defined]
    await asyncio.sleep(0)


async def shown(app: object) -> None:
    """Wait until the main screen is up with its queue."""
    while app.main is None or not app.main.is_mounted or not app.main.query("#queue"):  # type: ignore[attr-defined]
        await asyncio.sleep(0.001)


async def key_to_screen(pilot: object, key: str, done: Callable[[], bool]) -> float:
    """Seconds from sending `key` until `done()` says the queue shows its result and the screen is painted."""
    began = time.perf_counter()
    await press(pilot, key)
    while not done():
        await asyncio.sleep(0.0005)
    await painted(pilot)
    return time.perf_counter() - began


async def move_times(pilot: object, queue: object, keys: int) -> list[float]:
    """`j` pressed `keys` times: each until the cursor moved (or stays at the end)."""
    times = []
    for _ in range(keys):
        times.append(await key_to_screen(pilot, "j", lambda before=queue.cursor: queue.cursor != before  # type: ignore[attr-defined, misc]
                                         or before >= queue.row_count - 1))  # type: ignore[attr-defined]
    return times


async def measure(store: str, keys: int, compaction: bool = False) -> dict[str, object]:
    started = time.perf_counter()
    from tui.app import QuestionTimeApp

    app = QuestionTimeApp(store, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await shown(app)
        await painted(pilot)
        open_time = time.perf_counter() - started
        queue = app.main.queue
        approves = []
        moves = await move_times(pilot, queue, keys)
        for _ in range(keys if queue.ids else 0):
            qid = queue.cursor_id
            began = time.perf_counter()
            await press(pilot, "a")
            while qid in queue.ids:
                await asyncio.sleep(0.0005)
            await painted(pilot)
            approves.append(time.perf_counter() - began)
        questions = len(app.store.state.questions) if app.store else 0
        rss = peak_rss_mb()
        during = await moves_during_compaction(app, pilot) if compaction else {}
        await pilot.press("q")
    return {
        "questions": questions,
        "painted": open_time,
        "moves": moves,
        "approves": approves,
        "rss_mb": rss,
        **during,
    }


async def moves_while(pilot: object, busy: Callable[[], bool]) -> list[float]:
    """Key-to-screen of `j` presses for as long as `busy()` says (at least a few)."""
    app = pilot.app  # type: ignore[attr-defined]
    queue = app.main.queue
    times: list[float] = []
    while busy() or len(times) < 5:
        if queue.cursor >= len(queue.ids) - 1:  # at the end: start again from the top
            queue.move_to(0)
            await painted(pilot)
        before = queue.cursor
        began = time.perf_counter()
        await press(pilot, "j")
        while queue.cursor == before:
            await asyncio.sleep(0.0005)
        await painted(pilot)
        times.append(time.perf_counter() - began)
    return times


async def moves_during_compaction(app: object, pilot: object) -> dict[str, list[float]]:
    """Moves while the journal is folded into a snapshot: by the service's child process (what the
    app does), then in a thread of the app's own process (the baseline it avoids). The app watches
    the store meanwhile, as a live session does, so it also catches up after the child compacted."""
    service = app.service  # type: ignore[attr-defined]
    watcher = threading.Thread(target=service.watch, args=(0.4,), daemon=True)
    watcher.start()
    service.compactor.start_if_idle(0)
    child = await moves_while(pilot, lambda: service.compactor.running)
    compacting = threading.Thread(target=service.store.compact)
    compacting.start()
    in_process = await moves_while(pilot, compacting.is_alive)
    service.stop()
    return {"moves_child_compaction": child, "moves_thread_compaction": in_process}


def gone(qid: str, where: Callable[[str], int | None]) -> Callable[[], bool]:
    """Whether the queue no longer shows `qid` (`where`: the index's position or row position)."""
    return lambda: where(qid) is None


async def measure_groups(store: str, keys: int) -> dict[str, object]:
    """On a grouped session: moves, `e` on group rows (expand; collapsed again untimed), `a` on
    lone rows and on group rows, top down in the New view, as a moderator works."""
    from tui.app import QuestionTimeApp

    app = QuestionTimeApp(store, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await shown(app)
        await painted(pilot)
        assert app.main is not None
        queue, index = app.main.queue, app.index
        moves = await move_times(pilot, queue, keys)
        heads = [qid for qid in queue.ids if index.group_row(qid) is not None]
        lone = [qid for qid in queue.ids[:keys * 4] if index.group_row(qid) is None]
        expands: list[float] = []
        approves: list[float] = []
        lone_approves: list[float] = []
        # Processor time per approve, both threads (the UI's and the store job's): steadier than
        # the wall clock on a shared machine, where another tenant's load stretches any key.
        approves_cpu: list[float] = []
        lone_cpu: list[float] = []
        sizes: list[int] = []
        for head in heads[:keys]:
            queue.select(head)
            await painted(pilot)
            expands.append(await key_to_screen(pilot, "e", lambda: queue.opened is not None))
            await key_to_screen(pilot, "e", lambda: queue.opened is None)
        for head in heads[:keys]:
            queue.select(head)
            await painted(pilot)
            group = index.group_row(head)
            sizes.append(len(group.members) if group else 0)
            cpu = time.process_time()
            approves.append(await key_to_screen(pilot, "a", gone(head, index.row_position)))
            approves_cpu.append(time.process_time() - cpu)
        for qid in lone[:keys]:
            queue.select(qid)
            await painted(pilot)
            cpu = time.process_time()
            lone_approves.append(await key_to_screen(pilot, "a", gone(qid, index.position)))
            lone_cpu.append(time.process_time() - cpu)
        questions = len(app.store.state.questions) if app.store else 0
        rows, groups = len(queue.ids), len(heads)
        await pilot.press("q")
    return {"questions": questions, "rows": rows, "groups": groups, "moves": moves, "expands": expands,
            "group_approves": approves, "group_sizes": sizes, "approves": lone_approves,
            "group_approves_cpu": approves_cpu, "approves_cpu": lone_cpu}


def corpus_store(work: Workspace, count: int, *, grouped: bool) -> Path:
    """A session of `count` #AskObama-scale posts (seed 1), ingested by `qtime ingest` with
    grouping on arrival on or off."""
    from store.model import Settings
    from store.session_store import SessionStore

    store = work.folder / f"{'grouped' if grouped else 'ungrouped'}-{count}.json"
    posts = work.folder / f"corpus-{count}" / "posts.jsonl"
    if not posts.exists():
        triage_corpus.write(posts.parent, triage_corpus.generate(1, count))
    if not store.exists():
        SessionStore.open(store, settings=Settings(title="bench", group_copies=grouped)).close()
        ingest_seconds(store, posts)
    return store


def probe(store: Path, keys: int, compaction: bool = False, mode: str = "") -> dict[str, object]:
    mode = mode or ("compaction" if compaction else "")
    result = subprocess.run(
        [sys.executable, "-m", "bench.app_bench", str(store), str(keys), *([mode] if mode else [])],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"app benchmark on {store} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95(values) * 1000:.1f} ms"


def run(work: Workspace, quick: bool = False) -> list[Row]:
    keys = 20 if quick else 60
    big = max(size for size in work.stores if size)
    sizes = [size for size in (10_000, 100_000) if size in work.stores]
    tiny = work.folder / "tiny.json"
    if not tiny.exists():
        from store.session_store import SessionStore

        session = SessionStore.open(tiny)
        session.add_questions({"source": "b", "remote_id": str(n), "author": f"@a{n}", "text": f"q{n}?"} for n in range(keys * 2 + 10))
        session.close()
    empty = probe(work.stores[0], 0)
    small = probe(tiny, keys)
    figures = {size: probe(work.stores[size], keys, compaction=size == big) for size in sizes}
    rows: list[Row] = []
    top = figures[big]
    rows.append({
        "figure": f"open time, {big:,}-question session: process start to the queue's rows painted (headless; row flags fill in after)",
        "value": f"{top['painted']:.2f} s",
        "baseline": f"empty session: {empty['painted']:.2f} s",
        "target": "under 2 s",
        "met": top["painted"] < 2 if big == 100_000 else None,
    })
    for kind, key in (("moves", "move (j)"), ("approves", "approve (a)")):
        for size, figure in figures.items():
            tail = p95(figure[kind]) * 1000  # type: ignore[arg-type]
            rows.append({
                "figure": f"key-to-screen, {key}, {size:,}-question queue ({keys} presses)",
                "value": ms(figure[kind]),  # type: ignore[arg-type]
                "baseline": f"{small['questions']}-question session: {ms(small[kind])}",  # type: ignore[arg-type]
                "target": "p95 under 50 ms" if size == 100_000 else "—",
                "met": tail < 50 if size == 100_000 else None,
            })
    child, thread = top["moves_child_compaction"], top["moves_thread_compaction"]
    rows.append({
        "figure": f"key-to-screen, move (j), {big:,}-question queue, while the journal is compacted"
                  f" ({len(child)} presses; compaction in a child process, as the app does)",
        "value": f"{ms(child)}, longest {max(child) * 1000:.0f} ms",  # type: ignore[arg-type]
        "baseline": f"compaction in a thread of the app ({len(thread)} presses): {ms(thread)},"  # type: ignore[arg-type]
                    f" longest {max(thread) * 1000:.0f} ms",  # type: ignore[arg-type]
        "target": "p95 under 50 ms" if big == 100_000 else "—",
        "met": p95(child) * 1000 < 50 if big == 100_000 else None,  # type: ignore[arg-type]
    })
    rows.append({
        "figure": f"peak memory, {big:,}-question session open in the app (max RSS, after the key presses)",
        "value": f"{top['rss_mb']:.0f} MB",
        "baseline": f"empty session in the app: {empty['rss_mb']:.0f} MB",
        "target": "under 500 MB",
        "met": top["rss_mb"] < 500,  # type: ignore[operator]
    })
    count = 10_000 if quick else 170_000
    plain = probe(corpus_store(work, count, grouped=False), keys, mode="groups")
    return rows + group_rows(probe(corpus_store(work, count, grouped=True), keys, mode="groups"), plain)


def group_rows(grouped: dict[str, object], plain: dict[str, object]) -> list[Row]:
    """Key-to-screen on the grouped session: move, expand, approve a group; against the same
    posts ingested without grouping (every question a row of its own)."""
    def times(figures: dict[str, object], kind: str) -> list[float]:
        return cast(list[float], figures[kind])

    size = cast(int, grouped["questions"])
    where = f"{size:,}-question grouped session ({grouped['rows']:,} rows in New, {grouped['groups']} of them groups)"
    sizes = sorted(cast(list[int], grouped["group_sizes"]))
    approve = (f"approve a group (a; {len(sizes)} groups of {sizes[0]}-{sizes[-1]} copies,"
               f" median {statistics.median(sizes):.0f})")
    rows: list[Row] = []
    for kind, key, baseline in (
        ("moves", "move (j)", f"the same posts without groups ({plain['rows']:,} rows): {ms(times(plain, 'moves'))}"),
        ("approves", "approve a lone question (a)", f"the same posts without groups: {ms(times(plain, 'approves'))}"),
        ("expands", "expand a group (e)", f"move (j), same session: {ms(times(grouped, 'moves'))}"),
        ("group_approves", approve, f"approve a lone question, same session: {ms(times(grouped, 'approves'))}"),
    ):
        values = times(grouped, kind)
        rows.append({
            "figure": f"key-to-screen, {key}, {where}",
            "value": f"{ms(values)}, longest {max(values) * 1000:.0f} ms",
            "baseline": baseline,
            "target": "p95 under 50 ms" if size >= 170_000 else "—",
            "met": p95(values) * 1000 < 50 if size >= 170_000 else None,
        })
    return rows


if __name__ == "__main__":
    if "groups" in sys.argv[3:]:
        print(json.dumps(asyncio.run(measure_groups(sys.argv[1], int(sys.argv[2])))))
    else:
        print(json.dumps(asyncio.run(measure(sys.argv[1], int(sys.argv[2]), compaction="compaction" in sys.argv[3:]))))
