"""Store jobs, run one at a time in the order they were asked for.

Every action a person takes (approve, send, save a draft, export) is a job:
jobs touch the disk, so they never run on a UI thread, and they run in
order, so that "approve, then undo" never becomes "undo, then approve". The
order is fixed when `submit` is called, on the caller's thread.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class JobQueue:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qtime-store")

    def submit(self, call: Callable[[], T]) -> Future[T]:
        return self._pool.submit(call)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has finished; False on timeout."""
        try:
            self._pool.submit(lambda: None).result(timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self._pool.shutdown(wait=True)
