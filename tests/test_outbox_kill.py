"""A publishing process SIGKILLed mid-thread, restarted: every thread finishes, no post is made twice."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.session_store import SessionStore
from tests.httpserver import LocalServer
from tests.publish_fakes import FakeBluesky, FakeMastodon, FakeX
from tui.platforms.accounts import connected_publishers
from tui.platforms.outbox import Outbox

WORKER = Path(__file__).parent / "workers" / "outbox_worker.py"
PARTS = ["1/3 first #twittertime", "2/3 second #twittertime", "3/3 third #twittertime"]


def env_for(server: LocalServer, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QTIME_ACCOUNTS": str(tmp_path / "no-accounts.toml"),
            "QTIME_MASTODON_URL": server.url, "QTIME_MASTODON_TOKEN": "tok-m-kill",
            "QTIME_BLUESKY_URL": server.url, "QTIME_BLUESKY_HANDLE": "host.example.com",
            "QTIME_BLUESKY_APP_PASSWORD": "pw-b-kill", "QTIME_X_URL": server.url, "QTIME_X_USER_TOKEN": "tok-x-kill"}


def queue_three_threads(path: Path, env: dict[str, str]) -> dict[str, str]:
    """One answered question per platform, its three parts queued; platform -> qid."""
    store = SessionStore.open(path)
    refs = {"mastodon": {"platform": "mastodon", "status_id": "555"},
            "bluesky": {"platform": "bluesky", "uri": "at://did:plc:asker/app.bsky.feed.post/3kq", "cid": "bafyq"},
            "x": {"platform": "x", "tweet_id": "1700"}}
    store.add_questions([{"source": platform, "remote_id": f"q-{platform}", "author": "@asker", "text": "5G?",
                          "reply_ref": ref} for platform, ref in refs.items()])
    qids = {q.source: q.id for q in store.state.questions.values()}
    outbox = Outbox(store, connected_publishers(env))
    for qid in qids.values():
        store.add_answer(qid, " ".join(PARTS), PARTS, "x")
        assert len(outbox.enqueue(qid)) == 3
    store.close()
    return qids


def wait_for(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.mark.slow
def test_killed_mid_thread_then_restarted_finishes_without_duplicates(tmp_path):
    path = tmp_path / "session.json"
    with LocalServer() as server:
        mastodon = FakeMastodon(server, "tok-m-kill")
        bluesky = FakeBluesky(server, "host.example.com", "pw-b-kill")
        x = FakeX(server, "tok-x-kill")
        for fake in (mastodon, bluesky, x):
            fake.faults = [None, "slow"]  # part 2 is created, and its answer held back
            fake.slow_delay = 30.0
        env = env_for(server, tmp_path)
        qids = queue_three_threads(path, env)

        worker = subprocess.Popen([sys.executable, str(WORKER), str(path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: len(server.seen("POST", "/api/v1/statuses")) == 2
                     and len(server.seen("POST", "/xrpc/com.atproto.repo.createRecord")) == 2
                     and len(server.seen("POST", "/2/tweets")) == 2, "part 2 on every platform")
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.communicate()
        assert worker.returncode == -signal.SIGKILL

        store = SessionStore.open(path)
        for qid in qids.values():
            states = [(p.state, p.sending) for p in sorted(
                (p for p in store.state.outbox.values() if p.question_id == qid), key=lambda p: p.index)]
            assert states == [("posted", False), ("pending", True), ("pending", False)]
        store.close()

        again = subprocess.run([sys.executable, str(WORKER), str(path)], env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr

    store = SessionStore.open(path)
    parts = {platform: sorted((p for p in store.state.outbox.values() if p.question_id == qid),
                              key=lambda p: p.index) for platform, qid in qids.items()}
    assert {platform: [p.state for p in thread] for platform, thread in parts.items()} == {
        platform: ["posted"] * 3 for platform in qids}

    # server side: exactly one post per part, each replying to the one before
    assert [s["content"] for s in mastodon.statuses.values()] == PARTS
    assert [s["in_reply_to_id"] for s in mastodon.statuses.values()] == ["555"] + [p.remote_id for p in parts["mastodon"][:2]]
    assert [r["value"]["text"] for r in bluesky.records.values()] == PARTS
    assert [r["value"]["reply"]["parent"]["uri"] for r in list(bluesky.records.values())[1:]] == [
        p.remote_id for p in parts["bluesky"][:2]]
    assert [t["text"] for t in x.tweets] == PARTS
    assert [t["referenced_tweets"][0]["id"] for t in x.tweets] == ["1700"] + [p.remote_id for p in parts["x"][:2]]
