"""Bulk moves: dismiss half of a 100,000-question session in one action, and undo it.

`python -m bench.bulk_bench [--quick]` (also a suite of `python -m bench`).

Store: a real `SessionStore` on a compacted session whose heap is frozen as
the app's is (`tui.heap.settle_heap`). It times `dismiss_many` of the counted half
(the job the app runs), its journal line, its undo, another process
catching up with it, and the longest wait of a reader (`answered()`, what
the screen calls on every redraw) on another thread meanwhile. Baseline:
one single-question dismiss in the same session.

App: the real `QuestionTimeApp` headless in a fresh process, role both:
`/` filter to the half, `D`, a reason, `y`; then `u`. Timed from the
confirming key to the queue showing the result, with the longest stall of
the UI loop meanwhile (a coroutine that wakes every 5 ms); then the same
move again with `j` pressed all along, each press timed to the screen.
Baseline: the stall monitor and `j` presses with nothing running, in the
same process.
"""
from __future__ import annotations

import asyncio
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.app_bench import SIZE, painted, peak_rss_mb, press
from bench.store_bench import ROOT, p95, probe
from store.session_store import SessionStore

Row = dict[str, object]
FULL, QUICK = 100_000, 10_000
KEYS = 20


def build(path: Path, count: int) -> None:
    """A compacted session of `count` new questions; every other one is about fibre."""
    store = SessionStore.open(path, actor="ingest")
    for start in range(0, count, 10_000):
        store.add_questions([{"source": "bench", "remote_id": str(n), "author": f"@asker{n % 4999}",
                              "text": f"Question {n}: {'quando arriva la fibra' if n % 2 else 'e il lavoro'}"
                                      f" a Bari? #{n % 97}", "votes": n % 13} for n in range(start, min(count, start + 10_000))])
    store.close()


def fibre(store: SessionStore) -> dict[str, str]:
    return {q.id: q.status for q in store.state.questions.values() if "fibra" in q.text}


def longest_wait(call: Callable[[], object], running: threading.Event) -> list[float]:
    """Call `call` in a loop on this thread while `running` is set; the slowest call (seconds)."""
    slowest = [0.0]
    while running.is_set():
        began = time.perf_counter()
        call()
        slowest[0] = max(slowest[0], time.perf_counter() - began)
        time.sleep(0.001)
    return slowest


def timed_with_reader(store: SessionStore, job: Callable[[], object]) -> tuple[float, float]:
    """(seconds the job took, the longest a reader on another thread waited meanwhile)."""
    running = threading.Event()
    running.set()
    waits: list[list[float]] = []
    reader = threading.Thread(target=lambda: waits.append(longest_wait(store.answered, running)))
    reader.start()
    began = time.perf_counter()
    job()
    took = time.perf_counter() - began
    running.clear()
    reader.join()
    return took, waits[0][0]


def store_figures(path: Path) -> dict[str, float]:
    store = SessionStore.open(path, actor="moderator")
    other = SessionStore.open(path, actor="host")
    gc.collect()
    gc.freeze()  # as the app does once the session is on screen (`tui.heap.settle_heap`)
    counted = fibre(store)
    singles = []
    for qid in list(counted)[:30]:
        began = time.perf_counter()
        store.dismiss(qid, "spam")
        singles.append(time.perf_counter() - began)
        store.reopen(qid)
    journal = store.journal.path
    before = journal.stat().st_size
    took, reader = timed_with_reader(store, lambda: store.dismiss_many(list(counted), "off-topic", counted=counted))
    line = journal.stat().st_size - before
    began = time.perf_counter()
    other.refresh()
    caught_up = time.perf_counter() - began
    before = journal.stat().st_size
    undo, undo_reader = timed_with_reader(store, store.undo)
    undo_line = journal.stat().st_size - before
    assert sum(q.status == "dismissed" for q in store.state.questions.values()) == 0
    other.close()
    store.close()  # folds the two moves into the snapshot: its history holds them
    reopened = reopen_seconds(path)
    return {"questions": len(counted) * 2, "moved": len(counted), "single": statistics.median(singles),
            "took": took, "line": line, "reader": reader, "caught_up": caught_up, "undo": undo,
            "undo_reader": undo_reader, "undo_line": undo_line, "reopen": reopened[0], "reopen_mb": reopened[1]}


