"""What a key redraws. A layout arranges every widget of the screen again, so the keys a moderator
presses all the time lay nothing out: approving in a long queue (the scrollbar is set without one,
and still counts the rows), moving between questions in the draft pane. Rows drawn once are drawn
again when their question or their look changed, never from a stale copy. The session the app
opens is kept out of the garbage collector's walks."""
from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual import messages

from store.errors import NotAStoreError
from store.model import Settings
from store.session_store import SessionStore
from tests.conftest import item, settle
from tui.app import QuestionTimeApp
from tui.heap import open_settled

SHORT = "Quando arriva la fibra?"
LONG = ("Abito in un paese di montagna dove la connessione va e viene, la chiavetta non prende e l'ADSL "
        "arriva a 2 mega quando va bene: quando arriverà la fibra anche nei piccoli comuni, e a che prezzo?")


def long_session(path, count: int) -> SessionStore:
    store = SessionStore.open(path, settings=Settings(title="t", profile="classic"))
    store.add_questions(item(n, f"@asker{n}", LONG if n % 2 else SHORT, minute=n % 50) for n in range(count))
    return store


@asynccontextmanager
async def running(store_path, count: int, role: str, size: tuple[int, int], clock) -> AsyncIterator[tuple[QuestionTimeApp, object]]:
    """The app on a session of `count` questions, alternately short and long, settled."""
    app = QuestionTimeApp(long_session(store_path, count), role=role, clock=clock, live=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot


def layouts_of(app: QuestionTimeApp) -> list[object]:
    """Collects every layout the app's current screen (the main one) is asked for, from now on."""
    seen: list[object] = []
    original = app.screen.post_message

    def post(message: object) -> bool:
        if isinstance(message, messages.Layout):
            seen.append(message)
        return original(message)  # type: ignore[arg-type]

    app.screen.post_message = post  # type: ignore[method-assign]
    return seen


@pytest.mark.parametrize("role", ["both", "moderator"])
async def test_approving_in_a_long_queue_lays_nothing_out_and_the_scrollbar_counts_the_rows(store_path, fixed_times, clock, role):
    async with running(store_path, 60, role, (160, 48), clock) as (app, pilot):
        queue = app.main.queue
        lines = queue.scrollable_content_region.height
        layouts = layouts_of(app)
        for _ in range(60 - lines - 2):  # while more rows than lines remain
            await pilot.press("a")
            await settle(pilot)
        assert layouts == []
        assert queue.row_count == lines + 2 and queue.show_vertical_scrollbar
        assert queue.virtual_size.height == queue.vertical_scrollbar.window_virtual_size == lines + 2
        for _ in range(3):  # fewer rows than lines: the scrollbar goes, which is a layout
            await pilot.press("a")
            await settle(pilot)
        assert layouts and not queue.show_vertical_scrollbar and queue.virtual_size.height == lines - 1


@pytest.mark.parametrize(("role", "shown", "lines"), [("both", "#draft-question", 6), ("moderator", "#detail", 12)])
async def test_moving_between_short_and_long_questions_keeps_the_layout(store_path, fixed_times, clock, role, shown, lines):
    async with running(store_path, 6, role, (160, 48), clock) as (app, pilot):
        question = app.main.query_one(shown)
        layouts = layouts_of(app)
        heights = set()
        for _ in range(4):
            await pilot.press("j")
            await settle(pilot)
            heights.add(question.virtual_region.height)
            assert SHORT in str(question.visual) or "fibra anche nei piccoli comuni" in str(question.visual)
        assert layouts == [] and heights == {lines}


async def test_a_row_is_drawn_again_when_its_question_changes(store_path, fixed_times, clock):
    async with running(store_path, 5, "moderator", (120, 30), clock) as (app, pilot):
        queue, store = app.main.queue, app.store
        first = queue.ids[1]
        assert queue.render_line(1).text.startswith(" · @asker1 ")
        store.star(first)  # another process stars it: the app learns it from the store
        app.mark_dirty(frozenset({first}))
        await settle(pilot)
        assert queue.render_line(1).text.startswith("★· @asker1 ")
        await pilot.press("j")  # the cursor's row is drawn in the cursor's colours, then back
        await settle(pilot)
        cursor = queue.get_component_rich_style("queue--cursor")
        assert any(segment.style and segment.style.bgcolor == cursor.bgcolor for segment in queue.render_line(1))


def test_the_app_opens_a_session_kept_out_of_the_collectors_walks(store_path, fixed_times) -> None:
    long_session(store_path, 300).close()
    frozen = gc.get_freeze_count()
    try:
        store = open_settled(store_path, "host")
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 300
        store.close()
        store_path.write_text("{not a store")
        with pytest.raises(NotAStoreError):
            open_settled(store_path, "host")
        assert gc.isenabled()  # a refused file leaves the collector as it was
    finally:
        gc.unfreeze()


async def test_an_answer_typed_and_erased_never_comes_back_on_the_next_question(store_path, fixed_times, clock):
    """Moving to a question without a draft keeps the empty answer area as it is, unless it has
    something to undo: then it starts afresh, so ctrl+z cannot bring one question's text to another."""
    async with running(store_path, 4, "both", (160, 48), clock) as (app, pilot):
        await pilot.press("enter", *"abc", "backspace", "backspace", "backspace", "escape", "j")
        await settle(pilot)
        area = app.main.query_one("#answer")
        await pilot.press("enter", "ctrl+z")
        await settle(pilot)
        assert area.text == "" and app.main.query_one("#draft").qid == app.main.queue.cursor_id
