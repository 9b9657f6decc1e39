"""Network drill: every source and publisher against a local server that misbehaves.

For each fault and platform (Mastodon, Bluesky, X) one source run and one
publisher run, each against its own `tests.httpserver.LocalServer` holding
the fake platform of `tests.fixtures_platforms` (sources: hashtag search) or
`tests.publish_fakes` (publishers: a two-part answer thread). The first
requests at the platform's search / create endpoint get the fault, the rest
the fake's normal answer. Faults: timeout, connection reset (before and,
for posts, after the post was created), 429 with Retry-After, 429 with the
platform's rate-limit reset header, 429 bare, 5xx (503, 502 HTML page, 500,
504), slow drip, truncated JSON, malformed JSON, JSON of the wrong shape, a
50 MB body, a redirect to another host. Measured per run:

- survived: nothing raised out of the source or the outbox, within a time
  bound. A source reported "retrying", then "live" with every post
  delivered. A publisher left every part "posted" (and on the server) or
  "failed" with a reason, none pending; a failed part is then retried as a
  human would (`Outbox.retry`) and must end posted, except after a redirect.
- retried as expected: attempts counted at the server. A source makes one
  request per fault plus the good one, and reports "retrying" once per
  fault, with `retry_in` inside capped exponential backoff (0.5-1x
  min(cap, base * 2^n)); the server sees the next request no sooner than
  that, nor before Retry-After / the rate-limit reset. A publisher makes
  one create request per answered 429/5xx plus the good one (gaps checked
  the same way, the upper bound with 1 s slack); after an answer that was
  lost or unreadable it resends only under the same idempotency key
  (Mastodon), otherwise it looks the post up first (Bluesky, X).
- token never sent to the other host: the redirect points at a second
  server reached as `localhost` (the first is `127.0.0.1`); none of its
  recorded requests may carry Authorization or any credential anywhere.
- no credential to a host a source spec names: with every token set (each
  account on a home server), sources whose specs name a logging server on
  another loopback port, typed (`qtime ingest --once --source ...`) and
  saved in a shared store (rebuilt with `parse_spec` as the app does on
  open), run one pass each. The logger may be asked, anonymously; no
  request there may carry Authorization or any credential.
- no duplicate post: posts per text the fake platform holds at the end
  (Mastodon also keys them by Idempotency-Key, Bluesky by rkey), plus X's
  403 "duplicate content" refusals, each a blind resend.

Quick mode: fewer faults in a row, and the publishers' client gets a 1 s
per-read timeout through its transport. Full mode keeps the shipped client
timeouts (10 s per read, 30 s deadline): its publisher timeout waits out
the 10 s read timeout and its slow drip runs past the 30 s deadline.
"""
from __future__ import annotations

import asyncio
import html
import itertools
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.drills.common import Row, row
from store.model import Settings
from store.session_store import SessionStore
from tests import fixtures_platforms as read_fakes
from tests import publish_fakes
from tests.fixtures_platforms import Recorder
from tests.httpserver import LocalServer, Request, Response
from tui.platforms.bluesky_publish import BlueskyPublisher
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.http import DEADLINE, PHASE_TIMEOUT
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.outbox import Outbox
from tui.platforms.polling import Pacing, PollingSource
from tui.platforms.publishers import Publisher
from tui.platforms.specs import parse_spec
from tui.platforms.x_publish import XPublisher
from tui.platforms.x_source import XSource

PLATFORMS = ("mastodon", "bluesky", "x")
SEARCH = {"mastodon": "/api/v1/timelines/tag/qtime", "bluesky": "/xrpc/app.bsky.feed.searchPosts",
          "x": "/2/tweets/search/recent"}
