"""Hardening, round two (display side): stores written by another tool, far dates, mismeasured text, the filter's folding."""
from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from rich.cells import cell_len
from tinydb import TinyDB

from store.model import Settings, question_id
from store.session_store import SessionStore
from store.storage import AtomicJSONStorage
from tests.conftest import settle
from tui.app import QuestionTimeApp
from tui.widgets.queue_index import FOLDED_MAX, QueueIndex, fold
from tui.widgets.queue_list import AGE_WIDTH, QueueList, age_text

CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\U000E0000-\U000E007F]")
TITLE_ESCAPE = "\x1b]2;pwned\x07"
RED = "\x1b[31m"
NOW = datetime(2026, 3, 6, 19, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def foreign_store(path: Path) -> None:
    """A store with escapes in its snapshot (through TinyDB) and in its journal (a line appended by hand)."""
    store = SessionStore.open(path, settings=Settings(title="Quiet title", hashtag="qt"))
    store.add_questions([{"source": "t", "remote_id": "1", "author": "@calm", "text": "a calm question"}])
    store.close()
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.table("session").update({"title": f"{TITLE_ESCAPE}Session {RED}title"})
        db.table("questions").update({"author": f"@calm{RED}", "author_name": f"Calm{TITLE_ESCAPE}",
                                      "text": f"calm {RED}red\u202eevil", "tags": [f"t{RED}ag"]})
    last_seq = orjson.loads(path.read_bytes())["meta"]["1"]["last_seq"]
    qid = question_id("t", "2")
    question = {"id": qid, "source": "t", "remote_id": "2", "author": f"@loud{RED}", "text": f"loud {TITLE_ESCAPE}text\x07",
                "received_at": iso(NOW), "author_name": "Loud\x1b[2J"}
    events = [{"seq": last_seq + 1, "action": "question.add", "qid": qid, "question": question, "at": iso(NOW), "actor": "x"},
              {"seq": last_seq + 2, "action": "draft.set", "qid": qid, "text": f"draft {RED}here", "at": iso(NOW), "actor": "x"}]
    with open(path.with_name(path.name + ".journal"), "ab") as journal:
        journal.write(b"\x1e".join(orjson.dumps(e) for e in events) + b"\n")


def screen_segments(app: QuestionTimeApp) -> str:
    strips = app.screen._compositor.render_update(full=True).strips
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_text_from_a_store_written_by_another_tool_is_cleaned_on_screen(tmp_path: Path) -> None:
    path = tmp_path / "foreign.json"
    foreign_store(path)
    app = QuestionTimeApp(path, clock=lambda: NOW, live=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("6")
        await settle(pilot)
        queue = app.screen.query_one("#queue", QueueList)
        for qid in queue.ids:
            queue.select(qid)
            await settle(pilot)
            screen = screen_segments(app)
            assert not CONTROL.search(screen), repr(CONTROL.findall(screen))
            assert "Session [31mtitle" in screen  # the escape character gone, the rest shown literally
        assert "loud ]2;pwnedtext" in screen_segments(app)
        assert "draft [31mhere" in app.main.query_one("#answer").text  # type: ignore[union-attr]
        assert app.is_running


# -- F18: far dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds, shown", [
    (45, "45s"), (12 * 60, "12m"), (3 * 3600, "3h"), (2 * 86400, "2d"), (99 * 86400, "99d"),
    (20 * 7 * 86400, "20w"), (3 * 365 * 86400, "3y"), (739_950 * 86400, "99y+"),
    (-30, "0s"), (-5 * 60, "+5m"), (-2 * 365 * 86400, "+2y"), (-10**12, "+∞"),
])
def test_ages_fit_their_column_and_a_future_time_shows_as_such(seconds: int, shown: str) -> None:
    assert age_text(seconds) == shown
    assert cell_len(age_text(seconds)) <= AGE_WIDTH


async def test_far_dates_keep_the_row_in_its_columns(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json")
    store.add_questions([
        {"source": "t", "remote_id": "old", "author": "@old", "text": "from year one", "posted_at": "0001-01-01T00:00:00Z"},
        {"source": "t", "remote_id": "new", "author": "@new", "text": "from the future", "posted_at": "9999-12-31T00:00:00Z"},
        {"source": "t", "remote_id": "now", "author": "@now", "text": "from now", "posted_at": iso(NOW - timedelta(minutes=3))},
    ])
    app = QuestionTimeApp(store, clock=lambda: NOW, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", QueueList)
        rows = [queue.render_line(y).text for y in range(3)]
        columns = {row.index(word) for row, word in zip(rows, ("from year one", "from the future", "from now"))}
        assert len(columns) == 1, rows  # the text starts in the same column on every row
        assert "99y+" in rows[0] and "+∞" in rows[1] and "3m" in rows[2]


# -- F10: rows clipped to their width ---------------------------------------------------------


async def test_rows_with_mismeasured_characters_fit_the_pane(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json")
    names = ["\u3164" * 30, "@tone\U0001F3FB" * 10, "\u0903" * 40]
    store.add_questions([{"source": "t", "remote_id": str(n), "author": name, "author_name": name,
                          "text": f"{name} asks " + "\U0001F3FF" * 50} for n, name in enumerate(names)])
    app = QuestionTimeApp(store, clock=lambda: NOW, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", QueueList)
        for y in range(len(names)):
            text = queue.render_line(y).text
            assert cell_len(text) == queue.size.width
            assert not any(ch in text for ch in "\u3164\U0001F3FB\U0001F3FF\u0903")


# -- F16: the filter's folding is bounded -------------------------------------------------------


def test_the_filter_folds_a_bounded_amount_per_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SessionStore.open(tmp_path / "s.json")
    store.add_questions([{"source": "t", "remote_id": str(n), "author": f"@p{n}", "text": f"question {n} " + "\ufdfa" * 10_000}
                         for n in range(600)])
    produced = 0
    normalize = unicodedata.normalize

    def counting(form: str, text: str) -> str:
        nonlocal produced
        result = normalize(form, text)
        produced += len(result)
        return result

    monkeypatch.setattr(unicodedata, "normalize", counting)
    index = QueueIndex()
    shown = index.sync(store.state, "all", "question 7")
    assert produced <= 600 * FOLDED_MAX  # unbounded, each post folded into 180,000 characters
    assert len(shown.ids) == len([n for n in range(600) if str(n).startswith("7")])


# -- F15: a read-only store ----------------------------------------------------------------------


async def test_the_app_says_a_store_on_a_read_only_file_system_is_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        store = SessionStore.open(folder / "s.json")
        store.add_questions([{"source": "t", "remote_id": "1", "author": "@a", "text": "a question"}])
        store.close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        app = QuestionTimeApp(folder / "s.json", clock=lambda: NOW, live=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert "read-only" in screen_segments(app).lower()
            assert app.store is not None and app.store.read_only
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_folding_is_unchanged_for_real_text() -> None:
    for text in ("Perché la città è così lenta?", "ｆｕｌｌ　ｗｉｄｔｈ", "محمد \ufdfa قال", "Straße", "e\u0301" * 300):
        assert fold(text) == unicodedata.normalize("NFKC", text).casefold()
