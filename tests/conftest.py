"""Shared fixtures for the app tests: a session with fixed times, a frozen clock, settling.

Nothing here is autouse: other test files are untouched by it.
"""
from __future__ import annotations

import html
import itertools
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events

from store.model import Settings
from store.session_store import SessionStore
from tui import i18n

START = datetime(2012, 3, 6, 19, 0, tzinfo=UTC)
NOW = START + timedelta(minutes=12)

QUESTIONS = [
    ("@nerthase", "nerthase", "Come navighereste oggi in 56k? Telecom si è dimenticata di noi #twittertime", 14, 1),
    ("@giulia_rinaldi", "Giulia Rinaldi", "Come si vogliono individuare i giovani talenti in Telecom Italia? #twittertime", 6, 2),
    ("@promo_smartphone", "Offerte", "VINCI un iPhone GRATIS!!! http://bit.ly/vinci #twittertime", 0, 3),
    ("@fra_cloud", "Francesca M.", "Il cloud è una bella prospettiva. Ma che garanzie per la privacy? Grazie #twittertime", 8, 4),
    ("@sud_connesso", "Sud Connesso", "RT @nerthase: Come navighereste oggi in 56k? Telecom si è dimenticata di noi #twittertime", 2, 5),
    ("@alessiodanesi", "Alessio Danesi", "Come vorrebbe che si evolvesse il rapporto tra Telecom e l'editoria digitale? #twittertime", 7, 6),
    ("@paolo_mpay", "Paolo Serra", "Strategia sull'm-payment? Ora anche gli OTT entrano sul mercato #twittertime", 11, 7),
    ("@nerthase", "nerthase", "E per i piccoli comuni, date certe per la banda larga? #twittertime", 3, 8),
]


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def item(number: int, author: str, text: str, *, votes: int = 0, name: str = "", minute: int = 0) -> dict:
    return {"source": "file", "remote_id": f"q{number}", "author": author, "author_name": name,
            "text": text, "votes": votes, "posted_at": iso(START + timedelta(minutes=minute))}


@pytest.fixture
def fixed_times(monkeypatch: pytest.MonkeyPatch):
    """Store timestamps tick one second at a time from NOW; local time is UTC."""
    ticks = itertools.count()
    monkeypatch.setattr("store.session_store.now_iso", lambda: iso(NOW + timedelta(seconds=next(ticks))))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.fixture
def clock():
    return lambda: NOW


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "session.json"


@pytest.fixture
def session(store_path: Path, fixed_times) -> SessionStore:
    """A classic-profile session holding QUESTIONS, all new."""
    settings = Settings(title="#twittertime test", hashtag="twittertime", profile="classic",
                        started_at=iso(START), created_at=iso(START))
    store = SessionStore.open(store_path, settings=settings)
    store.add_questions([item(n, a, t, votes=v, name=nm, minute=m) for n, (a, nm, t, v, m) in enumerate(QUESTIONS, 1)])
    yield store
    store.close()


def qid_of(store: SessionStore, author: str, nth: int = 0) -> str:
    return [q.id for q in store.state.questions.values() if q.author == author][nth]


@pytest.fixture
def italian():
    """The interface in Italian, chosen before the app is built (as `--lang it` does); English after."""
    i18n.use("it")
    yield
    i18n.use("en")


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


async def settle(pilot) -> None:
    """Let store jobs finish and their messages land, then draw what changed."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        workers = [w for w in app.workers if w.group in ("store", "export", "triage") and not w.is_finished]
        for worker in workers:
            await worker.wait()
        await pilot.pause()
    app.drain()
    await pilot.pause()


async def type_long(pilot, text: str, keyed: int = 12) -> None:
    """Type `text`'s first `keyed` characters key by key and paste the rest, as a terminal delivers
    a paste (a host pasting a prepared answer): the draft sees both. A key press costs a test about
    50 ms, so a 300-character answer typed key by key took 15 s."""
    await pilot.press(*text[:keyed])
    if text[keyed:]:
        pilot.app.post_message(events.Paste(text[keyed:]))
        await pilot.pause()


def screen_text(app) -> str:
    """Everything on screen as plain text, one line per terminal row with text (from the SVG screenshot)."""
    return "\n".join(screen_lines(app).values())


def screen_lines(app) -> dict[int, str]:
    """Each terminal row with text on it, by its row number (rows left blank are not in the screenshot)."""
    svg = app.export_screenshot()
    cells: dict[int, dict[int, str]] = {}
    pattern = r'<text [^>]*x="([\d.]+)"[^>]*textLength="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>'
    for match in re.finditer(pattern, svg):
        body = html.unescape(match[4]).replace("\xa0", " ")
        width = float(match[2]) / max(1, cell_len(body))
        row = cells.setdefault(int(match[3]), {})
        column = round(float(match[1]) / width)
        for char in body:
            row[column] = char
            column += cell_len(char)
    return {y: "".join(row.get(x, " ") for x in range(max(row, default=-1) + 1)).rstrip()
            for y, row in sorted(cells.items())}


def record_notifications(app) -> list[str]:
    """Every notification the app shows from now on (toasts wrap, so read them here)."""
    seen: list[str] = []
    show = app.notify

    def notify(message, **kwargs):
        seen.append(message)
        show(message, **kwargs)

    app.notify = notify
    return seen


@pytest.fixture
def grouped(store_path, fixed_times):
    """A session that groups copies as they arrive: @anna's question with two copies, two alone
    (the group tests' posts; shared with the translated-screen tests)."""
    from store.arrivals import Arrivals
    from tests.test_app_groups import POSTS, add  # here: conftest loads before the test modules

    settings = Settings(title="#twittertime test", hashtag="twittertime", profile="classic", group_copies=True,
                        started_at=iso(START), created_at=iso(START))
    store = SessionStore.open(store_path, settings=settings, actor="mod")
    add(store, POSTS, Arrivals())
    yield store
    store.close()
