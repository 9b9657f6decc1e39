"""`mastodon:BASE_URL#TAG`: a hashtag timeline on one Mastodon instance.

Polling: the first pass reads the newest page and then older pages (the
`next` links) back to `Pacing.backfill` statuses, each page committed with
its `max_id`, so a backfill that stopped is finished by the next pass; later passes ask for what
is newer than the newest status read (`min_id`), following the `Link`
header's `prev` until a page is empty. Every `refresh_interval` seconds the
newest page is read again, so favourites and boosts (the votes) stay fresh.

With a token (`QTIME_MASTODON_TOKEN`) the hashtag stream (server-sent
events) is followed as well, and polling slows to `stream_interval`: it then
only fills gaps and refreshes votes. When the stream drops, polling takes
over at full pace at once and the stream is retried with backoff; a stream
the server refuses is given up for the session.

`GET /api/v2/instance` gives the instance's post limits (`limits`), which the
app uses for the `mastodon` counting profile.
"""
from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import orjson

from tui.platforms.base import Item
from tui.platforms.html_text import html_to_text
from tui.platforms.http import Backoff, BadReply, HostToken, HttpProblem, Refused, bearer, request
from tui.platforms.polling import (
    Malformed,
    Pacing,
    PollingSource,
    count_field,
    id_order,
    json_list,
    parse_each,
    text_field,
)

PAGE_LIMIT = 40  # Mastodon's maximum for timelines
MAX_PAGES = 50  # pages per forward pass; the rest waits for the next pass
MAX_EVENT = 1024 * 1024  # one server-sent event line, at most
STREAM_IDLE = 60.0  # Mastodon sends a heartbeat every ~15 s; silence this long is a dead stream
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([A-Za-z]+)"?')


@dataclass(frozen=True, slots=True)
class InstanceLimits:
    """An instance's post rules, for the `mastodon` counting profile."""

    max_characters: int
    characters_reserved_per_url: int = 23


@dataclass(frozen=True, slots=True)
class StreamEnd:
    reason: str
    refused: bool = False  # the server will not stream to us: stop trying
    lasted: float = 0.0  # seconds connected


def link_param(headers: httpx.Headers, rel: str, name: str) -> str | None:
    """The query parameter `name` of the `Link` header entry `rel` (Mastodon paging)."""
    for url, found in _LINK.findall(headers.get("link", "")):
        if found.lower() == rel:
            values = parse_qs(urlsplit(url).query).get(name)
            return values[0] if values else None
    return None


def status_item(status: Any, source: str, instance: str) -> Item | None:
    """A Mastodon Status as a question item; None for a boost (not a new question)."""
    if not isinstance(status, dict):
        raise Malformed("not an object")
    if status.get("reblog") is not None:
        return None
    status_id = text_field(status, "id")
    account = status.get("account")
    acct = text_field(account, "acct")
    uri = text_field(status, "uri", required=False)
    url = text_field(status, "url", required=False) or uri
    return {
        "source": source,
        "remote_id": status_id,
        "author": "@" + acct.lstrip("@"),
        "author_name": text_field(account, "display_name", required=False) or text_field(account, "username", required=False),
        "text": html_to_text(text_field(status, "content", required=False)),
        "url": url if url.startswith(("https://", "http://")) else "",
        "posted_at": text_field(status, "created_at", required=False),
        "votes": count_field(status, "favourites_count", "reblogs_count"),
        "spoiler": text_field(status, "spoiler_text", required=False),
        "lang": text_field(status, "language", required=False),
        "reply_ref": {"platform": "mastodon", "instance": instance, "status_id": status_id,
                      "uri": uri, "url": url, "acct": acct},
    }


def instance_limits(data: Any) -> InstanceLimits | None:
    """Limits from `/api/v2/instance` (or v1 on older servers), if it states them."""
    config = data.get("configuration") if isinstance(data, dict) else None
    statuses = config.get("statuses") if isinstance(config, dict) else None
    if not isinstance(statuses, dict):
        return None
    limit = statuses.get("max_characters")
    per_url = statuses.get("characters_reserved_per_url", 23)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        return None
    if not isinstance(per_url, int) or isinstance(per_url, bool) or per_url < 0:
        per_url = 23
    return InstanceLimits(limit, per_url)


