"""`python -m bench.serve_bench [--runs N] [--questions N]`: `qtime serve` against the terminal app.

Needs Debian's chromium (driven by Playwright) and tmux. Each run starts a
fresh `qtime serve --port 0` on one store and measures:

- start: process start to the URL printed (the port bound);
- first page: the URL printed to the page's HTTP 200 (aiohttp client);
- queue painted: the browser asks for the page until the first question is
  in xterm's buffer (this includes the session's own `qtime run` starting);
- approve (a): the key pressed in the page (2 s after the first paint)
  until "approved 1" is drawn.

The baseline is the same store in `qtime run` inside tmux, in the same run:
process start to the first question on screen, and `a` to "approved 1"
(capture-pane polled every 10 ms; the browser is polled each frame).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from playwright.sync_api import Page, sync_playwright

from bench.run import machine, table
from store.model import Settings
from store.session_store import SessionStore
from tests.serving import CHROMIUM, KEEP_TERMINAL, SCREEN, Served

FIRST = "Question 0 about the network"
SETTLE = 2.0  # after the first paint, before the key: the app learns the rows' flags in small steps then


def make_store(path: Path, count: int) -> None:
    store = SessionStore.open(path, actor="ingest", settings=Settings(title="Serve bench", hashtag="qtime"))
    store.add_questions([{"source": "file", "remote_id": str(n), "author": f"@asker{n}", "text": f"Question {n} about the network?"}
                         for n in range(count)])
    store.close()


async def first_page(url: str) -> float:
    started = time.perf_counter()
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        await response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - started


def until_screen(page: Page, text: str) -> None:
    page.wait_for_function(f"text => ({SCREEN})().includes(text)", arg=text, polling="raf", timeout=120_000)


def browser_run(path: Path) -> dict[str, float]:
    started = time.perf_counter()
    with Served(path) as served:
        printed = time.perf_counter() - started
        page_time = asyncio.run(first_page(served.url))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(KEEP_TERMINAL)
            asked = time.perf_counter()
            page.goto(served.url)
            until_screen(page, FIRST)
            painted = time.perf_counter() - asked
            until_screen(page, "new ")  # the header is drawn too
            page.focus(".xterm-helper-textarea")
            time.sleep(SETTLE)
            pressed = time.perf_counter()
            page.keyboard.press("a")
            until_screen(page, "approved 1")
            approve = time.perf_counter() - pressed
            browser.close()
    return {"start": printed, "page": page_time, "painted": painted, "approve": approve}


def tmux_run(path: Path) -> dict[str, float]:
    socket = f"qtime-bench-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], check=True, capture_output=True, text=True).stdout

    def until(text: str) -> None:
        while text not in tmux("capture-pane", "-p", "-t", "run"):
            time.sleep(0.01)

    env = {**os.environ, "XDG_CONFIG_HOME": str(path.parent / "config"), "TERM": "xterm-256color"}
    started = time.perf_counter()
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "run", "-x", "160", "-y", "48",
                    f"{sys.executable} -m tui run --store {path}"], check=True, env=env)
    try:
        until(FIRST)
        painted = time.perf_counter() - started
        until("new ")
        time.sleep(SETTLE)
        pressed = time.perf_counter()
        tmux("send-keys", "-t", "run", "a")
        until("approved 1")
        approve = time.perf_counter() - pressed
        tmux("send-keys", "-t", "run", "q")
        time.sleep(1)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    return {"painted": painted, "approve": approve}


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=int, default=1000)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("serve_bench: needs /usr/bin/chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    served: list[dict[str, float]] = []
    terminal: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="qtime-serve-bench-") as folder:
        for run in range(args.runs):  # a fresh store each run: each approves the first question
            path = Path(folder) / f"browser{run}.json"
            make_store(path, args.questions)
            served.append(browser_run(path))
            path = Path(folder) / f"terminal{run}.json"
            make_store(path, args.questions)
            terminal.append(tmux_run(path))
    n, runs = f"{args.questions:,}", f"median of {args.runs}"
    base_paint, base_key = median(terminal, "painted"), median(terminal, "approve")
    rows = [
        {"figure": f"qtime serve start to the URL printed ({runs})", "value": f"{median(served, 'start'):.2f} s",
         "baseline": "—", "target": "—", "met": None},
        {"figure": f"URL printed to the first page, HTTP 200 ({runs})", "value": f"{median(served, 'page') * 1000:.0f} ms",
         "baseline": "—", "target": "—", "met": None},
        {"figure": f"browser: page asked to the queue painted, {n} questions ({runs})",
         "value": f"{median(served, 'painted'):.2f} s ({median(served, 'painted') / base_paint:.2f}x terminal)",
         "baseline": f"qtime run in tmux, start to the queue painted: {base_paint:.2f} s", "target": "—", "met": None},
        {"figure": f"browser: approve (a) to 'approved 1' drawn, {n} questions ({runs})",
         "value": f"{median(served, 'approve') * 1000:.0f} ms ({median(served, 'approve') / base_key:.2f}x terminal)",
         "baseline": f"qtime run in tmux: {base_key * 1000:.0f} ms", "target": "—", "met": None},
    ]
    print(f"qtime serve benchmarks: {machine()}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
