"""The app on small terminals: at 80x24 the host drafting sees the count and the first post,
the footer always offers quit, help, send and escape, and notices never cover a dialog."""
from __future__ import annotations

import pytest

from tests.conftest import qid_of, screen_text, settle, type_long
from tui.app import QuestionTimeApp
from tui.screens.dismiss import DismissScreen

LONG = ("Stiamo portando la fibra in ogni comune entro il prossimo anno, a partire dal sud e dalle isole; "
        "il piano completo lo pubblichiamo lunedì, con le date città per città")


async def drafting(pilot, session) -> str:
    """The host answers the selected approved question with a long text: the screen as it types."""
    await pilot.press("enter")
    await type_long(pilot, LONG)
    await settle(pilot)
    return screen_text(pilot.app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
async def test_drafting_on_a_small_screen_keeps_the_count_the_first_post_and_the_essential_keys(session, clock, size):
    session.approve(qid_of(session, "@nerthase"))
    app = QuestionTimeApp(session, role="host", clock=clock, live=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = await drafting(pilot, session)
        assert "over · thread of 2" in shown  # the count line
        assert "Thread preview (2 posts)" in shown and "1. @nerthase Stiamo portando" in shown
        footer = shown.splitlines()[-1]
        for offered in ("^s Send", "esc Queue", "f1 Help", "^q Quit"):
            assert offered in footer
        assert "Incoming" not in shown  # the queue gives way to the draft
        await pilot.press("escape")
        await settle(pilot)
        shown = screen_text(app)
        assert "Incoming" in shown and "q Quit" in shown.splitlines()[-1]


async def test_the_footer_never_cuts_a_key_and_keeps_the_essential_ones_at_any_width(session, clock):
    app = QuestionTimeApp(session, role="moderator", clock=clock, live=False)
    async with app.run_test(size=(40, 24)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert footer.split() == ["?", "Help", "q", "Quit", "a", "Approve", "d", "Dismiss"]


async def test_a_notice_never_covers_an_open_dialog(session, clock):
    app = QuestionTimeApp(session, role="moderator", clock=clock, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DismissScreen)
        app.notify("[bold]A notice[/] quoting \x1b[31m@someone", severity="warning")
        await pilot.pause()
        shown = screen_text(app)
        assert "enter or 1-5 to choose" in shown and "Dismiss @" in shown  # the dialog whole
        notice_row = next(n for n, line in enumerate(shown.splitlines()) if "A notice" in line)
        dialog_rows = [n for n, line in enumerate(shown.splitlines()) if "spam" in line or "escape to cancel" in line]
        assert notice_row > max(dialog_rows)
        assert "[bold]A notice[/] quoting" in shown and "\x1b" not in shown  # shown as text, escape removed


async def test_queue_rows_end_beside_the_scrollbar_and_never_scroll_sideways(session, clock):
    app = QuestionTimeApp(session, role="moderator", clock=clock, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.main.queue
        assert queue.show_vertical_scrollbar and not queue.show_horizontal_scrollbar
        assert queue.max_scroll_x == 0
        row = next(line for line in screen_text(app).splitlines() if "@giulia_rinaldi" in line)
        assert row.rstrip(" │▁▂▃▄▅▆▇█▔▏▎▍▌▋▊▉").endswith("…")  # the cut text's ellipsis, not under the bar
