"""What a session costs in memory: the snapshot read a chunk at a time, values shared across records.

The snapshot is one JSON document laid out one record per line
(`store.snapshot_file`); a snapshot exactly as qtime wrote it is built into
records a chunk at a time, any other is read whole and checked, and both
give the same session. Questions share their empty containers (which refuse
changes) and one copy of values many of them hold.
"""
from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from store import snapshot_file
from store.errors import NotAStoreError
from store.model import Question
from store.session_store import SessionStore
from store.shared import NO_FIELDS, NO_ITEMS


def items(count: int, *, tags: bool = False) -> list[dict[str, object]]:
    return [{"source": "file", "remote_id": f"p{n}", "author": f"@asker{n % 3}", "author_name": f"Asker {n % 3}",
             "text": f"Question {n}: when will the roadmap be public?", "votes": n % 4,
             **({"links": [{"shown": "t.co/x", "url": "https://example.org/x"}]} if tags and n == 1 else {})}
            for n in range(count)]


def session(path: Path, count: int = 5_000) -> SessionStore:
    """A compacted session: `count` questions, two pages, one approved and one tagged."""
    store = SessionStore.open(path, actor="ingest")
    store.add_questions(items(count // 2))
    store.add_questions(items(count)[count // 2:])
    first, second = list(store.state.questions)[:2]
    store.approve(first)
    store.tag(second, ["jobs"])
    store.compact()
    return store


def same_session(a: SessionStore, b: SessionStore) -> None:
    assert list(a.state.questions) == list(b.state.questions)  # arrival order too
    assert [q.to_dict() for q in a.state.questions.values()] == [q.to_dict() for q in b.state.questions.values()]
    assert a.state.events == b.state.events and a.state.last_seq == b.state.last_seq
    assert a.state.settings == b.state.settings


def test_the_snapshot_is_one_json_document_laid_out_one_record_per_line(tmp_path: Path) -> None:
    store = session(tmp_path / "s.json")
    raw = store.path.read_bytes()
    lines = raw.splitlines()
    meta = {"format": "qtime-store", "schema": 2, "last_seq": store.state.last_seq}
    assert lines[:4] == [b"{", b'"meta":{', b'"1":' + orjson.dumps(meta), b"}"]
    assert sum(line.startswith((b'"', b',"')) and line.endswith(b"}") for line in lines) > 5_000  # a record a line
    assert len(orjson.loads(raw)["questions"]) == 5_000  # any JSON reader, TinyDB too
    with TinyDB(store.path) as db:
        assert len(db.table("questions")) == 5_000
    same_session(store, SessionStore.open(store.path))


def test_a_snapshot_as_qtime_wrote_it_is_built_a_chunk_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = session(tmp_path / "s.json")
    read_whole: list[object] = []
    monkeypatch.setattr(snapshot_file.orjson, "loads", lambda data, _loads=orjson.loads: read_whole.append(len(data)) or _loads(data))
    reopened = SessionStore.open(store.path)
    assert max(read_whole) < store.path.stat().st_size // 2  # chunks, never the whole file
    same_session(store, reopened)


@pytest.mark.parametrize("rewrite", [
    lambda raw: orjson.dumps(orjson.loads(raw)),  # another tool's writer: one line
    lambda raw: raw.replace(b',"text":', b',\n"text":', 1),  # a hand edit: a record over two lines
    lambda raw: raw.replace(b"\n", b"\r\n"),  # Windows line ends
])
def test_a_snapshot_laid_out_otherwise_is_read_whole_and_gives_the_same_session(tmp_path: Path, rewrite: object) -> None:
    store = session(tmp_path / "s.json")
    store.path.write_bytes(rewrite(store.path.read_bytes()))  # type: ignore[operator]
    same_session(store, SessionStore.open(store.path))


def test_a_changed_field_in_a_laid_out_snapshot_is_checked_and_refused(tmp_path: Path) -> None:
    store = session(tmp_path / "s.json")
    raw = store.path.read_bytes()
    store.path.write_bytes(raw.replace(b'"votes":1,', b'"votes":"many",', 1))  # its digest no longer matches
    with pytest.raises(NotAStoreError, match="votes"):
        SessionStore.open(store.path)


def test_a_truncated_snapshot_is_refused_as_not_json(tmp_path: Path) -> None:
    store = session(tmp_path / "s.json")
    raw = store.path.read_bytes()
    store.path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(NotAStoreError, match="not valid JSON"):
        SessionStore.open(store.path)


def test_reading_laid_out_bytes_gives_what_a_whole_parse_gives(tmp_path: Path) -> None:
    tables = {"meta": {"1": {"format": "f"}}, "empty": {}, "t": {str(n): {"n": n, "s": "a\nb\u2028\"}"} for n in range(1, 4_500)}}
    pieces = list(snapshot_file.dump(tables))
    assert snapshot_file.read(io.BytesIO(b"".join(pieces))) == orjson.loads(b"".join(pieces)) == tables
    (tmp_path / "s.json").write_bytes(b"".join(pieces))
    with open(tmp_path / "s.json", "rb") as handle:
        handle.read(10)  # the digest reads by position: the reader keeps its place
        assert snapshot_file.file_digest(handle) == snapshot_file.digest(pieces)
        assert handle.tell() == 10


def test_questions_share_their_empty_containers_which_refuse_changes(tmp_path: Path) -> None:
    store = session(tmp_path / "s.json")
    for reopened in (store, SessionStore.open(store.path)):
        questions = list(reopened.state.questions.values())
        plain = questions[2]
        assert plain.tags is NO_ITEMS and plain.links is NO_ITEMS and plain.reply_ref is NO_FIELDS
        with pytest.raises(TypeError):
            plain.tags.append("jobs")
        with pytest.raises(TypeError):
            plain.reply_ref["id"] = "1"
        assert questions[1].tags == ["jobs"] and not NO_ITEMS and not NO_FIELDS
        assert plain.to_dict()["tags"] == [] and type(plain.to_dict()["tags"]) is list
    store.tag(plain.id, ["taxes"])  # an action still gives the question a list of its own
    assert store.state.questions[plain.id].tags == ["taxes"] and not NO_ITEMS


def test_an_opened_session_keeps_one_copy_of_values_many_records_hold(tmp_path: Path) -> None:
    store = session(tmp_path / "s.json")
    state = SessionStore.open(store.path).state
    questions = list(state.questions.values())
    assert questions[0].author is questions[3].author and questions[0].author_name is questions[3].author_name
    assert questions[0].received_at is questions[1].received_at and questions[0].source is questions[4_000].source
    added = [event for event in state.events if event["action"] == "question.add"]
    assert added[0]["action"] is added[1]["action"] and added[0]["at"] is added[1]["at"]
    assert all(event["qid"] is state.questions[event["qid"]].id for event in added)
    assert Question.from_dict(questions[0].to_dict()) == questions[0]
