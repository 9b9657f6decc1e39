"""X recent search against a real local server: token, paging, since_id, fields."""
from __future__ import annotations

import pytest

from tests.fixtures_platforms import FakeX, Recorder, x_tweet
from tests.httpserver import LocalServer, Response
from tui.platforms.polling import Pacing
from tui.platforms.x_source import XSource, tweet_item

pytestmark = pytest.mark.timeout(30)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0)
SEARCH = "/2/tweets/search/recent"
TOKEN = "x-bearer-token-abc"


def source(server: LocalServer, **kw: object) -> XSource:
    kw.setdefault("pacing", FAST)
    kw.setdefault("token", TOKEN)
    return XSource(f"x:{server.url}#qtime", server.url, "qtime", **kw)  # type: ignore[arg-type]


def test_tweet_becomes_a_question_with_entities_decoded_once() -> None:
    users = {"2244994945": {"id": "2244994945", "name": "Dev & Co", "username": "XDevelopers"}}
    tweet = x_tweet("1460323737035677698", "2244994945", "Q&amp;A: is &lt;b&gt; &amp;amp; ok? #qtime",
                    likes=5, retweets=2, quotes=1)
    item = tweet_item(tweet, users)
    assert item == {
        "source": "x", "remote_id": "1460323737035677698", "author": "@XDevelopers", "author_name": "Dev & Co",
        "text": "Q&A: is <b> &amp; ok? #qtime", "url": "https://x.com/XDevelopers/status/1460323737035677698",
        "posted_at": "2026-08-01T13:00:00.000Z", "votes": 8, "lang": "en",
        "reply_ref": {"platform": "x", "tweet_id": "1460323737035677698", "username": "XDevelopers",
                      "conversation_id": "1460323737035677698"},
    }
    long = dict(tweet, note_tweet={"text": "the whole long post, past 280 characters"})
    assert tweet_item(long, users)["text"] == "the whole long post, past 280 characters"


async def test_one_pass_pages_with_next_token() -> None:
    with LocalServer() as server:
        fake = FakeX(server)
        posted = [fake.post(f"question {n}", username=f"user{n % 7}")["id"] for n in range(130)]
        rec = await Recorder().once(source(server))
        searches = server.seen("GET", SEARCH)
    # One batch per page (newest page first), each page oldest first.
    assert [[i["remote_id"] for i in batch] for batch in rec.batches] == [posted[30:], posted[:30]]
    assert [r.arg("next_token") for r in searches] == [None, "tok100"]
    first = searches[0]
    assert first.arg("query") == "#qtime -is:retweet" and first.arg("max_results") == "100"
    assert set(first.arg("expansions", "").split(",")) == {
        "author_id", "referenced_tweets.id", "referenced_tweets.id.author_id"}
    assert first.arg("user.fields") == "username,name"
    assert set(first.arg("tweet.fields", "").split(",")) >= {
        "created_at", "public_metrics", "conversation_id", "lang", "entities", "referenced_tweets"}
    assert first.arg("since_id") is None
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in searches)
    assert rec.by_id()[posted[3]]["author"] == "@user3"


async def test_later_passes_ask_only_for_newer_posts() -> None:
    with LocalServer() as server:
        fake = FakeX(server)
        first = [fake.post(f"old {n}")["id"] for n in range(3)]
        rec = Recorder()
        src = source(server, max_results=10)

        def progressed() -> bool:
            if rec.items and len(fake.tweets) == 3:
                for n in range(25):
                    fake.post(f"new {n}")
            return len(rec.by_id()) == 28

        await rec.live_until(src, progressed)
        since = [r.arg("since_id") for r in server.seen("GET", SEARCH)]
    assert since[0] is None and since[1] == first[-1]
    assert len(rec.items) == 28  # nothing delivered twice
    assert src.since_id == max(rec.by_id(), key=int)


async def test_a_missing_token_stops_before_any_request() -> None:
    with LocalServer() as server:
        FakeX(server)
        rec = await Recorder().once(source(server, token=None))
        assert not server.requests
    assert rec.last.state == "stopped"
    assert rec.last.detail == "the X API needs an app bearer token: set QTIME_X_BEARER_TOKEN"


async def test_a_refused_token_stops_with_the_reason() -> None:
    with LocalServer() as server:
        FakeX(server)
        rec = await Recorder().once(source(server, token="wrong-token-777"))
    assert rec.last.state == "stopped"
    assert rec.last.detail == "not authorised (401): Unauthorized; check QTIME_X_BEARER_TOKEN"
    assert "wrong-token-777" not in rec.details()


async def test_an_author_missing_from_includes_is_skipped_and_counted() -> None:
    with LocalServer() as server:
        tweets = [x_tweet("1820000000000000001", "1", "who wrote this? #qtime"),
                  x_tweet("1820000000000000002", "2", "fine #qtime"), {"id": "1820000000000000003"}]
        server.route("GET", SEARCH, Response.json({
            "data": tweets, "includes": {"users": [{"id": "2", "name": "Known", "username": "known"}]},
            "meta": {"newest_id": "1820000000000000003", "oldest_id": "1820000000000000001", "result_count": 3},
        }))
        src = source(server)
        rec = await Recorder().once(src)
    assert [i["text"] for i in rec.items] == ["fine #qtime"]
    assert src.rejected == 2 and "2 malformed posts skipped" in rec.warnings[0]
    assert rec.last.detail == "one pass, 1 new, 2 skipped"
