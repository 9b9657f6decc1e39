"""The dialogs and panes in the interface's language: every word shown is translated, and Italian fits.

Under the pseudo-locale (`tests/pseudo.py`) every translated string shows as
⟦string⟧: a word outside the marks did not go through gettext. Words that are
not ours to translate are exempt: the session's posts, names, tags, title and
hashtag, key names, ids. Each check reads only the dialog (`dialog_text`) or the
part of the screen it is about; the main screen is read below its header (`below_header`):
the session header is worded in its own part, as are the app's own keys (ctrl+q), exempt
from the footer checks (`APP_KEYS`).
"""
from __future__ import annotations

import errno
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Button, Label, Select

from store.arrivals import Arrivals
from store.journal import Journal
from store.locations import config_file
from store.model import Presence, Settings
from store.session_store import SessionStore
from store.team import Feed
from tests.conftest import NOW, iso, item, qid_of, record_notifications, screen_text, settle, type_long
from tests.pseudo import pseudo_locale, unmarked
from tests.screen_parts import dialog_text, region_text, widget_text
from tui.actions import ACTIONS
from tui.app import QuestionTimeApp
from tui.i18n import _
from tui.platforms.base import SourceState
from tui.platforms.specs import parse_spec
from tui.screens.choice import ChoiceScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.dismiss import DismissScreen
from tui.screens.first_run import FirstRunScreen
from tui.screens.quit_pending import QuitPendingScreen
from tui.screens.rules import RulesScreen
from tui.screens.tag import TagScreen
from tui.screens.topics import TopicsScreen
from tui.widgets.answered_log import AnsweredLog
from tui.widgets.draft_pane import DraftPane
from tui.widgets.key_bar import KeyBar
from tui.widgets.notice_bar import NoticeBar
from tui.widgets.question_view import QuestionView
from tui.widgets.queue_list import QueueList
from tui.widgets.session_header import SessionHeader, header_content
from tui.widgets.view_bar import ViewBar

SIZE = (120, 40)
SMALL = (80, 24)
# Key names, as the dialogs' hints and the help's key column write them: never translated.
KEYS = ["enter", "escape", "esc", "ctrl", "tab", "shift", "up", "down", "question_mark", "slash", "comma", "f1", "delete",
        "space"]
PROFILES = ["x", "classic", "mastodon", "bluesky", "custom"]  # the counting profiles' names
UNITS = ["min"]  # `answered in 3 min 05 s`: the same in both languages (store.export.i18n.duration)
ZONES = ["UTC", "CET", "CEST"]  # a time zone's abbreviation (`19:03 UTC`) is the zone database's, not ours
TOPICS = ["rete: fibra, 56k, banda larga", "lavoro: giovani, talenti"]  # what a moderator typed
ANSWER = ("Le garanzie ci sono e sono scritte nel contratto: nessun dato lascia l'Italia senza il consenso "
          "esplicito di chi lo ha dato, e ognuno può chiedere di cancellarlo")  # over 140: a thread of two


@pytest.fixture
def pseudo():
    """The pseudo-locale, installed before the app is built (its bindings are translated as it is)."""
    with pseudo_locale():
        yield


@pytest.fixture
def full_disk():
    """The journal refuses every write until the test ends (then the store can close)."""
    def full(journal, events):
        raise OSError(errno.ENOSPC, "No space left on device")

    patch = pytest.MonkeyPatch()
    patch.setattr(Journal, "append", full)
    yield
    patch.undo()


def session_words(session: SessionStore) -> list[str]:
    """What the session holds and shows: never ours to translate."""
    questions = session.state.questions.values()
    settings = session.settings
    return [*(q.text for q in questions), *(q.author for q in questions), *(q.author_name for q in questions),
            *(tag for q in questions for tag in q.tags), settings.title, settings.hashtag]


def untranslated(shown: str, *exempt: Iterable[str]) -> set[str]:
    """The words of `shown` outside the marks, but for key names and the `exempt` texts."""
    return unmarked(shown, [*KEYS, *UNITS, *ZONES, *(text for texts in exempt for text in texts)])


def make_app(session, clock, role="both", **kwargs) -> QuestionTimeApp:
    return QuestionTimeApp(session, role=role, clock=clock, live=False, **kwargs)


