"""One row per group in the queue: a group of copies shows as one row, `e` shows its members,
`a` `d` `s` `t` act on the whole group (one `u` undoes it), `b` breaks a member off.

The session is built as an ingesting process builds it: `SessionStore.add_questions` with the
store's grouping on (`group_copies`), so the groups are the store's `group.join` events. What
the app does is checked on screen, in the store, and from a second process on the same file.
"""
from __future__ import annotations

import re
from datetime import timedelta

from store.arrivals import Arrivals
from store.session_store import SessionStore
from tests.conftest import START, iso, qid_of, record_notifications, screen_text, settle
from tui.app import QuestionTimeApp
from tui.screens.dismiss import DismissScreen
from tui.screens.tag import TagScreen
from tui.widgets.queue_index import QueueIndex
from tui.widgets.queue_list import QueueList

SIZE = (160, 48)
FIBRA = "Quando arriverà la fibra ottica a Bari?"
POSTS = [  # author, text, votes
    ("@anna", FIBRA, 5),
    ("@bruno", f"RT @anna: {FIBRA}", 1),
    ("@giulia", "Come individuate i giovani talenti per il lavoro in azienda?", 4),
    ("@carla", "quando arrivera la FIBRA ottica a bari??", 2),
    ("@dario", "Quando arriverà la fibra ottica a Bergamo?", 3),  # a near miss: another question
]
# Hostile text inside groups: markup, escapes, bidi controls, and a 10,000-character line.
HOSTILE = ("[red]Quando[/red] arriverà la [@click=app.quit]fibra[/] ottica a Bari? \x1b]0;title\x07"
           " \x1b]52;c;Y3VybA==\x07 \x1b[2J \u202eevil\u202c")
HOSTILE_SHOWN = "[red]Quando[/red] arriverà la [@click=app.quit]fibra[/] ottica a Bari? ]0;title ]52;c;Y3VybA== [2J evil"  # cleaned
LONG = "Quando arriverà la fibra ottica a Bari? [b] " + "ancora " * 1_420  # one line; with "RT @long: " 9,997
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def add(store: SessionStore, posts: list[tuple[str, str, int]], arrivals: Arrivals) -> None:
    store.add_questions([{"source": "file", "remote_id": author, "author": author, "text": text, "votes": votes,
                          "posted_at": iso(START + timedelta(minutes=n))} for n, (author, text, votes) in enumerate(posts)],
                        arrivals=arrivals)


def other(store: SessionStore) -> SessionStore:
    """Another process on the same store file."""
    return SessionStore.open(store.path, actor="other")


def queue(app) -> QueueList:
    return app.screen.query_one("#queue", QueueList)


def rows(app) -> list[str]:
    """The queue's rows as drawn."""
    q = queue(app)
    return [q.render_line(y).text for y in range(min(q.size.height, q.row_count))]


def fibra(store: SessionStore) -> list[str]:
    return [qid_of(store, author) for author in ("@anna", "@bruno", "@carla")]


async def test_a_group_is_one_row_with_its_copies_counted_and_votes_summed(grouped, clock):
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = rows(app)
        assert len(shown) == 3  # the group, @giulia, @dario
        row = next(r for r in shown if "@anna" in r)
        assert "▲8 " in row and "×3 " in row and FIBRA in row  # the most voted copy's text, 5 + 1 + 2 votes
        assert "×" not in next(r for r in shown if "@giulia" in r)  # a lone question shows as before
        assert queue(app).cursor_id == qid_of(grouped, "@anna")
        assert "One row for 3 copies of this" in screen_text(app)
        # e shows the members beneath it, each selectable; e on one of them hides them again
        await pilot.press("e")
        await pilot.pause()
        shown = rows(app)
        assert len(shown) == 6 and "×3▾" in shown[0]
        assert [r.split()[:3] for r in shown[1:4]] == [["├", "·", "@anna"], ["├", "·", "@bruno"], ["└", "·", "@carla"]]
        assert "▲1 " in shown[2] and "×" not in shown[2]  # a member row: its own votes
        await pilot.press("j")  # @anna's own row: the same question, as one member
        await pilot.pause()
        assert queue(app).cursor_id == qid_of(grouped, "@anna") and queue(app).on_member
        assert "One row for" not in screen_text(app)
        await pilot.press("j")
        await pilot.pause()
        assert queue(app).cursor_id == qid_of(grouped, "@bruno") and queue(app).on_member
        detail = screen_text(app)
        assert f"RT @anna: {FIBRA}" in detail and "▲1" in detail and "One row for" not in detail
        await pilot.press("e")
        await pilot.pause()
        assert len(rows(app)) == 3 and queue(app).cursor_id == qid_of(grouped, "@anna")


