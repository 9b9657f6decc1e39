"""Answers posted as X replies: no idempotency key, so a lost answer is looked for, never blindly resent."""
from __future__ import annotations

import html

import pytest

from store.session_store import SessionStore
from tests.httpserver import LocalServer, Response
from tests.publish_fakes import FakeX, answered_session
from tui.platforms.outbox import Outbox
from tui.platforms.x_publish import XPublisher

TOKEN = "tok-x-user-test"
PARTS = ["@asker 1/3 Our 5G rollout starts in Milan & Rome #twittertime",
         "2/3 then Turin <soon> #twittertime",
         "3/3 and every capital by 2014 #twittertime"]


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def outbox_for(store: SessionStore, server: LocalServer) -> Outbox:
    return Outbox(store, [XPublisher(server.url, TOKEN)], backoff=(0.01, 0.05))


def session(tmp_path) -> tuple[SessionStore, str]:
    return answered_session(tmp_path / "s.json", {"platform": "x", "tweet_id": "1700"}, PARTS, source="x")


async def test_a_thread_is_three_chained_replies(tmp_path, server):
    fake = FakeX(server, TOKEN)
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    posts = [r.json() for r in server.seen("POST", "/2/tweets")]
    parts = outbox.parts(qid)
    assert [p["text"] for p in posts] == PARTS
    assert [p["reply"]["in_reply_to_tweet_id"] for p in posts] == ["1700", parts[0].remote_id, parts[1].remote_id]
    assert [p.remote_id for p in parts] == [t["id"] for t in fake.tweets]
    assert parts[0].url == f"https://x.com/i/web/status/{parts[0].remote_id}"
    assert outbox.rate_limit.startswith("X: 99/100 posts left")
    assert not server.seen("GET", "/2/users/me")  # nothing was uncertain: no lookups


async def test_a_lost_answer_is_found_among_the_accounts_posts_not_resent(tmp_path, server):
    fake = FakeX(server, TOKEN)
    fake.faults = [None, "drop", "503"]  # part 2 is created but its answer lost; part 3 first gets a 503
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    assert [html.unescape(t["text"]) for t in fake.tweets] == PARTS
    assert fake.tweets[1]["text"] == "2/3 then Turin &lt;soon&gt; #twittertime"  # as X returns it
    parts = outbox.parts(qid)
    assert [p.state for p in parts] == ["posted"] * 3
    assert parts[1].remote_id == fake.tweets[1]["id"]
    assert fake.tweets[2]["referenced_tweets"][0]["id"] == parts[1].remote_id
    assert len(server.seen("POST", "/2/tweets")) == 4  # part 2 once, part 3 twice (503 then posted)
    lookups = server.seen("GET", f"/2/users/{FakeX.USER}/tweets")
    assert len(lookups) == 2 and lookups[0].arg("start_time")


async def test_a_lost_answer_not_found_fails_for_a_human_to_check(tmp_path, server):
    fake = FakeX(server, TOKEN)
    fake.faults = ["lost"]  # the connection dropped; X made nothing, but we cannot know that
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    first, second, third = outbox.parts(qid)
    assert first.state == "failed" and "may have been posted: check before retrying" in first.reason
    assert (second.state, third.state) == ("failed", "failed")
    assert len(server.seen("POST", "/2/tweets")) == 1 and fake.tweets == []

    outbox.retry(first.id)  # a human checked the account
    await outbox.send_pending()
    assert [p.state for p in outbox.parts(qid)] == ["posted"] * 3
    assert [html.unescape(t["text"]) for t in fake.tweets] == PARTS


async def test_duplicate_content_is_refused_with_the_reason(tmp_path, server):
    fake = FakeX(server, TOKEN)
    fake.tweets.append({"id": "1", "text": html.escape(PARTS[0], quote=False), "referenced_tweets": []})
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first = outbox.parts(qid)[0]
    assert first.state == "failed"
    assert first.reason == "X refused it: You are not allowed to create a Tweet with duplicate content."


async def test_when_x_will_not_show_the_timeline_a_lost_answer_waits_for_a_human(tmp_path, server):
    fake = FakeX(server, TOKEN)
    server.route("GET", f"/2/users/{FakeX.USER}/tweets",
                 Response.json({"title": "Forbidden", "detail": "Your plan cannot read timelines"}, 403))
    fake.faults = ["drop"]  # part 1 is created, its answer lost, and it cannot be looked for
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first = outbox.parts(qid)[0]
    assert first.state == "failed"
    assert "would not show the account's posts" in first.reason and "check before retrying" in first.reason
    assert len(fake.tweets) == 1

    fake.tweets.clear()  # the human looked, found nothing (say it was deleted), and retries
    outbox.retry(first.id)
    await outbox.send_pending()
    assert [p.state for p in outbox.parts(qid)] == ["posted"] * 3
    assert len(fake.tweets) == 3


async def test_a_doubt_survives_a_failed_lookup(tmp_path, server):
    fake = FakeX(server, TOKEN)
    answers = iter([Response.json({"title": "Service Unavailable"}, 503)])
    lagging = Response.json({"meta": {"result_count": 0}})  # the new tweet is not in the timeline yet
    server.route("GET", f"/2/users/{FakeX.USER}/tweets", lambda request: next(answers, lagging))
    fake.faults = ["drop"]  # created, answer lost; the first lookup fails, the second does not see it
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first = outbox.parts(qid)[0]
    assert first.state == "failed" and "check before retrying" in first.reason
    assert len(fake.tweets) == 1 and len(server.seen("POST", "/2/tweets")) == 1
