"""Hand-edited stores with wrong field types are refused on open, naming the field (exit 2);
a damaged event another writer appends while a session is open is skipped and reported."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from store.errors import NotAStoreError
from store.session_store import SessionStore


def items(count: int) -> list[dict[str, object]]:
    return [{"source": "file", "remote_id": str(n), "author": f"@a{n}", "text": f"question {n}?"} for n in range(count)]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.json"
    session = SessionStore.open(path)
    session.add_questions(items(3))
    qid = next(iter(session.state.questions))
    session.approve(qid)
    session.add_answer(qid, "yes", ["@a0 yes"], "x")
    session.close()
    return path


def first(table: dict[str, Any]) -> dict[str, Any]:
    return table[next(iter(table))]


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "text an int": (lambda t: first(t["questions"]).update(text=42), "questions[0].text should be text"),
    "text null": (lambda t: first(t["questions"]).update(text=None), "questions[0].text should be text"),
    "votes a string": (lambda t: first(t["questions"]).update(votes="12"), "questions[0].votes should be a whole number"),
    "tags an int": (lambda t: first(t["questions"]).update(tags=3), "questions[0].tags should be a list of texts"),
    "tags [1]": (lambda t: first(t["questions"]).update(tags=[1]), "questions[0].tags should be a list of texts"),
    "a limit of 0": (lambda t: first(t["session"]).update(profile="custom", limit=0), "session[0].limit"),
    "a far-out answered_at": (lambda t: first(t["answers"]).update(answered_at="9999-12-31T23:59:59+14:00"),
                              "answers[0].answered_at should be an ISO time"),
    "an unknown status": (lambda t: first(t["questions"]).update(status="maybe"), "questions[0].status should be one of"),
    "a huge last_seq": (lambda t: first(t["meta"]).update(last_seq=2**64 - 1), "broken metadata"),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_hand_edited_field_of_the_wrong_type_is_refused_naming_it(store: Path, edit: str) -> None:
    change, named = EDITS[edit]
    tables = orjson.loads(store.read_bytes())
    change(tables)
    store.write_bytes(orjson.dumps(tables))
    before = store.read_bytes()
    with pytest.raises(NotAStoreError, match=named.replace("[", r"\[").replace("]", r"\]")):
        SessionStore.open(store)
    assert store.read_bytes() == before  # left untouched
    done = subprocess.run([sys.executable, "-m", "tui", "export", "--store", str(store), "--format", "csv"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and named.split(" should")[0] in done.stderr and "Traceback" not in done.stderr


def test_a_damaged_journal_event_is_refused_on_open(store: Path) -> None:
    journal = store.with_name(store.name + ".journal")
    seq = SessionStore.open(store).state.last_seq
    bad = {"seq": seq + 1, "action": "question.add", "qid": "x",
           "question": {"id": "x", "source": "s", "remote_id": "x", "author": "@x", "text": 7, "received_at": ""}}
    with journal.open("ab") as handle:
        handle.write(orjson.dumps(bad) + b"\n")
    with pytest.raises(NotAStoreError, match=r"event \d+ is damaged \(event \d+\.question\.text should be text"):
        SessionStore.open(store)


def test_a_damaged_event_arriving_while_open_is_skipped_and_reported(store: Path) -> None:
    session = SessionStore.open(store)
    seq = session.state.last_seq
    with store.with_name(store.name + ".journal").open("ab") as handle:
        handle.write(orjson.dumps({"seq": seq + 1, "action": "tag", "qid": "q", "changes": [
            {"qid": "q", "before": {}, "after": {"tags": 5}}]}) + b"\n")
    session.refresh()
    assert len(session.skipped) == 1 and "changes[0].after.tags" in session.skipped[0]
    session.add_questions(items(5))  # the session goes on, numbering after the skipped event
    assert session.state.last_seq > seq + 1
    session.close()  # its compaction leaves the damaged event out of the snapshot
    assert len(SessionStore.open(store).state.questions) == 5


def test_a_snapshot_as_qtime_wrote_it_is_trusted_and_any_edit_is_checked(store: Path, monkeypatch) -> None:
    """The digest on the journal's base line spares the field checks only for untouched bytes."""
    from store import validate

    checked: list[bool] = []
    real = validate.tables
    monkeypatch.setattr(validate, "tables", lambda data: (checked.append(True), real(data))[1])
    SessionStore.open(store)
    assert checked == []  # exactly as qtime wrote it
    tables = orjson.loads(store.read_bytes())
    first(tables["questions"]).update(text="edited by hand")
    store.write_bytes(orjson.dumps(tables))
    SessionStore.open(store)
    assert checked == [True]  # the bytes changed: every field is checked
