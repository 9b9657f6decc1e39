"""What Mastodon, Bluesky and X sources share: paced, retried requests and the poll loop.

Written once here so every platform answers faults the same way:
- timeouts, refused connections and 5xx wait with capped exponential
  backoff and jitter, then try the same request again (a pass resumes where
  it stopped, it never starts over);
- 429 waits for `Retry-After` or the rate-limit reset header, and a reply
  saying the quota is used up (`x-ratelimit-remaining: 0`) delays the next
  request until the reset, so the source does not earn the 429 at all;
- 401/403 and other final refusals stop the source with the reason;
- a malformed, truncated or oversized page is counted, reported and fetched
  again; a malformed post inside a good page is counted and skipped;
- with `once`, each request gets a few tries and a long rate-limit wait ends
  the pass with a message instead of hanging `qtime ingest --once`.
Tokens given as `secrets` are blanked out of every state detail and warning.

Every page is committed as it is read, with the cursor reached after it (one
store commit: `emit(items, source_state=...)`), so a pass that stops partway
keeps its pages and the next pass, in this process or a new one (`resume`),
goes on from that cursor without reading a page twice. The same record holds
the heartbeat (last successful contact) and, after a `Stop`, the reason.
"""
from __future__ import annotations

import asyncio
import time
from abc import abstractmethod
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

import httpx

from store.model import SourceRecord, now_iso
from store.sanitize import redact
from tui.i18n import _, ngettext, number
from tui.platforms.base import Emit, Item, Report, Source, StateName, Warn
from tui.platforms.http import (
    DEADLINE,
    MAX_BODY,
    Backoff,
    BadReply,
    CapReached,
    HostToken,
    Refused,
    Reply,
    Transient,
    make_client,
    request,
    retry_after,
)

T = TypeVar("T")
MAX_PACE_WAIT = 900.0  # never sleep longer than this on a rate-limit reset header
MAX_SEEN = 200_000  # remote ids remembered for the "new" count and Bluesky's paging stop
HEARTBEAT_EVERY = 60.0  # seconds: a quiet source still records its last contact this often
_REMAINING = ("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining")


@dataclass(frozen=True, slots=True)
class Pacing:
    """How often and how patiently a source polls (tests shrink every figure)."""

    interval: float = 10.0  # seconds between passes
    backoff_base: float = 1.0  # first retry waits 0.5-1x this, doubling per failure
    backoff_cap: float = 120.0
    backfill: int = 400  # posts read back in time per pass (the first pass reads the past)
    once_attempts: int = 4  # with `once`: tries per request before giving up
    once_max_wait: float = 60.0  # with `once`: a longer rate-limit wait gives up
    deadline: float = DEADLINE  # seconds for one whole request, body included
    max_bytes: int = MAX_BODY


class Stop(Exception):
    """The source cannot go on; the message (safe to show) says why."""


class Malformed(ValueError):
    """A post missing a field or with a field of the wrong type."""


def text_field(data: Any, key: str, *, required: bool = True) -> str:
    """`data[key]` as a string; `Malformed` when required and absent or not a string."""
    if not isinstance(data, dict):
        raise Malformed("not an object")
    value = data.get(key)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return ""
    raise Malformed(f"no {key!r}")


def count_field(data: Any, *keys: str) -> int:
    """The sum of the non-negative integer fields `keys` (absent or odd values count 0)."""
    total = 0
    for key in keys:
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            total += value
    return total


def id_order(remote_id: str) -> tuple[int, str]:
    """Sort key for status/tweet ids: numeric strings compare by value, flake ids by length then text."""
    return (len(remote_id.lstrip("0")), remote_id.lstrip("0"))


