"""CSV: RFC 4180, one row per question, formulas neutralised, same cells back."""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.export import render
from store.export.csv_export import COLUMNS, FORMULA_STARTS, neutral
from store.export.safe import printable
from store.model import Answer, Question
from store.session_store import SessionStore
from store.state import SessionState
from tests.sessions import HOSTILE_TEXTS, demo_like, hostile


def rows(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline="")))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return demo_like(tmp_path_factory.mktemp("csv") / "demo.json")


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return hostile(tmp_path_factory.mktemp("csv") / "hostile.json")


def test_demo_rows_round_trip(demo: SessionStore) -> None:
    data = render(demo.state, "csv")
    assert data.startswith('"id","source","author",') and data.endswith('"\r\n')
    table = rows(data)
    assert tuple(table[0]) == COLUMNS
    assert [row[0] for row in table[1:]] == list(demo.state.questions)
    for row in table[1:]:
        cells = dict(zip(COLUMNS, row))
        q = demo.state.questions[cells["id"]]
        assert cells["text"] == q.text and cells["status"] == q.status and cells["votes"] == str(q.votes)
        assert cells["author"] == "'" + q.author  # handles start with @: defused like any formula
        assert cells["tags"] == "; ".join(q.tags)
        answer = demo.state.answers.get(q.id)
        assert cells["answer"] == (answer.text if answer else "")
        assert (cells["response_seconds"] != "") == (answer is not None)
    privacy = next(dict(zip(COLUMNS, r)) for r in table[1:] if r[4].startswith("Che garanzie"))
    assert privacy["published_urls"] == "https://social.example/@ceo/100 https://social.example/@ceo/101"


@pytest.mark.parametrize(("only", "statuses"), [("answered", {"answered"}), ("approved", {"answered", "approved"})])
def test_only_limits_rows(demo: SessionStore, only: str, statuses: set[str]) -> None:
    table = rows(render(demo.state, "csv", only=only))
    assert {row[COLUMNS.index("status")] for row in table[1:]} == statuses


def test_hostile_cells_are_neutralised(evil: SessionStore) -> None:
    table = rows(render(evil.state, "csv"))
    texts = {row[COLUMNS.index("text")] for row in table[1:]}
    assert len(texts) == len(HOSTILE_TEXTS)
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
            assert "\x00" not in cell
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in texts
    assert "'+cmd|' /C calc'!A0" in texts and "'@SUM(1)" in texts and "'-1+1" in texts
    assert "'＝1+1 full-width formula" in texts
    assert all("javascript" not in row[COLUMNS.index("published_urls")] for row in table[1:])


def test_controls_and_nul_are_dropped() -> None:
    q = Question("q1", "demo", "1", "@a", "fine", "2024-05-14T18:00:00.000Z", status="answered")
    state = SessionState(questions={"q1": q}, answers={
        "q1": Answer("q1", "\x00=1+1\x1b[2J\r\nnext", ["x"], "x", "2024-05-14T18:01:00.000Z")})
    row = dict(zip(COLUMNS, rows(render(state, "csv"))[1]))
    assert row["answer"] == "'=1+1[2J\nnext"
    assert row["response_seconds"] == "60"


def test_each_held_question_names_its_rule() -> None:
    """One row per question: a spreadsheet counts each hold rule's hits from the held_by column."""
    questions = {f"q{n}": Question(f"q{n}", "demo", str(n), "@a", "x", "2024-05-14T18:00:00.000Z",
                                   status="dismissed", reason="held") for n in range(3)}
    state = SessionState(questions=questions, holds={"q0": "flood", "q1": "flood", "q2": "link only"})
    table = [dict(zip(COLUMNS, row)) for row in rows(render(state, "csv"))[1:]]
    assert [(row["reason"], row["held_by"]) for row in table] == [("held", "flood"), ("held", "flood"),
                                                                   ("held", "link only")]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_cell_round_trips_defused(value: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow([neutral(value), "end"])
    (back,) = rows(buffer.getvalue())
    assert back == [neutral(value), "end"]
    assert neutral(value) in (printable(value), "'" + printable(value))
    assert not back[0].startswith(FORMULA_STARTS)
