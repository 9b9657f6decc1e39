"""Bulk moves with the real keys: A approves, D dismisses, T tags every question shown, B blocks an author.

Each is one action and one undo, confirmed with the count, and acts only on
the questions counted when its first dialog opened: arrivals and another
moderator's decisions made while the dialogs are open are left alone. The
other moderator and the ingesting process are second `SessionStore` objects
on the same file, as separate processes are.
"""
from __future__ import annotations

from store.arrivals import Arrivals
from store.model import Question, question_id
from store.session_store import SessionStore
from tests.conftest import item, qid_of, record_notifications, screen_text, settle
from tui.app import QuestionTimeApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.dismiss import DismissScreen
from tui.screens.tag import TagScreen
from tui.widgets.queue_list import QueueList

SIZE = (160, 48)
FIBRA = [
    ("@anna", "Quando arriva la fibra a Bari?"),
    ("@bruno", "La fibra ottica nei piccoli comuni: quando?"),
    ("@carla", "RT @anna: Quando arriva la fibra a Bari?"),
    ("@dario", "Fibra o 5G per le aree rurali?"),
    ("@spammer", "Fibra GRATIS!!! clicca qui"),
]
SPAM = ("@spammer", "Offerta imperdibile, vinci un telefono")


def with_fibra(session: SessionStore) -> list[str]:
    """The fixture's eight questions, plus five about fibre and one more by @spammer; the fibre ones' ids."""
    posts = [*FIBRA, SPAM]
    session.add_questions([item(100 + n, author, text, minute=20 + n) for n, (author, text) in enumerate(posts)])
    return [q.id for q in session.state.questions.values() if "fibra" in q.text.casefold()]


def other(session: SessionStore, actor: str) -> SessionStore:
    """Another process on the same store."""
    return SessionStore.open(session.path, actor=actor)


def queue(app: QuestionTimeApp) -> QueueList:
    return app.screen.query_one("#queue", QueueList)


def statuses(session: SessionStore, qids: list[str]) -> list[str]:
    check = SessionStore.open(session.path, actor="check")  # what is durable, as a fresh process reads it
    try:
        return [check.state.questions[q].status for q in qids]
    finally:
        check.close()


async def see_others(pilot, app: QuestionTimeApp) -> None:
    """What the app's watcher does: read the other processes' commits and draw them."""
    fresh = app.store.refresh()
    app.mark_dirty(frozenset(q.get("qid") or "" for q in fresh))
    await settle(pilot)


async def filter_fibra(pilot) -> None:
    await pilot.press("slash", *"fibra", "enter")
    await settle(pilot)


async def test_dismiss_all_shown_asks_the_reason_and_the_count_and_one_undo_restores_them(session, clock):
    fibra = with_fibra(session)
    app = QuestionTimeApp(session, clock=clock, live=False)
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await filter_fibra(pilot)
        assert set(queue(app).ids) == set(fibra)
        assert "new 14" in screen_text(app)
        await pilot.press("D")
        assert isinstance(app.screen, DismissScreen)
        assert "Dismiss the 5 questions shown (New, filter “fibra”): why?" in screen_text(app)
        await pilot.press("2")  # off-topic
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.plain.startswith("Dismiss 5 questions as off-topic (New, filter “fibra”)?")
        await pilot.press("y")
        await settle(pilot)
        assert statuses(session, fibra) == ["dismissed"] * 5
        others = [q for q in session.state.questions if q not in fibra]
        assert statuses(session, others) == ["new"] * 9
        assert {session.state.questions[q].reason for q in fibra} == {"off-topic"}
        text = screen_text(app)
        assert "new 9" in text and "dismissed 5" in text and "1 New 9" in text and "4 Dism 5" in text
        assert queue(app).ids == ()
        assert notes[-1] == "5 questions dismissed as off-topic. u undoes it."
        await pilot.press("u")
        await settle(pilot)
        assert statuses(session, fibra) == ["new"] * 5
        assert set(queue(app).ids) == set(fibra) and "new 14" in screen_text(app)
        assert notes[-1] == "Undone: dismiss of 5 questions."


