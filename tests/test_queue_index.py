"""The queue index kept up to date from changes equals one built from scratch.

Seeded random runs of moderator actions, arrivals, vote recounts, another
process's actions (seen through `refresh()` or absorbed by our own commit),
reloads, view switches and filters, on a real store that groups copies as
they arrive (and splits and approves groups). After every step the
incrementally kept index is compared with a plain reference computed from
the store's state (one row per group in a view), and (counts, order and
flags) with a fresh index.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from store.arrivals import Arrivals
from store.errors import ActionError
from store.model import REASONS, Settings, question_id
from store.session_store import SessionStore
from store.state import SessionState
from tui.widgets.queue_index import HOST_ORDER_VIEWS, VIEWS, QueueIndex, fold

TEXTS = [
    "When will the roadmap be public?",
    "RT @someone: When will the roadmap be public?",
    "Will pricing change for small teams? #pricing",
    "Any news on the mobile app? https://example.com/x",
    "What about privacy in the cloud?",
    "When will the roadmap be public? @host",
]
AUTHORS = ["@ann", "@bob", "@cyd", "@dee", "@eve"]
FILTERS = ["", "", "", "r", "ro", "roadmap", "roadmap be", "@ann", "pric", "pricing", "urgent", "  Cloud ",
           "topic", "topic:", "topic:urg", "topic:urgent", "topic:Cloud", "topic:pricing x"]
TAGS = [[], ["urgent"], ["pricing", "roadmap"], ["cloud"]]


Rows = dict[str, tuple[tuple[str, ...], int]]  # a group row's head -> its members in the view, their votes


def expected(state: SessionState, view: str, text_filter: str) -> tuple[tuple[str, ...], dict[str, int], Rows]:
    """What the queue should show, computed the plain way from the whole state."""
    needle = fold(text_filter.strip())
    questions = list(state.questions.values())
    counts = dict.fromkeys(VIEWS, 0)
    for question in questions:
        counts[question.status] += 1
        counts["starred"] += question.starred and question.status != "dismissed"
    counts["all"] = len(questions)

    def shown(q) -> bool:
        starred = q.starred and q.status != "dismissed"
        if not (view == "all" or q.status == view or (view == "starred" and starred)):
            return False
        if needle.startswith("topic:"):  # a tag, whole
            return needle[len("topic:"):].strip() in [fold(tag) for tag in q.tags]
        return needle in fold(f"{q.author}\n{q.author_name}\n{q.text}\n{' '.join(q.tags)}")

    rank = {qid: n for n, qid in enumerate(state.questions)}
    groups: dict[str, list] = {}
    for question in questions:
        if shown(question):
            groups.setdefault(state.group_of(question.id), []).append(question)
    rows = []
    grouped: Rows = {}
    for members in groups.values():  # one row per group: its most voted member, the earliest on a tie
        head = max(members, key=lambda q: (q.votes, -rank[q.id]))
        votes = sum(q.votes for q in members if not q.duplicate_of)  # a duplicate's votes moved to its original
        rows.append(((not head.starred, -votes, rank[head.id]) if view in HOST_ORDER_VIEWS else rank[head.id], head.id))
        if len(members) > 1:
            grouped[head.id] = (tuple(q.id for q in members), votes)
    return tuple(qid for _, qid in sorted(rows)), counts, grouped


class Session:
    """Our store, another process's store on the same file, and the random moves between them."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.path = path
        self.rng = rng
        self.ours = SessionStore.open(path, actor="ours", settings=Settings(group_copies=True))
        self.theirs = SessionStore.open(path, actor="theirs")
        self.arrivals = {"ours": Arrivals(), "theirs": Arrivals()}
        self.posted = 0

    def close(self) -> None:
        self.theirs.close()
        self.ours.close()

    def items(self, count: int) -> list[dict[str, object]]:
        rng = self.rng
        batch = []
        for _ in range(count):
            known = self.posted and rng.random() < 0.2  # a post seen again: its votes are recounted
            number = rng.randrange(self.posted) if known else self.posted
            self.posted += 0 if known else 1
            batch.append({"source": "file", "remote_id": str(number), "author": rng.choice(AUTHORS),
                          "text": rng.choice(TEXTS), "votes": rng.randrange(6)})
        return batch

    def add(self, store: SessionStore, count: int) -> None:
        store.add_questions(self.items(count), arrivals=self.arrivals[store.actor])

    def act(self, store: SessionStore) -> None:
        rng = self.rng
        ids = list(store.state.questions)
        if not ids:
            return
        qid = rng.choice(ids)
        group = store.state.members(store.state.group_of(qid))
        moves: list[Callable[[], object]] = [
            lambda: store.split_group(qid),
            lambda: store.approve_group(group),
            lambda: store.dismiss_many(group, rng.choice(REASONS)),
            lambda: store.star_many(group, rng.random() < 0.5),
            lambda: store.approve(qid),
            lambda: store.dismiss(qid, rng.choice(REASONS)),
            lambda: store.star(qid),
            lambda: store.tag(qid, rng.choice(TAGS)),
            lambda: store.mark_duplicate(qid, rng.choice(ids)),
            lambda: store.reopen(qid),
            lambda: store.undo(),
            lambda: store.add_answer(qid, "An answer.", ["An answer."], "classic"),
            # bulk moves: one event over many questions
            lambda: store.dismiss_many(rng.sample(ids, min(len(ids), 5)), rng.choice(REASONS)),
            lambda: store.tag_many(rng.sample(ids, min(len(ids), 5)), rng.choice(TAGS)),
            lambda: store.approve_many(rng.sample(ids, min(len(ids), 5))),
            lambda: store.block_author(rng.choice(AUTHORS), [q for q in ids if store.state.questions[q].status == "new"]),
        ]
        try:
            rng.choice(moves)()
        except ActionError:
            pass  # e.g. a question cannot duplicate itself: nothing changed

    def step(self) -> None:
        """One random thing happening to the session."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            self.add(self.ours, rng.randrange(1, 8))
        elif roll < 0.5:
            self.act(self.ours)
        elif roll < 0.7:
            self.act(self.theirs)  # absorbed by our next commit, or seen by refresh()
        elif roll < 0.8:
            self.ours.refresh()
        elif roll < 0.85:
            self.theirs.refresh()
            self.add(self.theirs, rng.randrange(1, 4))
        elif roll < 0.88:
            # A reload: the store replaces every question object, keeping the dict.
            self.theirs.refresh()
            reread = SessionStore.open(self.path, actor="reader")
            self.ours.state.take(reread.state)
            reread.close()


def check(index: QueueIndex, state: SessionState, view: str, text_filter: str, ids: tuple[str, ...]) -> None:
    want_ids, want_counts, want_rows = expected(state, view, text_filter)
    assert ids == want_ids
    assert [index.position(qid) for qid in state.questions] == [ids.index(q) if q in ids else None for q in state.questions]
    rows = {qid: (row.members, row.votes) for qid in ids if (row := index.group_row(qid)) is not None}
    assert rows == want_rows
    for head, (members, _) in rows.items():
        assert {index.row_position(qid) for qid in members} == {ids.index(head)}
    assert {name: index.counts.get(name, 0) for name in VIEWS} == want_counts
    assert not {name for name, n in index.counts.items() if name not in VIEWS and n}
    fresh = QueueIndex()
    assert fresh.sync(state, view, text_filter).ids == want_ids
    while index.learn(50):
        pass
    while fresh.learn(50):
        pass
    for question in state.questions.values():
        assert index.flags(question) == fresh.flags(question), question.id


def looks(state: SessionState) -> dict[str, tuple[object, ...]]:
    """What a queue row shows of each question."""
    return {q.id: (q.status, q.starred, q.votes, tuple(q.tags), q.duplicate_of) for q in state.questions.values()}


@pytest.mark.parametrize("seed", range(6))
def test_incremental_index_equals_a_full_rebuild(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    session = Session(tmp_path / "session.json", rng)
    index = QueueIndex()
    view, text_filter = "new", ""
    try:
        session.add(session.ours, 12)
        before = looks(session.ours.state)
        before_rows: dict[str, tuple[int, int]] = {}
        for number in range(160):
            session.step()
            if rng.random() < 0.1:
                view = rng.choice(VIEWS)
            if rng.random() < 0.15:
                text_filter = rng.choice(FILTERS)
            # Mostly no hint: the store's events must be enough to find what changed.
            hint = rng.sample(list(session.ours.state.questions), 1) if rng.random() < 0.2 else []
            shown = index.sync(session.ours.state, view, text_filter, hint)
            now = looks(session.ours.state)
            rows = {qid: (len(row.members), row.votes) for qid in shown.ids if (row := index.group_row(qid))}
            if not shown.rebuilt:  # every row that looks different is named, to be repainted
                assert {qid for qid, row in now.items() if before.get(qid) != row} <= shown.changed
                assert {qid for qid, row in rows.items() if before_rows.get(qid) != row} <= shown.changed
            before, before_rows = now, rows
            if number % 4 == 0 or shown.rebuilt:
                check(index, session.ours.state, view, text_filter, shown.ids)
        check(index, session.ours.state, view, text_filter, index.sync(session.ours.state, view, text_filter).ids)
    finally:
        session.close()


def test_a_big_batch_of_arrivals_and_a_reload_are_counted(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "session.json")
    index = QueueIndex()
    try:
        index.sync(store.state, "all")
        store.add_questions({"source": "b", "remote_id": str(n), "author": f"@a{n % 7}", "text": f"q{n % 300}?"}
                            for n in range(6_000))
        shown = index.sync(store.state, "all")
        assert shown.rebuilt and len(shown.ids) == 6_000 and index.counts["new"] == 6_000
        assert index.unlearned  # too many to learn at once: left to `learn`
        store.approve(question_id("b", "5"))
        reread = SessionStore.open(store.path, actor="reader")
        store.state.take(reread.state)
        reread.close()
        shown = index.sync(store.state, "approved")
        assert shown.rebuilt and shown.ids == (question_id("b", "5"),)
        assert index.counts["new"] == 5_999
        check(index, store.state, "all", "q29", index.sync(store.state, "all", "q29").ids)
    finally:
        store.close()


def test_a_bulk_move_over_thousands_is_counted_afresh(tmp_path: Path) -> None:
    """Past REGROUP_ARRIVALS changed questions the index counts every question again, and the
    filter still finds the tags the move added."""
    store = SessionStore.open(tmp_path / "session.json")
    index = QueueIndex()
    try:
        store.add_questions({"source": "b", "remote_id": str(n), "author": f"@a{n % 7}", "text": f"q{n % 300}?"}
                            for n in range(7_000))
        index.sync(store.state, "new", "bulky")
        ids = list(store.state.questions)
        store.tag_many(ids[:6_000], ["bulky"])
        shown = index.sync(store.state, "new", "bulky")
        assert shown.rebuilt and len(shown.ids) == 6_000
        store.star_many(ids[:5_500], True)
        store.dismiss_many(ids[:5_200], "spam", counted=dict.fromkeys(ids[:5_200], "new"))
        for view in ("new", "starred", "dismissed"):
            check(index, store.state, view, "bulky", index.sync(store.state, view, "bulky").ids)
        assert index.counts == {**dict.fromkeys(VIEWS, 0), "new": 1_800, "dismissed": 5_200, "starred": 300,
                                "all": 7_000}
        store.undo()
        check(index, store.state, "new", "bulky", index.sync(store.state, "new", "bulky").ids)
        assert index.counts["new"] == 7_000 and index.counts["starred"] == 5_500
    finally:
        store.close()


def test_a_reload_is_read_again_whole(tmp_path: Path) -> None:
    """The store replaced its questions: the index reads them all, not only what events name."""
    store = SessionStore.open(tmp_path / "session.json")
    index = QueueIndex()
    try:
        store.add_questions({"source": "b", "remote_id": str(n), "author": "@a", "text": f"q{n}?"} for n in range(5))
        assert len(index.sync(store.state, "new").ids) == 5
        reread = SessionStore.open(store.path, actor="reader")
        reread.close()
        store.state.take(reread.state)
        for question in store.state.questions.values():
            question.status = "approved"  # as if folded into a snapshot whose events we never saw
        shown = index.sync(store.state, "new")
        assert shown.rebuilt and shown.ids == ()
        assert index.counts["approved"] == 5
    finally:
        store.close()
