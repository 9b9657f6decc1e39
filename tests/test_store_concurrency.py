"""Several writers on one store: processes and in-process stores lose no update."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from store.model import question_id
from store.session_store import SessionStore

MODERATOR = Path(__file__).parent / "workers" / "moderator.py"


def write_questions(path: Path, prefix: str, count: int) -> None:
    with path.open("w") as handle:
        for n in range(count):
            handle.write(json.dumps({"id": f"{prefix}{n}", "author": f"@{prefix}{n % 50}", "text": f"{prefix} question {n}?"}) + "\n")


def item(n: int) -> dict[str, object]:
    return {"source": "t", "remote_id": str(n), "author": f"a{n}", "text": f"q{n}"}


def qid(n: int) -> str:
    return question_id("t", str(n))


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_ingests_and_a_moderator_lose_nothing(tmp_path: Path) -> None:
    store = tmp_path / "session.json"
    SessionStore.open(store).close()
    files = []
    for prefix in ("left", "right"):
        files.append(tmp_path / f"{prefix}.jsonl")
        write_questions(files[-1], prefix, 5_000)
    moderator = subprocess.Popen(
        [sys.executable, str(MODERATOR), "--store", str(store), "--approvals", "400", "--seconds", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    ingests = [
        subprocess.Popen(
            [sys.executable, "-m", "tui", "ingest", "--store", str(store), "--source", f"file:{path}", "--once"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in files
    ]
    for process in ingests:
        out, err = process.communicate(timeout=90)
        assert process.returncode == 0, err
        assert out.startswith("5000 new"), out
    out, err = moderator.communicate(timeout=60)
    assert moderator.returncode == 0, err
    approved = [line.split("\t")[0] for line in out.splitlines()]
    assert len(approved) == 400

    final = SessionStore.open(store)
    assert len(final.state.questions) == 10_000
    assert sum(q.remote_id.startswith("left") for q in final.state.questions.values()) == 5_000
    assert [qid for qid in approved if final.state.questions[qid].status != "approved"] == []
    assert sum(q.status == "approved" for q in final.state.questions.values()) == 400


def test_two_stores_see_each_others_changes(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    left = SessionStore.open(path, actor="left")
    right = SessionStore.open(path, actor="right")
    assert right.refresh() == []
    left.add_questions([item(n) for n in range(3)])
    fresh = right.refresh()
    assert [e["action"] for e in fresh] == ["question.add"] * 3
    assert list(right.state.questions) == [qid(0), qid(1), qid(2)]
    right.approve(qid(1))
    assert [e["action"] for e in left.refresh()] == ["approve"]
    assert left.state.questions[qid(1)].status == "approved"
    assert left.refresh() == []


def test_compaction_by_one_while_the_other_commits(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    left = SessionStore.open(path, actor="left")
    right = SessionStore.open(path, actor="right")
    left.add_questions([item(n) for n in range(300)])

    # Caught up, then compacted under it: the base marker matches, no reload needed.
    right.refresh()
    left.compact()
    left.approve(qid(0))
    assert [e["action"] for e in right.refresh()] == ["approve"]

    # Stale across a compaction that holds events it never saw: it reloads the snapshot.
    left.star(qid(1))
    left.tag(qid(2), ["x"])
    left.compact()
    left.dismiss(qid(3), "spam")
    seen = right.refresh()
    assert [e["action"] for e in seen] == ["star", "tag", "dismiss"]
    assert right.state.questions[qid(1)].starred and right.state.questions[qid(3)].status == "dismissed"

    # Right commits without refreshing after a compaction: it catches up first.
    left.approve(qid(4))
    left.compact()
    right.approve(qid(5))
    assert right.state.questions[qid(4)].status == "approved"

    # Threads: one compacts in a loop while the other commits.
    done = threading.Event()
    errors: list[BaseException] = []

    def compact_loop() -> None:
        try:
            while not done.is_set():
                left.compact()
        except BaseException as error:  # reported below
            errors.append(error)

    compactor = threading.Thread(target=compact_loop)
    compactor.start()
    try:
        for n in range(10, 200):
            right.approve(qid(n))
    finally:
        done.set()
        compactor.join()
    assert errors == []
    left.refresh()
    fresh = SessionStore.open(path)
    for store in (left, right, fresh):
        approved = {q.id for q in store.state.questions.values() if q.status == "approved"}
        assert approved == {qid(n) for n in [0, 4, 5, *range(10, 200)]}
        assert store.state.last_seq == right.state.last_seq
    assert [e["seq"] for e in fresh.state.events] == sorted({e["seq"] for e in fresh.state.events})
