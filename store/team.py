"""Who else is on the session, who is answering what, and how each feed is doing.

All of it is derived from records every process keeps in the store
(`Presence`, `SourceRecord`), so every process shows the same thing and no
process has to tell another anything directly. A record older than
`PRESENCE_TIMEOUT` belongs to a process that is gone: a crash, `kill -9`, a
closed terminal. Its claim on a question lapses with it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from store.model import Presence, SourceRecord, parse_time

HEARTBEAT = 3.0  # seconds between a process's presence commits
PRESENCE_TIMEOUT = 10.0  # seconds without one: the process is gone


def age(when: str, now: datetime) -> float | None:
    """Seconds since `when` (an ISO time), or None when unknown."""
    moment = parse_time(when)
    return None if moment is None else max(0.0, (now - moment).total_seconds())


def alive(presence: Presence, now: datetime) -> bool:
    seen = age(presence.at, now)
    return not presence.left and seen is not None and seen <= PRESENCE_TIMEOUT


def others(presences: Iterable[Presence], me: str, now: datetime) -> list[Presence]:
    """The other live processes, by role."""
    return sorted((p for p in presences if p.id != me and alive(p, now)), key=lambda p: (p.role, p.actor))


def claimed_by(presences: Iterable[Presence], qid: str, me: str, now: datetime) -> Presence | None:
    """Another live process whose host is answering `qid`."""
    return next((p for p in others(presences, me, now) if p.answering == qid), None)


@dataclass(frozen=True, slots=True)
class Feed:
    """One source's health as the header shows it."""

    spec: str
    ok: bool
    detail: str  # "ok", or why it stopped
    seconds: float | None  # since the feed was last heard of


def feeds(records: Iterable[SourceRecord], presences: Iterable[Presence], now: datetime) -> list[Feed]:
    """Each source kept in the store: ok while a live process runs it, stopped otherwise."""
    running = {spec: p for p in presences if alive(p, now) for spec in p.sources}
    result = []
    for record in sorted(records, key=lambda r: r.spec):
        runner = running.get(record.spec)
        if runner is not None and not record.stopped:
            result.append(Feed(record.spec, True, "ok", age(runner.at, now)))
        else:
            last = [t for t in (record.heartbeat, *(p.at for p in presences if record.spec in p.sources)) if t]
            seconds = min((s for s in (age(t, now) for t in last) if s is not None), default=None)
            result.append(Feed(record.spec, False, f"stopped: {record.stopped}" if record.stopped else "stopped", seconds))
    return result
