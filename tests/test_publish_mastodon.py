"""Answers posted as Mastodon replies through the outbox, against a real local HTTP server."""
from __future__ import annotations

import orjson
import pytest

from store.session_store import SessionStore
from tests.httpserver import LocalServer
from tests.publish_fakes import FakeMastodon, answered_session
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.platforms.outbox import Outbox
from tui.widgets.answered_log import publish_state

TOKEN = "tok-mastodon-test"
PARTS = ["@asker 1/3 Our 5G rollout starts in Milan #twittertime",
         "2/3 then Rome and Turin by spring #twittertime",
         "3/3 and every regional capital by 2014 #twittertime"]


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def outbox_for(store: SessionStore, server: LocalServer, **kw) -> Outbox:
    return Outbox(store, [MastodonPublisher(server.url, TOKEN)], backoff=(0.01, 0.05), **kw)


def ref(server: LocalServer, **extra) -> dict:
    return {"platform": "mastodon", "status_id": "555", "instance": server.url, "url": f"{server.url}/@asker/555", **extra}


async def test_a_three_part_thread_is_three_chained_replies(tmp_path, server):
    fake = FakeMastodon(server, TOKEN)
    store, qid = answered_session(tmp_path / "s.json", ref(server), PARTS)
    outbox = outbox_for(store, server)
    queued = outbox.enqueue(qid)
    assert [p.state for p in queued] == ["pending"] * 3
    assert len({p.idempotency_key for p in queued}) == 3 and all(p.idempotency_key for p in queued)

    await outbox.send_pending()

    posts = server.seen("POST", "/api/v1/statuses")
    assert [r.json()["status"] for r in posts] == PARTS
    parts = outbox.parts(qid)
    assert [r.json()["in_reply_to_id"] for r in posts] == ["555", parts[0].remote_id, parts[1].remote_id]
    assert [r.headers["idempotency-key"] for r in posts] == [p.idempotency_key for p in queued]
    assert {r.json()["visibility"] for r in posts} == {"public"}
    assert {r.json()["language"] for r in posts} == {"en"}
    assert [p.state for p in parts] == ["posted"] * 3
    assert parts[2].url == fake.statuses[parts[2].remote_id]["url"]
    assert publish_state(outbox.parts(qid)) == [("mastodon: posted 3/3", "$success")]
    assert outbox.rate_limit.startswith("Mastodon: 297/300 posts left, resets ")


async def test_every_part_is_recorded_with_its_key_before_it_is_sent(tmp_path, server):
    journal = tmp_path / "s.json.journal"
    on_disk_before_send: list[bool] = []
    fake = FakeMastodon(server, TOKEN)
    original = fake.post

    def post(request):
        key = request.headers["idempotency-key"]
        lines = [orjson.loads(line) for line in journal.read_bytes().splitlines() if line.strip()]
        on_disk_before_send.append(any(
            e.get("action") == "outbox.set" and e["part"]["idempotency_key"] == key and e["part"]["sending"]
            for e in lines))
        return original(request)

    server.route("POST", "/api/v1/statuses", post)
    store, qid = answered_session(tmp_path / "s.json", ref(server), PARTS[:2])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    assert on_disk_before_send == [True, True]


async def test_server_failures_and_lost_answers_still_make_one_post_per_part(tmp_path, server):
    fake = FakeMastodon(server, TOKEN)
    # part 1: 503, then 429, then created but the answer is lost, then answered (same key);
    # part 2: created and lost twice; part 3: fine
    fake.faults = ["503", "429", "drop", None, "drop", "drop", None, None]
    store, qid = answered_session(tmp_path / "s.json", ref(server), PARTS)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    assert len(fake.statuses) == 3
    assert sorted(s["content"] for s in fake.statuses.values()) == sorted(PARTS)
    parts = outbox.parts(qid)
    assert [p.state for p in parts] == ["posted"] * 3
    assert [p.attempts for p in parts] == [4, 3, 1]
    assert [p.remote_id for p in parts] == list(fake.statuses)
    assert fake.statuses[parts[2].remote_id]["in_reply_to_id"] == parts[1].remote_id


