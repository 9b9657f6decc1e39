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

from bench.store_bench import ROOT, Workspace, p95

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


async def measure(store: str, keys: int, compaction: bool = False) -> dict[str, object]:
    started = time.perf_counter()
    from tui.app import QuestionTimeApp

    app = QuestionTimeApp(store, live=False)
    async with app.run_test(size=SIZE) as pilot:
        while app.main is None or not app.main.is_mounted or not app.main.query("#queue"):
            await asyncio.sleep(0.001)
        await painted(pilot)
        open_time = time.perf_counter() - started
        queue = app.main.queue
        moves, approves = [], []
        for _ in range(keys):
            before = queue.cursor
            began = time.perf_counter()
            await press(pilot, "j")
            while queue.ids and queue.cursor == before and before < len(queue.ids) - 1:
                await asyncio.sleep(0.0005)
            await painted(pilot)
            moves.append(time.perf_counter() - began)
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


def probe(store: Path, keys: int, compaction: bool = False) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.app_bench", str(store), str(keys), *(["compaction"] if compaction else [])],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
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
    return rows


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(sys.argv[1], int(sys.argv[2]), compaction="compaction" in sys.argv[3:]))))
