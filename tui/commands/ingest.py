"""`qtime ingest`: feed questions into a store without a screen.

A thin shell around `SessionService`, like the app: runs every source at
once, stores each batch durably as it arrives (compacting as the journal
grows), prints each source's state changes and every skipped line to
stderr, and ends with how many questions were new, already known, or
rejected. Without `--once` it keeps running (a service beside the app) until
interrupted.
"""
from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any

from store.errors import StoreError
from store.session_store import SessionStore
from tui.i18n import _
from tui.platforms.base import Source, SourceState, SpecError
from tui.platforms.specs import SPEC_HELP, parse_spec, with_read_tags
from tui.service.session import SessionService


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help=_("the session store file (created if missing)"))
    parser.add_argument("--source", action="append", required=True, metavar="SPEC", help=_(SPEC_HELP))  # marked in specs
    parser.add_argument("--once", action="store_true", help=_("one pass over every source, then exit"))


class Printer:
    """The service's news, as lines on stderr."""

    def __init__(self) -> None:
        self.states: dict[str, SourceState] = {}

    def changed(self, qids: frozenset[str]) -> None:
        pass

    def source_report(self, state: SourceState) -> None:
        if self.states.get(state.spec) != state:
            self.states[state.spec] = state
            print(f"{state.spec}: {state.describe()}", file=sys.stderr, flush=True)

    def warn(self, text: str) -> None:
        print(f"  {text}", file=sys.stderr, flush=True)


async def ingest(service: SessionService, once: bool) -> None:
    """Run every source; stop when all are done or on SIGINT / SIGTERM.

    A live feed also says it is alive (its presence, every few seconds), so the
    people on the session see in their header when it stops.
    """
    watching = None if once else asyncio.ensure_future(asyncio.to_thread(service.watch, 1.0))
    try:
        await _run_sources(service, once)
    finally:
        service.stop()
        if watching is not None:
            await asyncio.gather(watching, return_exceptions=True)


async def _run_sources(service: SessionService, once: bool) -> None:
    sources = asyncio.gather(*(service.run_source(s, once=once) for s in service.sources))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    stopped = asyncio.ensure_future(stop.wait())
    either: list[asyncio.Future[Any]] = [sources, stopped]
    await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    for future in (sources, stopped):
        future.cancel()
    outcome = (await asyncio.gather(sources, return_exceptions=True))[0]
    await asyncio.gather(stopped, return_exceptions=True)
    if isinstance(outcome, Exception):
        raise outcome  # a store that failed: say so, exit non-zero


def summary(service: SessionService) -> str:
    total = service.ingested
    rejected = total.rejected + sum(s.rejected for s in service.sources)
    return _("{new} new, {known} already known, {rejected} rejected").format(new=total.new, known=total.known, rejected=rejected)


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
        return "; " + _("{count} not stored (the disk refused them) and lost").format(count=count)
    return "; " + _("{count} not stored (the disk refused them)").format(count=count)


def run(args: argparse.Namespace) -> int:
    try:
        sources: list[Source] = [parse_spec(spec) for spec in args.source]
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
    # the session's other tags, read at the same places (specs built from valid ones: they parse)
    sources += [parse_spec(spec) for spec in with_read_tags(args.source, store.settings.read_tags)[len(args.source):]]
    printer = Printer()
    service = SessionService(store, sources=sources, listener=printer, actor="ingest", role="ingest", compact_here=True)
    try:
        asyncio.run(ingest(service, args.once))
    except StoreError as error:
        print(f"qtime ingest: {error}", file=sys.stderr)
        print(summary(service))
        return 1
    finally:
        service.close()
        unstored = _save_unstored(store)
    print(summary(service) + unstored)
    stopped = [s for s in printer.states.values() if s.state == "stopped"]
    if store.write_error:
        print(f"qtime ingest: {store.write_error}", file=sys.stderr)
        return 1
    for state in stopped:  # a source that stopped (a usage cap, a revoked token...) says why, and fails the run
        said = _("{source} stopped: {reason}").format(source=state.spec, reason=state.detail)
        print(f"qtime ingest: {said}", file=sys.stderr)
    return 1 if stopped else 0
