"""A 100,000-question session opens whole (not timed: `python -m bench` measures it)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.model import question_id
from store.session_store import SessionStore

TOTAL = 100_000
BATCH = 5_000


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_100k_questions_open(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    writer = SessionStore.open(path, actor="ingest")
    for start in range(0, TOTAL, BATCH):
        result = writer.add_questions(
            {"source": "file", "remote_id": str(n), "author": f"@asker{n % 4999}", "text": f"Question {n}: will the roadmap include #{n % 97}?", "votes": n % 13}
            for n in range(start, start + BATCH)
        )
        assert result.new == BATCH
    writer.approve(question_id("file", "77777"))
    assert writer.compact()
    writer.star(question_id("file", "99999"))  # one event left in the journal after the snapshot
    writer.close()

    session = SessionStore.open(path, actor="reader")
    questions = session.state.questions
    assert len(questions) == TOTAL
    ids = list(questions)
    assert ids[0] == question_id("file", "0") and ids[-1] == question_id("file", str(TOTAL - 1))
    for n in (0, 1, 4_999, 5_000, 50_123, 77_777, 99_999):
        question = questions[question_id("file", str(n))]
        assert question.remote_id == str(n) and question.votes == n % 13
        assert question.text == f"Question {n}: will the roadmap include #{n % 97}?"
    assert questions[question_id("file", "77777")].status == "approved"
    assert questions[question_id("file", "99999")].starred
    assert sum(q.status == "approved" for q in questions.values()) == 1
    assert len(json.loads(path.read_bytes())["questions"]) == TOTAL