def with_triage(session: SessionStore) -> None:
    """Two topics, and link-only posts held: one is, so the header and the rules dialog count it."""
    session.update_settings(topics=list(TOPICS), hold_link_only=True)
    session.add_questions([item(50, "@linkonly", "http://bit.ly/offerta #twittertime", minute=11)], arrivals=Arrivals())


def select(app, session, author: str) -> None:
    assert app.screen.query_one("#queue", QueueList).select(qid_of(session, author))


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def answer(pilot, session, author: str, text: str = ANSWER) -> None:
    """Approve `author`'s question, answer it and send; the Answered view is shown."""
    select(pilot.app, session, author)
    await press(pilot, "a", "2")
    select(pilot.app, session, author)
    await press(pilot, "enter")
    await type_long(pilot, text)
    await press(pilot, "ctrl+s", "5")


# -- every dialog, opened as a person opens it ------------------------------------------


async def retract_an_answer(pilot, session) -> None:
    await answer(pilot, session, "@fra_cloud", "Le garanzie ci sono")
    select(pilot.app, session, "@fra_cloud")
    await press(pilot, "x")


def other(session: SessionStore) -> SessionStore:
    """A moderator's process on the same store (actor "mod")."""
    return SessionStore.open(session.path, actor="mod")


async def dismissed_while_drafting(pilot, session, author: str = "@paolo_mpay") -> None:
    """The host types an answer to `author`'s question; a moderator elsewhere dismisses it (told at once)."""
    qid = qid_of(session, author)
    select(pilot.app, session, author)
    await press(pilot, "a", "2")
    select(pilot.app, session, author)
    await press(pilot, "enter")
    await pilot.press(*"Sul m-payment stiamo")
    moderator = other(session)
    moderator.dismiss(qid, "off-topic")
    moderator.close()
    pilot.app.service.store.refresh()
    pilot.app.mark_dirty(frozenset({qid}))
    await settle(pilot)


async def send_to_a_question_dismissed_meanwhile(pilot, session) -> None:
    await dismissed_while_drafting(pilot, session)
    await press(pilot, "ctrl+s")


async def choose_how_to_correct(pilot, session) -> None:
    """The choice's question and options are its caller's to word: given translated here."""
    question = Content(_("This platform cannot edit a post. How should the correction go out?"))
    options = [(_("As a reply under the answer"), "reply"), (_("Delete the answer and post the corrected one"), "repost")]
    pilot.app.push_screen(ChoiceScreen(question, options))
    await settle(pilot)


def pressing(*keys: str) -> Callable[..., Awaitable[None]]:
    async def open_it(pilot, session) -> None:
        await press(pilot, *keys)
    return open_it


async def block_the_first_author(pilot, session) -> None:
    """B on @nerthase (the first question in New): two open questions to dismiss and the block to confirm."""
    select(pilot.app, session, "@nerthase")
    await press(pilot, "B", "1")


def help_text(app) -> str:
    return app.screen.query_one("#help-text").render().plain  # the whole help, not only what fits


@dataclass(frozen=True)
class Dialog:
    open: Callable[..., Awaitable[None]]
    leave_out: tuple[str, ...] = ()  # parts of it worded by someone else, or data (a path, the queue's rows)
    exempt: tuple[str, ...] = ()  # words in it that are names, not words
    read: Callable[..., str] | None = None  # what it shows (default: `dialog_text`)


DIALOGS = {
    "settings": Dialog(pressing("comma")),
    "export": Dialog(pressing("ctrl+e"), leave_out=("#export-path",), exempt=("md html csv json",)),
    "help": Dialog(pressing("question_mark"), read=help_text,
                   exempt=(*(a.id for a in ACTIONS), *(a.keys for a in ACTIONS), str(config_file()))),
    "dismiss": Dialog(pressing("d")),
    "tag": Dialog(pressing("t")),
    "duplicate": Dialog(pressing("m"), leave_out=("#dup-list",)),
    "confirm": Dialog(retract_an_answer),
    "send anyway": Dialog(send_to_a_question_dismissed_meanwhile, exempt=("mod",)),  # who dismissed it
    "choice": Dialog(choose_how_to_correct),
    "topics": Dialog(pressing("number_sign")),
    "rules": Dialog(pressing("H")),
    # the bulk moves: their headings and questions are worded in `tui/screens/bulk.py`, the "yes" by the main screen
    "bulk dismiss": Dialog(pressing("D")),
    "bulk tag": Dialog(pressing("T")),
    "bulk approve": Dialog(pressing("A"), leave_out=("#yes",)),
    "block": Dialog(pressing("B")),
    "block confirm": Dialog(block_the_first_author, leave_out=("#yes",)),
}