async def test_approve_all_and_tag_all_shown_are_one_action_each(session, clock):
    fibra = with_fibra(session)
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        session.tag(fibra[0], ["bari"])
        await filter_fibra(pilot)
        await pilot.press("T")
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"rete #sud", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.plain.startswith("Tag 5 questions with #rete #sud (New, filter “fibra”)?")
        await pilot.press("y")
        await settle(pilot)
        assert [session.state.questions[q].tags for q in fibra] == [["bari", "rete", "sud"]] + [["rete", "sud"]] * 4
        await pilot.press("A")
        assert app.screen.question.plain.startswith("Approve 5 questions (New, filter “fibra”)?")
        await pilot.press("y")
        await settle(pilot)
        assert statuses(session, fibra) == ["approved"] * 5
        assert "approved 5" in screen_text(app) and queue(app).ids == ()
        await pilot.press("2")  # the Approved view, same filter: every fibre question, now approved
        await settle(pilot)
        assert set(queue(app).ids) == set(fibra)
        await pilot.press("1", "u")  # one undo for the approvals...
        await settle(pilot)
        assert statuses(session, fibra) == ["new"] * 5
        assert [session.state.questions[q].tags for q in fibra][1] == ["rete", "sud"]
        await pilot.press("u")  # ...and one for the tags
        await settle(pilot)
        assert [session.state.questions[q].tags for q in fibra] == [["bari"]] + [[]] * 4