async def test_a_422_fails_the_answer_with_the_server_reason_and_is_not_retried(tmp_path, server):
    fake = FakeMastodon(server, TOKEN, limit=40)
    store, qid = answered_session(tmp_path / "s.json", ref(server), ["@asker 1/2 short", "2/2 " + "x" * 60])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    assert len(server.seen("POST", "/api/v1/statuses")) == 2
    first, second = outbox.parts(qid)
    assert first.state == "posted"
    assert second.state == "failed" and second.attempts == 1
    assert second.reason == "Mastodon refused it: Validation failed: Text character limit of 40 exceeded"
    assert publish_state(outbox.parts(qid))[0][0].startswith("mastodon: failed (Mastodon refused it")
    await outbox.send_pending()  # nothing is retried blindly
    assert len(server.seen("POST", "/api/v1/statuses")) == 2

    fake.limit = 500  # the instance raised its limit: a human retries
    outbox.retry(second.id)
    await outbox.send_pending()
    assert [p.state for p in outbox.parts(qid)] == ["posted", "posted"]
    assert len(fake.statuses) == 2


async def test_a_failed_first_part_holds_the_rest_of_the_thread(tmp_path, server):
    FakeMastodon(server, TOKEN, limit=20)
    store, qid = answered_session(tmp_path / "s.json", ref(server), ["@asker 1/2 " + "y" * 30, "2/2 ok"])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    assert len(server.seen("POST", "/api/v1/statuses")) == 1
    assert [(p.state, p.reason) for p in outbox.parts(qid)][1] == ("failed", "not sent: part 1 failed")


async def test_a_question_from_another_instance_is_resolved_on_ours_first(tmp_path, server):
    fake = FakeMastodon(server, TOKEN)
    remote_url = "https://other.example/@asker/99887766"
    fake.remote[remote_url] = "7001"
    store, qid = answered_session(
        tmp_path / "s.json",
        {"platform": "mastodon", "status_id": "99887766", "instance": "https://other.example", "uri": remote_url},
        PARTS[:2])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    (search,) = server.seen("GET", "/api/v2/search")
    assert (search.arg("q"), search.arg("resolve"), search.arg("type")) == (remote_url, "true", "statuses")
    posts = server.seen("POST", "/api/v1/statuses")
    assert posts[0].json()["in_reply_to_id"] == "7001"
    assert posts[1].json()["in_reply_to_id"] == outbox.parts(qid)[0].remote_id


async def test_a_bad_token_leaves_the_parts_pending_and_says_so(tmp_path, server):
    FakeMastodon(server, "the-right-token")
    store, qid = answered_session(tmp_path / "s.json", ref(server), PARTS[:2])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    assert [p.state for p in outbox.parts(qid)] == ["pending", "pending"]
    assert len(server.seen("POST", "/api/v1/statuses")) == 1
    assert "not authorised (401): The access token is invalid" in outbox.status


async def test_no_posts_left_defers_until_the_window_resets(tmp_path, server):
    fake = FakeMastodon(server, TOKEN)
    fake.remaining = 1  # the next post uses the last one
    store, qid = answered_session(tmp_path / "s.json", ref(server), PARTS[:2])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    assert [p.state for p in outbox.parts(qid)] == ["posted", "pending"]
    assert len(server.seen("POST", "/api/v1/statuses")) == 1
    assert outbox.waiting_until is not None
    assert "no posts left in this rate-limit window" in outbox.status
    assert outbox.rate_limit.startswith("Mastodon: 0/300 posts left")


async def test_a_two_part_answer_sent_through_the_outbox_exports_as_1_of_2_and_2_of_2(tmp_path, server):
    """The outbox numbers parts from 1 and every export shows them as the thread does."""
    from store.export import render

    fake = FakeMastodon(server, TOKEN)
    store, qid = answered_session(tmp_path / "s.json", ref(server), PARTS[:2])
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first, second = outbox.parts(qid)
    md = render(store.state, "md")
    assert f"[mastodon 1/2]({fake.statuses[first.remote_id]['url']})" in md
    assert f"[mastodon 2/2]({fake.statuses[second.remote_id]['url']})" in md
    assert "3/2" not in md and "3/2" not in render(store.state, "html")