@pytest.mark.parametrize("name", DIALOGS)
async def test_every_dialog_is_translated(session, clock, pseudo, name):
    dialog = DIALOGS[name]
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await dialog.open(pilot, session)
        shown = dialog.read(app) if dialog.read else dialog_text(app, leave_out=dialog.leave_out)
    assert "⟦" in shown and untranslated(shown, session_words(session), dialog.exempt) == set(), shown


async def test_the_dismiss_reasons_are_translated(session, clock, pseudo):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "d")
        shown = dialog_text(app)
    assert all(f"⟦{reason}⟧" in shown for reason in ("spam", "off-topic", "duplicate", "abusive", "other")), shown


async def test_the_duplicate_dialog_says_nothing_matches_in_the_language(session, clock, pseudo):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "m")
        await press(pilot, *"zzqx")
        shown = dialog_text(app)
    assert "⟦No matching question.⟧" in shown and untranslated(shown, session_words(session), ["zzqx"]) == set(), shown


async def test_the_settings_say_why_they_cannot_be_saved_in_the_language(session, clock, pseudo):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "comma")
        app.screen.query_one("#profile", Select).value = "custom"
        await press(pilot, "ctrl+s")
        shown = dialog_text(app)
    assert "⟦The custom profile needs a limit.⟧" in shown and untranslated(shown, session_words(session)) == set(), shown


async def test_the_first_run_form_and_its_keys_are_translated(tmp_path: Path, clock, pseudo):
    path = tmp_path / "new-session.json"
    app = QuestionTimeApp(path, clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        app.screen.query_one("#profile", Select).value = "custom"
        await press(pilot, "ctrl+s")  # refused: the custom profile needs a limit
        shown = dialog_text(app, leave_out=["Footer"])
        footer = screen_text(app).split("\n")[-1]
    assert "⟦The custom profile needs a limit.⟧" in shown
    assert untranslated(shown, [str(path), "twittertime"]) == set(), shown
    # the form's own keys (the app's ctrl+q and palette are the app's to word)
    assert "esc ⟦Quit⟧" in footer and "^s ⟦Start⟧" in footer, footer


async def test_the_quit_dialog_of_a_full_disk_is_translated(session, clock, pseudo, full_disk):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        await press(pilot, "q")
        assert isinstance(app.screen, QuitPendingScreen)
        shown = dialog_text(app)
        said_by_the_store = session.write_error  # the store's words: it translates nothing
    assert "⟦Save and quit⟧" in shown
    assert untranslated(shown, session_words(session), [said_by_the_store]) == set(), shown


async def test_the_topics_dialog_its_shares_and_its_mistakes_are_translated(session, clock, pseudo):
    with_triage(session)
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "number_sign")
        assert isinstance(app.screen, TopicsScreen)
        listed = dialog_text(app)
        await pilot.press(*"senza parole", "enter")  # no keyword: refused, the store saying why (in its marks)
        await settle(pilot)
        refused = dialog_text(app)
    assert "⟦other⟧" in listed and "⟦Rising in the last 10 minutes⟧" in listed, listed
    assert untranslated(listed, session_words(session), TOPICS) == set(), listed
    assert "⟦Not saved: 'senza parole' has no" in refused, refused
    assert untranslated(refused, session_words(session), TOPICS, ["senza parole"]) == set(), refused  # typed


async def test_the_rules_dialog_names_the_hold_rules_in_the_language(session, clock, pseudo):
    with_triage(session)
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the hold counts, counted in a worker
        await press(pilot, "H")
        assert isinstance(app.screen, RulesScreen)
        shown = dialog_text(app)
    assert "⟦link only⟧ 1" in shown, shown
    assert untranslated(shown, session_words(session)) == set(), shown


