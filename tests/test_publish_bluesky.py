"""Answers posted as Bluesky replies (createRecord with our own rkey), against a real local PDS fake."""
from __future__ import annotations

import pytest

from store.session_store import SessionStore
from tests.httpserver import LocalServer, Response
from tests.publish_fakes import FakeBluesky, answered_session
from tui.platforms.bluesky_publish import BlueskyPublisher, TidClock
from tui.platforms.outbox import Outbox

HANDLE = "host.example.com"
PASSWORD = "app-pass-bsky-test"
ASKER_DID = "did:plc:asker000000000000000000"
ROOT = {"uri": "at://did:plc:someone/app.bsky.feed.post/3kroot", "cid": "bafyroot"}
QUESTION = {"uri": "at://did:plc:asker/app.bsky.feed.post/3kquestion", "cid": "bafyquestion"}
PARTS = ["@asker.bsky.social 1/3 ✨ Our 5G rollout: https://example.com/5g-plan. #twittertime",
         "2/3 👨‍❤️‍👨 then Rome and Turin #twittertime",
         "3/3 città by 2014 #twittertime"]


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def outbox_for(store: SessionStore, server: LocalServer, handle: str = HANDLE) -> Outbox:
    return Outbox(store, [BlueskyPublisher(server.url, handle, PASSWORD)], backoff=(0.01, 0.05))


def session(tmp_path, **ref) -> tuple[SessionStore, str]:
    reply_ref = {"platform": "bluesky", **QUESTION, "root": ROOT, **ref}
    return answered_session(tmp_path / "s.json", reply_ref, PARTS, source="bluesky", author="@asker.bsky.social")


def test_record_keys_are_sortable_tids():
    clock = TidClock()
    keys = [clock.next() for _ in range(50)]
    assert keys == sorted(keys) and len(set(keys)) == 50
    assert all(len(k) == 13 and set(k) <= set("234567abcdefghijklmnopqrstuvwxyz") for k in keys)


async def test_a_thread_keeps_the_question_root_and_chains_parents(tmp_path, server):
    fake = FakeBluesky(server, HANDLE, PASSWORD)
    fake.dids["asker.bsky.social"] = ASKER_DID
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    queued = outbox.enqueue(qid)
    await outbox.send_pending()

    creates = [r.json() for r in server.seen("POST", "/xrpc/com.atproto.repo.createRecord")]
    assert [c["rkey"] for c in creates] == [p.idempotency_key for p in queued]
    assert {c["repo"] for c in creates} == {FakeBluesky.DID}
    assert {c["collection"] for c in creates} == {"app.bsky.feed.post"}
    records = [c["record"] for c in creates]
    assert [r["text"] for r in records] == PARTS
    assert all(r["reply"]["root"] == ROOT for r in records)
    parts = outbox.parts(qid)
    assert [r["reply"]["parent"] for r in records] == [
        QUESTION, {"uri": parts[0].remote_id, "cid": parts[0].cid},
        {"uri": parts[1].remote_id, "cid": parts[1].cid}]
    assert all(r["langs"] == ["en"] and r["$type"] == "app.bsky.feed.post" for r in records)
    assert [p.state for p in parts] == ["posted"] * 3
    assert parts[0].remote_id == fake.records[queued[0].idempotency_key]["uri"]
    assert parts[0].url == f"https://bsky.app/profile/{HANDLE}/post/{queued[0].idempotency_key}"
    assert records[0]["createdAt"] == parts[0].first_try_at
    assert fake.logins == 1
    assert outbox.rate_limit.startswith("Bluesky: 4990/5000 posts left")


