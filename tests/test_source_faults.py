"""Every live source against a misbehaving server: retries, rate limits, bad bodies, redirects.

The retry policy lives in `tui.platforms.polling`; these tests check each
platform applies it over a real socket.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.fixtures_platforms import FakeBluesky, FakeMastodon, FakePlatform, FakeX, Faults, Recorder, mastodon_status
from tests.httpserver import LocalServer, Request, Response
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.polling import Pacing, PollingSource
from tui.platforms.x_source import XSource

pytestmark = pytest.mark.timeout(30)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0)
PLATFORMS = ("mastodon", "bluesky", "x")
X_TOKEN = "x-bearer-token-abc"
M_TOKEN = "mastodon-token-xyz"


def setup(platform: str, server: LocalServer, faults: Faults | None = None, *, posts: int = 5,
          pacing: Pacing = FAST) -> tuple[FakePlatform, PollingSource, str, list[str]]:
    """A fake platform with `posts` posts, a source reading it, its search path, the posted ids."""
    spec = f"{platform}:{server.url}#qtime"
    if platform == "mastodon":
        mastodon = FakeMastodon(server, faults=faults)
        ids = [mastodon.post(f"q{n}")["id"] for n in range(posts)]
        return mastodon, MastodonSource(spec, server.url, "qtime", pacing=pacing, token=M_TOKEN), \
            mastodon.timeline_path, ids
    if platform == "bluesky":
        bluesky = FakeBluesky(server, faults=faults, handle=f"faults{server.url[-5:]}.bsky.social")
        ids = [bluesky.post(f"q{n}")["uri"] for n in range(posts)]
        return bluesky, BlueskySource(spec, server.url, "qtime", pacing=pacing, handle=bluesky.handle,
                                      app_password=bluesky.password), "/xrpc/app.bsky.feed.searchPosts", ids
    x = FakeX(server, faults=faults, token=X_TOKEN)
    ids = [x.post(f"q{n}")["id"] for n in range(posts)]
    return x, XSource(spec, server.url, "qtime", pacing=pacing, token=X_TOKEN), "/2/tweets/search/recent", ids


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_transient_faults_are_retried_until_the_pass_completes(platform: str) -> None:
    kinds = ["429", "429-bare", "503", "502-html", "drop", "malformed", "truncated", "slow"]
    faults = Faults(slow_delay=0.05)
    faults.queue = list(kinds)
    with LocalServer() as server:
        _, source, _, ids = setup(platform, server, faults, pacing=Pacing(
            interval=0.05, backoff_base=0.01, backoff_cap=0.05, once_attempts=20))
        rec = await Recorder().once(source)
    assert rec.ids() == ids
    retries = [s.detail for s in rec.states if s.state == "retrying"]
    assert retries[:5] == ["rate limited (429)", "rate limited (429)", "server error 503", "server error 502",
                           retries[4]]
    assert retries[4].startswith("network error")
    assert all(s.retry_in is not None and s.retry_in > 0 for s in rec.states if s.state == "retrying")
    assert source.rejected == 2  # the two bad bodies, counted and reported
    assert [w.split(": ", 1)[1] for w in rec.warnings] == ["reply is not JSON (19 bytes); asking again",
                                                          "reply is not JSON (21 bytes); asking again"]
    assert rec.last.state == "done" and faults.served == {k: 1 for k in kinds}


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_429_waits_for_the_rate_limit_reset_header(platform: str) -> None:
    faults = Faults(reset_in=0.3)
    faults.queue = ["429-reset"]
    with LocalServer() as server:
        _, source, _, ids = setup(platform, server, faults)
        rec = await Recorder().once(source)
    assert rec.ids() == ids
    waits = [s.retry_in for s in rec.states if s.state == "retrying"]
    assert len(waits) == 1 and waits[0] is not None and waits[0] > FAST.backoff_cap  # the header, not the backoff


async def test_a_quota_used_up_holds_the_next_request_until_the_reset() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        ids = [fake.post(f"q{n}")["id"] for n in range(50)]

        def exhausted(request: Request) -> Response:
            response = fake.timeline(request)
            reset = datetime.now(UTC) + timedelta(seconds=0.3)
            response.headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()})
            return response

        server.route("GET", fake.timeline_path, exhausted)
        rec = await Recorder().once(MastodonSource("m", server.url, "qtime", pacing=FAST))
    assert rec.ids() == ids
    held = [s for s in rec.states if s.state == "retrying"]
    assert held and all(s.detail == "rate limit used up" for s in held)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_with_once_a_dead_server_is_given_up_after_a_few_tries(platform: str) -> None:
    with LocalServer() as server:
        _, source, path, _ = setup(platform, server, Faults(rate=1.0, kinds=("503",)))
        rec = await Recorder().once(source)
        tries = len(server.seen("GET", path))
    assert rec.last.state == "stopped"
    assert rec.last.detail == "gave up after 4 tries: server error 503"
    assert tries == 4


async def test_with_once_a_long_rate_limit_stops_instead_of_hanging() -> None:
    with LocalServer() as server:
        server.route("GET", "/2/tweets/search/recent", Response.json({"title": "Too Many Requests"}, 429,
                                                                     {"Retry-After": "3600"}))
        rec = await Recorder().once(XSource("x", server.url, "qtime", pacing=FAST, token=X_TOKEN))
    assert rec.last.state == "stopped" and rec.last.detail == "rate limited (429); try again in 3600 s"


async def test_live_source_keeps_retrying_and_comes_back_live() -> None:
    faults = Faults()
    faults.queue = ["503"] * 6  # more than `once` would allow
    with LocalServer() as server:
        fake, source, _, ids = setup("mastodon", server, faults)
        rec = Recorder()
        await rec.live_until(source, lambda: len(rec.items) == len(ids) and rec.last.state == "live")
    assert sum(s.state == "retrying" for s in rec.states) == 6


async def test_a_slow_drip_reply_times_out_and_is_retried() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        ids = [fake.post("slow")["id"]]
        answers = iter([Response.json([{"id": "1", "content": "x" * 200}], drip=0.02)])
        server.route("GET", fake.timeline_path, lambda req: next(answers, None) or fake.timeline(req))
        source = MastodonSource("m", server.url, "qtime",
                                pacing=Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=0.5))
        rec = await Recorder().once(source)
    assert rec.ids() == ids
    assert [s.detail for s in rec.states if s.state == "retrying"] == ["no complete answer within 0.5 s"]


@pytest.mark.parametrize("bad", ["gzip bomb", "50 MB body"])
async def test_oversized_bodies_are_cut_off_counted_and_retried(bad: str) -> None:
    if bad == "gzip bomb":
        answer = Response.gzipped(b"[" + b" " * 60_000_000 + b"]")
        assert len(answer.body) < 100_000
    else:
        answer = Response(200, b"[" + b"0," * 25_000_000 + b"0]", {"Content-Type": "application/json"})
    with LocalServer() as server:
        fake = FakeMastodon(server)
        ids = [fake.post("big")["id"]]
        answers = iter([answer])
        server.route("GET", fake.timeline_path, lambda req: next(answers, None) or fake.timeline(req))
        source = MastodonSource("m", server.url, "qtime", pacing=FAST)
        rec = await Recorder().once(source)
    assert rec.ids() == ids
    assert source.rejected == 1
    assert rec.warnings == ["m: reply body over 8192 kB; skipped; asking again"]


def _redirect_to(other: LocalServer) -> Any:
    def handler(request: Request) -> Response:
        port = other.url.rsplit(":", 1)[1]
        query = urlencode(request.query, doseq=True)
        return Response(307, b"", {"Location": f"http://localhost:{port}{request.path}?{query}"})
    return handler


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_redirect_to_another_host_never_carries_the_token(platform: str) -> None:
    with LocalServer() as origin, LocalServer() as elsewhere:
        _, source, path, _ = setup(platform, origin)
        setup(platform, elsewhere)
        origin.route("GET", path, _redirect_to(elsewhere))
        rec = await Recorder().once(source)
        at_origin, redirected = origin.seen("GET", path), elsewhere.seen("GET", path)
    assert at_origin and redirected, rec.details()
    assert all(r.headers.get("authorization", "").startswith("Bearer ") for r in at_origin)
    assert not [r for r in elsewhere.requests if "authorization" in r.headers]
    assert rec.last.state in ("done", "stopped")


async def test_mastodon_link_headers_never_lead_to_another_host() -> None:
    with LocalServer() as origin, LocalServer() as elsewhere:
        fake = FakeMastodon(origin)
        ids = [fake.post(f"q{n}")["id"] for n in range(45)]

        def foreign_links(request: Request) -> Response:
            response = fake.timeline(request)
            if "Link" in response.headers:
                response.headers["Link"] = response.headers["Link"].replace(origin.url, elsewhere.url)
            return response

        origin.route("GET", fake.timeline_path, foreign_links)
        rec = await Recorder().once(MastodonSource("m", origin.url, "qtime", pacing=FAST, token=M_TOKEN))
        assert not elsewhere.requests
    assert rec.ids() == ids


async def test_malformed_posts_in_a_good_page_are_skipped_and_counted() -> None:
    with LocalServer() as server:
        good = mastodon_status(server.url, "117020600000009200", content="<p>good</p>")
        page = [dict(good, id="117020600000009100", account={"acct": 42}), "not an object",
                {"id": "117020600000009000"}, good]
        answers = iter([Response.json(page)])
        server.route("GET", "/api/v1/timelines/tag/qtime", lambda req: next(answers, None) or Response.json([]))
        source = MastodonSource("m", server.url, "qtime", pacing=FAST)
        rec = await Recorder().once(source)
    assert [i["remote_id"] for i in rec.items] == [good["id"]]
    assert source.rejected == 3 and rec.last.detail == "one pass, 1 new, 3 skipped"