async def test_every_bulk_move_asks_and_tells_in_the_language(session, clock, pseudo):
    """T, D (with a decision someone else makes while it asks), u, A, then B and u: each heading,
    each confirmation and each toast, as the moderator reads them."""
    app = make_app(session, clock)
    notes = record_notifications(app)
    shown: list[str] = []

    async def read(*keys: str) -> None:
        await press(pilot, *keys)
        shown.append(dialog_text(app, leave_out=["#yes"]))  # "yes" says the move: the main screen words it

    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "slash", *"Telecom", "enter")  # 4 questions in New
        await read("T")
        await read(*"rete", "enter")
        await press(pilot, "y")
        await read("D")
        await read("2")
        assert isinstance(app.screen, ConfirmScreen)
        other = SessionStore.open(session.path, actor="mod2")
        other.approve(qid_of(session, "@giulia_rinaldi"))  # decided meanwhile: left alone, and said so
        other.close()
        app.mark_dirty(frozenset(q.get("qid") or "" for q in app.store.refresh()))
        await press(pilot, "y")
        toasts = notes[-2:]
        await press(pilot, "u", "escape")  # the dismissals undone; the filter goes
        toasts.append(notes[-1])
        await read("A")
        await press(pilot, "y")
        toasts.append(notes[-1])
        await press(pilot, "2")  # the Approved view: B blocks an author whatever the view
        select(app, session, "@nerthase")
        await read("B")
        assert isinstance(app.screen, DismissScreen)
        await read("1")
        await press(pilot, "y")
        toasts.append(notes[-1])
        await press(pilot, "u")
        toasts.append(notes[-1])
    typed = ["rete", "Telecom"]
    assert "⟦One action: u undoes all of it, the block too.⟧" in " ".join(" ".join(shown).split()), shown
    for text in shown:
        assert untranslated(text, session_words(session), typed) == set(), text
    assert "left as they were" in toasts[1] and "⟦Undone:" in toasts[2], toasts
    for toast in toasts:
        assert toast.startswith("⟦") and unmarked(toast, [*session_words(session), *typed, "u"]) == set(), toast


async def test_the_session_header_is_translated(session, clock, pseudo):
    """Title, elapsed time, counts, profile, a source's state, the topics' shares and the hold counts."""
    with_triage(session)
    app = make_app(session, clock, sources=[parse_spec("demo")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._refresh_header()
        await settle(pilot)
        shown = widget_text(app, app.screen.query_one(SessionHeader))
    said = " ".join(shown.split())
    assert "⟦new 8⟧" in said and "⟦dismissed 1⟧" in said and "demo ⟦starting⟧" in said, shown
    assert "⟦held: ⟦link-only⟧ 1⟧" in said and "⟦other⟧" in said, shown
    assert untranslated(shown, session_words(session), TOPICS, PROFILES, ["demo"]) == set(), shown  # a source spec


def test_every_line_the_header_can_show_is_translated(pseudo):
    """What the app cannot easily be made to show at once: a paused feed, a source retrying, who else
    is on the session, other processes' feeds, what the outbox is doing."""
    others = [Presence(id="a", role="host", actor="anna", at=iso(NOW - timedelta(seconds=5)), answering="q1"),
              Presence(id="b", role="moderator", actor="moderator", at=iso(NOW - timedelta(minutes=4)))]
    feeds = [Feed("mastodon:https://mastodon.uno#twittertime", True, "ok", 3.0),
             Feed("file:domande.jsonl", False, "stopped: file gone", None), Feed("demo", False, "stopped", 300.0)]
    sources = {"bluesky:#twittertime": SourceState("bluesky:#twittertime", "retrying", "HTTP 503", 30.0),
               "file:altre.jsonl": SourceState("file:altre.jsonl", "live")}
    content = header_content(Settings(title="Question time", hashtag="twittertime", profile="classic"), {"new": 3}, 75.0,
                             sources, paused=True, write_error=None, publishing="sending 1 part", others=others, feeds=feeds,
                             now=NOW, since="20:00 CEST", topics={"rete": 0.5, "other": 0.5}, holds={"flood": 2})
    shown = content.plain
    for part in ("⏸ ⟦feed paused (p resumes)⟧", "⟦retrying in 30 s⟧: HTTP 503", "⟦host⟧ anna ⟦5 s ago⟧  ⟦answering⟧", "⟦4 min ago⟧",
                 "⟦stopped: file gone⟧ ⟦never⟧", "⟦publishing sending 1 part⟧", "⟦flood⟧ 2"):
        assert part in shown, (part, shown)
    sources_say = ["Question time", "twittertime", "classic", "rete", "anna", "mastodon https mastodon uno", "domande jsonl",
                   "altre jsonl", "bluesky", "demo", "HTTP", "file gone", "sending part", "CEST"]
    assert unmarked(shown, sources_say) == set(), shown


# -- the panes worded here, on the main screen --------------------------------------------


async def test_the_draft_pane_and_the_view_bar_are_translated(session, clock, pseudo):
    """An answer over the limit: the question, the counter, the post and thread previews; a filter."""
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        select(app, session, "@promo_smartphone")  # a question with a link
        await press(pilot, "a", "2", "enter")
        empty = widget_text(app, app.screen.query_one(DraftPane))
        await type_long(pilot, ANSWER)
        await settle(pilot)
        typed = widget_text(app, app.screen.query_one(DraftPane))
        await press(pilot, "escape", "slash")
        await pilot.press(*"VINCI", "enter")
        await settle(pilot)
        views = widget_text(app, app.screen.query_one(ViewBar))
    assert "⟦Type the answer (enter on a question to start)⟧" in empty, empty
    assert "⟦has a link⟧" in typed and "⟦Thread preview (2 posts)⟧" in typed, typed
    assert untranslated(empty, session_words(session), PROFILES) == set(), empty
    assert untranslated(typed, session_words(session), PROFILES, [ANSWER]) == set(), typed
    assert "⟦filter VINCI⟧" in views and untranslated(views, ["VINCI"]) == set(), views


async def test_the_answered_log_is_translated(session, clock, pseudo):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, session, "@fra_cloud")  # a thread of two, published nowhere
        shown = widget_text(app, app.screen.query_one(AnsweredLog))
    said = " ".join(shown.split())
    assert "⟦a thread of 2 posts⟧" in said and "⟦not published⟧" in said, shown
    assert untranslated(shown, session_words(session), [ANSWER]) == set(), shown


async def test_the_moderators_question_view_is_translated(session, clock, pseudo):
    """Starred, tagged, dismissed with a reason, a duplicate of another question."""
    copy, original = qid_of(session, "@sud_connesso"), qid_of(session, "@nerthase")
    session.star(copy)
    session.tag(copy, ["rete"])
    session.mark_duplicate(copy, original)
    app = make_app(session, clock, role="moderator")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "6")
        select(app, session, "@sud_connesso")
        await settle(pilot)
        shown = widget_text(app, app.screen.query_one("#detail", QuestionView))
    said = " ".join(shown.split())
    assert "⟦starred⟧" in said and "⟦dismissed⟧ (⟦duplicate⟧)" in said and "⟦duplicate of @nerthase⟧" in said, shown
    assert untranslated(shown, session_words(session)) == set(), shown