async def test_questions_that_arrive_or_change_while_the_dialog_is_open_are_left_alone(session, clock):
    fibra = with_fibra(session)
    app = QuestionTimeApp(session, clock=clock, live=False)
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await filter_fibra(pilot)
        await pilot.press("D", "1")
        assert isinstance(app.screen, ConfirmScreen) and "Dismiss 5 questions as spam" in app.screen.question.plain
        ingest, moderator = other(session, "ingest"), other(session, "mod2")
        ingest.add_questions([item(200, "@elena", "E la fibra a Lecce?"), item(201, "@fabio", "Fibra a Pisa?")])
        late = [q.id for q in ingest.state.questions.values() if q.author in ("@elena", "@fabio")]
        moderator.approve(fibra[1])  # decided by someone else while the dialog is up
        await see_others(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert set(app.main.queue.ids) == {*fibra, *late} - {fibra[1]}  # the arrivals are drawn behind the dialog
        await pilot.press("y")
        await settle(pilot)
        assert statuses(session, fibra) == ["dismissed", "approved", "dismissed", "dismissed", "dismissed"]
        assert statuses(session, late) == ["new", "new"]
        assert set(queue(app).ids) == set(late)
        assert notes[-1] == ("4 questions dismissed as spam; 1 question left as they were"
                             " (changed meanwhile, or so already). u undoes it.")
        await pilot.press("u")
        await settle(pilot)
        assert statuses(session, [*fibra, *late]) == ["new", "approved", "new", "new", "new", "new", "new"]


async def test_a_bulk_move_is_refused_on_the_whole_session_and_on_an_empty_view(session, clock):
    app = QuestionTimeApp(session, clock=clock, live=False)
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6", "D")
        await settle(pilot)
        assert not isinstance(app.screen, DismissScreen)
        assert "unfiltered All view" in notes[-1]
        await pilot.press("5", "A")  # nothing answered yet
        await settle(pilot)
        assert notes[-1] == "Nothing to do: no question is shown here."
        await pilot.press("1", "slash", *"banda", "enter", "6", "A")  # All, filtered: the filter says which
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.plain.startswith("Approve 1 question (All, filter “banda”)?")
        await pilot.press("n")
        await settle(pilot)
        assert all(q.status == "new" for q in session.state.questions.values())


async def test_block_dismisses_the_authors_open_questions_and_holds_what_they_post_later(session, clock):
    with_fibra(session)
    spam = [q.id for q in session.state.questions.values() if q.author == "@spammer"]
    app = QuestionTimeApp(session, clock=clock, live=False)
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue(app).select(spam[1])
        await pilot.press("B")
        assert isinstance(app.screen, DismissScreen)
        assert app.screen.heading is not None
        assert app.screen.heading.plain == "Block @spammer and dismiss their 2 open questions (new or approved): why?"
        await pilot.press("1")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.plain.startswith("Block @spammer? Their 2 open questions are dismissed as spam,")
        await pilot.press("y")
        await settle(pilot)
        assert statuses(session, spam) == ["dismissed", "dismissed"]
        assert notes[-1] == ("2 questions dismissed as spam, and @spammer blocked: their later posts are held."
                             " u undoes it.")
        ingest = other(session, "ingest")
        assert ingest.settings.blocked_authors == ["@spammer"]
        ingest.add_questions([item(300, "Spammer", "Ultima offerta!!!")], arrivals=Arrivals())
        later = question_id("file", "q300")
        await see_others(pilot, app)
        held = ingest.state.questions[later]
        assert (held.status, held.reason, ingest.state.holds[later]) == ("dismissed", "held", "blocked author")
        await pilot.press("4")
        await settle(pilot)
        assert later in queue(app).ids and "new 12" in screen_text(app)
        await pilot.press("1", "u")
        await settle(pilot)
        assert statuses(session, spam) == ["new", "new"] and statuses(session, [later]) == ["dismissed"]
        assert notes[-1] == "Undone: the block of @spammer (2 questions back; their later posts are no longer held)."
        ingest.add_questions([item(301, "@spammer", "Offerta di nuovo")], arrivals=Arrivals())
        assert ingest.state.questions[question_id("file", "q301")].status == "new"  # unblocked
        assert other(session, "check").settings.blocked_authors == []


async def test_block_asks_only_for_the_block_when_nothing_of_theirs_is_open(session, clock):
    target = qid_of(session, "@promo_smartphone")
    session.dismiss(target, "spam")
    app = QuestionTimeApp(session, clock=clock, live=False)
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        queue(app).select(target)
        await pilot.press("B")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.plain.startswith("Block @promo_smartphone? None of their questions is open;")
        await pilot.press("y")
        await settle(pilot)
        assert notes[-1] == "@promo_smartphone blocked: their later posts are held."
        assert other(session, "check").settings.blocked_authors == ["@promo_smartphone"]
        await pilot.press("B")
        await settle(pilot)
        assert notes[-1] == "@promo_smartphone is blocked already, and none of their questions is open."


HOSTILE_AUTHOR = "@[@click=app.quit]evil\x1b]0;pwned\x07[/] [b]x[/b]\u202e"


async def test_a_hostile_author_name_in_the_block_dialogs_is_shown_inert(session, clock):
    """A name from the store (another tool wrote it, uncleaned) is text in the dialogs: no markup, no escape."""
    hostile = Question(id="h1", source="file", remote_id="h1", author=HOSTILE_AUTHOR, text="Una domanda sulla fibra?",
                       received_at="2012-03-06T19:20:00.000Z")
    session._commit(lambda: [{"action": "question.add", "qid": "h1", "question": hostile.to_dict()}])
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue(app).select("h1")
        await pilot.press("B")
        assert isinstance(app.screen, DismissScreen)
        heading = app.screen.heading.plain if app.screen.heading else ""
        await pilot.press("1")
        assert isinstance(app.screen, ConfirmScreen)
        for drawn in (heading, app.screen.question.plain, screen_text(app)):
            assert "[@click=app.quit]evil" in drawn and "[b]x[/b]" in drawn
            assert not any(c in drawn for c in "\x1b\x07\u202e")
        await pilot.press("y")
        await settle(pilot)
        assert app.is_running
        blocked = other(session, "check").settings.blocked_authors
        assert blocked == ["@[@click=app.quit]evil]0;pwned[/] [b]x[/b]"]  # stored cleaned too
        assert session.state.questions["h1"].status == "dismissed"
