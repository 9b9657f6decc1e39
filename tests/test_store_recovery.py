"""Actions a full disk refused until the process quit: saved to a recovery file, applied on the next open."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson
import pytest

from bench.drills.disk import fill
from store import recovery
from store.model import question_id
from store.session_store import SessionStore


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user state folder and the temp folder, both outside the store's tmpfs."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "state"


@pytest.fixture
def small_disk(tmp_path: Path):
    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def qid(n: int) -> str:
    return question_id("d", str(n))


def full_session(folder: Path) -> SessionStore:
    """A store whose disk is full, holding actions it could not write."""
    store = SessionStore.open(folder / "s.json", actor="mod")
    store.add_questions({"source": "d", "remote_id": str(n), "author": f"@a{n}", "text": f"question {n}"} for n in range(50))
    store.compact()
    fill(folder)
    n = 10
    while store.write_error is None:  # a full disk still takes a few bytes into the journal's last page
        store.approve(qid(n))
        n += 1
    store.approve(qid(1))
    store.approve(qid(2))
    store.star(qid(3))
    store.add_questions([{"source": "d", "remote_id": "late", "author": "@late", "text": "arrived while full"}])
    assert "No space left" in (store.write_error or "") and store.unwritten >= 5
    return store


def test_actions_saved_on_a_full_disk_are_applied_on_the_next_open(small_disk: Path, state_home: Path) -> None:
    store = full_session(small_disk)
    pending = store.unwritten
    saved = store.save_unwritten()
    assert saved is not None and saved.is_relative_to(state_home) and store.unwritten == 0
    (small_disk / "filler").unlink()
    store.close()  # the disk is back before the process ends: its compaction writes only what was committed
    first = SessionStore.open(small_disk / "s.json", actor="first")
    assert first.recovery_report == f"Recovered {pending} action(s) saved while the disk was full ({saved})"
    assert not saved.exists()
    reopened = SessionStore.open(small_disk / "s.json", actor="check")
    assert reopened.recovery_report is None  # applied once
    questions = reopened.state.questions
    assert questions[qid(1)].status == "approved" and questions[qid(2)].status == "approved" and questions[qid(3)].starred
    assert question_id("d", "late") in questions


def test_an_action_whose_question_changed_since_is_skipped_and_reported(small_disk: Path) -> None:
    store = full_session(small_disk)
    store.save_unwritten()
    (small_disk / "filler").unlink()
    # Another process acts on question 2 before the recovery is applied.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recovery, "pending", lambda path: [])
        other = SessionStore.open(small_disk / "s.json", actor="other")
    other.dismiss(qid(2), "spam")
    reopened = SessionStore.open(small_disk / "s.json", actor="check")
    report = reopened.recovery_report or ""
    assert "skipped 1 that no longer apply: approve @a2 (its question changed since)" in report
    assert reopened.state.questions[qid(2)].status == "dismissed"
    assert reopened.state.questions[qid(1)].status == "approved"


def test_a_recovery_file_goes_to_another_file_system_first(tmp_path: Path, state_home: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json", actor="mod")
    store.add_questions([{"source": "d", "remote_id": "1", "author": "@a", "text": "q"}])
    with pytest.MonkeyPatch.context() as patch:
        def refuse(events):
            raise OSError(errno.ENOSPC, "No space left on device")
        patch.setattr(store.journal, "append", refuse)
        store.approve(qid(1))
    folders = recovery._by_preference(store.path)
    assert set(folders) == set(recovery.recovery_dirs())
    saved = store.save_unwritten()
    assert saved is not None and saved.parent == folders[0]


def test_ingest_on_a_full_disk_says_what_it_did_not_store(small_disk: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(f'{{"id": "{n}", "author": "@p{n}", "text": "post {n}"}}\n' for n in range(100)))
    SessionStore.open(small_disk / "s.json").compact()
    fill(small_disk)
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    result = subprocess.run([sys.executable, "-m", "tui", "ingest", "--store", str(small_disk / "s.json"),
                             "--source", f"file:{posts}", "--once"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1
    assert "100 new" in result.stdout and "not stored" in result.stdout
    assert "recovery" in result.stderr
    (small_disk / "filler").unlink()
    again = subprocess.run([sys.executable, "-m", "tui", "ingest", "--store", str(small_disk / "s.json"),
                            "--source", f"file:{posts}", "--once"],
                           capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 0 and "Recovered 101 action(s)" in again.stderr  # 100 questions and the source's place
    assert "0 new, 100 already known" in again.stdout
    assert len(SessionStore.open(small_disk / "s.json").state.questions) == 100


def test_a_damaged_recovery_file_never_stops_the_store_from_opening(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json", actor="mod")
    store.add_questions([{"source": "d", "remote_id": "1", "author": "@a", "text": "q"}])
    folder = recovery.recovery_dirs()[0]
    folder.mkdir(parents=True)
    events = [{"action": "approve", "qid": qid(1), "changes": "not a list"},
              {"action": "approve", "qid": qid(1), "changes": [{"qid": qid(1), "before": {}, "after": {"text": "rewritten"}}]},
              {"action": "question.add", "qid": qid(2), "question": {"id": qid(2)}},
              {"action": "star", "qid": qid(1), "changes": [{"qid": qid(1), "before": {"starred": False}, "after": {"starred": True}}]}]
    recovery.recovery_file(folder, store.path).write_bytes(orjson.dumps({"format": recovery.FORMAT, "events": events}))
    garbage = recovery.recovery_file(recovery.recovery_dirs()[1], store.path)
    garbage.parent.mkdir(parents=True)
    garbage.write_text("not json")
    reopened = SessionStore.open(tmp_path / "s.json", actor="check")
    assert reopened.state.questions[qid(1)].starred and qid(2) not in reopened.state.questions
    report = reopened.recovery_report or ""
    assert "Recovered 1 action(s)" in report and "skipped 3 that no longer apply" in report
    assert report.count("not a valid action") == 3 and "cannot be read" in report and garbage.exists()