# -- the main screen, below its header ------------------------------------------------------

ROLES = ("moderator", "host", "both")
SIZES = {"80x24": (80, 24), "100x30": (100, 30), "160x48": (160, 48)}
# The app's own keys (tui/app.py: ctrl+q) are worded in the app's part: their words are exempt
# from the footer checks, which name the screen's keys one by one instead.
APP_KEYS = [str(binding.description) for binding in QuestionTimeApp.BINDINGS if isinstance(binding, Binding)]


def below_header(app) -> str:
    """The main screen under the session header (`#header`, worded in its own part): the views,
    the queue, the panes and their border titles, the notice lines, the footer."""
    top = app.screen.query_one("#header").region.bottom
    return region_text(app, Region(0, top, app.size.width, app.size.height - top))


def footer(app) -> str:
    return widget_text(app, app.screen.query_one(KeyBar))


def notices(app) -> str:
    return widget_text(app, app.screen.query_one(NoticeBar))


def worked_words(session: SessionStore) -> list[str]:
    """The session's words, its answers and drafts too."""
    state = session.state
    return [*session_words(session), *(a.current_text for a in state.answers.values()),
            *(d.text for d in state.drafts.values())]


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("role", ROLES)
async def test_the_main_screen_is_translated(worked_session, clock, pseudo, role, size):
    """The role's first view, then every question in the All view, a dismissed one under the cursor."""
    app = make_app(worked_session, clock, role)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        first = below_header(app)
        await press(pilot, "6")
        select(app, worked_session, "@promo_smartphone")
        await settle(pilot)
        every = below_header(app)
    assert "⟦Incoming⟧" in first and "⟦Incoming⟧" in every, first
    for shown in (first, every):
        assert untranslated(shown, worked_words(worked_session), PROFILES, APP_KEYS) == set(), shown


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_the_main_screen_while_drafting_is_translated(worked_session, clock, pseudo, size):
    app = make_app(worked_session, clock, "host")
    async with app.run_test(size=size) as pilot:
        select(app, worked_session, "@paolo_mpay")
        await press(pilot, "enter")
        await type_long(pilot, ANSWER)
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "answer"
        shown = below_header(app)
    assert "⟦Send⟧" in shown and "⟦Post preview⟧" in shown, shown
    assert untranslated(shown, worked_words(worked_session), PROFILES, APP_KEYS, [ANSWER]) == set(), shown


