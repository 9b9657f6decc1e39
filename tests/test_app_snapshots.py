"""Snapshots of the main screen in each role, at 160x48, 100x30 and 80x24, on a fixed session and a frozen clock."""
from __future__ import annotations

import pytest

from tests.conftest import qid_of
from tui.app import QuestionTimeApp


@pytest.fixture
def worked_session(session):
    """The session mid-way: some approved, one starred and tagged, one dismissed, one answered."""
    for author in ("@nerthase", "@paolo_mpay", "@fra_cloud", "@giulia_rinaldi"):
        session.approve(qid_of(session, author))
    session.star(qid_of(session, "@paolo_mpay"))
    session.tag(qid_of(session, "@fra_cloud"), ["cloud", "privacy"])
    session.dismiss(qid_of(session, "@promo_smartphone"), "spam")
    giulia = qid_of(session, "@giulia_rinaldi")
    answer = "Convincendoli a non aver paura a mettere fuori la testa."
    session.add_answer(giulia, answer, [f"@giulia_rinaldi {answer} #twittertime"], "classic")
    session.save_draft(qid_of(session, "@nerthase"), "Stiamo lavorando sul digital divide")
    return session


@pytest.mark.parametrize("role", ["both", "moderator", "host"])
@pytest.mark.parametrize("size", [(160, 48), (100, 30), (80, 24)], ids=["160x48", "100x30", "80x24"])
def test_main_screen(snap_compare, worked_session, clock, role, size):
    app = QuestionTimeApp(worked_session, role=role, clock=clock, live=False)
    assert snap_compare(app, terminal_size=size)
