"""Snapshots of the main screen in each role, at 160x48, 100x30 and 80x24, on a fixed session and a frozen clock;
in English and in Italian (the header is still English there: it is worded in its own part)."""
from __future__ import annotations

import pytest

from tui.app import QuestionTimeApp


@pytest.mark.parametrize("role", ["both", "moderator", "host"])
@pytest.mark.parametrize("size", [(160, 48), (100, 30), (80, 24)], ids=["160x48", "100x30", "80x24"])
def test_main_screen(snap_compare, worked_session, clock, role, size):
    app = QuestionTimeApp(worked_session, role=role, clock=clock, live=False)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("role", ["both", "moderator", "host"])
@pytest.mark.parametrize("size", [(160, 48), (100, 30), (80, 24)], ids=["160x48", "100x30", "80x24"])
def test_main_screen_in_italian(snap_compare, worked_session, clock, italian, role, size):
    app = QuestionTimeApp(worked_session, role=role, clock=clock, live=False)
    assert snap_compare(app, terminal_size=size)