@pytest.mark.parametrize("role", ROLES)
async def test_the_footer_is_translated(worked_session, clock, pseudo, role):
    """Every key the role is offered on the queue, and while the answer is typed (not the moderator's)."""
    app = make_app(worked_session, clock, role)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        on_queue = footer(app)
        if role != "moderator":
            await press(pilot, "enter")
            await pilot.press(*"Sul m-payment")
            await settle(pilot)
        typing = footer(app)
    assert "? ⟦Help⟧" in on_queue and "q ⟦Quit⟧" in on_queue and "/ ⟦Filter⟧" in on_queue, on_queue
    assert ("a ⟦Approve⟧" in on_queue) == (role != "host"), on_queue
    assert role == "moderator" or "^s ⟦Send⟧" in typing and "esc ⟦Queue⟧" in typing, typing
    for shown in (on_queue, typing):
        assert untranslated(shown, APP_KEYS) == set(), shown


@pytest.mark.parametrize(("author", "key"), [("@alessiodanesi", "e"), ("@promo_smartphone", "enter"),
                                             ("@giulia_rinaldi", "enter")], ids=["alone", "dismissed", "answered"])
async def test_the_notices_of_the_main_screen_are_translated(worked_session, clock, pseudo, author, key):
    app = make_app(worked_session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "6")
        select(app, worked_session, author)
        await press(pilot, key)
        said = notices(app)
    assert "⟦" in said and untranslated(said, worked_words(worked_session)) == set(), said


@pytest.mark.parametrize("role", ["moderator", "both"])
async def test_a_group_row_its_note_and_its_notices_are_translated(grouped, clock, pseudo, role):
    """The group's row and the note under its question; m and b on the row (which act on one copy)."""
    app = make_app(grouped, clock, role)
    async with app.run_test(size=SIZE) as pilot:
        select(app, grouped, "@anna")
        await settle(pilot)
        shown = below_header(app)
        await press(pilot, "m")
        await press(pilot, "b")
        said = notices(app)
    assert "×3" in shown and "⟦One row for 3 copies of this question" in shown, shown
    assert untranslated(shown, session_words(grouped), PROFILES, APP_KEYS) == set(), shown
    assert "⟦This row is a group of 3 copies" in said and "⟦e shows the group's members" in said, said
    assert untranslated(said, session_words(grouped)) == set(), said


async def test_the_notice_of_a_question_dismissed_while_drafting_is_translated(session, clock, pseudo):
    app = make_app(session, clock)
    async with app.run_test(size=SIZE) as pilot:
        await dismissed_while_drafting(pilot, session)
        said = notices(app)
    assert "⟦Dismissed⟧: ⟦@paolo_mpay's question was just ⟦dismissed (⟦off-topic⟧) by mod⟧" in said, said
    assert untranslated(said, session_words(session), ["mod"]) == set(), said


# -- in Italian -----------------------------------------------------------------------------


async def test_a_dialog_in_italian(session, clock, italian):
    app = make_app(session, clock)
    async with app.run_test(size=SMALL) as pilot:
        select(app, session, "@promo_smartphone")
        await press(pilot, "d")
        shown = dialog_text(app)
    assert "Scarta la domanda di @promo_smartphone: perché?" in shown, shown
    assert "2  fuori tema" in shown and "escape per annullare" in shown, shown


async def test_the_header_in_italian_fits_its_three_lines_at_80_by_24(session, clock, italian):
    with_triage(session)
    app = make_app(session, clock, sources=[parse_spec("demo")])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        header = app.screen.query_one(SessionHeader)
        rows = widget_text(app, header).split("\n")
    assert header.outer_size.height <= 3  # a short screen gives the header three lines (app.tcss)
    assert rows[0].endswith("#twittertime   trascorsi 0:12:00 dalle 19:00 UTC"), rows
    # the whole line, not wrapped: every count, the profile and the source fit
    assert rows[1].strip() == "nuove 8  approvate 0  risposte 0  scartate 1  │ profilo classic  │ demo avvio", rows


