"""Bluesky hashtag search against a real local server: login, paging, votes, expired tokens."""
from __future__ import annotations

import asyncio

import pytest

from tests.fixtures_platforms import FakeBluesky, Recorder, bluesky_post
from tests.httpserver import LocalServer, Response
from tui.platforms.bluesky_source import BlueskySource, post_item
from tui.platforms.polling import Pacing

pytestmark = pytest.mark.timeout(30)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0)
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
LOGIN = "/xrpc/com.atproto.server.createSession"


def source(server: LocalServer, fake: FakeBluesky | None, **kw: object) -> BlueskySource:
    kw.setdefault("pacing", FAST)
    if fake is not None:
        kw.setdefault("handle", fake.handle)
        kw.setdefault("app_password", fake.password)
    return BlueskySource(f"bluesky:{server.url}#qtime", server.url, "qtime", **kw)  # type: ignore[arg-type]


def test_post_view_becomes_a_question() -> None:
    root = {"uri": "at://did:plc:root/app.bsky.feed.post/3k43tv4rft22g", "cid": "bafyreiroot"}
    post = bluesky_post("did:plc:kvwvcn5iqfooopmyzvb4qzba", "test.marshal.dev", "3kaheyt6vpc22",
                        "#qtime how do replies work? ✨", display_name="Python SDK", likes=4, reposts=2, quotes=1,
                        reply_root=root, labels=["nudity", "!no-unauthenticated"])
    item = post_item(post)
    uri = "at://did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3kaheyt6vpc22"
    assert item == {
        "source": "bluesky", "remote_id": uri, "author": "@test.marshal.dev", "author_name": "Python SDK",
        "text": "#qtime how do replies work? ✨",
        "url": "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22",
        "posted_at": "2026-08-01T13:00:00.000Z", "votes": 7, "spoiler": "nudity", "lang": "en",
        "reply_ref": {"platform": "bluesky", "uri": uri, "cid": post["cid"], "root": root,
                      "did": "did:plc:kvwvcn5iqfooopmyzvb4qzba", "handle": "test.marshal.dev"},
    }
    top = post_item(bluesky_post("did:plc:a", "a.bsky.social", "3k1", "#qtime top level"))
    assert top["reply_ref"]["root"] == {"uri": top["remote_id"], "cid": top["reply_ref"]["cid"]}


async def test_one_pass_logs_in_once_and_pages_with_the_cursor() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, handle="one-pass.bsky.social")
        posted = [fake.post(f"question {n}")["uri"] for n in range(150)]
        rec = await Recorder().once(source(server, fake))
        searches = server.seen("GET", SEARCH)
    assert rec.ids() == posted  # oldest first
    assert fake.logins == 1
    assert [r.arg("cursor") for r in searches] == [None, "100"]
    first = searches[0]
    assert (first.arg("q"), first.arg("tag"), first.arg("sort"), first.arg("limit")) == ("#qtime", "qtime", "latest", "100")
    assert first.headers["authorization"] == "Bearer acc-1-0"
    assert rec.last.detail == "one pass, 150 new"


async def test_later_passes_stop_paging_at_posts_already_seen_and_refresh_votes() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, handle="later.bsky.social")
        for n in range(120):
            fake.post(f"old {n}")
        liked = fake.posts[-1]
        rec = Recorder()
        src = source(server, fake)

        def progressed() -> bool:
            if rec.items and len(fake.posts) == 120:
                for n in range(30):
                    fake.post(f"new {n}")
                liked["likeCount"] = 11
            return len(rec.by_id()) == 150 and rec.by_id()[liked["uri"]]["votes"] == 11

        await rec.live_until(src, progressed)
        cursors = [r.arg("cursor") for r in server.seen("GET", SEARCH)]
    assert cursors[:2] == [None, "100"]  # the first pass reads the past
    assert set(cursors[2:]) == {None}  # later passes stop at the first page: it holds a seen post
    assert src.new == 150 and fake.logins == 1
    assert "as @later.bsky.social" in rec.states[-1].detail


async def test_an_expired_token_is_refreshed_not_a_new_login() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, handle="expiring.bsky.social")
        fake.post("first")
        rec = Recorder()
        src = source(server, fake)

        def expired_then_more() -> bool:
            if len(rec.items) == 1 and len(fake.posts) == 1:
                fake.expire_next = True
                fake.post("after expiry")
            return len(rec.by_id()) == 2

        await rec.live_until(src, expired_then_more)
    assert fake.logins == 1 and fake.refreshes == 1
    assert not [s for s in rec.states if s.state in ("stopped", "retrying")]


async def test_without_credentials_a_refused_search_says_what_to_set() -> None:
    with LocalServer() as server:
        FakeBluesky(server)
        rec = await Recorder().once(source(server, None))
    assert rec.last.state == "stopped"
    assert "QTIME_BLUESKY_HANDLE and QTIME_BLUESKY_APP_PASSWORD" in rec.last.detail


async def test_anonymous_search_works_where_the_server_allows_it() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, require_auth=False)
        fake.post("anonymous")
        rec = await Recorder().once(source(server, None))
        assert "authorization" not in server.requests[0].headers
    assert len(rec.items) == 1


async def test_a_wrong_password_stops_without_showing_it() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, handle="wrong.bsky.social")
        rec = await Recorder().once(source(server, fake, app_password="not-the-password-9"))
        assert not server.seen("GET", SEARCH)
    assert rec.last.state == "stopped"
    assert "Bluesky login for wrong.bsky.social failed: not authorised (401)" in rec.last.detail
    assert "not-the-password-9" not in rec.details()


async def test_an_html_403_is_called_an_edge_block() -> None:
    with LocalServer() as server:
        server.route("GET", SEARCH, Response(403, b"<html><body>Access denied</body></html>",
                                             {"Content-Type": "text/html; charset=utf-8"}))
        rec = await Recorder().once(source(server, None))
    assert rec.last.state == "stopped"
    assert rec.last.detail == "forbidden (403): an HTML page (blocked at the network edge?)"


async def test_login_rate_limit_waits_instead_of_failing() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, handle="limited.bsky.social")
        fake.post("x")
        login = server.routes[("POST", LOGIN)]
        answers = iter([Response.json({"error": "RateLimitExceeded"}, 429, {"ratelimit-reset": "0"})])
        server.route("POST", LOGIN, lambda req: next(answers, None) or login(req))
        rec = await Recorder().once(source(server, fake))
    assert len(rec.items) == 1 and fake.logins == 1
    assert any(s.state == "retrying" and "429" in s.detail for s in rec.states)


async def test_two_sources_share_one_login() -> None:
    with LocalServer() as server:
        fake = FakeBluesky(server, handle="shared.bsky.social")
        fake.post("shared")
        first, second = Recorder(), Recorder()
        await asyncio.gather(first.once(source(server, fake)), second.once(source(server, fake)))
    assert fake.logins == 1 and len(first.items) == len(second.items) == 1


async def test_a_login_redirect_never_carries_the_password_elsewhere() -> None:
    with LocalServer() as origin, LocalServer() as elsewhere:
        fake = FakeBluesky(origin, handle="redirected.bsky.social")
        FakeBluesky(elsewhere, handle="redirected.bsky.social")
        port = elsewhere.url.rsplit(":", 1)[1]
        origin.route("POST", LOGIN, Response(307, b"", {"Location": f"http://localhost:{port}{LOGIN}"}))
        rec = await Recorder().once(source(origin, fake))
        assert not elsewhere.requests
    assert rec.last.state == "stopped" and "without a session token" in rec.last.detail