def reopen_seconds(path: Path) -> tuple[float, float]:
    """Open the session in a fresh process (bench.store_bench's probe): seconds, peak MB."""
    _, seconds, peak = probe(path)
    return seconds, peak


# -- the app, in a fresh process ------------------------------------------------------------


async def stalls_while(busy: Callable[[], bool], action: Callable[[], Awaitable[None]]) -> float:
    """Run `action` while a coroutine wakes every 5 ms; the longest gap between its wake-ups (seconds)."""
    gaps = [0.0]
    watching = True

    async def watch() -> None:
        last = time.perf_counter()
        while watching:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps[0] = max(gaps[0], now - last - 0.005)
            last = now

    watcher = asyncio.create_task(watch())
    await action()
    while busy():
        await asyncio.sleep(0.005)
    watching = False
    await watcher
    return gaps[0]


async def moves(pilot: object, busy: Callable[[], bool], least: int = 0) -> list[float]:
    """Key-to-screen of `j` presses while `busy()` (and at least `least` of them)."""
    queue = pilot.app.main.queue  # type: ignore[attr-defined]
    times: list[float] = []
    while (busy() or len(times) < least) and len(queue.ids) > 2:
        if queue.cursor >= len(queue.ids) - 1:
            queue.move_to(0)
            await painted(pilot)
        before, began = queue.cursor, time.perf_counter()
        await press(pilot, "j")
        while queue.cursor == before and len(queue.ids) > 2 and time.perf_counter() - began < 10:
            await asyncio.sleep(0.0005)
        await painted(pilot)
        if queue.cursor != before:
            times.append(time.perf_counter() - began)
    return times


async def measure_app(store: str) -> dict[str, object]:
    from tui.app import QuestionTimeApp

    app = QuestionTimeApp(store, live=False)
    async with app.run_test(size=SIZE) as pilot:
        while app.main is None or not app.main.is_mounted or not app.main.query("#queue"):
            await asyncio.sleep(0.01)
        await pilot.pause()
        main = app.main
        app.mark_dirty()  # the first drawn change settles the heap (`tui.heap.settle_heap`), as a live feed's does
        app.drain()
        await pilot.press("slash", *"fibra", "enter")
        await pilot.pause(0.5)  # the filter is applied FILTER_EVERY after the last key
        shown = len(main.queue.ids)
        idle_until = time.perf_counter() + 2.0
        idle_stall = await stalls_while(lambda: time.perf_counter() < idle_until, lambda: asyncio.sleep(0))
        idle_moves = await moves(pilot, lambda: False, least=KEYS)
        await pilot.press("D", "2")
        # The bulk dismiss: nothing else asked of the screen, the longest stall of its loop.
        began = time.perf_counter()
        stall = await stalls_while(lambda: bool(main.queue.ids), lambda: press(pilot, "y"))
        to_screen = time.perf_counter() - began
        await pilot.pause(0.5)
        # Its undo: `j` pressed all along, each timed to the screen.
        began = time.perf_counter()
        await press(pilot, "u")
        while not main.queue.ids:
            await asyncio.sleep(0.0005)
        await painted(pilot)
        undo_to_screen = time.perf_counter() - began
        rss = peak_rss_mb()
        await pilot.pause(0.5)
        await pilot.press("D", "2")
        began = time.perf_counter()
        await press(pilot, "y")
        while app.screen is not main:
            await asyncio.sleep(0.0005)
        move_times = await moves(pilot, lambda: bool(main.queue.ids))
        with_keys = time.perf_counter() - began
        rss = max(rss, peak_rss_mb())
        await pilot.press("q")
    return {"shown": shown, "idle_stall": idle_stall, "idle_moves": idle_moves, "stall": stall,
            "to_screen": to_screen, "moves": move_times, "with_keys": with_keys, "undo_to_screen": undo_to_screen,
            "rss_mb": rss}