class PollingSource(Source):
    """A hashtag on a platform, read pass after pass; subclasses write `poll` (one pass)."""

    token_hint: ClassVar[str] = ""  # the env var(s) to name when the platform refuses us

    def __init__(
        self,
        spec: str,
        base_url: str,
        tag: str,
        *,
        pacing: Pacing,
        transport: httpx.AsyncBaseTransport | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        super().__init__(spec)
        self.base_url = base_url.rstrip("/")
        self.tag = tag
        self.pacing = pacing
        self.transport = transport
        self.backoff = Backoff(pacing.backoff_base, pacing.backoff_cap)
        self.seen: dict[str, None] = {}  # remote ids delivered, oldest first
        self.new = 0  # posts this source delivered for the first time
        self.client: httpx.AsyncClient | None = None
        self._secrets = [s for s in secrets if s]
        self.credential_note = ""  # why a credential was withheld from this host, shown in every state
        self._not_before = 0.0
        self._once = False
        self._emit: Emit | None = None
        self._report: Report | None = None
        self._warn: Warn | None = None
        self._saved: SourceRecord | None = None  # the record last committed (or resumed from)
        self._saved_at = 0.0  # monotonic time of that commit

    @property
    def host(self) -> str:
        url = httpx.URL(self.base_url)
        return f"{url.host}:{url.port}" if url.port else url.host

    # -- the Source contract ------------------------------------------------

    def resume(self, record: SourceRecord | None) -> None:
        if record is not None:
            self._saved = record
            self.restore(dict(record.cursors))

    def cursors(self) -> dict[str, str]:
        """Where the next request starts; committed with each page (subclasses)."""
        return {}

    def restore(self, cursors: dict[str, str]) -> None:
        """Take up saved `cursors` (subclasses; unknown or odd values are ignored)."""

    async def run(self, emit: Emit, report: Report, warn: Warn, *, once: bool = False) -> None:
        self._emit, self._report, self._warn, self._once = emit, report, warn, once
        self.report("starting", _("#{tag} on {host}").format(tag=self.tag, host=self.host))
        try:
            async with make_client(self.transport) as client:
                self.client = client
                await self.prepare()
                await self.serve(once)
        except Stop as stop:
            self.report("stopped", str(stop))
            await self._record_stop(str(stop))
        finally:
            self.client = None

    async def prepare(self) -> None:
        """Anything needed before the first pass (a login, a token check)."""

    async def serve(self, once: bool) -> None:
        """Pass after pass until cancelled; with `once`, a single pass."""
        while True:
            await self.poll()
            await self.deliver([])  # the heartbeat, when due
            if once:
                self.report("done", self.done_detail())
                return
            self.report("live", self.live_detail())
            await asyncio.sleep(self.pacing.interval)

    @abstractmethod
    async def poll(self) -> None:
        """One full pass: every page available now, delivered through `deliver`."""

    # -- states and warnings ------------------------------------------------

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def report(self, state: StateName, detail: str = "", retry_in: float | None = None) -> None:
        assert self._report is not None
        if self.credential_note:
            detail = f"{detail}; {self.credential_note}" if detail else self.credential_note
        self._report(self.state(state, self.redact(detail), retry_in))

    def warn(self, message: str) -> None:
        assert self._warn is not None
        self._warn(self.redact(f"{self.spec}: {message}"))

    def reject(self, count: int, message: str) -> None:
        """Count `count` skipped inputs and say why."""
        self.rejected += count
        self.warn(message)

    def live_detail(self) -> str:
        return ngettext("polling every {seconds} s, {count} new", "polling every {seconds} s, {count} new", self.new).format(
            seconds=f"{self.pacing.interval:g}", count=number(self.new))

    def done_detail(self) -> str:
        done = ngettext("one pass, {count} new", "one pass, {count} new", self.new).format(count=number(self.new))
        if self.rejected:
            done += ngettext(", {count} skipped", ", {count} skipped", self.rejected).format(count=number(self.rejected))
        return done

    def refused(self, error: Refused) -> str:
        """The stop message for a final refusal (subclasses add what to fix)."""
        edge_block = "HTML page" in str(error)  # a proxy or firewall answered, not the platform
        hint = f"; check {self.token_hint}" if self.token_hint and error.status in (401, 403) and not edge_block else ""
        if isinstance(error, CapReached) and error.resets_in is not None:
            when = datetime.now(UTC) + timedelta(seconds=error.resets_in)
            hint = f"; resets at {when:%Y-%m-%d %H:%M} UTC"
        return f"{error}{hint}"

    # -- requests -------------------------------------------------------------

    def auth(self) -> HostToken | None:
        """The credentials for this source's own host, if it has any."""
        return None

    async def send(self, url: str, params: dict[str, Any] | None) -> Reply:
        """One GET; subclasses override to add a login or renew a token."""
        assert self.client is not None
        return await request(
            self.client, "GET", url, params=params, auth=self.auth(),
            deadline=self.pacing.deadline, max_bytes=self.pacing.max_bytes,
        )

    async def get(self, url: str, params: dict[str, Any] | None = None, *, shape: Callable[[Any], T]) -> T:
        """GET `url` until it answers; `shape` checks the JSON (raising `BadReply`) and returns it."""
        data, _ = await self.get_with_headers(url, params, shape=shape)
        return data

    async def get_with_headers(self, url: str, params: dict[str, Any] | None = None, *,
                               shape: Callable[[Any], T]) -> tuple[T, httpx.Headers]:
        """`get`, keeping the reply's headers (for paging links)."""

        async def attempt() -> tuple[T, httpx.Headers]:
            reply = await self.send(url, params)
            self._pace(reply.headers)
            return shape(reply.data), reply.headers

        return await self.retrying(attempt)

    async def retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call` until it succeeds: the retry policy described in the module docstring."""
        failures = 0
        while True:
            await self._wait_turn()
            try:
                result = await call()
            except Refused as error:
                raise Stop(self.refused(error)) from None
            except (Transient, BadReply) as error:
                failures += 1
                if isinstance(error, BadReply):
                    self.reject(1, f"{error}; asking again")
                delay = self.backoff.next_delay(at_least=getattr(error, "retry_after", None))
                if self._once and delay > self.pacing.once_max_wait:
                    raise Stop(f"{error}; try again in {delay:.0f} s") from None
                if self._once and failures >= self.pacing.once_attempts:
                    raise Stop(f"gave up after {failures} tries: {error}") from None
                self.report("retrying", str(error), retry_in=delay)
                await asyncio.sleep(delay)
            else:
                self.backoff.reset()
                if failures:
                    self.report("live", self.live_detail())
                return result

    def _pace(self, headers: httpx.Headers) -> None:
        """After a reply saying the quota is used up, hold the next request until the reset."""
        value = next((headers[name] for name in _REMAINING if name in headers), None)
        try:
            remaining = float(value) if value is not None else 1.0
        except ValueError:
            return
        if remaining > 0:
            return
        wait = retry_after(headers)
        if wait:
            self._not_before = time.monotonic() + min(wait, MAX_PACE_WAIT)

    async def _wait_turn(self) -> None:
        delay = self._not_before - time.monotonic()
        if delay <= 0:
            return
        if self._once and delay > self.pacing.once_max_wait:
            raise Stop(f"rate limit used up; try again in {delay:.0f} s")
        self.report("retrying", "rate limit used up", retry_in=delay)
        await asyncio.sleep(delay)

    # -- posts ----------------------------------------------------------------

    def parse_all(self, raws: Iterable[Any], parse: Callable[[Any], Item | None], where: str) -> list[Item]:
        """Items from raw posts; `parse` returns None to skip quietly (a boost) or raises
        `Malformed` (or a lookup/type error) for a bad post, which is counted and reported."""
        items, bad = parse_each(raws, parse)
        self.count_bad(bad, where)
        return items

    def count_bad(self, bad: int, where: str) -> None:
        if bad:
            self.reject(bad, f"{where}: {bad} malformed post{'s' if bad > 1 else ''} skipped")

    async def deliver(self, items: list[Item]) -> None:
        """Hand items to `emit` (once each per call), counting those not delivered before,
        with the source's record (`cursors()` as they stand now) to commit alongside.

        Subclasses move their cursors past a page *before* delivering it, so the
        page and the cursor after it are committed together or not at all.
        """
        unique: dict[str, Item] = {}
        for item in items:
            unique.setdefault(item["remote_id"], item)
        record = self._due_record(bool(unique))
        if not unique and record is None:
            return
        for remote_id in unique:
            if remote_id not in self.seen:
                self.seen[remote_id] = None
                self.new += 1
        while len(self.seen) > MAX_SEEN:
            del self.seen[next(iter(self.seen))]
        await self._commit(list(unique.values()), record)

    def _due_record(self, with_items: bool) -> SourceRecord | None:
        """The record to commit now: with any items, when the cursors moved, to clear
        a saved stop, or when the heartbeat is due; else None (nothing to write)."""
        cursors, saved = self.cursors(), self._saved
        stale = time.monotonic() - self._saved_at >= HEARTBEAT_EVERY
        if saved is None or with_items or stale or cursors != saved.cursors or saved.stopped:
            return SourceRecord(self.spec, cursors, heartbeat=now_iso())
        return None

    async def _record_stop(self, reason: str) -> None:
        """Keep why the source stopped (redacted), with its cursors and last contact."""
        heartbeat = self._saved.heartbeat if self._saved else ""
        await self._commit([], SourceRecord(self.spec, self.cursors(), heartbeat, self.redact(reason)))

    async def _commit(self, items: list[Item], record: SourceRecord | None) -> None:
        assert self._emit is not None
        await self._emit(items, source_state=record)
        if record is not None:
            self._saved, self._saved_at = record, time.monotonic()


def parse_each(raws: Iterable[Any], parse: Callable[[Any], Item | None]) -> tuple[list[Item], int]:
    """(items, how many raw posts were malformed): no callbacks, so it may run in a worker thread."""
    items: list[Item] = []
    bad = 0
    for raw in raws:
        try:
            item = parse(raw)
        except (Malformed, KeyError, TypeError, ValueError, AttributeError, IndexError):
            bad += 1
            continue
        if item is not None:
            items.append(item)
    return items, bad


def json_list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise BadReply("reply is not a JSON list")
    return data


def json_object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadReply("reply is not a JSON object")
    return data
