"""Edge cases found in review: compaction seen by a reader, disk-full recovery, undo, reloads."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from store.errors import NotAStoreError
from store.journal import Journal
from store.session_store import SessionStore


def items(n: int, start: int = 0) -> list[dict]:
    return [{"source": "t", "remote_id": str(i), "author": f"u{i}", "text": f"question {i}"} for i in range(start, start + n)]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "session.json"


def statuses(store: SessionStore) -> dict[str, tuple]:
    return {q.id: (q.status, q.reason, q.starred, tuple(q.tags)) for q in store.state.questions.values()}


def test_a_reader_is_not_fooled_by_a_new_journal_with_its_old_inode_number(path: Path) -> None:
    writer = SessionStore.open(path, actor="w")
    writer.add_questions(items(50))
    reader = SessionStore.open(path, actor="r")
    old_offset = reader.journal.offset
    qids = list(writer.state.questions)
    for qid in qids[:20]:
        writer.approve(qid)
    writer.compact()
    for qid in qids[20:40]:
        writer.dismiss(qid, "spam")
    # The file system may give the new journal the inode number the reader
    # remembers (ext4 does); only the journal's first line tells them apart.
    reader.journal.inode = os.stat(reader.journal.path).st_ino
    reader.journal.offset = min(old_offset, os.path.getsize(reader.journal.path))
    reader.refresh()
    assert statuses(reader) == statuses(SessionStore.open(path, actor="check"))


def test_many_compactions_while_another_process_reads(path: Path) -> None:
    writer = SessionStore.open(path, actor="w")
    writer.add_questions(items(30))
    reader = SessionStore.open(path, actor="r")
    for round_ in range(8):
        for qid in list(writer.state.questions)[round_ * 3:(round_ + 1) * 3]:
            writer.star(qid)
        writer.compact()
        reader.refresh()
        assert statuses(reader) == statuses(writer)
    assert reader.state.last_seq == writer.state.last_seq


def test_a_missing_snapshot_beside_a_journal_is_refused_not_wiped(path: Path) -> None:
    store = SessionStore.open(path)
    store.add_questions(items(10))
    journal = Path(str(path) + ".journal").read_bytes()
    path.unlink()
    with pytest.raises(NotAStoreError, match="journal holds committed actions"):
        SessionStore.open(path)
    assert Path(str(path) + ".journal").read_bytes() == journal


def test_undo_never_overrides_another_moderators_later_action(path: Path) -> None:
    alice = SessionStore.open(path, actor="alice")
    alice.add_questions(items(2))
    qid = next(iter(alice.state.questions))
    bob = SessionStore.open(path, actor="bob")
    alice.dismiss(qid, "spam")
    bob.dismiss(qid, "off-topic")
    alice.undo()
    final = SessionStore.open(path, actor="check").state.questions[qid]
    assert (final.status, final.reason) == ("dismissed", "off-topic")


def test_undo_in_reverse_order_restores_everything(path: Path) -> None:
    store = SessionStore.open(path, actor="mod")
    store.add_questions(items(3))
    a, b, c = list(store.state.questions)
    before = statuses(store)
    store.approve(a)
    store.star(a)
    store.mark_duplicate(b, of=c)
    for _ in range(3):
        assert store.undo() is not None
    assert statuses(store) == before
    assert store.undo() is None


def test_a_reload_keeps_the_containers_the_screen_holds(path: Path) -> None:
    """Containers stay (the screen holds them); records and settings are replaced, never changed in place."""
    store = SessionStore.open(path, actor="a")
    store.add_questions(items(3))
    questions, settings = store.state.questions, store.settings
    other = SessionStore.open(path, actor="b")
    other.add_questions(items(2, start=3))
    other.update_settings(title="Renamed")
    other.compact()
    other.add_questions(items(1, start=5))
    store.refresh()
    assert store.state.questions is questions and len(questions) == 6
    assert store.settings.title == "Renamed" and settings.title == "Question time"


def test_disk_full_actions_survive_another_process_compacting(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = SessionStore.open(path, actor="a")
    a.add_questions(items(3))
    q0, q1, q2 = list(a.state.questions)
    b = SessionStore.open(path, actor="b")
    append = Journal.append

    def full(self: Journal, events: list) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Journal, "append", full)
    a.approve(q0)
    assert a.write_error and "kept in memory" in a.write_error and a.unwritten == 1
    assert a.state.questions[q0].status == "approved"
    monkeypatch.setattr(Journal, "append", append)
    b.star(q1)
    b.compact()
    a.refresh()
    assert a.write_error is None and a.unwritten == 0
    a.dismiss(q2, "spam")
    b.refresh()
    truth = SessionStore.open(path, actor="check")
    assert statuses(truth) == statuses(a) == statuses(b)
    assert truth.state.questions[q0].status == "approved" and truth.state.questions[q1].starred
    seqs = [e["seq"] for e in truth.state.events]
    assert len(seqs) == len(set(seqs))


def test_a_reader_a_little_behind_catches_up_from_the_journal_tail(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A compaction keeps recent events in the journal: no full reload (seconds at 100k)."""
    writer = SessionStore.open(path, actor="w")
    writer.add_questions(items(20))
    reader = SessionStore.open(path, actor="r")
    for qid in list(writer.state.questions)[:10]:
        writer.approve(qid)
    writer.compact()  # the reader has not seen the approvals yet

    def no_reload(self: SessionStore) -> list:
        raise AssertionError("reloaded the whole snapshot")

    monkeypatch.setattr(SessionStore, "_reload", no_reload)
    reader.refresh()
    assert statuses(reader) == statuses(writer)


def test_votes_merged_from_a_duplicate_survive_the_next_poll(path: Path) -> None:
    store = SessionStore.open(path)
    store.add_questions([{**items(1)[0], "votes": 6}, {**items(1, start=1)[0], "votes": 2}])
    original, dup = list(store.state.questions)
    store.mark_duplicate(dup, of=original)
    assert store.state.questions[original].votes == 8
    result = store.add_questions([{**items(1)[0], "votes": 9}, {**items(1)[0], "votes": 10}])  # polled again
    assert (result.new, result.known) == (0, 2)
    assert store.state.questions[original].votes == 12  # 10 on the platform + 2 merged
    assert sum(e["action"] == "votes" for e in store.state.events) == 1