def app_figures(store: Path) -> dict[str, object]:
    result = subprocess.run([sys.executable, "-m", "bench.bulk_bench", "--app", str(store)],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"bulk app benchmark failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def keys(values: list[float]) -> str:
    if len(values) < 2:
        return f"{len(values)} presses"
    return f"{len(values)} presses, median {statistics.median(values) * 1000:.1f} ms, p95 {p95(values) * 1000:.1f} ms"


def run(quick: bool = False) -> list[Row]:
    count = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="qtime-bulk-") as folder:
        path, fresh = Path(folder) / "session.json", Path(folder) / "fresh.json"
        build(path, count)
        for suffix in ("", ".journal"):  # the app opens the session as built, without the store run's moves
            shutil.copyfile(f"{path}{suffix}", f"{fresh}{suffix}")
        s = store_figures(path)
        before = reopen_seconds(fresh)
        a = app_figures(fresh)
    moved = f"{int(s['moved']):,}"
    return [
        {"figure": f"bulk dismiss of {moved} counted questions, {count:,}-question session (the job: one commit)",
         "value": f"{s['took']:.2f} s ({s['took'] / s['moved'] * 1e6:.0f} µs a question)",
         "baseline": f"one dismiss: {s['single'] * 1000:.2f} ms ({s['took'] / s['single']:,.0f}x)",
         "target": "a job, off the UI thread", "met": None},
        {"figure": f"its journal line (one event, {moved} changes)",
         "value": f"{s['line'] / 1e6:.1f} MB ({s['line'] / s['moved']:.0f} bytes a question)",
         "baseline": f"its undo: {s['undo_line'] / 1e6:.1f} MB", "target": "report", "met": None},
        {"figure": "a reader on another thread (answered(), called on every redraw) during the job: longest wait",
         "value": ms(s["reader"]), "baseline": f"during its undo: {ms(s['undo_reader'])}", "target": "report",
         "met": None},
        {"figure": f"undo of the bulk dismiss ({moved} questions back, one commit)", "value": f"{s['undo']:.2f} s",
         "baseline": f"another process catching up with the bulk dismiss: {s['caught_up']:.2f} s", "target": "report",
         "met": None},
        {"figure": f"store open in a fresh process, {count:,} questions, its history holding the move and its undo",
         "value": f"{s['reopen']:.2f} s, peak {s['reopen_mb']:.0f} MB",
         "baseline": f"the same session without them: {before[0]:.2f} s, peak {before[1]:.0f} MB",
         "target": "report", "met": None},
        {"figure": f"app: y confirms the bulk dismiss ({int(a['shown']):,} shown, filter) to the queue redrawn",  # type: ignore[call-overload]
         "value": f"{a['to_screen']:.2f} s; longest UI stall {ms(a['stall'])}",  # type: ignore[arg-type]
         "baseline": f"idle UI, same process: longest stall {ms(a['idle_stall'])}",  # type: ignore[arg-type]
         "target": "no freeze (stall under 0.5 s)", "met": a["stall"] < 0.5},  # type: ignore[operator]
        {"figure": "app: u undoes it, to the queue redrawn",
         "value": f"{a['undo_to_screen']:.2f} s", "baseline": "—", "target": "report", "met": None},  # type: ignore[arg-type]
        {"figure": "app: key-to-screen, move (j), pressed without pause while the same bulk dismiss runs again",
         "value": f"{keys(a['moves'])}; the move took {a['with_keys']:.2f} s",  # type: ignore[arg-type]
         "baseline": f"idle: {keys(a['idle_moves'])}", "target": "—", "met": None},  # type: ignore[arg-type]
        {"figure": f"app: peak memory, {count:,}-question session, after two bulk dismisses and an undo",
         "value": f"{a['rss_mb']:.0f} MB", "baseline": "see app_bench (456 MB after key presses)",
         "target": "under 500 MB" if count == FULL else "—", "met": a["rss_mb"] < 500 if count == FULL else None},  # type: ignore[operator]
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--app"]:
        print(json.dumps(asyncio.run(measure_app(sys.argv[2]))))
    else:
        from bench.run import report

        report("qtime bulk moves", run(quick="--quick" in sys.argv), quick="--quick" in sys.argv)