async def test_facets_point_at_the_right_utf8_bytes(tmp_path, server):
    fake = FakeBluesky(server, HANDLE, PASSWORD)
    fake.dids["asker.bsky.social"] = ASKER_DID
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()

    first, second, _ = (r.json()["record"] for r in server.seen("POST", "/xrpc/com.atproto.repo.createRecord"))
    text = first["text"].encode()
    sliced = [(text[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(), f["features"][0]) for f in first["facets"]]
    assert sliced == [
        ("@asker.bsky.social", {"$type": "app.bsky.richtext.facet#mention", "did": ASKER_DID}),
        ("https://example.com/5g-plan", {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/5g-plan"}),
        ("#twittertime", {"$type": "app.bsky.richtext.facet#tag", "tag": "twittertime"}),
    ]
    tag = second["facets"][0]["index"]
    assert second["text"].encode()[tag["byteStart"]:tag["byteEnd"]] == b"#twittertime"


async def test_the_askers_did_from_the_source_saves_a_lookup(tmp_path, server):
    FakeBluesky(server, HANDLE, PASSWORD)  # resolves no handle at all
    store, qid = session(tmp_path, did=ASKER_DID)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first = server.seen("POST", "/xrpc/com.atproto.repo.createRecord")[0].json()["record"]
    assert first["facets"][0]["features"][0] == {"$type": "app.bsky.richtext.facet#mention", "did": ASKER_DID}
    assert not server.seen("GET", "/xrpc/com.atproto.identity.resolveHandle")


async def test_an_unresolvable_mention_stays_plain_text(tmp_path, server):
    FakeBluesky(server, HANDLE, PASSWORD)
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first = server.seen("POST", "/xrpc/com.atproto.repo.createRecord")[0].json()["record"]
    assert [f["features"][0]["$type"].rsplit("#")[1] for f in first["facets"]] == ["link", "tag"]


async def test_failures_and_lost_answers_still_make_one_record_per_part(tmp_path, server):
    fake = FakeBluesky(server, HANDLE, PASSWORD)
    fake.faults = ["503", "drop", None, "429", "drop", None]
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    queued = outbox.enqueue(qid)
    await outbox.send_pending()

    assert sorted(fake.records) == sorted(p.idempotency_key for p in queued)
    assert [r["value"]["text"] for r in fake.records.values()] == PARTS
    parts = outbox.parts(qid)
    assert [p.state for p in parts] == ["posted"] * 3
    assert [p.cid for p in parts] == [fake.records[p.idempotency_key]["cid"] for p in queued]
    # after each lost answer the record was looked up, found, and not created again
    assert len(server.seen("GET", "/xrpc/com.atproto.repo.getRecord")) >= 2
    assert fake.records[queued[2].idempotency_key]["value"]["reply"]["parent"]["cid"] == parts[1].cid


async def test_a_create_refused_because_the_record_exists_counts_as_posted(tmp_path, server):
    fake = FakeBluesky(server, HANDLE, PASSWORD)
    fake.exists_answer = Response.json({"error": "RecordAlreadyExists", "message": "Record already exists"}, 409)
    fake.faults = ["drop"]
    fake.hide_next_get = True  # the lookup after the lost answer misses it (still being committed)
    store, qid = answered_session(tmp_path / "s.json", {"platform": "bluesky", **QUESTION}, ["only part"], source="bluesky")
    outbox = outbox_for(store, server)
    (queued,) = outbox.enqueue(qid)
    await outbox.send_pending()

    assert len(fake.records) == 1
    (part,) = outbox.parts(qid)
    assert part.state == "posted" and part.cid == fake.records[queued.idempotency_key]["cid"]
    assert len(server.seen("POST", "/xrpc/com.atproto.repo.createRecord")) == 2
    record = fake.records[queued.idempotency_key]["value"]
    assert record["reply"] == {"root": QUESTION, "parent": QUESTION}  # a top-level question is its own root


async def test_invalid_request_fails_the_part_with_the_reason(tmp_path, server):
    fake = FakeBluesky(server, HANDLE, PASSWORD)
    fake.grapheme_limit = 40
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()
    first, second, third = outbox.parts(qid)
    assert first.state == "failed" and first.attempts == 1
    assert first.reason == ("Bluesky refused it: InvalidRequest: Invalid app.bsky.feed.post record:"
                            " Record/text must not be longer than 40 graphemes")
    assert (second.state, third.state) == ("failed", "failed")
    assert len(server.seen("POST", "/xrpc/com.atproto.repo.createRecord")) == 1


async def test_an_expired_session_is_refreshed_once_without_a_new_login(tmp_path, server):
    fake = FakeBluesky(server, HANDLE, PASSWORD)
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server)
    outbox.enqueue(qid)
    await outbox.send_pending()  # logs in once
    fake.expire()
    store.add_questions([{"source": "bluesky", "remote_id": "q2", "author": "@b.bsky.social", "text": "And 6G?",
                          "reply_ref": {"platform": "bluesky", **QUESTION}}])
    qid2 = next(q for q in store.state.questions if q != qid)
    store.add_answer(qid2, "Later.", ["Later."], "bluesky")
    outbox.enqueue(qid2)
    await outbox.send_pending()
    assert outbox.parts(qid2)[0].state == "posted"
    assert fake.logins == 1
    assert len(server.seen("POST", "/xrpc/com.atproto.server.refreshSession")) == 1


async def test_a_wrong_app_password_is_a_clear_reason_without_the_password(tmp_path, server):
    FakeBluesky(server, HANDLE, "the-right-password")
    store, qid = session(tmp_path)
    outbox = outbox_for(store, server, handle="other.example.com")
    outbox.enqueue(qid)
    await outbox.send_pending()
    assert [p.state for p in outbox.parts(qid)] == ["pending"] * 3
    assert "Bluesky login for other.example.com failed" in outbox.status
    assert PASSWORD not in outbox.status
    assert not server.seen("POST", "/xrpc/com.atproto.repo.createRecord")
