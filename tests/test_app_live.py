"""Pilot tests: roles, first run, the live feed (pause), and two processes on one store."""
from __future__ import annotations

import asyncio

from store.session_store import SessionStore
from tests.conftest import qid_of, screen_text, settle
from tui.app import QuestionTimeApp
from tui.platforms.base import Emit, Report, Source, Warn
from tui.screens.first_run import FirstRunScreen
from tui.screens.main import MainScreen
from tui.widgets.queue_list import QueueList

SIZE = (160, 48)


class GatedSource(Source):
    """Emits one question each time the test opens the gate."""

    def __init__(self) -> None:
        super().__init__("test:gated")
        self.gate: asyncio.Queue[str] = asyncio.Queue()
        self.emitted = 0

    async def run(self, emit: Emit, report: Report, warn: Warn, *, once: bool = False) -> None:
        report(self.state("live", "waiting for the test"))
        while True:
            text = await self.gate.get()
            await emit([{"source": "test", "remote_id": text, "author": "@live", "text": text}])
            self.emitted += 1


async def wait_until(pilot, condition, rounds: int = 200) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never became true")


async def test_roles_have_their_own_layout(session, clock):
    for role, present, absent in (("moderator", "#detail", "#draft"), ("host", "#draft", "#detail"), ("both", "#log", "#detail")):
        app = QuestionTimeApp(session, role=role, clock=clock, live=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.screen.query(present) and not app.screen.query(absent)
            if role == "host":
                assert app.screen.view == "approved"
                assert "a Approve" not in screen_text(app)  # the host's footer has no triage keys
            if role == "moderator":
                assert "⏎ Answer" not in screen_text(app)
                assert "Come navighereste oggi in 56k?" in screen_text(app)


async def test_pause_holds_new_arrivals(session, clock):
    source = GatedSource()
    app = QuestionTimeApp(session, sources=[source], clock=clock, poll_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "waiting for the test" in screen_text(app))
        await pilot.press("p")
        await settle(pilot)
        assert "feed paused" in screen_text(app)
        source.gate.put_nowait("arrives while paused")
        await pilot.pause(0.3)
        assert source.emitted == 0 and len(session.state.questions) == 8
        await pilot.press("p")
        await wait_until(pilot, lambda: source.emitted == 1)
        await settle(pilot)
        assert "arrives while paused" in screen_text(app)
        assert "feed paused" not in screen_text(app)


async def test_first_run_form_creates_the_session(store_path, clock, fixed_times):
    app = QuestionTimeApp(store_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        title = app.screen.query_one("#title")
        title.value = ""
        title.focus()
        await pilot.press(*"Ask the CEO")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert "Ask the CEO" in screen_text(app)
    store = SessionStore.open(store_path, create=False)
    assert (store.settings.title, store.settings.hashtag, store.settings.profile) == ("Ask the CEO", "twittertime", "x")


async def test_first_run_that_cannot_create_the_store_exits_with_the_reason(tmp_path, clock):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = QuestionTimeApp(blocker / "session.json", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert blocker.read_text() == "not a folder"


async def test_another_process_changes_show_up_without_moving_the_cursor(session, clock):
    other = SessionStore.open(session.path, actor="moderator-2")
    app = QuestionTimeApp(SessionStore.open(session.path, actor="host"), clock=clock, poll_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        queue = app.screen.query_one("#queue", QueueList)
        await pilot.press("down", "down", "down", "enter", *"sto scrivendo")  # @fra_cloud, below the spam
        cursor = queue.cursor_id
        spam = qid_of(other, "@promo_smartphone")
        fra = qid_of(other, "@fra_cloud")
        await asyncio.to_thread(other.dismiss, spam, "spam")
        await asyncio.to_thread(other.star, fra)
        await asyncio.to_thread(other.add_questions, [{"source": "x", "remote_id": "9", "author": "@late", "text": "Domanda tardiva"}])
        await wait_until(pilot, lambda: spam not in queue.ids)
        await settle(pilot)
        assert queue.cursor_id == cursor
        text = screen_text(app)
        assert "Domanda tardiva" in text and "★" in text
        assert app.screen.query_one("#answer").text == "sto scrivendo"
        assert app.screen.focused.id == "answer"
    other.close()


def test_a_foreign_store_is_refused_before_the_screen_starts(tmp_path, capsys):
    from tui.cli import main

    foreign = tmp_path / "notes.json"
    foreign.write_text('{"mine": true}', encoding="utf-8")
    assert main(["--store", str(foreign)]) == 2
    assert "not a qtime store" in capsys.readouterr().err
    assert foreign.read_text(encoding="utf-8") == '{"mine": true}'
