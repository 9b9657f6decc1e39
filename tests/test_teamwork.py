"""Two people on one session: claims, dismissals while drafting, overrides, shared settings, presence."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from store.session_store import SessionStore
from store.team import PRESENCE_TIMEOUT
from tests.conftest import qid_of, record_notifications, screen_text, settle
from tui.app import QuestionTimeApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.dismiss import DismissScreen
from tui.screens.duplicate import DuplicateScreen
from tui.widgets.queue_list import QueueList

HOST = Path(__file__).parent / "workers" / "host.py"
SIZE = (160, 48)


def other(session: SessionStore, actor: str = "mod") -> SessionStore:
    """The other person's process on the same store (its own store object, its own actor)."""
    return SessionStore.open(session.path, actor=actor)


async def start_answering(pilot, app, author: str) -> str:
    """Approve the question by `author` in the New view, then answer it from the Approved view."""
    queue = app.screen.query_one(QueueList)
    qid = qid_of(app.store, author)
    queue.select(qid)
    await pilot.press("a", "2")
    await settle(pilot)
    queue.select(qid)
    await pilot.press("enter")
    await pilot.press(*"Sul m-payment stiamo")
    await settle(pilot)
    return qid


async def test_a_question_dismissed_while_the_host_drafts_asks_before_it_is_sent(session, clock) -> None:
    app = QuestionTimeApp(session, clock=clock, live=False)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        qid = await start_answering(pilot, app, "@paolo_mpay")
        assert app.service.presence.answering == qid  # the claim: every process sees "host is answering"
        moderator = other(session)
        moderator.dismiss(qid, "off-topic")
        app.service.store.refresh()
        app.mark_dirty(frozenset({qid}))
        await settle(pilot)
        assert any("was just dismissed (off-topic) by mod" in text for text in seen)  # told at once
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # not sent without asking
        await pilot.press("n")
        await settle(pilot)
        assert qid not in session.state.answers
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        answer = session.state.answers[qid]
        assert answer.overrode == "dismissed (off-topic) by mod"  # the log says who was overridden
        assert "although it was dismissed" in screen_text(app) or answer.overrode


async def test_the_store_refuses_an_answer_to_a_dismissed_question_without_the_hosts_word(session) -> None:
    from store.errors import Dismissed

    qid = qid_of(session, "@paolo_mpay")
    other(session).dismiss(qid, "spam")
    session.refresh()
    try:
        session.add_answer(qid, "x", ["x"], "classic")
    except Dismissed as refused:
        assert refused.dismissal == "dismissed (spam) by mod"
    else:
        raise AssertionError("answered a dismissed question without an override")


async def test_a_merge_while_the_host_drafts_is_told_and_asks_before_sending(session, clock) -> None:
    app = QuestionTimeApp(session, clock=clock, live=False)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        qid = await start_answering(pilot, app, "@sud_connesso")
        other(session).mark_duplicate(qid, qid_of(session, "@nerthase"))
        app.service.store.refresh()
        app.mark_dirty(frozenset({qid}))
        await settle(pilot)
        assert any("was just dismissed (duplicate) by mod" in text for text in seen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


def start_host(store: Path, qid: str, actor: str = "host") -> subprocess.Popen[str]:
    host = subprocess.Popen([sys.executable, str(HOST), "--store", str(store), "--qid", qid, "--actor", actor],
                            stdout=subprocess.PIPE, text=True)
    assert host.stdout is not None and host.stdout.readline().strip() == "claimed"
    return host


async def test_dismissing_a_claimed_question_asks_and_a_killed_hosts_claim_lapses(session, clock) -> None:
    qid = qid_of(session, "@nerthase")
    host = start_host(session.path, qid)
    try:
        app = QuestionTimeApp(session, role="moderator", clock=clock, poll_every=0.05)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.screen.query_one(QueueList).select(qid)
            await pilot.pause(0.5)
            assert app.service.claimed_by(qid) is not None
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)  # asked first: a host is answering it
            assert "host (host) is answering" in screen_text(app)
            assert "They are told at once." in screen_text(app)  # the whole question, wrapped, not cut
            await pilot.press("escape")
            os.kill(host.pid, signal.SIGKILL)  # a crash: no goodbye, no released claim
            host.wait()
            await pilot.pause(PRESENCE_TIMEOUT + 1.5)
            assert app.service.claimed_by(qid) is None  # the dead host's claim lapsed
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, DismissScreen)  # straight to the reason
    finally:
        if host.poll() is None:
            host.kill()


