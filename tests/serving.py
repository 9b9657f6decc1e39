"""A real `qtime serve` process for the serve tests: a store with questions, the printed URL, its output.

    with Served(store_path) as served:     # `qtime serve --store ... --port 0`, waits for the URL
        served.url                         # http://127.0.0.1:PORT/?token=...
        served.base, served.token
    served.stdout, served.stderr           # everything it printed, once it stopped (SIGINT)

and what a browser test needs to read the page's terminal (`KEEP_TERMINAL`, `SCREEN`).
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from store.model import Settings
from store.session_store import SessionStore
from tests.sessions import DEMO_QUESTIONS

TITLE = "Serve test"
T = TypeVar("T")
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright drives it (never `playwright install`)

# textual-serve's page draws the terminal with xterm.js on a canvas. This init
# script keeps the xterm `Terminal` the page creates (it assigns
# `this.terminal`) on `window`, and SCREEN reads its rows as text.
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {configurable: true, set(value) {
  Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
  if (value && value.buffer && !window.qtimeTerminal) window.qtimeTerminal = value;
}});
"""
SCREEN = """() => {
  const terminal = window.qtimeTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""

URL_LINE = re.compile(r"^\s+(http://[^\s?]+/)\?token=([A-Za-z0-9_-]+)\s*$")


def make_store(path: Path, count: int = 4) -> SessionStore:
    """A classic-profile session holding the first `count` demo questions, all new."""
    store = SessionStore.open(path, actor="ingest", settings=Settings(title=TITLE, hashtag="twittertime", profile="classic"))
    store.add_questions([{"source": "file", "remote_id": str(n), **q} for n, q in enumerate(DEMO_QUESTIONS[:count], 1)])
    return store


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found |= {child} | descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] not in ("Z", "X")
    except OSError:
        return False


class Served:
    def __init__(self, store: Path, *args: str, cwd: Path | None = None) -> None:
        self.store = store
        self.cwd = cwd or store.parent
        self.args = ["--store", str(store), "--port", "0", *args]
        self.env = {**os.environ, "XDG_CONFIG_HOME": str(self.cwd / "config")}
        self.first_lines: list[str] = []
        self.stdout = self.stderr = ""
        self.returncode: int | None = None

    def __enter__(self) -> Served:
        self.process = subprocess.Popen([sys.executable, "-m", "tui", "serve", *self.args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=self.env, cwd=self.cwd)
        assert self.process.stdout is not None
        for line in self.process.stdout:  # the URL comes once the port is bound
            self.first_lines.append(line)
            if match := URL_LINE.match(line):
                self.base, self.token = match[1], match[2]
                self.url = f"{self.base}?token={self.token}"
                return self
        self.stop()
        raise AssertionError(f"qtime serve printed no URL:\n{self.stdout}\n{self.stderr}")

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1].strip("/"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, err = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        self.stdout, self.stderr = "".join(self.first_lines) + out, err
        self.returncode = self.process.returncode

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_until(check: Callable[[], T], what: str, timeout: float = 30.0) -> T:
    """Poll `check()` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")
