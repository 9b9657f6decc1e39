"""`qtime ingest`: feed questions into a store without a screen.

Runs every source at once, stores each batch durably as it arrives, prints
each source's state changes and every skipped line to stderr, and ends with
how many questions were new, already known, or rejected. Without `--once` it
keeps running (a service beside the app) until interrupted.
"""
from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from store.errors import StoreError
from store.model import IngestResult
from store.session_store import SessionStore
from tui.platforms.base import Item, Source, SourceState, SpecError, limit_changes
from tui.platforms.specs import SPEC_HELP, parse_spec


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help="the session store file (created if missing)")
    parser.add_argument("--source", action="append", required=True, metavar="SPEC", help=SPEC_HELP)
    parser.add_argument("--once", action="store_true", help="one pass over every source, then exit")


class Ingest:
    """Sources in, one store out; the totals for the closing summary."""

    def __init__(self, store: SessionStore, sources: list[Source]) -> None:
        self.store = store
        self.sources = sources
        self.total = IngestResult()
        self.states: dict[str, SourceState] = {}
        self.pending: set[asyncio.Future[None]] = set()  # settings commits under way

    async def emit(self, batch: list[Item]) -> None:
        result = await asyncio.to_thread(self.store.add_questions, batch, actor="ingest")
        self.total += result
        if self.store.write_error:
            print(f"qtime ingest: {self.store.write_error}", file=sys.stderr, flush=True)
        elif self.store.needs_compaction():
            await asyncio.to_thread(self.store.compact)

    def report(self, state: SourceState) -> None:
        if self.states.get(state.spec) != state:
            self.states[state.spec] = state
            print(f"{state.spec}: {state.describe()}", file=sys.stderr, flush=True)
        changes = limit_changes(self.store.settings, self.sources)
        if changes and all(f.done() for f in self.pending):  # a commit: off the event loop
            self.pending.add(asyncio.ensure_future(asyncio.to_thread(self.store.update_settings, **changes)))

    @staticmethod
    def warn(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    async def run(self, once: bool) -> None:
        """Run every source; stop when all are done or on SIGINT / SIGTERM."""
        sources = asyncio.gather(*(s.run(self.emit, self.report, self.warn, once=once) for s in self.sources))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([sources, stopped], return_when=asyncio.FIRST_COMPLETED)
        for future in (sources, stopped):
            future.cancel()
        outcome = (await asyncio.gather(sources, return_exceptions=True))[0]
        await asyncio.gather(stopped, *self.pending, return_exceptions=True)
        if isinstance(outcome, Exception):
            raise outcome  # a store that failed: say so, exit non-zero

    def summary(self) -> str:
        rejected = self.total.rejected + sum(s.rejected for s in self.sources)
        return f"{self.total.new} new, {self.total.known} already known, {rejected} rejected"


def _save_unstored(store: SessionStore) -> str:
    """What the disk refused until the end: saved to a recovery file (the
    next open of the store applies it). Returns the summary's last words."""
    count = store.unwritten
    if not count:
        return ""
    try:
        store.save_unwritten()
    except StoreError as error:
        print(f"qtime ingest: {error}", file=sys.stderr)
        return f"; {count} not stored (the disk refused them) and lost"
    return f"; {count} not stored (the disk refused them)"


def run(args: argparse.Namespace) -> int:
    try:
        sources = [parse_spec(spec) for spec in args.source]
    except SpecError as error:
        print(f"qtime ingest: {error}", file=sys.stderr)
        return 2
    try:
        store = SessionStore.open(args.store, actor="ingest")
    except StoreError as error:
        print(f"qtime ingest: {error}", file=sys.stderr)
        return 2
    if store.recovery_report:
        print(f"qtime ingest: {store.recovery_report}", file=sys.stderr)
    ingest = Ingest(store, sources)
    try:
        asyncio.run(ingest.run(args.once))
    except StoreError as error:
        print(f"qtime ingest: {error}", file=sys.stderr)
        print(ingest.summary())
        return 1
    finally:
        store.close()
        unstored = _save_unstored(store)
    print(ingest.summary() + unstored)
    stopped = [s for s in ingest.states.values() if s.state == "stopped"]
    if store.write_error:
        print(f"qtime ingest: {store.write_error}", file=sys.stderr)
        return 1
    return 1 if stopped and len(stopped) == len(sources) else 0