async def test_the_italian_bulk_toast_and_palette(session, clock, italian):
    app = make_app(session, clock)
    notes = record_notifications(app)
    async with app.run_test(size=SMALL) as pilot:
        await press(pilot, "D", "2")
        assert "Scartare 8 domande con motivo fuori tema (Nuove)?" in " ".join(screen_text(app).split())
        await press(pilot, "y")
        commands = {command.title for command in app.get_system_commands(app.screen)}
    assert notes[-1] == "8 domande scartate (fuori tema). u annulla.", notes
    assert {"Aspetto", "Tasti", "Esci"} <= commands, commands


def cut_off(app) -> list[str]:
    """The dialog's labels and rows of buttons wider than the dialog: what a terminal would cut."""
    dialog = app.screen.query_one(".dialog")
    room = dialog.scrollable_content_region.width
    cut = [str(label.render()) for label in dialog.query(Label) if label.outer_size.width > room]
    for row in dialog.query(".buttons"):
        buttons = list(row.query(Button))
        width = sum(b.outer_size.width + b.styles.margin.left for b in buttons)
        cut += [f"buttons {[str(b.label) for b in buttons]}: {width} > {room}"] if width > room else []
        cut += [str(b.label) for b in buttons if Content(str(b.label)).cell_length > b.content_size.width]
    return cut


@pytest.mark.parametrize("name", DIALOGS)
async def test_every_italian_dialog_fits_80_by_24(session, clock, italian, name):
    app = make_app(session, clock)
    async with app.run_test(size=SMALL) as pilot:
        await DIALOGS[name].open(pilot, session)
        assert cut_off(app) == [], screen_text(app)


async def test_the_italian_first_run_and_quit_dialogs_fit_80_by_24(tmp_path: Path, session, clock, italian, full_disk):
    app = QuestionTimeApp(tmp_path / "new-session.json", clock=clock, live=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "Nuova sessione" in screen_text(app) and cut_off(app) == [], screen_text(app)
    app = make_app(session, clock)
    async with app.run_test(size=SMALL) as pilot:
        await press(pilot, "a")
        await press(pilot, "q")
        assert "Salva ed esci" in screen_text(app) and cut_off(app) == [], screen_text(app)


async def test_cut_off_sees_a_label_wider_than_its_dialog(session, clock, italian):
    """`cut_off` reads sizes, not the screen: it must see what a terminal cuts."""
    qid = qid_of(session, "@nerthase")
    app = make_app(session, clock)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(TagScreen("@" + "n" * 90, []))
        await settle(pilot)
        assert cut_off(app) != [] and "n" * 90 not in screen_text(app)
    assert session.state.questions[qid].tags == []


async def test_drafting_in_italian_at_80_by_24(session, clock, italian):
    """The counter, the first post of the preview and the footer's keys, in Italian, on a small terminal."""
    session.approve(qid_of(session, "@paolo_mpay"))
    app = make_app(session, clock, "host")
    async with app.run_test(size=SMALL) as pilot:
        await press(pilot, "enter")
        await pilot.press(*"Sul m-payment stiamo lavorando con tutti gli operatori")
        await settle(pilot)
        shown = screen_text(app)
        keys = footer(app)
    assert "classic 79/140  ne restano 61" in shown, shown
    preview = shown.split("\n")[[i for i, line in enumerate(shown.split("\n")) if "Anteprima del post" in line][0] + 1]
    assert "@paolo_mpay Sul m-payment stiamo lavorando con tutti gli operatori" in preview, shown
    # ctrl+q is the app's own key (`QuestionTimeApp.BINDINGS`), translated with the app's bindings.
    assert "^s Invia" in keys and "esc Coda" in keys and "f1 Aiuto" in keys and "^q Esci" in keys, keys


async def test_the_italian_footer_at_80_by_24_keeps_undo(session, clock, italian):
    """The Italian labels are longer: what does not fit is left out, the least needed first, and
    undo (the way back from a slip) stays, next to quit and help."""
    app = make_app(session, clock)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = footer(app)
    assert "? Aiuto" in keys and "q Esci" in keys and "u Annulla" in keys, keys
    assert keys.index("a Approva") < keys.index("u Annulla")  # shown in the usual order
