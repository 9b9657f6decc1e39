"""The outbox's bookkeeping: local only, what has a reply target, queueing once, one sender at a time."""
from __future__ import annotations

import pytest
from filelock import FileLock

from store.errors import ActionError
from store.session_store import SessionStore
from tests.httpserver import LocalServer
from tests.publish_fakes import FakeMastodon, answered_session
from tui.platforms.accounts import connected_publishers
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.platforms.outbox import Outbox
from tui.platforms.x_publish import XPublisher
from tui.widgets.answered_log import publish_state

MASTODON_REF = {"platform": "mastodon", "status_id": "555"}


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def test_no_account_means_local_only_and_nothing_queued(tmp_path):
    publishers = connected_publishers({"QTIME_ACCOUNTS": str(tmp_path / "none.toml")})
    assert publishers == []
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, ["an answer"])
    outbox = Outbox(store, publishers)
    assert outbox.local_only
    assert outbox.enqueue(qid) == []
    assert store.state.outbox == {}


async def test_local_only_send_is_a_no_op(tmp_path):
    store, _ = answered_session(tmp_path / "s.json", MASTODON_REF, ["an answer"])
    outbox = Outbox(store, [])
    await outbox.send_pending()
    assert outbox.status == "" and outbox.rate_limit == ""


def test_a_question_without_a_reply_target_is_not_published(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", {}, ["an answer"], source="file:questions.jsonl")
    outbox = Outbox(store, [MastodonPublisher("https://mastodon.example", "tok")])
    assert not outbox.local_only
    assert outbox.targets(store.question(qid)) == []
    assert outbox.enqueue(qid) == []
    assert store.state.outbox == {}


def test_only_the_questions_own_platform_replies(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", {"platform": "bluesky", "uri": "at://x", "cid": "c"},
                                  ["an answer"], source="bluesky")
    outbox = Outbox(store, [MastodonPublisher("https://mastodon.example", "tok"), XPublisher("https://api.x.com", "t")])
    assert outbox.enqueue(qid) == []


def test_enqueue_records_pending_parts_once(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, ["1/2 a", "2/2 b"])
    outbox = Outbox(store, [MastodonPublisher("https://mastodon.example", "tok")])
    first = outbox.enqueue(qid)
    assert [(p.id, p.index, p.total, p.text, p.state) for p in first] == [
        (f"{qid}:mastodon:1", 1, 2, "1/2 a", "pending"), (f"{qid}:mastodon:2", 2, 2, "2/2 b", "pending")]
    seq = store.state.last_seq
    assert outbox.enqueue(qid) == first
    assert store.state.last_seq == seq

    reopened = SessionStore.open(tmp_path / "s.json")
    assert [p.idempotency_key for p in reopened.state.outbox.values()] == [p.idempotency_key for p in first]
    assert publish_state(outbox.parts(qid)) == [("mastodon: sending 0/2", "$warning")]


def test_only_answers_and_failed_parts_can_be_queued_or_retried(tmp_path):
    store = SessionStore.open(tmp_path / "s.json")
    store.add_questions([{"source": "mastodon", "remote_id": "1", "author": "@a", "text": "q", "reply_ref": MASTODON_REF}])
    qid = next(iter(store.state.questions))
    outbox = Outbox(store, [MastodonPublisher("https://mastodon.example", "tok")])
    with pytest.raises(ActionError, match="no answer"):
        outbox.enqueue(qid)
    store.add_answer(qid, "a", ["a"], "x")
    (part,) = outbox.enqueue(qid)
    with pytest.raises(ActionError, match="is pending, not failed"):
        outbox.retry(part.id)
    with pytest.raises(ActionError, match="no outbox part"):
        outbox.retry("nope")


async def test_one_sender_at_a_time_across_processes(tmp_path, server):
    FakeMastodon(server, "tok")
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, ["an answer"])
    outbox = Outbox(store, [MastodonPublisher(server.url, "tok")])
    outbox.enqueue(qid)
    with FileLock(f"{tmp_path / 's.json'}.outbox.lock"):  # another qtime is sending
        await outbox.send_pending()
        assert not server.seen("POST", "/api/v1/statuses")
        assert "another qtime process is sending" in outbox.status
    await outbox.send_pending()
    assert publish_state(outbox.parts(qid)) == [("mastodon: posted 1/1", "$success")]
    assert "another" not in outbox.status


async def test_a_transient_failure_that_outlasts_the_attempts_fails_the_part(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    fake.faults = ["503"] * 3
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, ["an answer"])
    outbox = Outbox(store, [MastodonPublisher(server.url, "tok")], backoff=(0.01, 0.02), max_attempts=3)
    outbox.enqueue(qid)
    await outbox.send_pending()
    (part,) = outbox.parts(qid)
    assert (part.state, part.attempts) == ("failed", 3)
    assert part.reason == "server error 503 (gave up after 3 attempts)"
    assert fake.statuses == {}
