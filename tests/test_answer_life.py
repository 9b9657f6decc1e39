"""The life of an answer after it is sent: corrected, followed up, retracted, on each platform's real
local fake, through the service and the outbox (every step recorded before its request goes out)."""
from __future__ import annotations

import html

import orjson
import pytest

from store.errors import ActionError
from store.session_store import SessionStore
from tests.httpserver import LocalServer, Response
from tests.publish_fakes import FakeBluesky, FakeMastodon, FakeX, answered_session
from tui.platforms.bluesky_publish import BlueskyPublisher
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.platforms.outbox import Outbox
from tui.platforms.publishers import Publisher
from tui.platforms.x_publish import XPublisher
from tui.service.session import SessionService

PARTS = ["@asker 1/2 Our 5G rollout starts in Milan #twittertime", "2/2 then Rome by spring #twittertime"]
FIXED = ["@asker 1/2 Our 5G rollout starts in Turin #twittertime", "2/2 then Rome by summer #twittertime"]
MORE = ["@asker Update: Naples is next #twittertime"]
MASTODON_REF = {"platform": "mastodon", "status_id": "555"}
BLUESKY_ROOT = {"uri": "at://did:plc:someone/app.bsky.feed.post/3kroot", "cid": "bafyroot"}
BLUESKY_REF = {"platform": "bluesky", "uri": "at://did:plc:asker/app.bsky.feed.post/3kq", "cid": "bafyq",
               "root": BLUESKY_ROOT}
X_REF = {"platform": "x", "tweet_id": "1700"}


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


async def sent(tmp_path, publisher: Publisher, ref: dict, source: str) -> tuple[SessionService, str]:
    """A two-part answer, posted through the service's outbox."""
    store, qid = answered_session(tmp_path / "s.json", ref, PARTS, source=source)
    service = SessionService(store, publishers=[publisher])
    assert service.outbox is not None
    service.outbox.backoff = (0.01, 0.05)
    service.outbox.enqueue(qid)
    await service.publish()
    assert [p.state for p in service.parts_of(qid)] == ["posted", "posted"]
    return service, qid


def revision(service: SessionService, qid: str, number: int) -> list[tuple[str, str, str]]:
    """(op, state, text) of a revision's parts, in order."""
    return [(p.op, p.state, p.text) for p in service.parts_of(qid) if p.revision == number]


def remote(service: SessionService, qid: str, revision: int = 0) -> list[str]:
    return [p.remote_id for p in service.parts_of(qid) if p.revision == revision]


# -- Mastodon: edits in place ------------------------------------------------------------------


