"""Compaction in a process of its own, so the process that asked never pauses for it.

Folding a long journal into a new snapshot builds and writes the whole
session: about 0.5 s of Python at 100,000 questions, all of it holding the
GIL. Done inside the app it would freeze the screen for that long; done here,
in a child process, the app only waits for the store's lock in a worker
thread, like for any other writer.

    Compactor(path).start_if_idle(min_events)   # in the parent: one child at a time
    python -m store.compaction PATH MIN_EVENTS  # the child: compacts if the journal is still long

The child opens the store like any other process, so it is safe with every
other writer; if another process compacted meanwhile, it finds a short
journal and does nothing.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from store.errors import StoreError
from store.session_store import SessionStore


class Compactor:
    """Starts compaction children for one store, never two at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._child: subprocess.Popen[bytes] | None = None
        self.runs = 0  # children started, for tests and figures

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def start_if_idle(self, min_events: int) -> bool:
        """Start a child unless one is running; True when one was started."""
        if self.running:
            return False
        self._child = subprocess.Popen(
            [sys.executable, "-m", "store.compaction", str(self.path), str(min_events)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.runs += 1
        return True

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a running child (at quit, so it is not left behind)."""
        if self._child is not None:
            try:
                self._child.wait(timeout)
            except subprocess.TimeoutExpired:
                pass


def main(argv: list[str]) -> int:
    if hasattr(os, "nice"):  # background work: on a busy machine the screen's process gets the cores first
        os.nice(19)
    path, min_events = Path(argv[0]), int(argv[1])
    try:
        store = SessionStore.open(path, actor="compaction", create=False)
    except StoreError:
        return 2
    if store.journal_weight >= min_events and not store.compact():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
