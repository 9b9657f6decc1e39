"""Quit while a full disk still refuses actions: nothing is lost silently."""
from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pytest
from textual import messages

from store.journal import Journal
from store.session_store import SessionStore
from tests.conftest import qid_of, settle
from tui.app import QuestionTimeApp
from tui.screens.main import MainScreen
from tui.screens.quit_pending import QuitPendingScreen

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return tmp_path / "state"


@pytest.fixture
def disk():
    """`disk.setattr` fills the disk, `disk.undo()` frees it."""
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def refuse_writes(disk: pytest.MonkeyPatch) -> None:
    def full(journal, events):
        raise OSError(errno.ENOSPC, "No space left on device")

    disk.setattr(Journal, "append", full)


async def two_approvals_on_a_full_disk(app, session, disk, pilot) -> list[str]:
    refuse_writes(disk)
    qids = [qid_of(session, "@fra_cloud"), list(session.state.questions)[1]]
    for qid in qids:
        app.post_message(MainScreen.Moderate("approve", qid))
    await settle(pilot)
    assert session.unwritten == 2
    return qids


def applied_on_reopen(session: SessionStore, qids: list[str], disk: pytest.MonkeyPatch, state_home: Path) -> str:
    """The approvals went to a recovery file, and the next open (the disk free again) applies them:
    what it reports."""
    assert list(state_home.rglob("*.recovery.json"))
    disk.undo()
    reopened = SessionStore.open(session.path, actor="check")
    assert all(reopened.state.questions[qid].status == "approved" for qid in qids)
    return reopened.recovery_report or ""


async def test_quit_offers_to_save_the_pending_actions_and_the_next_open_applies_them(session, clock, disk, state_home):
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        qids = await two_approvals_on_a_full_disk(app, session, disk, pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QuitPendingScreen) and app.is_running
        assert "2 action(s) kept in memory" in str(app.screen.query_one("#quit-pending-status").render())
        await pilot.press("s")
        await settle(pilot)
    assert not app.is_running
    assert "Recovered 2 action(s)" in applied_on_reopen(session, qids, disk, state_home)


async def test_told_to_quit_from_outside_it_saves_the_pending_actions_unasked(session, clock, disk, state_home):
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        qids = await two_approvals_on_a_full_disk(app, session, disk, pilot)
        app.post_message(messages.ExitApp())  # the browser page went: nobody is there to choose
        await settle(pilot)
    assert not app.is_running
    applied_on_reopen(session, qids, disk, state_home)


async def test_quit_waits_for_the_disk_and_quits_once_written(session, clock, disk):
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        qids = await two_approvals_on_a_full_disk(app, session, disk, pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QuitPendingScreen)
        await pilot.press("r")  # still full: stays
        await settle(pilot)
        assert isinstance(app.screen, QuitPendingScreen) and app.is_running
        disk.undo()  # the disk is back
        await pilot.press("r")
        await settle(pilot)
    assert not app.is_running
    reopened = SessionStore.open(session.path, actor="check")
    assert all(reopened.state.questions[qid].status == "approved" for qid in qids)


async def test_escape_goes_back_to_the_session(session, clock, disk):
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await two_approvals_on_a_full_disk(app, session, disk, pilot)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, QuitPendingScreen)
        assert session.unwritten == 2
