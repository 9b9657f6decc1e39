"""Mastodon hashtag source against a real local server: fields, paging, votes, tokens, the stream."""
from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from tests.fixtures_platforms import FakeMastodon, Recorder, mastodon_sample_statuses, mastodon_status, sse
from tests.httpserver import LocalServer, Response
from tui.platforms.mastodon_source import InstanceLimits, MastodonSource, instance_limits, link_param, server_events
from tui.platforms.polling import Pacing

pytestmark = pytest.mark.timeout(30)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0)
TOKEN = "mtok-SECRET-123"


def source(server: LocalServer, **kw: object) -> MastodonSource:
    kw.setdefault("pacing", FAST)
    return MastodonSource(f"mastodon:{server.url}#qtime", server.url, "qtime", **kw)  # type: ignore[arg-type]


async def test_one_pass_reads_statuses_as_questions() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        for status in mastodon_sample_statuses(server.url):
            fake.add(status)
        src = source(server)
        rec = await Recorder().once(src)
    items = rec.by_id()
    assert len(rec.items) == 3  # the boost is not a new question
    first, remote, warned = items["117020593741189701"], items["117020593741190702"], items["117020593741191703"]
    host = server.url.removeprefix("http://")
    assert first == {
        "source": f"mastodon:{host}", "remote_id": "117020593741189701", "author": "@nerthase",
        "author_name": "Nerthase 🌿", "text": "#qtime When will the Linux client ship? 🐧",
        "url": f"{server.url}/@nerthase/117020593741189701", "posted_at": "2026-08-01T13:00:00.000Z",
        "votes": 4, "spoiler": "", "lang": "en",
        "reply_ref": {"platform": "mastodon", "instance": server.url, "status_id": "117020593741189701",
                      "uri": f"{server.url}/users/nerthase/statuses/117020593741189701",
                      "url": f"{server.url}/@nerthase/117020593741189701", "acct": "nerthase"},
    }
    assert remote["author"] == "@ada@fosstodon.org" and remote["lang"] == "de"
    assert remote["text"] == ("@ceo will you open-source it?\nSee https://example.org/roadmap/2026/q3 #qtime"
                              "\n\nThanks & good luck <3")
    assert warned["spoiler"] == "work, layoffs" and warned["author_name"] == "quiet"
    assert [i["remote_id"] for i in rec.items] == sorted(items)  # oldest first
    assert src.limits == InstanceLimits(500, 23)
    assert rec.states[0].state == "starting" and rec.last.state == "done"
    assert rec.last.detail == "one pass, 3 new" and src.rejected == 0


async def test_first_pass_backfills_older_pages_with_max_id() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        posted = [fake.post(f"question {n}")["id"] for n in range(95)]
        rec = await Recorder().once(source(server))
        pages = server.seen("GET", fake.timeline_path)
    assert rec.ids() == posted
    assert [r.arg("max_id") for r in pages] == [None, posted[55], posted[15], posted[0]]
    assert all(r.arg("limit") == "40" for r in pages)


async def test_backfill_stops_at_its_limit() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        posted = [fake.post(f"question {n}")["id"] for n in range(95)]
        rec = await Recorder().once(source(server, pacing=Pacing(backfill=40)))
    assert rec.ids() == posted[-40:]


async def test_live_polling_follows_min_id_and_prev_links_and_stores_each_post_once() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        old = [fake.post(f"old {n}")["id"] for n in range(5)]
        rec = Recorder()
        src = source(server, refresh_interval=3600)

        async def post_more() -> None:
            while not rec.items:
                await asyncio.sleep(0.01)
            for n in range(90):
                fake.post(f"new {n}")

        poster = asyncio.create_task(post_more())
        await rec.live_until(src, lambda: len(rec.items) >= 95)
        await poster
        forward = [r for r in server.seen("GET", fake.timeline_path) if r.arg("min_id")]
    counts = Counter(i["remote_id"] for i in rec.items)
    assert len(counts) == 95 and set(counts.values()) == {1}
    assert [i["remote_id"] for i in rec.items][:5] == old
    assert forward and forward[0].arg("min_id") == old[-1]
    assert any(s.state == "live" and s.detail.startswith("polling every 0.05 s") for s in rec.states)
    assert src.cursor == max(counts, key=int)


