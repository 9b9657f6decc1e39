"""A pass that stops partway keeps every page it read, and the next pass goes on from there.

Each platform's fake serves pages shaped like the recorded traffic; a gate in
front of it counts the pages it serves (by their cursor) and, after 1, 2 or
3 good pages, answers a fault: a 429 whose reset is 900 s away, a page that
says the quota is used up (`remaining: 0`), a 400, or a dropped connection.
A new source, resumed from the store's record, then finishes the pass: every
post is stored once and no page is served twice.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from store.model import SourceRecord
from store.session_store import SessionStore
from tests.fixtures_platforms import FakeBluesky, FakeMastodon, FakeX
from tests.httpserver import LocalServer, Request, Response
from tui.platforms.base import Item, SourceState
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.polling import Pacing, PollingSource
from tui.platforms.x_source import XSource

pytestmark = pytest.mark.timeout(90)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0, once_attempts=3)
X_TOKEN = "x-bearer-token-abc"
RESET_IN = 900  # seconds: far past `once_max_wait`, so `--once` stops instead of waiting


@dataclass
class Platform:
    """One fake platform behind a page-counting gate."""

    name: str
    server: LocalServer
    fake: Any
    path: str
    cursor_args: tuple[str, ...]  # the query arguments that name a page
    posts: int  # posts on the fake
    page_size: int
    spec: str
    env: dict[str, str] = field(default_factory=dict)

    def source(self) -> PollingSource:
        url = self.server.url
        if self.name == "x":
            return XSource(self.spec, url, "qtime", token=X_TOKEN, pacing=FAST)
        if self.name == "mastodon":
            return MastodonSource(self.spec, url, "qtime", pacing=FAST)
        return BlueskySource(self.spec, url, "qtime", handle=self.fake.handle, app_password=self.fake.password,
                             pacing=FAST)


def platform(name: str, server: LocalServer) -> Platform:
    url = server.url
    if name == "x":
        fake: Any = FakeX(server, token=X_TOKEN)
        for n in range(350):
            fake.post(f"question {n}", username=f"user{n % 9}")
        return Platform(name, server, fake, "/2/tweets/search/recent", ("since_id", "next_token"), 350, 100,
                        f"x:{url}#qtime", {"QTIME_X_BEARER_TOKEN": X_TOKEN, "QTIME_X_URL": url})
    if name == "mastodon":
        fake = FakeMastodon(server)
        for n in range(170):
            fake.post(f"question {n}")
        return Platform(name, server, fake, fake.timeline_path, ("min_id", "max_id"), 170, 40, f"mastodon:{url}#qtime")
    fake = FakeBluesky(server)
    for n in range(350):
        fake.post(f"question {n}")
    return Platform(name, server, fake, "/xrpc/app.bsky.feed.searchPosts", ("cursor",), 350, 100,
                    f"bluesky:{url}#qtime",
                    {"QTIME_BLUESKY_HANDLE": fake.handle, "QTIME_BLUESKY_APP_PASSWORD": fake.password, "QTIME_BLUESKY_URL": url})


def fault_response(name: str, kind: str) -> Response:
    """The platform's own answer for `kind`, shaped as it sends it."""
    reset_epoch = str(int(time.time()) + RESET_IN)
    if kind == "drop":
        return Response(drop=True)
    if kind == "429":
        if name == "x":
            return Response.json({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                                  "status": 429}, 429,
                                 {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset_epoch})
        if name == "mastodon":
            reset = (datetime.now(UTC) + timedelta(seconds=RESET_IN)).isoformat()
            return Response.json({"error": "Too many requests"}, 429, {"X-RateLimit-Remaining": "0",
                                                                       "X-RateLimit-Reset": reset})
        return Response.json({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429,
                             {"RateLimit-Remaining": "0", "RateLimit-Reset": reset_epoch})
    assert kind == "400"
    if name == "x":
        return Response.json(X_400, 400)
    if name == "mastodon":
        return Response.json({"error": "Invalid max_id"}, 400)
    return Response.json({"error": "InvalidRequest", "message": "Invalid cursor"}, 400)


X_400 = {
    "errors": [{"parameters": {"previous_token": ["7140dibdnow9c7btw4539ojm4l"]},
                "message": "The query parameter [previous_token] is not one of [query,start_time,end_time,since_id,"
                           "until_id,max_results,next_token,pagination_token,sort_order,expansions,tweet.fields]"}],
    "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}


def used_up(response: Response, name: str) -> None:
    """Make a good page say the quota is used up, the reset 900 s away."""
    for header in [h for h in response.headers if "ratelimit" in h.lower().replace("-", "")]:
        del response.headers[header]
    reset_epoch = str(int(time.time()) + RESET_IN)
    if name == "x":
        response.headers.update({"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset_epoch})
    elif name == "mastodon":
        reset = (datetime.now(UTC) + timedelta(seconds=RESET_IN)).isoformat()
        response.headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    else:
        response.headers.update({"RateLimit-Remaining": "0", "RateLimit-Reset": reset_epoch})


class Gate:
    """In front of a fake's page route: counts pages served, faults after `good` of them."""

    def __init__(self, p: Platform, handler: Callable[[Request], Response]) -> None:
        self.p = p
        self.handler = handler
        self.lock = threading.Lock()
        self.served: Counter[tuple[str | None, ...]] = Counter()  # page (its cursor) -> times served
        self.kind: str | None = None
        self.good = 0
        self.blocked = threading.Event()  # "block": a request waits here (for a kill)
        self.release = threading.Event()
        p.server.route("GET", p.path, self)

    def arm(self, kind: str | None, good: int = 0) -> None:
        with self.lock:
            self.kind, self.good, self.served = kind, good, Counter()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            kind, pages = self.kind, sum(self.served.values())
        if kind and kind != "remaining0" and pages >= self.good:
            if kind == "block":
                self.blocked.set()
                self.release.wait(30)
                return Response(drop=True)
            return fault_response(self.p.name, kind)
        response = self.handler(request)
        if response.status == 200:
            with self.lock:
                self.served[tuple(request.arg(a) for a in self.p.cursor_args)] += 1
                if kind == "remaining0" and sum(self.served.values()) == self.good:
                    used_up(response, self.p.name)
        return response

    def pages(self) -> int:
        with self.lock:
            return sum(self.served.values())


async def run_once(p: Platform, store: SessionStore) -> list[SourceState]:
    """One `--once` pass of a new source resumed from `store`, as `qtime ingest` runs it."""
    states: list[SourceState] = []

    async def emit(batch: list[Item], *, source_state: Any = None) -> None:
        await asyncio.to_thread(store.add_questions, batch, actor="ingest", source_state=source_state)

    source = p.source()
    source.resume(store.source_record(p.spec))
    await source.run(emit, states.append, lambda _message: None, once=True)
    return states


def stored_ids(store: SessionStore) -> Counter[str]:
    return Counter(q.remote_id for q in store.state.questions.values())


@pytest.mark.parametrize("name", ["x", "mastodon", "bluesky"])
@pytest.mark.parametrize("kind", ["429", "remaining0", "400", "drop"])
@pytest.mark.parametrize("good", [1, 2, 3])
async def test_a_stopped_pass_keeps_its_pages_and_the_next_pass_reads_none_twice(
        tmp_path: Path, name: str, kind: str, good: int) -> None:
    with LocalServer() as server:
        p = platform(name, server)
        gate = Gate(p, server.routes[("GET", p.path)])
        store = SessionStore.open(tmp_path / "s.json", actor="ingest")
        gate.arm(kind, good)
        states = await run_once(p, store)
        assert states[-1].state == "stopped", states[-1]
        assert gate.pages() == good
        assert len(stored_ids(store)) == good * p.page_size  # every post of every good page
        record = store.source_record(p.spec)
        assert record is not None and record.stopped == states[-1].detail and record.heartbeat
        served_before = gate.served.copy()

        gate.arm(None)  # healed; a new source resumes from the store's record
        states = await run_once(p, store)
        assert states[-1].state == "done", states[-1]
        assert not set(gate.served) & set(served_before)  # no page read twice
        assert set(gate.served.values()) == {1}
        counts = stored_ids(store)
        assert len(counts) == p.posts and set(counts.values()) == {1}
        record = store.source_record(p.spec)
        assert record is not None and record.stopped == ""
        store.close()
        reopened = SessionStore.open(tmp_path / "s.json", create=False)
        assert reopened.source_record(p.spec) == record  # the record survives the snapshot
        reopened.close()


def ingest(store: Path, p: Platform) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QTIME_") and "proxy" not in k.lower()}
    return subprocess.Popen([sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store),
                             "--source", p.spec], env={**clean, **p.env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("name", ["x", "mastodon", "bluesky"])
def test_kill_9_of_qtime_ingest_mid_pass_loses_no_page_and_reads_none_twice(tmp_path: Path, name: str) -> None:
    store = tmp_path / "s.json"
    with LocalServer() as server:
        p = platform(name, server)
        gate = Gate(p, server.routes[("GET", p.path)])
        gate.arm("block", 2)
        process = ingest(store, p)
        try:
            assert gate.blocked.wait(40), "the third page was never asked for"
        finally:
            process.kill()  # SIGKILL: no cleanup, no compaction
            process.communicate(timeout=20)
            gate.release.set()
        session = SessionStore.open(store, create=False)
        assert len(stored_ids(session)) == 2 * p.page_size  # both pages read before the kill
        session.close()
        served_before = gate.served.copy()

        gate.arm(None)
        again = ingest(store, p)
        out, err = again.communicate(timeout=40)
        assert again.returncode == 0, err
    assert not set(gate.served) & set(served_before) and set(gate.served.values()) == {1}
    assert out.strip() == f"{p.posts - 2 * p.page_size} new, 0 already known, 0 rejected"
    session = SessionStore.open(store, create=False)
    counts = stored_ids(session)
    session.close()
    assert len(counts) == p.posts and set(counts.values()) == {1}


async def test_a_saved_x_page_token_refused_on_resume_is_dropped_not_refused_forever(tmp_path: Path) -> None:
    with LocalServer() as server:
        p = platform("x", server)
        search = server.routes[("GET", p.path)]
        server.route("GET", p.path, lambda request: Response.json(X_400, 400)
                     if request.arg("next_token") == "stale" else search(request))
        store = SessionStore.open(tmp_path / "s.json", actor="ingest")
        since = p.fake.tweets[99]["id"]
        store.set_source(SourceRecord(p.spec, {"since_id": since, "next_token": "stale", "pass_since": since}))
        states = await run_once(p, store)
        assert states[-1].state == "stopped" and states[-1].detail.endswith("; the unfinished pass is dropped")
        record = store.source_record(p.spec)
        assert record is not None and record.cursors == {"since_id": since}
        states = await run_once(p, store)
        assert states[-1].state == "done"
        assert len(stored_ids(store)) == p.posts - 100  # everything newer than the saved since_id
        store.close()
