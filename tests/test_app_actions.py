"""Pilot tests: the real keys for every moderator and host action, checked on screen and in the store."""
from __future__ import annotations

import json

from textual import events, messages

from store.session_store import SessionStore
from tests.conftest import qid_of, record_notifications, screen_text, settle
from tui.app import QuestionTimeApp
from tui.screens.dismiss import DismissScreen
from tui.screens.duplicate import DuplicateScreen
from tui.screens.help import HelpScreen
from tui.widgets.draft_pane import DraftPane
from tui.widgets.queue_list import QueueList

SIZE = (160, 48)


def make_app(session, clock, role="both", **kwargs) -> QuestionTimeApp:
    return QuestionTimeApp(session, role=role, clock=clock, live=False, **kwargs)


def queue(app) -> QueueList:
    return app.screen.query_one("#queue", QueueList)


def reopened(session) -> SessionStore:
    return SessionStore.open(session.path, actor="check")


async def test_approve_moves_the_question_to_the_approved_view(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        assert session.state.questions[first].author == "@nerthase"
        await pilot.press("a")
        await settle(pilot)
        assert reopened(session).state.questions[first].status == "approved"
        assert first not in queue(app).ids
        assert "2 Appr 1" in screen_text(app) and "approved 1" in screen_text(app)
        await pilot.press("2")
        await settle(pilot)
        assert queue(app).ids == (first,)


async def test_an_action_is_drawn_when_stored_not_at_the_next_drain(session, clock, monkeypatch):
    monkeypatch.setattr("tui.app.DRAIN_EVERY", 3600)  # the batching timer never fires in this test
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("a")
        for worker in [w for w in app.workers if w.group == "store"]:
            await worker.wait()
        await pilot.pause()
        assert first not in queue(app).ids
        assert "2 Appr 1" in screen_text(app)


async def test_quick_presses_act_on_successive_questions(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first, second = queue(app).ids[:2]
        for _ in range(2):  # two presses queued at once, faster than the store answers
            app.post_message(events.Key("a", "a"))
        await settle(pilot)
        state = reopened(session).state
        assert state.questions[first].status == state.questions[second].status == "approved"


async def test_dismiss_asks_the_reason(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        spam = qid_of(session, "@promo_smartphone")
        assert queue(app).select(spam)
        await pilot.press("d")
        assert isinstance(app.screen, DismissScreen)
        assert "spam" in screen_text(app) and "abusive" in screen_text(app)
        await pilot.press("1")
        await settle(pilot)
        question = reopened(session).state.questions[spam]
        assert (question.status, question.reason) == ("dismissed", "spam")
        await pilot.press("4")
        await settle(pilot)
        assert queue(app).ids == (spam,)
        assert "dismissed (spam)" in screen_text(app)


async def test_star_and_tag(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        target = qid_of(session, "@fra_cloud")
        queue(app).select(target)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("t")
        await pilot.press(*"cloud privacy", "enter")
        await settle(pilot)
        question = reopened(session).state.questions[target]
        assert question.starred and question.tags == ["cloud", "privacy"]
        row = queue(app).render_line(queue(app).cursor - int(queue(app).scroll_y)).text
        assert row.startswith("★") and "#cloud #privacy" in row


async def test_duplicate_moves_the_votes_to_the_original(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        original, retweet = qid_of(session, "@nerthase"), qid_of(session, "@sud_connesso")
        queue(app).select(retweet)
        await pilot.pause()
        assert "possible duplicate" in screen_text(app)
        await pilot.press("m")
        assert isinstance(app.screen, DuplicateScreen)
        picker = app.screen.query_one("#dup-list", QueueList)
        assert picker.cursor_id == original  # the same words come first
        await pilot.press("enter")
        await settle(pilot)
        state = reopened(session).state
        assert state.questions[retweet].duplicate_of == original
        assert state.questions[retweet].reason == "duplicate"
        assert state.questions[original].votes == 14 + 2


async def test_undo_restores_the_last_action(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("a")
        await settle(pilot)
        notes = record_notifications(app)
        await pilot.press("u")
        await settle(pilot)
        assert reopened(session).state.questions[first].status == "new"
        assert queue(app).cursor_id == first
        assert notes == ["Undone: approve on @nerthase's question."]


async def test_filter_by_text_or_author(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"NERTHASE")
        await settle(pilot)
        assert {session.state.questions[q].author for q in queue(app).ids} == {"@nerthase", "@sud_connesso"}
        assert "filter NERTHASE" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(queue(app).ids) == len(session.state.questions)
        await pilot.press("slash", *"ｐｒｉｖａｃｙ", "enter")  # full-width letters fold to ASCII
        await settle(pilot)
        assert [session.state.questions[q].author for q in queue(app).ids] == ["@fra_cloud"]


async def test_answer_and_send_lands_in_the_log(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("a", "2")
        await settle(pilot)
        await pilot.press("enter")
        assert app.screen.focused.id == "answer"
        await pilot.press(*"Ci stiamo lavorando")
        draft = app.screen.query_one(DraftPane)
        assert "@nerthase Ci stiamo lavorando #twittertime" in screen_text(app)
        assert "42/140" in screen_text(app)
        notes = record_notifications(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        state = reopened(session).state
        assert state.answers[first].text == "Ci stiamo lavorando"
        assert state.answers[first].parts == ["@nerthase Ci stiamo lavorando #twittertime"]
        assert state.questions[first].status == "answered"
        log = screen_text(app)
        assert "A Ci stiamo lavorando" in log and "not published" in log
        assert "answered in 11 min" in log
        assert any("logged here, not published" in note for note in notes)
        assert draft.text == ""


async def test_long_answer_is_sent_as_a_thread(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("enter")
        answer = "Stiamo portando la banda larga ovunque. " * 4
        app.screen.query_one(DraftPane).area.insert(answer)
        await settle(pilot)
        text = screen_text(app)
        assert "over · thread of 2" in text and "Thread preview (2 posts)" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        parts = reopened(session).state.answers[first].parts
        assert len(parts) == 2 and parts[0].startswith("@nerthase ") and "1/2" in parts[0]


async def test_an_empty_answer_is_not_sent(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("enter", "ctrl+s")
        await settle(pilot)
        assert notes == ["Nothing to send: the answer is empty."]
        assert not reopened(session).state.answers


async def test_a_draft_survives_switching_questions_and_quitting(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("enter", *"Prima bozza")
        await pilot.press("escape", "down")
        await settle(pilot)
        assert app.screen.query_one(DraftPane).text == ""
        assert reopened(session).draft(first) == "Prima bozza"
        await pilot.press("up")
        await settle(pilot)
        assert app.screen.query_one(DraftPane).text == "Prima bozza"
        await pilot.press("down", "enter", *"Seconda")
        await pilot.press("escape", "q")  # escape flushes; quit waits for the save
    second = [q for q in session.state.questions][1]
    assert reopened(session).draft(second) == "Seconda"


async def test_quitting_while_typing_keeps_the_draft(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("enter", *"Non perdermi")
        await app.action_quit()  # ctrl+q / the palette's quit, straight after typing
    assert reopened(session).draft(first) == "Non perdermi"


async def test_a_quit_from_the_browser_page_keeps_the_draft_typed_just_before(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("enter", *"Scritta nel browser")
        app.post_message(messages.ExitApp())  # what Textual's web driver posts when the page goes
        await settle(pilot)
    assert not app.is_running
    assert reopened(session).draft(first) == "Scritta nel browser"


async def test_export_json(session, clock, tmp_path):
    app = make_app(session, clock)
    target = tmp_path / "out" / "recap.json"
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("ctrl+e")
        await pilot.pause()
        radios = list(app.screen.query("RadioButton"))
        json_button = next(r for r in radios if r.name == "json")
        json_button.value = True
        await pilot.pause()
        path_input = app.screen.query_one("#export-path")
        assert path_input.value.endswith("session-recap.json")
        path_input.value = str(target)
        await pilot.click("#export-go")
        await settle(pilot)
        assert notes == [f"Exported json to {target}"]
    data = json.loads(target.read_text(encoding="utf-8"))
    assert "@fra_cloud" in json.dumps(data)


async def test_help_lists_the_keys_and_closes(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "a  approve the selected question" in text and "? f1  keys, flags and queue order" in text
        await pilot.press("end")  # the rest scrolls into view
        await pilot.pause()
        text = screen_text(app)
        assert "starred first, then by votes" in text and "are one row: ×N copies" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_quit_key_exits(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_keymap_from_the_config_file(session, clock, tmp_path):
    from tui.config import load_config

    config_path = tmp_path / "config.toml"
    config_path.write_text('[keymap]\napprove = "y"\nnot_a_binding = "z"\n', encoding="utf-8")
    config = load_config(config_path)
    assert config.keymap == {"approve": "y"} and "not_a_binding" in config.problems[0]
    app = make_app(session, clock, config=config)
    async with app.run_test(size=SIZE) as pilot:
        first = queue(app).cursor_id
        await pilot.press("a")
        await settle(pilot)
        assert session.state.questions[first].status == "new"
        await pilot.press("y")
        await settle(pilot)
        assert session.state.questions[first].status == "approved"
        assert app.binding_keys()["approve"] == "y"


async def test_every_action_is_in_the_command_palette(session, clock):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE):
        titles = {command.title for command in app.get_system_commands(app.screen)}
    assert {"Approve", "Dismiss", "Star", "Tag", "Mark duplicate", "Undo", "Filter", "Answer", "Export", "Help", "Quit"} <= titles