async def test_mastodon_corrects_in_place_then_grows_and_shrinks_the_thread(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    service, qid = await sent(tmp_path, MastodonPublisher(server.url, "tok"), MASTODON_REF, "mastodon")
    first, second = remote(service, qid)

    service.correct(qid, " ".join(FIXED), FIXED)
    await service.publish()
    assert revision(service, qid, 1) == [("edit", "posted", FIXED[0]), ("edit", "posted", FIXED[1])]
    puts = server.seen("PUT", f"/api/v1/statuses/{first}") + server.seen("PUT", f"/api/v1/statuses/{second}")
    assert [r.json()["status"] for r in puts] == FIXED
    assert [fake.statuses[s]["edits"] for s in (first, second)] == [[FIXED[0]], [FIXED[1]]]
    assert service.state.answers[qid].current_text == " ".join(FIXED)

    three = ["@asker 1/3 Turin first", "2/3 then Rome", "3/3 then Naples"]
    service.correct(qid, " ".join(three), three)
    await service.publish()
    assert [op for op, _, _ in revision(service, qid, 2)] == ["edit", "edit", "post"]
    (third,) = [s for s in fake.statuses if s not in (first, second)]
    assert fake.statuses[third]["in_reply_to_id"] == second and fake.statuses[third]["content"] == three[2]

    service.correct(qid, "@asker Turin first.", ["@asker Turin first."])
    await service.publish()
    assert [(op, state) for op, state, _ in revision(service, qid, 3)] == [
        ("edit", "posted"), ("delete", "posted"), ("delete", "posted")]
    assert list(fake.statuses) == [first] and fake.statuses[first]["content"] == "@asker Turin first."
    assert fake.deleted == [second, third]
    assert service.links_of(qid) == [fake.statuses[first]["url"]]
    assert len(server.seen("POST", "/api/v1/statuses")) == 3  # the answer's two posts and the one extra
    assert service.can_revise(qid) and not service.asks_correction_mode(qid)  # Mastodon edits: no choice to make


async def test_mastodon_follow_up_replies_to_the_last_post(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    service, qid = await sent(tmp_path, MastodonPublisher(server.url, "tok"), MASTODON_REF, "mastodon")
    queued = service.follow_up(qid, MORE[0], MORE)
    assert [(p.op, p.state, p.index, p.total) for p in queued] == [("post", "pending", 1, 1)]
    assert queued[0].id == f"{qid}:mastodon:r1:1" and queued[0].idempotency_key
    await service.publish()
    (follow,) = remote(service, qid, 1)
    assert fake.statuses[follow]["in_reply_to_id"] == remote(service, qid)[1]
    assert fake.statuses[follow]["content"] == MORE[0]
    assert len(service.links_of(qid)) == 3


async def test_mastodon_retraction_deletes_each_post_once_even_when_an_answer_is_lost(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    service, qid = await sent(tmp_path, MastodonPublisher(server.url, "tok"), MASTODON_REF, "mastodon")
    posted = remote(service, qid)
    fake.faults = [None, "drop"]  # the second delete is made, its answer lost: the resend finds it gone
    service.retract(qid)
    await service.publish()
    assert revision(service, qid, 1) == [("delete", "posted", ""), ("delete", "posted", "")]
    assert fake.deleted == posted and fake.statuses == {}
    assert [len(server.seen("DELETE", f"/api/v1/statuses/{s}")) for s in posted] == [1, 2]
    assert service.links_of(qid) == []
    assert service.state.answers[qid].retracted_at
    with pytest.raises(ActionError, match="retracted"):
        service.follow_up(qid, "more", ["more"])


async def test_retracting_before_the_answer_went_out_sends_nothing(tmp_path, server):
    FakeMastodon(server, "tok")
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, PARTS)
    service = SessionService(store, publishers=[MastodonPublisher(server.url, "tok")])
    assert service.outbox is not None
    service.outbox.enqueue(qid)
    service.retract(qid)
    await service.publish()
    assert [(p.op, p.state) for p in service.parts_of(qid)] == [("post", "cancelled")] * 2 + [("delete", "cancelled")] * 2
    assert "answer was retracted" in service.parts_of(qid)[0].reason
    assert server.requests == []


async def test_a_correction_queued_before_the_answer_went_out_edits_it_once_it_is_posted(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, PARTS)
    service = SessionService(store, publishers=[MastodonPublisher(server.url, "tok")])
    assert service.outbox is not None
    service.outbox.enqueue(qid)
    service.correct(qid, " ".join(FIXED), FIXED)
    await service.publish()
    assert [(p.op, p.state) for p in service.parts_of(qid)] == [("post", "posted")] * 2 + [("edit", "posted")] * 2
    assert [s["content"] for s in fake.statuses.values()] == FIXED


# -- Bluesky: a reply, or a delete and a new thread --------------------------------------------------


def bluesky(server: LocalServer) -> tuple[FakeBluesky, BlueskyPublisher]:
    return FakeBluesky(server, "host.example.com", "pw"), BlueskyPublisher(server.url, "host.example.com", "pw")


def created(server: LocalServer) -> list[dict]:
    return [r.json() for r in server.seen("POST", "/xrpc/com.atproto.repo.createRecord")]


async def test_bluesky_correction_as_a_reply_goes_under_the_last_post(tmp_path, server):
    fake, publisher = bluesky(server)
    service, qid = await sent(tmp_path, publisher, BLUESKY_REF, "bluesky")
    assert service.asks_correction_mode(qid)
    service.correct(qid, " ".join(FIXED), FIXED, mode="reply")
    await service.publish()
    assert revision(service, qid, 1) == [("post", "posted", FIXED[0]), ("post", "posted", FIXED[1])]
    last = service.parts_of(qid)[1]
    fix1, fix2 = (c["record"] for c in created(server)[2:])
    assert fix1["reply"] == {"root": BLUESKY_ROOT, "parent": {"uri": last.remote_id, "cid": last.cid}}
    assert fix2["reply"]["parent"]["uri"] == remote(service, qid, 1)[0]
    assert len(fake.records) == 4 and fake.deleted == []


async def test_bluesky_correction_as_a_repost_deletes_then_posts_under_the_question(tmp_path, server):
    fake, publisher = bluesky(server)
    service, qid = await sent(tmp_path, publisher, BLUESKY_REF, "bluesky")
    old_keys = [p.idempotency_key for p in service.parts_of(qid)]
    service.correct(qid, " ".join(FIXED), FIXED, mode="repost")
    await service.publish()
    assert [(op, state) for op, state, _ in revision(service, qid, 1)] == [
        ("delete", "posted"), ("delete", "posted"), ("post", "posted"), ("post", "posted")]
    deletes = [r.json() for r in server.seen("POST", "/xrpc/com.atproto.repo.deleteRecord")]
    assert [d["rkey"] for d in deletes] == old_keys and fake.deleted == old_keys
    new1, new2 = (c["record"] for c in created(server)[2:])
    assert new1["reply"]["parent"] == {"uri": BLUESKY_REF["uri"], "cid": BLUESKY_REF["cid"]}
    assert [new1["text"], new2["text"]] == FIXED
    assert sorted(fake.records) == sorted(p.idempotency_key for p in service.parts_of(qid) if p.revision == 1 and p.op == "post")
    assert len(service.links_of(qid)) == 2


async def test_bluesky_follow_up_and_retraction(tmp_path, server):
    fake, publisher = bluesky(server)
    service, qid = await sent(tmp_path, publisher, BLUESKY_REF, "bluesky")
    service.follow_up(qid, MORE[0], MORE)
    await service.publish()
    follow = created(server)[2]["record"]
    assert follow["reply"]["parent"]["uri"] == remote(service, qid)[1] and follow["text"] == MORE[0]

    fake.faults = ["drop"]  # the first delete is made and its answer lost: deleting again is a no-op
    service.retract(qid)
    await service.publish()
    assert [(op, state) for op, state, _ in revision(service, qid, 2)] == [("delete", "posted")] * 3
    assert fake.records == {} and len(fake.deleted) == 3
    assert service.links_of(qid) == []


# -- X: a reply, or a delete and a new thread --------------------------------------------------------


async def test_x_correction_as_a_reply_then_as_a_repost(tmp_path, server):
    fake = FakeX(server, "tok")
    service, qid = await sent(tmp_path, XPublisher(server.url, "tok"), X_REF, "x")
    answer_ids = remote(service, qid)

    service.correct(qid, " ".join(FIXED), FIXED, mode="reply")
    await service.publish()
    posts = [r.json() for r in server.seen("POST", "/2/tweets")]
    assert [p["text"] for p in posts[2:]] == FIXED
    assert posts[2]["reply"]["in_reply_to_tweet_id"] == answer_ids[1]

    again = ["@asker 1/1 Turin, then Rome by summer #twittertime"]
    service.correct(qid, again[0], again, mode="repost")
    await service.publish()
    # the answer's posts and the first correction's are deleted; the new one replies to the question
    assert fake.deleted == answer_ids + remote(service, qid, 1)
    assert [html.unescape(t["text"]) for t in fake.tweets] == again
    assert fake.tweets[0]["referenced_tweets"][0]["id"] == "1700"


async def test_x_follow_up_and_retraction(tmp_path, server):
    fake = FakeX(server, "tok")
    service, qid = await sent(tmp_path, XPublisher(server.url, "tok"), X_REF, "x")
    service.follow_up(qid, MORE[0], MORE)
    await service.publish()
    assert fake.tweets[-1]["referenced_tweets"][0]["id"] == remote(service, qid)[1]

    fake.faults = [None, None, "drop"]  # the last delete is made and its answer lost: the resend gets a 404
    service.retract(qid)
    await service.publish()
    assert [(op, state) for op, state, _ in revision(service, qid, 2)] == [("delete", "posted")] * 3
    assert fake.tweets == [] and len(fake.deleted) == 3


async def test_a_refused_delete_fails_alone_and_a_human_retries_it(tmp_path, server):
    fake = FakeX(server, "tok")
    service, qid = await sent(tmp_path, XPublisher(server.url, "tok"), X_REF, "x")
    first, second = remote(service, qid)
    server.route("DELETE", f"/2/tweets/{first}", Response.json(
        {"title": "Forbidden", "status": 403, "detail": "You are not allowed to delete this Tweet."}, 403))
    service.retract(qid)
    await service.publish()
    assert [(p.state, p.reason) for p in service.parts_of(qid) if p.revision == 1] == [
        ("failed", "X refused it: You are not allowed to delete this Tweet."), ("posted", "")]
    assert fake.deleted == [second] and service.can_retry(qid)

    server.route("DELETE", f"/2/tweets/{first}", fake.delete)
    assert service.retry(qid)
    await service.publish()
    assert fake.deleted == [second, first] and fake.tweets == []
    assert not service.can_retry(qid)


async def test_a_revision_recorded_just_before_a_crash_is_queued_by_the_next_publish(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    service, qid = await sent(tmp_path, MastodonPublisher(server.url, "tok"), MASTODON_REF, "mastodon")
    service.store.revise_answer(qid, "follow_up", MORE[0], MORE)  # recorded; the process died before queueing
    await service.publish()
    assert revision(service, qid, 1) == [("post", "posted", MORE[0])]
    await service.publish()
    assert len(fake.statuses) == 3 and len(service.parts_of(qid)) == 3


# -- without any account: the logged answer changes, nothing is posted ---------------------------------


def test_local_only_the_logged_answer_is_corrected_followed_up_and_retracted(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, PARTS)
    service = SessionService(store)
    assert service.correct(qid, " ".join(FIXED), FIXED) == []
    assert service.follow_up(qid, MORE[0], MORE) == []
    assert not service.asks_correction_mode(qid)
    assert service.retract(qid) == []
    assert not service.can_revise(qid)
    answer = SessionStore.open(tmp_path / "s.json").state.answers[qid]  # as another process reads it
    assert [r["kind"] for r in answer.revisions] == ["correct", "follow_up", "retract"]
    assert answer.current_text == " ".join(FIXED) and answer.revisions[1]["parts"] == MORE
    assert answer.retracted_at == answer.revisions[2]["at"] and answer.text == " ".join(PARTS)
    assert store.state.outbox == {}


def test_what_a_revision_refuses(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, PARTS)
    store.add_questions([{"source": "mastodon", "remote_id": "q2", "author": "@b", "text": "unanswered?"}])
    other = next(q for q in store.state.questions if q != qid)
    service = SessionService(store)
    with pytest.raises(ActionError, match="no answer"):
        service.follow_up(other, "x", ["x"])
    with pytest.raises(ActionError, match="needs text"):
        service.correct(qid, " ", [" "])
    with pytest.raises(ActionError, match="reply or a repost"):
        service.correct(qid, "x", ["x"], mode="edit")
    service.retract(qid)
    with pytest.raises(ActionError, match="retracted"):
        service.retract(qid)


def test_a_version_1_store_reads_as_it_was(tmp_path):
    """Parts and answers written before revisions existed: posts of the answer as sent, no history."""
    store, qid = answered_session(tmp_path / "s.json", MASTODON_REF, PARTS)
    Outbox(store, [MastodonPublisher("https://mastodon.example", "tok")]).enqueue(qid)
    store.close()
    path = tmp_path / "s.json"
    tables = orjson.loads(path.read_bytes())
    tables["meta"]["1"]["schema"] = 1
    for part in tables["outbox"].values():
        del part["op"], part["revision"], part["target"]
    for answer in tables["answers"].values():
        del answer["revisions"], answer["retracted_at"]
    path.write_bytes(orjson.dumps(tables))
    (tmp_path / "s.json.journal").unlink(missing_ok=True)

    reopened = SessionStore.open(path)
    assert {(p.op, p.revision, p.target) for p in reopened.state.outbox.values()} == {("post", 0, "")}
    assert reopened.state.answers[qid].revisions == [] and reopened.state.answers[qid].retracted_at == ""