async def test_votes_refresh_on_later_polls() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server)
        status = fake.post("how many votes?", favourites=1)
        rec = Recorder()

        def bumped() -> bool:
            if rec.items and status["favourites_count"] == 1:
                status["favourites_count"], status["reblogs_count"] = 7, 2
            return rec.by_id()[status["id"]]["votes"] == 9 if rec.items else False

        await rec.live_until(source(server, refresh_interval=0.0), bumped)
    assert rec.items[0]["votes"] == 1


async def test_instance_without_public_timeline_needs_a_token() -> None:
    with LocalServer() as server:
        FakeMastodon(server, token=TOKEN)
        rec = await Recorder().once(source(server))
    assert rec.last.state == "stopped"
    assert "not authorised (401)" in rec.last.detail and "QTIME_MASTODON_TOKEN" in rec.last.detail


async def test_a_token_goes_only_to_its_own_host() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server, token=TOKEN)
        fake.post("with a token")
        rec = await Recorder().once(source(server, token=TOKEN))
        requests = list(server.requests)
    assert len(rec.items) == 1
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in requests)
    assert TOKEN not in rec.details()


async def test_a_refused_token_stops_without_showing_it() -> None:
    with LocalServer() as server:
        server.route("GET", "/api/v1/timelines/tag/qtime",
                     Response.json({"error": f"The access token {TOKEN} is invalid"}, 401))
        rec = await Recorder().once(source(server, token=TOKEN))
    assert rec.last.state == "stopped" and "not authorised (401)" in rec.last.detail
    assert TOKEN not in rec.details() and "***" in rec.last.detail


async def test_stream_delivers_updates_and_polling_fills_the_gaps() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server, token=TOKEN)
        fake.post("before the stream")
        live = mastodon_status(server.url, "117020700000000000", acct="streamer", content="<p>live one #qtime</p>")
        edited = dict(live, favourites_count=5)
        fake.stream_events = [sse("update", live), sse("delete", "117020600000001000"),
                              sse("status.update", edited), ("update", "{not json")]
        rec = Recorder()
        src = source(server, token=TOKEN, stream_interval=0.05)
        await rec.live_until(src, lambda: "117020700000000000" in rec.by_id() and src.rejected == 1)
        stream_requests = server.seen("GET", "/api/v1/streaming/hashtag")
    assert stream_requests and stream_requests[0].arg("tag") == "qtime"
    assert stream_requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert rec.by_id()["117020700000000000"]["votes"] == 5
    assert any("stream: an event that is not JSON" in w for w in rec.warnings)


async def test_a_refused_stream_falls_back_to_polling() -> None:
    with LocalServer() as server:
        fake = FakeMastodon(server, token=TOKEN)
        server.route("GET", "/api/v1/streaming/hashtag", Response.json({"error": "Forbidden"}, 403))
        rec = Recorder()
        src = source(server, token=TOKEN)

        def polled_after_refusal() -> bool:
            if rec.warnings and not fake.statuses:
                fake.post("after the refusal")
            return bool(rec.items)

        await rec.live_until(src, polled_after_refusal)
        assert len(server.seen("GET", "/api/v1/streaming/hashtag")) == 1
    assert not src.stream_enabled
    assert "stream refused (HTTP 403); polling every 0.05 s instead" in rec.warnings[0]


async def test_server_events_parse_split_chunks_crlf_and_heartbeats() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for piece in (b":)\r\n\r\nevent: upd", b"ate\r\ndata: {\"a\":", b" 1}\r\n\r\n:thump\n\n",
                      b"event: delete\ndata: 12\n\nevent: x\ndata: one\ndata: two\n\n"):
            yield piece

    events = [event async for event in server_events(chunks())]
    assert events == [("update", '{"a": 1}'), ("delete", "12"), ("x", "one\ntwo")]


def test_instance_limits_and_link_headers() -> None:
    assert instance_limits({"configuration": {"statuses": {"max_characters": 1000,
                                                           "characters_reserved_per_url": 30}}}) == InstanceLimits(1000, 30)
    assert instance_limits({"configuration": {"statuses": {"max_characters": "many"}}}) is None
    assert instance_limits([]) is None
    headers = httpx.Headers({"link": '<https://m.example/api/v1/timelines/tag/q?max_id=10>; rel="next", '
                                     '<https://m.example/api/v1/timelines/tag/q?min_id=20>; rel="prev"'})
    assert link_param(headers, "prev", "min_id") == "20" and link_param(headers, "next", "max_id") == "10"
    assert link_param(httpx.Headers(), "prev", "min_id") is None
