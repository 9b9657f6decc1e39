"""The session service under every front end: consistent snapshots, compaction in a child process, one export writer."""
from __future__ import annotations

import threading
from pathlib import Path

import orjson
import pytest

from store import session_store
from store.export.files import ExportRefused
from store.session_store import SessionStore
from tests.conftest import settle
from tui.app import QuestionTimeApp
from tui.service.session import SessionService


def items(start: int, count: int) -> list[dict[str, object]]:
    return [{"source": "file", "remote_id": f"q{n}", "author": f"@a{n % 97}", "text": f"question {n}?"}
            for n in range(start, start + count)]


@pytest.mark.timeout(120)
def test_exports_render_while_another_thread_adds_ten_thousand_questions(tmp_path: Path) -> None:
    """20 renders, each of a consistent snapshot, while a feed writes: none fails, each is whole."""
    store = SessionStore.open(tmp_path / "s.json")
    store.add_questions(items(0, 2_000))
    service = SessionService(store)
    done = threading.Event()

    def feed() -> None:
        for start in range(2_000, 12_000, 50):  # 200 commits of 50: many changes during each render
            store.add_questions(items(start, 50))
        done.set()

    writer = threading.Thread(target=feed)
    writer.start()
    failures: list[BaseException] = []
    sizes = []
    for n in range(20):
        try:
            path = service.export("json", tmp_path / f"export-{n}.json")
            sizes.append(len(orjson.loads(path.read_bytes())["questions"]))
        except BaseException as error:
            failures.append(error)
    writer.join()
    assert failures == []
    assert sizes == sorted(sizes) and 2_000 <= sizes[0] and sizes[-1] <= 12_000
    assert done.is_set() and len(store.state.questions) == 12_000
    service.close()


def test_a_snapshot_does_not_change_when_the_session_does(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json")
    store.add_questions(items(0, 3))
    qid = next(iter(store.state.questions))
    snapshot = store.snapshot()
    store.approve(qid)
    store.add_questions(items(3, 2))
    assert snapshot.questions[qid].status == "new" and len(snapshot.questions) == 3
    assert store.state.questions[qid].status == "approved" and len(store.state.questions) == 5


def test_an_export_never_replaces_the_store_or_its_companions(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    service = SessionService(SessionStore.open(path))
    before = path.read_bytes()
    for target in (path, tmp_path / "s.json.journal", tmp_path / "s.json.lock"):
        with pytest.raises(ExportRefused, match="is the store itself"):
            service.export("md", target)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(ExportRefused):
        service.export("md", link)
    assert path.read_bytes() == before
    service.close()


def journal_base(path: Path) -> dict[str, object]:
    """The compacted journal's first line: the seq its snapshot holds, and an id of its own."""
    first = orjson.loads(path.with_name(path.name + ".journal").read_bytes().split(b"\n", 1)[0])
    assert first["action"] == "journal.base"
    return first


@pytest.mark.timeout(120)
async def test_the_app_compacts_a_long_journal_in_a_child_process(session, clock, monkeypatch) -> None:
    monkeypatch.setattr(session_store, "COMPACT_AFTER_EVENTS", 5)
    base = journal_base(session.path)
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", "a")
        await settle(pilot)
        service = app.service
        assert service is not None and service.compactor.runs >= 1
        service.compactor.wait(60)
        compacted = journal_base(session.path)  # a child folded the journal into a new snapshot
        assert compacted["id"] != base["id"] and compacted["seq"] > base["seq"]
        on_disk = orjson.loads(session.path.read_bytes())
        # The first approve passed the threshold: the child folded it in (the second too, unless it
        # landed while the child ran: then it is in the new journal). Nothing is lost either way.
        assert sum(q["status"] == "approved" for q in on_disk["questions"].values()) >= 1
        assert sum(q.status == "approved" for q in SessionStore.open(session.path).state.questions.values()) == 2
        await pilot.press("a")  # and the session goes on, in this process too
        await settle(pilot)
        assert sum(q.status == "approved" for q in SessionStore.open(session.path).state.questions.values()) == 3