async def test_approving_a_group_approves_its_most_voted_copy_with_every_vote_and_one_undo_restores_all(grouped, clock):
    anna, bruno, carla = fibra(grouped)
    app = QuestionTimeApp(grouped, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        seen = other(grouped)  # another process on the same file
        state = seen.state
        assert (state.questions[anna].status, state.questions[anna].votes) == ("approved", 8)
        assert [(state.questions[q].status, state.questions[q].reason, state.questions[q].duplicate_of)
                for q in (bruno, carla)] == [("dismissed", "duplicate", anna)] * 2
        assert all("@anna" not in r for r in rows(app))
        await pilot.press("2")  # the host's view: the representative, alone, with the summed votes
        await settle(pilot)
        assert queue(app).ids == (anna,)
        assert "▲8 " in rows(app)[0] and "×" not in rows(app)[0]
        await pilot.press("enter", *"Entro il 2013", "ctrl+s")  # the answer replies to the representative
        await settle(pilot)
        assert grouped.state.answers[anna].parts[0].startswith("@anna ")
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("6")  # all: the group is one row again; its duplicates' votes are counted once
        await settle(pilot)
        row = next(r for r in rows(app) if "@anna" in r)
        assert "×3 " in row and "▲8 " in row
        seen.close()


async def test_one_undo_restores_the_whole_group_for_every_process(grouped, clock):
    anna, bruno, carla = fibra(grouped)
    app = QuestionTimeApp(grouped, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        notes = record_notifications(app)
        await pilot.press("u")
        await settle(pilot)
        assert notes == ["Undone: approve of 3 questions."]
        seen = other(grouped)
        assert [(seen.state.questions[q].status, seen.state.questions[q].votes) for q in (anna, bruno, carla)] == [
            ("new", 5), ("new", 1), ("new", 2)]
        seen.close()
        row = next(r for r in rows(app) if "@anna" in r)
        assert "×3 " in row and "▲8 " in row and queue(app).cursor_id == anna


async def test_dismiss_star_and_tag_act_on_every_copy_in_the_view(grouped, clock):
    members = fibra(grouped)
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert all(grouped.state.questions[q].starred for q in members)
        await pilot.press("s")  # all starred: s unstars them all
        await settle(pilot)
        assert not any(grouped.state.questions[q].starred for q in members)
        await pilot.press("t")
        assert isinstance(app.screen, TagScreen) and "and its 2 copies" in screen_text(app)
        await pilot.press(*"rete", "enter")
        await settle(pilot)
        assert [grouped.state.questions[q].tags for q in members] == [["rete"]] * 3
        await pilot.press("d")
        assert isinstance(app.screen, DismissScreen) and "and its 2 copies: why?" in screen_text(app)
        await pilot.press("2")  # off-topic
        await settle(pilot)
        seen = other(grouped)
        assert [(seen.state.questions[q].status, seen.state.questions[q].reason) for q in members] == [
            ("dismissed", "off-topic")] * 3
        assert len(rows(app)) == 2 and queue(app).cursor_id == qid_of(grouped, "@giulia")
        await pilot.press("u")
        await settle(pilot)
        seen.refresh()
        assert [seen.state.questions[q].status for q in members] == ["new"] * 3
        seen.close()


async def test_a_key_on_an_expanded_member_acts_on_that_member_only(grouped, clock):
    anna, bruno, carla = fibra(grouped)
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "j", "j", "a")  # on @bruno's copy
        await settle(pilot)
        assert [grouped.state.questions[q].status for q in (anna, bruno, carla)] == ["new", "approved", "new"]
        row = rows(app)[0]
        assert "×2" in row and "▲7 " in row  # the group in the New view: @anna and @carla
        assert queue(app).cursor_id == carla and queue(app).on_member  # the cursor moved on to the next member


async def test_b_breaks_a_member_off_into_a_row_of_its_own_for_every_process(grouped, clock):
    anna, bruno, carla = fibra(grouped)
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = record_notifications(app)
        await pilot.press("b")  # on the group's row: nothing to break off
        assert notes and "e shows the group's members" in notes[-1]
        await pilot.press("e", "j", "j", "j", "b")  # on @carla's copy
        await settle(pilot)
        seen = other(grouped)
        assert seen.state.group_of(carla) != seen.state.group_of(anna) == seen.state.group_of(bruno)
        shown = rows(app)
        assert queue(app).cursor_id == carla and not queue(app).on_member  # the cursor followed it to its row
        carla_row = next(r for r in shown if "@carla" in r and "└" not in r and "├" not in r)
        assert "×" not in carla_row and "▲2 " in carla_row
        assert "×2▾" in next(r for r in shown if "@anna" in r and "├" not in r)
        # another process's queue shows the same rows
        index = QueueIndex()
        ids = index.sync(seen.state, "new").ids
        assert len(ids) == 4 and index.group_row(anna) is not None and index.group_row(carla) is None
        seen.close()


async def test_another_processs_grouping_and_split_reach_the_screen(grouped, clock):
    """A copy that arrives in another process joins the group on screen; its split shows too."""
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, poll_every=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ingest = other(grouped)
        add(ingest, [("@elena", f"RT @bruno: RT @anna: {FIBRA}", 4)], Arrivals())
        elena = qid_of(ingest, "@elena")
        for _ in range(100):  # the app polls the store; no clock is asserted, only that it shows
            if any("×4 " in r for r in rows(app)):
                break
            await pilot.pause(0.1)
        assert any("×4 " in r and "▲12 " in r for r in rows(app))
        ingest.split_group(elena)
        for _ in range(100):
            if any("×3 " in r for r in rows(app)):
                break
            await pilot.pause(0.1)
        assert any("@elena" in r and "×" not in r for r in rows(app))
        ingest.close()


async def test_hostile_text_in_a_group_is_inert_in_its_row_and_its_members(grouped, clock):
    add(grouped, [("@evil[/]", HOSTILE, 9), ("@m2", f"RT @evil: {HOSTILE}", 0), ("@m3", f"RT @x: {HOSTILE}", 0),
                  ("@long", LONG, 1), ("@long2", f"RT @long: {LONG}", 7)], Arrivals())
    evil, long_copy = qid_of(grouped, "@evil[/]"), qid_of(grouped, "@long2")
    assert grouped.state.group_of(qid_of(grouped, "@m3")) == grouped.state.group_of(evil)
    assert grouped.state.group_of(qid_of(grouped, "@long")) == grouped.state.group_of(long_copy)
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        q = queue(app)
        for head, size in ((evil, 3), (long_copy, 2)):
            assert q.select(head) and q.cursor_id == head
            await pilot.press("e")
            await pilot.pause()
            assert q.row_count == 5 + size
            shown = rows(app)
            text = screen_text(app)
            assert app.is_running
            if head == evil:
                assert sum(HOSTILE_SHOWN[:40] in r for r in shown) == 4  # the group's row and its three members
                assert all(piece in text for piece in HOSTILE_SHOWN.split())  # in full in the detail pane
            else:
                assert sum("fibra ottica a Bari? [b]" in r for r in shown) == 3 and all(len(r) == q.size.width for r in shown)
            assert not any(CONTROL.search(r) for r in shown), "a control character reached a row"
            assert not CONTROL.search(app.export_screenshot().replace("\n", ""))
            await pilot.click("#queue", offset=(60, q.cursor + 1 - int(q.scroll_y)))  # a member row, clicked
            await pilot.press("e")
            await pilot.pause()
        assert app.is_running and q.opened is None


async def test_a_bulk_move_acts_on_every_copy_a_group_row_stands_for(grouped, clock):
    """`D` on the filtered view counts a group's row as all its copies in the view, not one."""
    app = QuestionTimeApp(grouped, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"bari", "enter")
        await settle(pilot)
        assert len(queue(app).ids) == 1  # one row: @anna's group
        await pilot.press("D", "2")
        await settle(pilot)
        assert "3 questions" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        check = other(grouped)
        assert [check.question(q).reason for q in fibra(grouped)] == ["off-topic"] * 3
        assert check.question(qid_of(grouped, "@dario")).status == "new"