async def test_merging_a_claimed_question_asks_first(session, clock) -> None:
    qid = qid_of(session, "@sud_connesso")
    host = start_host(session.path, qid)
    try:
        app = QuestionTimeApp(session, role="moderator", clock=clock, poll_every=0.05)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.screen.query_one(QueueList).select(qid)
            await pilot.pause(0.5)
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, DuplicateScreen)
    finally:
        host.kill()
        host.wait()


async def test_a_settings_change_in_another_process_shows_within_a_second(session, clock) -> None:
    app = QuestionTimeApp(session, clock=clock, poll_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        done = subprocess.run([sys.executable, "-m", "tui", "session", "--store", str(session.path),
                               "--title", "Ask the CEO", "--hashtag", "askceo"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        for _ in range(100):  # the app polls the store; no clock is asserted, only that it shows
            if "Ask the CEO" in screen_text(app):
                break
            await pilot.pause(0.1)
        assert "Ask the CEO  #askceo" in screen_text(app)


async def test_the_header_shows_who_else_is_on_the_session(session, clock) -> None:
    host = start_host(session.path, "")
    try:
        app = QuestionTimeApp(session, role="moderator", clock=clock, poll_every=0.05)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            await settle(pilot)
            app._refresh_header()
            await pilot.pause()
            assert "with host " in screen_text(app) and "with host host" not in screen_text(app)  # a role named once
    finally:
        host.kill()
        host.wait()


def test_undo_never_reaches_past_a_send(session) -> None:
    first, second = qid_of(session, "@nerthase"), qid_of(session, "@fra_cloud")
    session.approve(first)
    session.approve(second)
    session.add_answer(second, "Sì", ["@fra_cloud Sì #twittertime"], "classic")
    assert session.undo() is None  # the approval before the send stays
    assert session.state.questions[first].status == "approved"


def test_an_old_process_stops_writing_when_its_session_is_replaced(tmp_path: Path) -> None:
    from store.errors import SessionReplaced
    from tui.commands.demo import remove_session

    path = tmp_path / "demo.json"
    old = SessionStore.open(path, actor="old")
    old.add_questions([{"source": "file", "remote_id": "1", "author": "@a", "text": "q?"}])
    remove_session(path)
    new = SessionStore.open(path, actor="new")
    new.add_questions([{"source": "file", "remote_id": "2", "author": "@b", "text": "r?"}])
    seq = new.state.last_seq
    qid = next(iter(new.state.questions))
    try:
        old.approve(qid)
    except SessionReplaced:
        pass
    else:
        raise AssertionError("an old process wrote into the new session")
    assert SessionStore.open(path, actor="check").state.last_seq == seq
    assert old.compact() is False  # and never writes a snapshot over it


async def test_a_sent_answer_is_corrected_followed_up_and_retracted_with_keys(session, clock) -> None:
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        qid = await start_answering(pilot, app, "@paolo_mpay")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert session.state.answers[qid].text == "Sul m-payment stiamo"
        await pilot.press("5")
        await settle(pilot)
        app.screen.query_one(QueueList).select(qid)
        await pilot.press("enter")
        await settle(pilot)
        assert session.state.answers[qid].revisions == []  # enter says how to correct, it does not
        await pilot.press("c")
        await pilot.press(*" lavorando")
        await pilot.press("ctrl+s")
        await settle(pilot)
        answer = session.state.answers[qid]
        assert answer.current_text == "Sul m-payment stiamo lavorando"
        assert app.service.presence.answering == ""  # sent: the claim ended
        await pilot.press("f", *"Ne riparliamo a maggio", "ctrl+s")
        await settle(pilot)
        assert [r["kind"] for r in session.state.answers[qid].revisions] == ["correct", "follow_up"]
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert session.state.answers[qid].retracted_at
        assert "retracted" in screen_text(app)
        await pilot.press("c")  # nothing more to correct
        await settle(pilot)
        assert len(session.state.answers[qid].revisions) == 3


async def test_a_hostile_name_in_a_claim_is_shown_cleaned_in_the_confirmation(session, clock) -> None:
    """Names come from the store (another process, a hand edit): shown as text, without escapes."""
    qid = qid_of(session, "@nerthase")
    host = start_host(session.path, qid, actor="ho\x1b]2;pwned\x07st [b]x[/b]")
    try:
        app = QuestionTimeApp(session, role="moderator", clock=clock, poll_every=0.05)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.screen.query_one(QueueList).select(qid)
            await pilot.pause(0.5)
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            shown = app.screen.question.plain  # what the dialog draws
            assert "[b]x[/b]" in shown and "\x1b" not in shown and "\x07" not in shown
    finally:
        host.kill()
        host.wait()