CREATE = {"mastodon": "/api/v1/statuses", "bluesky": "/xrpc/com.atproto.repo.createRecord", "x": "/2/tweets"}
LOGIN = ("/xrpc/com.atproto.server.createSession", "/xrpc/com.atproto.server.refreshSession")
BACKOFF = (0.05, 0.2)  # base, cap (seconds) for sources and the outbox
EARLY = 0.02  # seconds: clock noise allowed before a "not before" time
SLACK = 1.0  # seconds: scheduling noise allowed over a backoff ceiling (2 shared cores)
POSTS = 5
M_TOKEN, X_TOKEN, PASSWORD = "drill-mastodon-token-7f3a", "drill-x-token-91c2", "drill-app-pass-55e1"
QUESTION = {"uri": "at://did:plc:asker/app.bsky.feed.post/3kquestion", "cid": "bafyquestion"}
REMOTE = "https://remote.example/@asker/555"  # the Mastodon question lives on another instance: looked up first
BIG = b"[" + b"0," * 25_000_000 + b"0]"  # 50 MB of valid JSON
_handles = itertools.count(1)  # Bluesky accounts are process-wide: a fresh handle per run


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    source_faults: tuple[int, int]  # faults in a row (quick, full); 0: not a source case
    publish_faults: tuple[int, int]  # 0: not a publisher case
    policy: str  # the waits the retries must keep: "backoff" | "retry-after" | "reset" | ""
    post: str  # publishers: "refused" (answered, nothing created), "lost" (nothing created, no answer),
    # "unanswered" (created, answer lost), "unreadable" (created, answer unusable), "ok", "redirect"


CASES = (
    Case("timeout", "timeout (no answer within the deadline / read timeout)", (1, 2), (1, 1), "backoff", "unanswered"),
    Case("reset", "connection reset, nothing created", (2, 3), (1, 1), "backoff", "lost"),
    Case("reset-after", "connection reset after the post was created", (0, 0), (1, 1), "", "unanswered"),
    Case("429-retry-after", "429 with Retry-After: 1", (1, 2), (1, 2), "retry-after", "refused"),
    Case("429-reset", "429 with the rate-limit reset header (1-2 s)", (1, 2), (1, 2), "reset", "refused"),
    Case("429-bare", "429 without a reset header", (2, 3), (2, 3), "backoff", "refused"),
    Case("5xx", "5xx (503, 502 HTML, 500, 504...)", (4, 6), (4, 5), "backoff", "refused"),
    Case("drip", "slow drip", (1, 2), (1, 1), "backoff", "ok"),
    Case("truncated", "truncated JSON", (1, 2), (1, 1), "backoff", "unreadable"),
    Case("malformed", "malformed JSON", (1, 2), (1, 1), "backoff", "unreadable"),
    Case("wrong-shape", "JSON of the wrong shape", (1, 2), (1, 1), "backoff", "unreadable"),
    Case("50mb", "50 MB body", (1, 1), (1, 1), "backoff", "unreadable"),
    Case("redirect", "307 redirect to another host", (-1, -1), (-1, -1), "", "redirect"),
)


class DrillServer(LocalServer):
    """A `LocalServer` that stays quiet when a client hangs up on it, as the drill's clients must."""

    def __enter__(self) -> DrillServer:
        super().__enter__()
        assert self._server is not None
        default = self._server.handle_error

        def handle_error(request: Any, address: Any) -> None:
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                default(request, address)

        self._server.handle_error = handle_error  # type: ignore[method-assign]
        return self


@dataclass
class Attempt:
    at: float  # wall clock, on arrival
    fault: bool
    status: int
    not_before: float | None = None  # a 429's: the client must not come back earlier


class Injector:
    """Wraps a route: the first `count` requests (all, if negative) get `fault`, the rest the real answer."""

    def __init__(self, server: LocalServer, method: str, path: str, count: int,
                 fault: Callable[[int, Request, Callable[[Request], Response]], tuple[Response, float | None]]) -> None:
        self.real = server.routes[(method, path)]
        self.count = count
        self.fault = fault
        self.attempts: list[Attempt] = []
        self.lock = threading.Lock()
        server.route(method, path, self.handle)

    def handle(self, request: Request) -> Response:
        at = time.time()
        with self.lock:
            index = len(self.attempts)
            self.attempts.append(Attempt(at, False, 0))
        faulty = self.count < 0 or index < self.count
        response, not_before = self.fault(index, request, self.real) if faulty else (self.real(request), None)
        self.attempts[index] = Attempt(at, faulty, response.status, not_before)
        return response

    @property
    def faults_served(self) -> int:
        return sum(a.fault for a in self.attempts)