async def server_events(chunks: AsyncIterator[bytes]) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs from a `text/event-stream` body; heartbeats and comments skipped."""
    buffer = b""
    event, data = "", list[str]()
    async for chunk in chunks:
        buffer += chunk
        while b"\n" in buffer:
            raw, buffer = buffer.split(b"\n", 1)
            line = raw.rstrip(b"\r").decode("utf-8", "replace")
            if not line:
                if data:
                    yield event or "message", "\n".join(data)
                event, data = "", list[str]()
            elif line.startswith(":"):
                continue
            else:
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
        if len(buffer) > MAX_EVENT or sum(map(len, data)) > MAX_EVENT:
            raise BadReply("stream event over 1 MB")


class MastodonSource(PollingSource):
    token_hint = "QTIME_MASTODON_TOKEN"

    def __init__(
        self,
        spec: str,
        base_url: str,
        tag: str,
        *,
        token: str | None = None,
        pacing: Pacing | None = None,
        stream: bool = True,
        stream_interval: float = 60.0,
        refresh_interval: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(spec, base_url, tag, pacing=pacing or Pacing(interval=10.0), transport=transport, secrets=[token])
        self.token = token or None
        self.stream_enabled = bool(self.token) and stream
        self.stream_interval = stream_interval
        self.refresh_interval = refresh_interval
        self.limits: InstanceLimits | None = None
        self.cursor: str | None = None  # newest status id read by polling (`min_id` of the next pass)
        self.backfill_from: str | None = None  # `max_id` of the backfill's next page, while it is unfinished
        self.backfill_read = 0  # statuses the unfinished backfill has read
        self.streaming = False
        self.source_name = f"mastodon:{self.host}"
        self._limits_settled = False
        self._last_refresh = time.monotonic()

    @property
    def timeline_url(self) -> str:
        return f"{self.base_url}/api/v1/timelines/tag/{quote(self.tag, safe='')}"

    def auth(self) -> HostToken | None:
        return bearer(self.base_url, self.token) if self.token else None

    def refused(self, error: Refused) -> str:
        if error.status == 401 and not self.token:
            return f"{error}; this instance needs a token in QTIME_MASTODON_TOKEN"
        return super().refused(error)

    def live_detail(self) -> str:
        if self.streaming:
            return f"streaming, {self.new} new"
        return super().live_detail()

    # -- polling --------------------------------------------------------------

    def cursors(self) -> dict[str, str]:
        saved = {"min_id": self.cursor, "max_id": self.backfill_from,
                 "backfill_read": str(self.backfill_read) if self.backfill_from else None}
        return {k: v for k, v in saved.items() if v}

    def restore(self, cursors: dict[str, str]) -> None:
        self.cursor = cursors.get("min_id") or None
        self.backfill_from = cursors.get("max_id") or None
        read = cursors.get("backfill_read", "")
        self.backfill_read = int(read) if read.isdigit() and self.backfill_from else 0

    async def poll(self) -> None:
        if not self._limits_settled:
            await self._read_limits()
        if self.cursor is None or self.backfill_from is not None:
            await self._backfill()
            return
        await self._forward_pass()
        if time.monotonic() - self._last_refresh >= self.refresh_interval:
            statuses = await self.get(self.timeline_url, {"limit": PAGE_LIMIT}, shape=json_list)
            await self._deliver_page(statuses)
            self._last_refresh = time.monotonic()

    async def _read_limits(self) -> None:
        """Instance limits, best effort: a network fault tries again next pass, a refusal gives up."""
        assert self.client is not None
        for version in ("v2", "v1"):
            try:
                reply = await request(self.client, "GET", f"{self.base_url}/api/{version}/instance",
                                      auth=self.auth(), deadline=self.pacing.deadline, max_bytes=self.pacing.max_bytes)
            except Refused as error:
                if error.status == 404:
                    continue
                break
            except BadReply:
                break
            except HttpProblem:
                return
            self.limits = instance_limits(reply.data)
            break
        self._limits_settled = True

    async def _backfill(self) -> None:
        """The newest page, then older ones (`max_id`) back to `backfill`, each page
        committed with the `max_id` to go on from (and, after the first, `min_id`)."""
        params: dict[str, Any] = {"limit": PAGE_LIMIT}
        if self.backfill_from is not None:
            params["max_id"] = self.backfill_from
        while True:
            page = await self.get(self.timeline_url, params, shape=json_list)
            ids = _ids(page)
            if self.cursor is None and ids:
                self.cursor = max(ids, key=id_order)  # forward passes start after the newest
                self._last_refresh = time.monotonic()
            self.backfill_read += len(page)
            oldest = min(ids, key=id_order) if ids else None
            stuck = oldest is not None and "max_id" in params and id_order(oldest) >= id_order(params["max_id"])
            done = oldest is None or stuck or self.backfill_read >= self.pacing.backfill
            self.backfill_from = None if done else oldest
            if done:
                self.backfill_read = 0
            await self._deliver_page(page)
            if done:
                return
            params = {"limit": PAGE_LIMIT, "max_id": oldest}

    async def _forward_pass(self) -> None:
        """Everything newer than `cursor`, page by page (`min_id`, then the `prev` link)."""
        for _ in range(MAX_PAGES):
            cursor = self.cursor
            assert cursor is not None
            statuses, headers = await self.get_with_headers(
                self.timeline_url, {"limit": PAGE_LIMIT, "min_id": cursor}, shape=json_list)
            if not statuses:
                return
            ids = _ids(statuses)
            newer = link_param(headers, "prev", "min_id") or (max(ids, key=id_order) if ids else None)
            progress = newer is not None and id_order(newer) > id_order(cursor)
            if newer is not None and progress:
                self.cursor = newer
            await self._deliver_page(statuses)
            if not progress:
                return  # a server repeating itself

    async def _deliver_page(self, statuses: list[Any]) -> None:
        """Statuses (newest first, as Mastodon sends them) delivered oldest first."""
        ordered = sorted((s for s in statuses if isinstance(s, dict) and isinstance(s.get("id"), str)),
                         key=lambda s: id_order(s["id"]))
        odd = [s for s in statuses if not (isinstance(s, dict) and isinstance(s.get("id"), str))]
        await self._parse_and_deliver([*odd, *ordered], f"{self.timeline_url} page")

    async def _parse_and_deliver(self, statuses: list[Any], where: str) -> None:
        """Parse in a worker thread: a page of hostile HTML takes about a second per MB."""
        items, bad = await asyncio.to_thread(parse_each, statuses, self._item)
        self.count_bad(bad, where)
        await self.deliver(items)

    def _item(self, status: Any) -> Item | None:
        return status_item(status, self.source_name, self.base_url)

    # -- streaming ------------------------------------------------------------

    async def serve(self, once: bool) -> None:
        if once or not self.stream_enabled:
            await super().serve(once)
            return
        wake = asyncio.Event()
        stream: asyncio.Task[StreamEnd] | None = None
        stream_backoff = Backoff(self.pacing.backoff_base, self.pacing.backoff_cap)
        retry_at = 0.0
        try:
            while True:
                wake.clear()
                await self.poll()
                if stream is not None and stream.done():
                    retry_at = self._stream_ended(stream.result(), stream_backoff)
                    stream = None
                if stream is None and self.stream_enabled and time.monotonic() >= retry_at:
                    stream = asyncio.create_task(self._follow_stream(wake))
                self.report("live", self.live_detail())
                interval = self.stream_interval if self.streaming else self.pacing.interval
                try:  # not `wait_for`: on 3.11 it can swallow a cancellation that races the wake-up
                    async with asyncio.timeout(interval):
                        await wake.wait()
                except TimeoutError:
                    pass
        finally:
            if stream is not None:
                stream.cancel()
                await asyncio.gather(stream, return_exceptions=True)

    def _stream_ended(self, end: StreamEnd, backoff: Backoff) -> float:
        """Decide when to try the stream again; returns the monotonic time to retry at."""
        if end.refused:
            self.stream_enabled = False
            self.warn(f"stream refused ({end.reason}); polling every {self.pacing.interval:g} s instead")
            return float("inf")
        if end.lasted >= self.stream_interval:
            backoff.reset()
        return time.monotonic() + backoff.next_delay()

    async def _follow_stream(self, wake: asyncio.Event) -> StreamEnd:
        """Follow the hashtag stream until it ends; wakes the poll loop on connect and on end."""
        assert self.client is not None
        started = time.monotonic()
        timeout = httpx.Timeout(5.0, read=STREAM_IDLE)
        try:
            async with self.client.stream(
                "GET", f"{self.base_url}/api/v1/streaming/hashtag", params={"tag": self.tag},
                auth=self.auth(), timeout=timeout,
                headers={"Accept": "text/event-stream", "Accept-Encoding": "identity"},
            ) as response:
                status = response.status_code
                if status != 200:
                    final = 400 <= status < 500 and status not in (408, 425, 429)
                    return StreamEnd(f"HTTP {status}", refused=final)
                if response.headers.get("content-encoding", "identity") != "identity" or \
                        "text/event-stream" not in response.headers.get("content-type", ""):
                    return StreamEnd("not an event stream", refused=True)
                self.streaming = True
                started = time.monotonic()
                wake.set()
                async for event, data in server_events(response.aiter_raw()):
                    await self._stream_event(event, data)
                return StreamEnd("stream closed", lasted=time.monotonic() - started)
        except BadReply as error:
            return StreamEnd(str(error), lasted=time.monotonic() - started)
        except httpx.HTTPError as error:
            return StreamEnd(f"network error: {type(error).__name__}", lasted=time.monotonic() - started)
        finally:
            self.streaming = False
            wake.set()

    async def _stream_event(self, event: str, data: str) -> None:
        if event not in ("update", "status.update"):
            return  # `delete` and others: the store keeps what was asked
        try:
            status = orjson.loads(data)
        except orjson.JSONDecodeError:
            self.reject(1, "stream: an event that is not JSON skipped")
            return
        await self._parse_and_deliver([status], "stream")


def _ids(statuses: list[Any]) -> list[str]:
    return [s["id"] for s in statuses if isinstance(s, dict) and isinstance(s.get("id"), str) and s["id"]]
