"""SessionStore actions, undo, persistence, journal replay and the disk-full path."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from tinydb import TinyDB

import store.journal
from store.errors import ActionError
from store.model import OutboxPart, Settings, question_id
from store.session_store import SessionStore


def item(n: int, **extra: object) -> dict[str, object]:
    return {"source": "file", "remote_id": str(n), "author": f"asker{n}", "text": f"question {n}?", **extra}


def qid(n: int) -> str:
    return question_id("file", str(n))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "session.json"


@pytest.fixture
def session(path: Path) -> SessionStore:
    store = SessionStore.open(path, actor="mod")
    store.add_questions([item(n, votes=n) for n in range(1, 6)])
    return store


def reopened(path: Path) -> SessionStore:
    return SessionStore.open(path, actor="reader")


# -- questions ------------------------------------------------------------------


def test_add_questions_dedups_and_updates_votes(path: Path) -> None:
    store = SessionStore.open(path)
    first = store.add_questions([item(1), item(2), item(1), {"source": "file"}, "junk"])  # type: ignore[list-item]
    assert (first.new, first.known, first.rejected) == (2, 1, 2)
    again = store.add_questions([item(1, votes=7), item(2)])
    assert (again.new, again.known, again.rejected) == (0, 2, 0)
    assert store.state.questions[qid(1)].votes == 7
    assert list(store.state.questions) == [qid(1), qid(2)]
    assert reopened(path).state.questions[qid(1)].votes == 7


def test_ingest_sanitises_text_and_fields(path: Path) -> None:
    store = SessionStore.open(path)
    hostile = "\x1b]52;c;Y3VybA==\x07hi\u202e\u200b\x00 there\ud800"
    store.add_questions([item(1, text=hostile, author_name="\x1b[31mRed\u202d", url="https://x\x1b.y")])
    question = store.state.questions[qid(1)]
    for field in (question.text, question.author_name, question.url):
        assert not any(ch in field for ch in "\x1b\x07\x00\u202e\u202d\u200b\ud800")
    assert "hi" in question.text and "there" in question.text
    assert question.author == "@asker1"
    assert reopened(path).state.questions[qid(1)].text == question.text


# -- moderator actions and undo -------------------------------------------------------


@pytest.mark.parametrize(
    ("act", "field", "value"),
    [
        (lambda s: s.approve(qid(1)), "status", "approved"),
        (lambda s: s.dismiss(qid(1), "spam"), "reason", "spam"),
        (lambda s: s.star(qid(1)), "starred", True),
        (lambda s: s.tag(qid(1), ["#pricing", "pricing", "roadmap"]), "tags", ["pricing", "roadmap"]),
    ],
)
def test_action_persists_and_undoes(session: SessionStore, path: Path, act, field: str, value: object) -> None:
    before = getattr(session.state.questions[qid(1)], field)
    act(session)
    assert getattr(session.state.questions[qid(1)], field) == value
    assert getattr(reopened(path).state.questions[qid(1)], field) == value
    undo = session.undo()
    assert undo is not None and undo["action"] == "undo"
    assert getattr(session.state.questions[qid(1)], field) == before
    assert getattr(reopened(path).state.questions[qid(1)], field) == before
    assert session.last_undoable() is None
    assert session.undo() is None


def test_star_toggles_and_reopen(session: SessionStore) -> None:
    session.star(qid(2))
    session.star(qid(2))
    assert session.state.questions[qid(2)].starred is False
    session.dismiss(qid(2), "off-topic")
    session.reopen(qid(2))
    assert session.state.questions[qid(2)].status == "new"
    assert session.state.questions[qid(2)].reason is None


def test_bad_actions_raise_action_error(session: SessionStore) -> None:
    with pytest.raises(ActionError):
        session.approve("nope")
    with pytest.raises(ActionError):
        session.dismiss(qid(1), "boring")
    with pytest.raises(ActionError):
        session.mark_duplicate(qid(1), qid(1))
    with pytest.raises(ActionError):
        session.update_settings(colour="red")


def test_duplicate_moves_votes_and_undo_moves_them_back(session: SessionStore, path: Path) -> None:
    session.mark_duplicate(qid(2), of=qid(5))  # votes 2 -> original with 5
    dup, original = session.state.questions[qid(2)], session.state.questions[qid(5)]
    assert (dup.status, dup.reason, dup.duplicate_of) == ("dismissed", "duplicate", qid(5))
    assert original.votes == 7
    session.mark_duplicate(qid(3), of=qid(2))  # follows the chain to the original
    assert session.state.questions[qid(3)].duplicate_of == qid(5)
    assert session.state.questions[qid(5)].votes == 10
    with pytest.raises(ActionError):
        session.mark_duplicate(qid(5), of=qid(2))  # a loop
    assert reopened(path).state.questions[qid(5)].votes == 10
    session.undo()
    session.undo()
    assert session.state.questions[qid(5)].votes == 5
    assert session.state.questions[qid(2)].status == "new"
    assert session.state.questions[qid(2)].duplicate_of is None


def test_undo_never_overwrites_another_actors_later_change(session: SessionStore, path: Path) -> None:
    other = SessionStore.open(path, actor="other")
    session.approve(qid(1))
    session.star(qid(2))
    other.dismiss(qid(1), "abusive")  # later change by someone else
    session.undo()  # star on q2: nobody touched it, goes back
    session.undo()  # approve on q1: other's dismissal stays
    assert session.state.questions[qid(2)].starred is False
    assert (session.state.questions[qid(1)].status, session.state.questions[qid(1)].reason) == ("dismissed", "abusive")
    other.refresh()
    assert other.state.questions[qid(1)].status == "dismissed"
    assert other.last_undoable()["action"] == "dismiss"  # type: ignore[index]


# -- drafts, answers, outbox, settings --------------------------------------------------


def test_drafts_survive_reopen_and_answer_clears_them(session: SessionStore, path: Path) -> None:
    session.save_draft(qid(1), "working on it")
    session.save_draft(qid(1), "working on it")  # unchanged: no new event
    assert reopened(path).draft(qid(1)) == "working on it"
    assert session.draft(qid(2)) == ""
    answer = session.add_answer(qid(1), "Yes.", ["@asker1 Yes. #twittertime"], "x")
    assert answer.parts == ["@asker1 Yes. #twittertime"] and answer.actor == "mod"
    assert session.state.questions[qid(1)].status == "answered"
    assert session.draft(qid(1)) == ""
    with pytest.raises(ActionError):
        session.add_answer(qid(1), "Again", ["Again"], "x")
    again = reopened(path)
    assert again.state.answers[qid(1)].text == "Yes."
    assert again.draft(qid(1)) == ""
    with pytest.raises(ActionError):
        session.save_draft("missing", "x")


def test_outbox_parts_upsert(session: SessionStore, path: Path) -> None:
    part = OutboxPart(f"{qid(1)}:mastodon:1", qid(1), "mastodon", 1, 1, "hello", idempotency_key="k1")
    session.set_part(part)
    part.state, part.remote_id, part.attempts = "posted", "109", 1
    session.set_part(part)
    stored = reopened(path).state.outbox[part.id]
    assert (stored.state, stored.remote_id, stored.attempts, stored.idempotency_key) == ("posted", "109", 1, "k1")
    assert stored.updated_at


def test_settings_persist(path: Path) -> None:
    store = SessionStore.open(path, settings=Settings(title="AMA", hashtag="ama"))
    store.update_settings(profile="mastodon", limit=500)
    again = reopened(path)
    assert (again.settings.title, again.settings.hashtag, again.settings.profile, again.settings.limit) == (
        "AMA", "ama", "mastodon", 500)
    assert again.settings.created_at


# -- files on disk --------------------------------------------------------------------


def test_snapshot_is_a_plain_tinydb_database(session: SessionStore, path: Path) -> None:
    session.approve(qid(1))
    session.close()
    with TinyDB(path) as db:
        assert {"meta", "session", "questions", "events"} <= db.tables()
        rows = db.table("questions").all()
        assert len(rows) == 5
        assert {row["id"] for row in rows} == {qid(n) for n in range(1, 6)}
        assert db.table("questions").get(doc_id=1)["status"] == "approved"


def build_busy_session(path: Path) -> None:
    mod = SessionStore.open(path, actor="mod", settings=Settings(title="Replay"))
    host = SessionStore.open(path, actor="host")
    mod.add_questions([item(n, votes=n % 4) for n in range(40)])
    mod.approve(qid(1))
    mod.dismiss(qid(2), "spam")
    mod.star(qid(3))
    mod.tag(qid(3), ["a", "b"])
    mod.mark_duplicate(qid(4), of=qid(5))
    mod.undo()
    mod.add_questions([item(6, votes=9)])
    host.save_draft(qid(1), "draft one")
    host.save_draft(qid(7), "draft two")
    host.add_answer(qid(7), "Done.", ["@asker7 Done."], "x")
    host.set_part(OutboxPart(f"{qid(7)}:x:1", qid(7), "x", 1, 1, "@asker7 Done."))
    host.update_settings(hashtag="replay", limit=300)
    mod.flush()


def comparable(store: SessionStore) -> dict[str, object]:
    state = store.state
    return {
        "settings": state.settings.to_dict(),
        "questions": [q.to_dict() for q in state.questions.values()],
        "answers": {k: a.to_dict() for k, a in state.answers.items()},
        "drafts": {k: d.to_dict() for k, d in state.drafts.items()},
        "outbox": {k: p.to_dict() for k, p in state.outbox.items()},
        "events": state.events,
        "last_seq": state.last_seq,
    }


def test_journal_replays_to_the_compacted_state(path: Path, tmp_path: Path) -> None:
    build_busy_session(path)
    replay_dir = tmp_path / "replay"
    replay_dir.mkdir()
    for name in ("session.json", "session.json.journal"):
        shutil.copy2(tmp_path / name, replay_dir / name)
    journal_lines = (replay_dir / "session.json.journal").read_bytes().splitlines()
    assert len(journal_lines) > 10  # the state really comes from the journal
    from_journal = comparable(SessionStore.open(replay_dir / "session.json"))
    compacted = SessionStore.open(path)
    assert compacted.compact()
    base, *tail = [json.loads(line) for line in (tmp_path / "session.json.journal").read_bytes().splitlines()]
    assert base["action"] == "journal.base" and all(e["seq"] <= base["seq"] for e in tail)  # all in the snapshot
    snapshot_only = tmp_path / "snapshot-only"
    snapshot_only.mkdir()
    shutil.copy2(path, snapshot_only / "session.json")
    from_snapshot = comparable(SessionStore.open(snapshot_only / "session.json"))
    assert from_journal == from_snapshot
    assert from_snapshot["questions"] and from_snapshot["answers"] and from_snapshot["outbox"]


# -- disk full ---------------------------------------------------------------------------


def digest(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_disk_full_keeps_actions_in_memory_until_flush(
    session: SessionStore, path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    session.compact()
    journal = path.with_name(path.name + ".journal")
    before = digest(path, journal)

    real_open = open

    class HalfWriter:
        """A journal handle on a full disk: half the line lands, then the write fails."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(bytes(data[: len(data) // 2]))
            raise OSError(code, os.strerror(code))

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def refuse(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return HalfWriter(handle) if "a" in mode else handle

    monkeypatch.setattr(store.journal, "open", refuse, raising=False)
    session.approve(qid(1))
    session.star(qid(2))
    session.add_questions([item(99)])
    session.save_draft(qid(3), "kept")
    assert session.write_error and os.strerror(code) in session.write_error
    assert "4 action(s) kept in memory" in session.write_error
    assert session.state.questions[qid(1)].status == "approved"
    assert qid(99) in session.state.questions
    assert digest(path, journal) == before  # nothing on disk touched, no half-written line
    assert session.refresh() == [] and session.unwritten == 4
    assert qid(99) not in reopened(path).state.questions

    monkeypatch.undo()
    session.flush()
    assert session.write_error is None and session.unwritten == 0
    for line in journal.read_bytes().splitlines():
        for event in line.split(b"\x1e"):
            json.loads(event)
    again = reopened(path)
    assert again.state.questions[qid(1)].status == "approved"
    assert again.state.questions[qid(2)].starred
    assert qid(99) in again.state.questions
    assert again.draft(qid(3)) == "kept"
    assert [e["seq"] for e in again.state.events] == sorted({e["seq"] for e in again.state.events})
    assert session.undo()["undid"] == "star"  # type: ignore[index]
    assert reopened(path).state.questions[qid(2)].starred is False


def test_a_write_the_disk_does_not_confirm_is_committed_and_reported(
    session: SessionStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsync failed after the line reached the file: other processes may have
    read it, so it stands (never written twice), and the user is told."""

    def fail(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(store.journal.os, "fsync", fail)
    session.approve(qid(1))
    assert session.write_error and "did not confirm" in session.write_error
    assert session.unwritten == 0
    monkeypatch.undo()
    session.star(qid(2))
    assert session.write_error is None
    again = reopened(path)
    assert again.state.questions[qid(1)].status == "approved" and again.state.questions[qid(2)].starred
    assert sum(e["action"] == "approve" for e in again.state.events) == 1