def _reset_headers(platform: str, seconds: float) -> tuple[dict[str, str], float]:
    """The platform's own rate-limit headers, quota used up, resetting in about `seconds`."""
    if platform == "mastodon":  # an ISO time
        until = time.time() + seconds
        reset = datetime.fromtimestamp(until, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, until
    whole = math.ceil(time.time() + seconds)  # epoch seconds
    prefix = "RateLimit" if platform == "bluesky" else "x-rate-limit"
    return {f"{prefix}-Limit": "300", f"{prefix}-Remaining": "0", f"{prefix}-Reset": str(whole)}, float(whole)


def _redirect(other: LocalServer) -> Callable[[int, Request, Any], tuple[Response, None]]:
    port = other.url.rsplit(":", 1)[1]

    def answer(_index: int, request: Request, _real: Any) -> tuple[Response, None]:
        query = urlencode(request.query, doseq=True)
        return Response(307, b"", {"Location": f"http://localhost:{port}{request.path}?{query}"}), None
    return answer


def _fault(case: Case, platform: str, *, role: str, full: bool, deadline: float, other: LocalServer
           ) -> Callable[[int, Request, Callable[[Request], Response]], tuple[Response, float | None]]:
    """What the server does instead of (or around) its real answer, for `case`."""
    creates = role == "publish"  # a publisher's fault may come after the post was created
    if case.key == "redirect":
        return _redirect(other)

    def answer(index: int, request: Request, real: Callable[[Request], Response]) -> tuple[Response, float | None]:
        key = case.key
        if key == "timeout":
            response = real(request)
            response.delay = deadline + (1.0 if full else 0.5)
            return response, None
        if key == "reset":
            return Response(drop=True), None
        if key == "reset-after":
            real(request)
            return Response(drop=True), None
        if key == "429-retry-after":
            return Response.json({"error": "Too many requests"}, 429, {"Retry-After": "1"}), time.time() + 1.0
        if key == "429-reset":
            headers, until = _reset_headers(platform, 1.0)
            return Response.json({"error": "Too many requests"}, 429, headers), until
        if key == "429-bare":
            return Response.json({"error": "Too many requests"}, 429), None
        if key == "5xx":
            status = (503, 502, 500, 504)[index % 4]
            if status == 502:
                return Response(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                                {"Content-Type": "text/html"}), None
            return Response.json({"error": "Service unavailable"}, status), None
        if key == "50mb":
            if creates:
                real(request)
            return Response(200, BIG, {"Content-Type": "application/json"}), None
        response = real(request)
        if key == "drip":
            # sources: far past the pass's deadline; publishers: a slow but complete answer
            # (quick) or one running past the client's 30 s deadline (full)
            total = 3 * deadline if not creates else (DEADLINE + 10 if full else 1.0)
            response.drip = total / max(1, len(response.body))
        elif key == "truncated":
            response.body = response.body[: len(response.body) // 2]
        elif key == "malformed":
            response.body = response.body.replace(b'"', b"'")  # single-quoted JSON
        elif key == "wrong-shape":
            response.body = {"mastodon": b'{"statuses": []}', "bluesky": b'{"posts": {"3k": 1}}',
                             "x": b'{"data": {"id": "1"}}'}[platform] if not creates else b"[]"
        return response, None
    return answer


def _secret_in(request: Request, secrets: list[str]) -> bool:
    text = " ".join([request.path, repr(request.query), *request.headers.values(),
                     request.body.decode("utf-8", "replace")])
    return "authorization" in request.headers or any(s and s in text for s in secrets)


@dataclass
class Outcome:
    platform: str
    survived: bool = False
    state: str = ""
    retried: bool = True
    attempts: int = 0
    expected: int = 0
    margin: float | None = None  # seconds: the smallest wait over what the policy required
    other_requests: int = 0
    leaks: int = 0
    posts: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    def check(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok

    def wait(self, seconds: float, required: float) -> bool:
        self.margin = seconds - required if self.margin is None else min(self.margin, seconds - required)
        return seconds >= required - EARLY


def _ceiling(n: int) -> float:
    return min(BACKOFF[1], BACKOFF[0] * 2 ** n)


# -- sources ----------------------------------------------------------------------------


def _source(platform: str, server: LocalServer, pacing: Pacing) -> tuple[PollingSource, list[str]]:
    spec = f"{platform}:{server.url}#qtime"
    if platform == "mastodon":
        fake = read_fakes.FakeMastodon(server, token=M_TOKEN)
        for n in range(POSTS):
            fake.post(f"question {n}")
        return MastodonSource(spec, server.url, "qtime", token=M_TOKEN, pacing=pacing, stream=False), [M_TOKEN]
    if platform == "bluesky":
        bluesky = read_fakes.FakeBluesky(server, handle=f"drill{next(_handles)}.bsky.social", password=PASSWORD)
        for n in range(POSTS):
            bluesky.post(f"question {n}")
        return BlueskySource(spec, server.url, "qtime", handle=bluesky.handle, app_password=PASSWORD,
                             pacing=pacing), [PASSWORD]
    x = read_fakes.FakeX(server, token=X_TOKEN)
    for n in range(POSTS):
        x.post(f"question {n}")
    return XSource(spec, server.url, "qtime", token=X_TOKEN, pacing=pacing), [X_TOKEN]


def _serve_publicly(platform: str, other: LocalServer) -> None:
    """The other host answers the search without a token (it must not get one)."""
    if platform == "mastodon":
        read_fakes.FakeMastodon(other).post("from the other host")
    elif platform == "bluesky":
        read_fakes.FakeBluesky(other, require_auth=False).post("from the other host")
    else:
        other.route("GET", SEARCH["x"], Response.json({"meta": {"result_count": 0}}))


async def source_run(case: Case, platform: str, full: bool) -> Outcome:
    out = Outcome(platform)
    count = case.source_faults[full]
    deadline = 2.0 if full else 1.0
    pacing = Pacing(interval=0.1, backoff_base=BACKOFF[0], backoff_cap=BACKOFF[1], deadline=deadline)
    with DrillServer() as origin, DrillServer() as other:
        source, secrets = _source(platform, origin, pacing)
        injector = Injector(origin, "GET", SEARCH[platform], count,
                            _fault(case, platform, role="source", full=full, deadline=deadline, other=other))
        redirect = count < 0
        if redirect:
            _serve_publicly(platform, other)
        rec = Recorder()

        def done() -> bool:
            if not rec.states:
                return False
            if redirect:
                return bool(other.requests) and rec.last.state in ("live", "stopped")
            return injector.faults_served >= count and len(rec.by_id()) >= POSTS and rec.last.state == "live"

        task = asyncio.create_task(source.run(rec.emit, rec.report, rec.warn))
        crashed = ""
        try:
            async with asyncio.timeout(60 if full else 30):
                while not done() and not task.done():
                    await asyncio.sleep(0.02)
        except TimeoutError:
            pass
        finally:
            task.cancel()
            for result in await asyncio.gather(task, return_exceptions=True):
                if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                    crashed = f"raised {type(result).__name__}: {result}"
        if isinstance(source, BlueskySource) and source.account is not None:
            secrets += [source.account._access, source.account._refresh]
        out.other_requests = len(other.requests)
        out.leaks = sum(_secret_in(r, secrets) for r in other.requests)
    states = [s.state for s in rec.states]
    last = rec.last if rec.states else None
    out.state = f"{last.state if last else 'no state'}, {len(rec.by_id())} posts" + (f" ({last.detail})" if last and last.state == "stopped" else "")
    if redirect:
        out.survived = out.check(not crashed and last is not None and last.state in ("live", "stopped") and
                                 (last.state == "live" or bool(last.detail)), crashed or f"ended {out.state}")
        out.check(out.other_requests > 0, "the redirect was not followed")
        return out
    went_live = "retrying" in states and "live" in states[states.index("retrying"):]
    out.survived = out.check(not crashed and done() and went_live, crashed or f"ended {out.state}, states {states[-4:]}")
    # retries: one request per fault, one "retrying" per fault, waits per policy
    reports = [s for s in rec.states if s.state == "retrying"]
    first_good = next((i for i, a in enumerate(injector.attempts) if not a.fault), len(injector.attempts))
    out.attempts, out.expected = first_good + 1, count + 1
    ok = out.check(out.attempts == out.expected and len(reports) == count,
                   f"{out.attempts} requests and {len(reports)} retry reports for {count} faults")
    attempts = injector.attempts
    for n, report in enumerate(reports[:count]):
        if n + 1 >= len(attempts):
            break
        gap = attempts[n + 1].at - attempts[n].at
        retry_in = report.retry_in or 0.0
        if case.policy == "backoff":
            ok &= out.check(0.5 * _ceiling(n) - 1e-9 <= retry_in <= _ceiling(n) + 1e-9,
                            f"retry {n + 1}: retry_in {retry_in:.3f} s outside backoff 0.5-1x {_ceiling(n):.3f} s")
            ok &= out.check(out.wait(gap, retry_in), f"retry {n + 1}: came back after {gap:.3f} s, said {retry_in:.3f} s")
        else:
            not_before = attempts[n].not_before or attempts[n].at
            ok &= out.check(out.wait(attempts[n + 1].at - attempts[n].at, not_before - attempts[n].at),
                            f"retry {n + 1}: came back {not_before - attempts[n + 1].at:.3f} s before the limit reset")
    out.retried = ok
    return out


# -- publishers -------------------------------------------------------------------------


class ShortTimeouts(httpx.AsyncHTTPTransport):
    """The client's per-phase timeouts cut to `seconds` (quick mode: a read timeout after 1 s, not 10)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions = {**request.extensions, "timeout": httpx.Timeout(self.seconds).as_dict()}
        return await super().handle_async_request(request)


@dataclass
class PublishRig:
    fake: Any
    publisher: Publisher
    reply_ref: dict[str, Any]
    parts: list[str]
    author: str
    secrets: list[str]

    def texts(self) -> Counter[str]:
        """Posts the platform holds, per text."""
        if isinstance(self.fake, publish_fakes.FakeMastodon):
            return Counter(s["content"] for s in self.fake.statuses.values())
        if isinstance(self.fake, publish_fakes.FakeBluesky):
            return Counter(r["value"]["text"] for r in self.fake.records.values())
        return Counter(html.unescape(t["text"]) for t in self.fake.tweets)

    def holds(self, remote_id: str) -> bool:
        if isinstance(self.fake, publish_fakes.FakeMastodon):
            return remote_id in self.fake.statuses
        if isinstance(self.fake, publish_fakes.FakeBluesky):
            return any(r["uri"] == remote_id for r in self.fake.records.values())
        return any(t["id"] == remote_id for t in self.fake.tweets)


def _publish_rig(platform: str, server: LocalServer) -> PublishRig:
    if platform == "mastodon":
        fake = publish_fakes.FakeMastodon(server, M_TOKEN)
        fake.remote[REMOTE] = "555"
        ref = {"platform": "mastodon", "status_id": "555", "instance": "https://remote.example", "url": REMOTE}
        parts = ["@asker@remote.example 1/2 The rollout starts in Milan #qtime", "2/2 then Rome and Turin #qtime"]
        return PublishRig(fake, MastodonPublisher(server.url, M_TOKEN), ref, parts, "@asker@remote.example", [M_TOKEN])
    if platform == "bluesky":
        handle = f"host{next(_handles)}.example.com"
        bluesky = publish_fakes.FakeBluesky(server, handle, PASSWORD)
        parts = ["@asker.bsky.social 1/2 The rollout starts in Milan #qtime", "2/2 then Rome and Turin #qtime"]
        publisher = BlueskyPublisher(server.url, handle, PASSWORD)
        return PublishRig(bluesky, publisher, {"platform": "bluesky", **QUESTION}, parts, "@asker.bsky.social",
                          [PASSWORD, bluesky.token, "refresh-jwt"])
    x = publish_fakes.FakeX(server, X_TOKEN)
    parts = ["@asker 1/2 The rollout starts in Milan #qtime", "2/2 then Rome and Turin #qtime"]
    return PublishRig(x, XPublisher(server.url, X_TOKEN), {"platform": "x", "tweet_id": "1700"}, parts, "@asker", [X_TOKEN])


def _expected_creates(case: Case, platform: str, count: int, full: bool) -> int:
    """Create requests for the faulted first part (the second part is then created once)."""
    post = "unanswered" if case.key == "drip" and full else case.post
    if post == "refused":
        return count + 1  # every answered 429/5xx, then the post
    if post == "lost":
        return 2  # sent again (same key / rkey looked up first / X: after a human's retry)
    if post in ("unanswered", "unreadable"):
        return 2 if platform == "mastodon" else 1  # Mastodon resends under the same key; Bluesky, X find it
    return 1


def _parts_state(outbox: Outbox, qid: str) -> str:
    parts = outbox.parts(qid)
    posted = sum(p.state == "posted" for p in parts)
    failed = next((p for p in parts if p.state == "failed"), None)
    if failed is None:
        return f"posted {posted}/{len(parts)}"
    reason = failed.reason if len(failed.reason) <= 80 else failed.reason[:79] + "…"
    return f"posted {posted}/{len(parts)}, failed: {reason}"


async def publish_run(case: Case, platform: str, full: bool, folder: Path) -> Outcome:
    out = Outcome(platform)
    count = case.publish_faults[full]
    read_timeout = (PHASE_TIMEOUT.read or 10.0) if full else 1.0
    transport = None if full else ShortTimeouts(read_timeout)
    with DrillServer() as origin, DrillServer() as other:
        rig = _publish_rig(platform, origin)
        fault = _fault(case, platform, role="publish", full=full, deadline=read_timeout, other=other)
        injector = Injector(origin, "POST", CREATE[platform], count, fault)
        if count < 0:  # every endpoint but the login points at the other host
            for method, path in list(origin.routes):
                if path not in LOGIN and path != CREATE[platform]:
                    Injector(origin, method, path, -1, fault)
            other.route("GET", "/api/v2/search", Response.json({"statuses": [{"id": "555"}]}))
        store, qid = await asyncio.to_thread(publish_fakes.answered_session, folder / f"{case.key}-{platform}.json",
                                             rig.reply_ref, rig.parts, source=platform, author=rig.author)
        outbox = Outbox(store, [rig.publisher], transport=transport, backoff=BACKOFF)
        crashed, first, after_retry = "", "", ""
        try:
            async with asyncio.timeout(120 if full else 30):
                await asyncio.to_thread(outbox.enqueue, qid)
                await outbox.send_pending()
                first = _parts_state(outbox, qid)
                failed = [p for p in outbox.parts(qid) if p.state == "failed"]
                if failed and count >= 0:  # what a human does: retry the failed part (a redirect stays)
                    await asyncio.to_thread(outbox.retry, failed[0].id)
                    await outbox.send_pending()
                    after_retry = _parts_state(outbox, qid)
        except TimeoutError:
            crashed = "hung"
        except Exception as error:
            crashed = f"raised {type(error).__name__}: {error}"
        parts = outbox.parts(qid)
        await asyncio.to_thread(store.close)
        out.other_requests = len(other.requests)
        out.leaks = sum(_secret_in(r, rig.secrets) for r in other.requests)
        texts = rig.texts()
        out.posts = sum(texts.values())
        refusals = sum(a.status == 403 for a in injector.attempts)  # X: duplicate content
        out.duplicates = sum(n - 1 for n in texts.values() if n > 1) + refusals
    out.state = first + (f" → retried: {after_retry}" if after_retry else "")
    reasons = all(p.reason for p in parts if p.state == "failed")
    on_server = all(rig.holds(p.remote_id) for p in parts if p.state == "posted")
    settled = bool(parts) and all(p.state in ("posted", "failed") for p in parts)
    final_ok = all(p.state == "posted" for p in parts) if count >= 0 else \
        all(p.state == "failed" for p in parts) and "redirect" in first
    out.survived = out.check(not crashed and settled and reasons and on_server and final_ok,
                             crashed or f"ended {out.state or 'with no parts'}")
    out.check(out.duplicates == 0, f"{out.duplicates} duplicate post(s)")
    out.attempts = len(injector.attempts)
    later_parts = len(rig.parts) - 1 if count >= 0 else 0  # after a redirect the thread stays failed
    out.expected = _expected_creates(case, platform, count, full) + later_parts
    ok = out.check(out.attempts == out.expected, f"{out.attempts} create requests, expected {out.expected}")
    if case.post == "refused":
        attempts = injector.attempts
        for n in range(min(count, len(attempts) - 1)):
            gap = attempts[n + 1].at - attempts[n].at
            if case.policy == "backoff":
                ok &= out.check(out.wait(gap, 0.5 * _ceiling(n)) and gap <= _ceiling(n) + SLACK,
                                f"retry {n + 1} after {gap:.3f} s, backoff 0.5-1x {_ceiling(n):.3f} s")
            else:
                not_before = attempts[n].not_before or attempts[n].at
                ok &= out.check(out.wait(gap, not_before - attempts[n].at),
                                f"retry {n + 1} came {not_before - attempts[n + 1].at:.3f} s before the limit reset")
    out.retried = ok
    return out


# -- credentials and hosts a spec names --------------------------------------------------


def _every_account_on(home: LocalServer, folder: Path) -> dict[str, str]:
    return {"QTIME_ACCOUNTS": str(folder / "no-accounts.toml"),
            "QTIME_MASTODON_URL": home.url, "QTIME_MASTODON_TOKEN": M_TOKEN,
            "QTIME_BLUESKY_URL": home.url, "QTIME_BLUESKY_HANDLE": "drill-home.bsky.social",
            "QTIME_BLUESKY_APP_PASSWORD": PASSWORD, "QTIME_X_URL": home.url, "QTIME_X_BEARER_TOKEN": X_TOKEN}


async def _saved_sources_pass(specs: list[str], env: dict[str, str], folder: Path) -> list[str]:
    """A shared store created with `specs`, opened again: its sources built as the app builds them, one pass each."""
    path = folder / "shared.json"
    SessionStore.open(path, settings=Settings(sources=specs)).close()
    store = SessionStore.open(path)
    try:
        sources = [parse_spec(spec, env=env) for spec in store.settings.sources]
    finally:
        store.close()
    states = []
    for source in sources:
        recorder = await Recorder().once(source)
        states.append(recorder.last.detail)
    return states


def _ingest_pass(specs: list[str], env: dict[str, str], folder: Path) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "tui", "ingest", "--once", "--store", str(folder / "typed.json")]
    for spec in specs:
        args += ["--source", spec]
    return subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


async def foreign_host_rows(folder: Path) -> list[Row]:
    """Every token set, every source spec naming a logging server: no credential may arrive there."""
    drill = "network drill, credentials"
    with DrillServer() as home, DrillServer() as logger:
        for platform in PLATFORMS:
            _serve_publicly(platform, logger)
        env = _every_account_on(home, folder)
        specs = [f"{platform}:{logger.url}#qtime" for platform in PLATFORMS]
        typed = await asyncio.to_thread(_ingest_pass, specs, env, folder)
        saved = await _saved_sources_pass(specs, env, folder)
        requests = list(logger.requests)
    leaks = sum(_secret_in(request, [M_TOKEN, X_TOKEN, PASSWORD]) for request in requests)
    said = sum("reading anonymously" in detail for detail in saved)
    crashed = typed.returncode not in (0, 1) or "Traceback" in typed.stderr
    return [
        row(drill, f"requests carrying a credential at a host the specs name (of {len(requests)} requests there; "
                   "typed specs and a shared store's saved ones)", leaks, "0", leaks == 0 and not crashed),
        row(drill, "saved sources on that host whose state says they read anonymously", f"{said} of {len(saved)}",
            f"{len(saved)} of {len(saved)}", said == len(saved)),
    ]


# -- the table ----------------------------------------------------------------------------


def _case_row(role: str, case: Case, count: int, outcomes: list[Outcome]) -> Row:
    redirect = count < 0
    faults = "" if redirect else f" (x{count})"
    if redirect:
        value = "; ".join(f"{o.platform} {o.state}, {o.other_requests} request(s) there, {o.leaks} with a token"
                          for o in outcomes)
        target = "survive; 0 requests with a token at the other host" + ("; post not resent there" if role == "publishers" else "")
    elif role == "sources":
        value = "; ".join(f"{o.platform} {o.state}, {o.attempts} requests" for o in outcomes)
        target = f"retrying then live; {count + 1} requests; waits per {case.policy}"
    else:
        value = "; ".join(f"{o.platform} {o.state}, {o.attempts} creates (expected {o.expected}), {o.duplicates} dup"
                          for o in outcomes)
        target = "posted/failed with reason; creates as expected; 0 duplicates"
        if case.post == "refused":
            target += f"; waits per {case.policy}"
    margins = [o.margin for o in outcomes if o.margin is not None]
    if margins:
        value += f"; smallest wait over the required: {min(margins):+.3f} s"
    problems = [f"{o.platform}: {p}" for o in outcomes for p in o.problems]
    if problems:
        value += " — PROBLEMS: " + "; ".join(problems)
    met = not problems and all(o.leaks == 0 for o in outcomes)
    return row(f"network drill, {role}", f"{case.label}{faults}", value, target, met)


async def _drill(full: bool, folder: Path) -> list[Row]:
    rows: list[Row] = []
    everything: list[Outcome] = []
    for case in CASES:
        source_count, publish_count = case.source_faults[full], case.publish_faults[full]
        jobs = [source_run(case, p, full) for p in PLATFORMS if source_count] + \
               [publish_run(case, p, full, folder) for p in PLATFORMS if publish_count]
        results = await asyncio.gather(*jobs)
        sources, publishers = results[: len(PLATFORMS) if source_count else 0], results[len(PLATFORMS) if source_count else 0:]
        if sources:
            rows.append(_case_row("sources", case, source_count, sources))
        if publishers:
            rows.append(_case_row("publishers", case, publish_count, publishers))
        everything += results
    runs = len(everything)
    broken = [o for o in everything if not o.survived]
    off = [o for o in everything if not o.retried]
    other = sum(o.other_requests for o in everything)
    posts = sum(o.posts for o in everything)
    source_cases = sum(bool(c.source_faults[full]) for c in CASES)
    publish_cases = sum(bool(c.publish_faults[full]) for c in CASES)
    drill = (f"network drill ({runs} runs: {source_cases} faults x 3 sources, "
             f"{publish_cases} faults x 3 publishers)")
    rows += [
        row(drill, "runs that crashed, hung or ended in a wrong state", len(broken), "0", not broken),
        row(drill, "runs whose retries were off (request count or waits)", len(off), "0", not off),
        row(drill, f"requests at the other host carrying a token or credential (of {other} requests there)",
            sum(o.leaks for o in everything), "0", all(o.leaks == 0 for o in everything)),
        row(drill, f"duplicate posts, server-side (of {posts} posts made)",
            sum(o.duplicates for o in everything), "0", all(o.duplicates == 0 for o in everything)),
    ]
    return rows + await foreign_host_rows(folder)


def run(quick: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="qtime-network-") as folder:
        return asyncio.run(_drill(not quick, Path(folder)))
