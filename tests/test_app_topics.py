"""Pilot tests, real keys: the topics dialog (#), the topic filter, the hold rules dialog (H), held questions.

What is asserted is what the screen shows and what a second `SessionStore`
on the same file reads: the settings reach every process.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import orjson
from textual.widgets import Input, OptionList

from store.session_store import SessionStore
from tests.conftest import START, iso, qid_of, record_notifications, screen_text, settle
from tests.test_app_live import GatedSource, wait_until
from tui.app import QuestionTimeApp
from tui.screens.main import MainScreen
from tui.screens.rules import RulesScreen
from tui.screens.topics import TopicsScreen
from tui.widgets.queue_list import QueueList

SIZE = (160, 48)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BOLLETTE = ["Perché la bolletta di marzo è così alta?", "La bolletta arriva sempre in ritardo, come mai?",
            "Bollette più care del 20%: perché?", "Quando una bolletta online senza carta?"]


def make_app(session, clock, **kwargs) -> QuestionTimeApp:
    return QuestionTimeApp(session, clock=clock, live=False, **kwargs)


def reopened(session) -> SessionStore:
    return SessionStore.open(session.path, actor="check")


def queue(app) -> QueueList:
    return app.main.query_one("#queue", QueueList)


async def settled(pilot, until: Callable[[], object] | None = None) -> None:
    """Saving a topic is a chain (save, match in a worker, tag, count the shares): let it all land.
    `until`: what the chain ends with on screen; a loaded machine may need more rounds for it."""
    for round_ in range(20):
        await settle(pilot)
        if round_ >= 2 and (until is None or until()):
            return


def showing(app, pattern: str) -> Callable[[], bool]:
    return lambda: re.search(pattern, screen_text(app)) is not None


def add_bollette(session) -> None:
    session.add_questions([{"source": "file", "remote_id": f"b{n}", "author": f"@utente{n}", "text": text,
                            "posted_at": iso(START.replace(minute=9 + n))} for n, text in enumerate(BOLLETTE)])


async def test_a_topic_added_in_the_dialog_is_saved_tags_the_queue_and_shows_its_share(session, clock):
    app = make_app(session, clock)
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign")
        assert isinstance(app.screen, TopicsScreen)
        await pilot.press(*"rete: fibra, 56k, banda larga", "enter")
        await settled(pilot, showing(app, r"rete +38% +fibra, 56k, banda larga"))
        assert reopened(session).settings.topics == ["rete: fibra, 56k, banda larga"]
        tagged = {q.author for q in reopened(session).state.questions.values() if "rete" in q.tags}
        assert tagged == {"@nerthase", "@sud_connesso"}  # 56k (and its retweet), banda larga
        assert re.search(r"rete +38% +fibra, 56k, banda larga", screen_text(app))  # 3 of the 8 questions
        await pilot.press("escape")
        await settle(pilot)
        assert "topics: rete 38% · other 62%" in screen_text(app)
        assert any("Tagged 3 question(s) with rete" in note for note in notes)
        await pilot.press("u")  # the tagging is one action: one undo takes every tag off
        await settled(pilot, showing(app, "topics: rete 0% · other 100%"))
        assert not any("rete" in q.tags for q in reopened(session).state.questions.values())
        assert reopened(session).settings.topics == ["rete: fibra, 56k, banda larga"]
        assert "topics: rete 0% · other 100%" in screen_text(app)


async def test_a_topic_is_changed_and_removed_in_the_dialog(session, clock):
    session.update_settings(topics=["rete: fibra", "lavoro: giovani"])
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign")
        await settled(pilot)
        await pilot.press("shift+tab")  # from the box to the list of topics
        assert app.screen.query_one("#topic-list", OptionList).has_focus
        await pilot.press("enter")  # edit rete: its line goes into the box
        box = app.screen.query_one("#topic-line", Input)
        assert box.has_focus and box.value == "rete: fibra"
        await pilot.press(*", adsl", "enter")
        await settled(pilot)
        assert reopened(session).settings.topics == ["rete: fibra, adsl", "lavoro: giovani"]
        await pilot.press("shift+tab", "down", "delete")
        await settled(pilot, lambda: not re.search(r"lavoro +\d+%", screen_text(app)))
        assert reopened(session).settings.topics == ["rete: fibra, adsl"]
        assert re.search(r"rete +\d+%", screen_text(app)) and not re.search(r"lavoro +\d+%", screen_text(app))


async def test_a_rising_word_becomes_a_topic_with_one_key(session, clock):
    add_bollette(session)
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign")
        await settled(pilot)
        suggestions = app.screen.query_one("#suggestions", OptionList)
        assert "bolletta" in str(suggestions.get_option_at_index(0).prompt)
        assert "4 posts" in screen_text(app)
        await pilot.press("tab")  # from the box to the rising words
        assert suggestions.has_focus
        await pilot.press("plus")
        await settled(pilot)
        state = reopened(session).state
        assert state.settings.topics == ["bolletta: bolletta, bollette"]
        assert {q.author for q in state.questions.values() if "bolletta" in q.tags} == {f"@utente{n}" for n in range(4)}
        assert "bolletta" not in str(suggestions.get_option_at_index(0).prompt)  # a topic now: not suggested again


async def test_the_queue_filters_by_topic_typed_or_picked_in_the_dialog(session, clock):
    session.update_settings(topics=["rete: fibra, 56k, banda larga"])
    session.tag(qid_of(session, "@fra_cloud"), ["privacy"])
    session.tag_each({qid_of(session, "@nerthase"): ["rete"], qid_of(session, "@nerthase", 1): ["rete"]})
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"topic:rete")
        await settle(pilot)
        assert {session.state.questions[q].author for q in queue(app).ids} == {"@nerthase"}
        assert len(queue(app).ids) == 2
        await pilot.press("backspace")  # "topic:ret" is no topic: nothing, not a wider match
        await settle(pilot)
        assert queue(app).ids == ()
        await pilot.press("escape")
        await settle(pilot)
        assert len(queue(app).ids) == 8
        await pilot.press("number_sign")
        await settled(pilot)
        await pilot.press("shift+tab", "f")  # the highlighted topic filters the queue
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main.query_one("#filter", Input).value == "topic:rete"
        assert len(queue(app).ids) == 2 and "filter topic:rete" in screen_text(app)


async def test_bad_topic_lines_are_refused_with_the_reason_and_nothing_is_lost(session, clock):
    session.update_settings(topics=["rete: fibra"])
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign")
        await pilot.press(*": giovani, lavoro", "enter")
        await settle(pilot)
        assert "has no name before ':'" in screen_text(app)
        assert app.screen.query_one("#topic-line", Input).value == ": giovani, lavoro"
        await pilot.press("ctrl+u", *"lavoro", "enter")
        await settle(pilot)
        assert "has no ':'" in screen_text(app)
        await pilot.press("ctrl+u", *"rete: tasse", "shift+tab", "enter")  # editing rete...
        await pilot.press("ctrl+u", *"other: tasse", "enter")  # ...into a name the shares use
        await settle(pilot)
        assert "Not saved" in screen_text(app)
        assert reopened(session).settings.topics == ["rete: fibra"]


async def test_the_rules_dialog_holds_a_later_link_only_post_which_can_be_restored(session, clock):
    source = GatedSource()
    app = QuestionTimeApp(session, sources=[source], clock=clock, poll_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "waiting for the test" in screen_text(app))
        await pilot.press("H")
        assert isinstance(app.screen, RulesScreen)
        await pilot.press("space", "ctrl+s")  # link-only on (the box has the focus), saved
        await settle(pilot)
        assert reopened(session).settings.hold_link_only is True
        source.gate.put_nowait("http://bit.ly/regalo #twittertime 🎁")
        await wait_until(pilot, lambda: source.emitted == 1)
        await settled(pilot)
        held = next(q for q in reopened(session).state.questions.values() if q.author == "@live")
        assert (held.status, held.reason) == ("dismissed", "held")
        assert reopened(session).state.holds[held.id] == "link only"
        assert "held: link-only 1" in screen_text(app)
        await pilot.press("4")  # Dismissed
        await settle(pilot)
        assert queue(app).ids == (held.id,)
        assert "dismissed (held: link only)" in screen_text(app)
        await pilot.press("a")  # let it through after all
        await settle(pilot)
        assert reopened(session).state.questions[held.id].status == "approved"


async def test_bad_rule_values_are_refused_with_the_reason_and_nothing_is_lost(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("H", "tab", *"fibra, banda larga", "tab", "tab", "ctrl+u", *"abc", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        assert "Not saved: Flood: the number of accounts" in screen_text(app) and "'abc'" in screen_text(app)
        assert app.screen.query_one("#blocked-words", Input).value == "fibra, banda larga"
        assert app.screen.query_one("#flood-authors", Input).value == "abc"
        assert reopened(session).settings.blocked_words == []
        await pilot.press("ctrl+u", *"5", "tab", "ctrl+u", *"0", "ctrl+s")  # 0 minutes: refused too
        await settle(pilot)
        assert "flood_minutes" in screen_text(app) and isinstance(app.screen, RulesScreen)
        await pilot.press("ctrl+u", *"3", "ctrl+s")
        await settle(pilot)
        settings = reopened(session).settings
        assert (settings.blocked_words, settings.flood_authors, settings.flood_minutes) == (
            ["fibra", "banda larga"], 5, 3)


async def test_the_host_has_no_topic_or_rule_keys(session, clock):
    app = make_app(session, clock, role="host")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign", "H")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_hostile_topic_names_and_rising_words_show_inert(session, clock):
    session.update_settings(topics=["fibra: fibra"])
    hostile = "[@click=app.quit]vinci[/] \x1b]52;c;Y3VybA==\x07 [b]premio\x1b[2J"
    session.add_questions([{"source": "file", "remote_id": f"h{n}", "author": f"@h{n}", "text": f"{hostile} {n}",
                            "posted_at": iso(START.replace(minute=9))} for n in range(4)])
    # Another tool wrote the topic line, escapes and all: the store never cleaned it.
    event = {"seq": session.state.last_seq + 1, "action": "session.set", "before": {}, "at": iso(START), "actor": "x",
             "after": {"topics": ["[bold red]boom\x1b[31m[/]: fibra"]}}
    with open(f"{session.path}.journal", "ab") as journal:
        journal.write(orjson.dumps(event) + b"\n")
    session.refresh()
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot, lambda: "topics: [bold red]boom[31m[/] 0%" in screen_text(app))
        assert "topics: [bold red]boom[31m[/] 0%" in screen_text(app)
        await pilot.press("number_sign")
        await settled(pilot)
        shown = screen_text(app)
        assert "[bold red]boom[31m[/]" in shown
        words = app.screen.query_one("#suggestions", OptionList)
        assert words.option_count and "premio" in shown  # a word of the hostile posts (their "@click=..." is a mention)
        assert not CONTROL.search(app.export_screenshot().replace("\n", ""))
        await pilot.press("tab", "enter")  # a hostile post's word becomes a topic like any other
        await settled(pilot)
        assert app.is_running and len(reopened(session).settings.topics) == 2

