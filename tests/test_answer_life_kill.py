"""A process SIGKILLed while a correction, a follow-up or a retraction is in flight, then restarted:
the edit, the post or the delete is made once, and every step finishes."""
from __future__ import annotations

import asyncio
import html
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from store.session_store import SessionStore
from tests.httpserver import LocalServer, Request
from tests.publish_fakes import FakeBluesky, FakeMastodon, FakeX
from tests.test_outbox_kill import WORKER, env_for, queue_three_threads, wait_for
from tui.platforms.accounts import connected_publishers
from tui.platforms.outbox import Outbox
from tui.service.session import SessionService

FIXED = ["1/3 first, corrected #twittertime", "2/3 second, corrected #twittertime", "3/3 third, corrected #twittertime"]
MORE = ["Update: one more thing #twittertime"]
ROTATIONS = [
    {"mastodon": "correct", "bluesky": "follow_up", "x": "retract"},
    {"mastodon": "follow_up", "bluesky": "retract", "x": "correct"},
    {"mastodon": "retract", "bluesky": "correct", "x": "follow_up"},
]


def writes(server: LocalServer, platform: str) -> list[Request]:
    """The requests that create, edit or delete something on `platform`."""
    def of(request: Request) -> bool:
        if platform == "mastodon":
            return request.path.startswith("/api/v1/statuses") and request.method in ("POST", "PUT", "DELETE")
        if platform == "bluesky":
            return request.path.endswith(("createRecord", "deleteRecord"))
        return request.path.startswith("/2/tweets") and request.method in ("POST", "DELETE")

    return [r for r in list(server.requests) if of(r)]


def revise(service: SessionService, qid: str, kind: str) -> None:
    if kind == "correct":
        service.correct(qid, " ".join(FIXED), FIXED, mode="repost")  # Mastodon edits whatever the mode
    elif kind == "follow_up":
        service.follow_up(qid, MORE[0], MORE)
    else:
        service.retract(qid)


def posted_and_revised(path: Path, env: dict[str, str], plan: dict[str, str]) -> dict[str, str]:
    """Each platform's three-part answer posted, then its revision queued; platform -> qid."""
    qids = queue_three_threads(path, env)
    store = SessionStore.open(path)
    asyncio.run(Outbox(store, connected_publishers(env)).send_pending())
    service = SessionService(store, publishers=connected_publishers(env))
    for platform, kind in plan.items():
        revise(service, qids[platform], kind)
    store.close()
    return qids


@pytest.mark.slow
@pytest.mark.parametrize("plan", ROTATIONS, ids=["-".join(p.values()) for p in ROTATIONS])
def test_killed_mid_revision_then_restarted_acts_once(tmp_path, plan):
    path = tmp_path / "session.json"
    with LocalServer() as server:
        fakes = {"mastodon": FakeMastodon(server, "tok-m-kill"), "bluesky": FakeBluesky(server, "host.example.com", "pw-b-kill"),
                 "x": FakeX(server, "tok-x-kill")}
        env = env_for(server, tmp_path)
        qids = posted_and_revised(path, env, plan)
        answer = {p: [part.remote_id for part in sorted(
            (q for q in SessionStore.open(path).state.outbox.values() if q.question_id == qid and q.revision == 0),
            key=lambda q: q.index)] for p, qid in qids.items()}
        before = {p: len(writes(server, p)) for p in fakes}
        for fake in fakes.values():
            fake.faults = ["slow"]  # the revision's first request is carried out, its answer held back
            fake.slow_delay = 30.0

        worker = subprocess.Popen([sys.executable, str(WORKER), str(path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: all(len(writes(server, p)) == before[p] + 1 for p in fakes), "a revision request per platform")
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.communicate()
        assert worker.returncode == -signal.SIGKILL

        store = SessionStore.open(path)
        for qid in qids.values():
            first = next(p for p in store.state.outbox.values() if p.question_id == qid and p.revision == 1 and p.index == 1)
            assert (first.state, first.sending) == ("pending", True)
        store.close()

        again = subprocess.run([sys.executable, str(WORKER), str(path)], env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr

    store = SessionStore.open(path)
    for qid in qids.values():
        assert {p.state for p in store.state.outbox.values() if p.question_id == qid} == {"posted"}
    for platform, kind in plan.items():
        check = {"correct": corrected_once, "follow_up": followed_up_once, "retract": retracted_once}[kind]
        check(platform, fakes[platform], answer[platform])


def texts(platform: str, fake) -> list[str]:
    """What is on the platform now, oldest first."""
    if platform == "mastodon":
        return [s["content"] for s in fake.statuses.values()]
    if platform == "bluesky":
        return [r["value"]["text"] for r in fake.records.values()]
    return [html.unescape(t["text"]) for t in fake.tweets]


def corrected_once(platform: str, fake, answer: list[str]) -> None:
    if platform == "mastodon":  # edited in place, one edit per status: the resend read the source first
        assert [fake.statuses[s]["edits"] for s in answer] == [[text] for text in FIXED]
        return
    assert len(fake.deleted) == 3 and set(fake.deleted) == set(
        answer if platform == "x" else [uri.rsplit("/", 1)[-1] for uri in answer])
    assert texts(platform, fake) == FIXED  # the corrected thread, each post once


def followed_up_once(platform: str, fake, answer: list[str]) -> None:
    assert texts(platform, fake)[3:] == MORE and len(texts(platform, fake)) == 4


def retracted_once(platform: str, fake, answer: list[str]) -> None:
    assert texts(platform, fake) == []
    assert len(fake.deleted) == 3
