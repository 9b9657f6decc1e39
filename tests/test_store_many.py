"""One action over many questions (a group, a filtered view, an author): one event, one undo.

Each test uses two `SessionStore` objects on one file, as two processes do:
what one commits, the other reads, and an undo never overrides another
moderator's later decision.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import ActionError
from store.model import Settings
from store.session_store import SessionStore


def two_stores(path: Path, n: int = 4) -> tuple[SessionStore, SessionStore, list[str]]:
    first = SessionStore.open(path, actor="mod", settings=Settings(title="t", hashtag="AskObama"))
    first.add_questions([{"source": "file", "remote_id": f"p{i}", "author": f"user{i}",
                          "text": f"Question {i} about fibre?", "votes": i % 3} for i in range(n)])
    second = SessionStore.open(path, actor="host")
    return first, second, list(first.state.questions)


def status(store: SessionStore) -> list[str]:
    store.refresh()
    return [q.status for q in store.state.questions.values()]


def test_group_approve_merges_votes_into_its_representative_and_one_undo_restores_all(tmp_path: Path) -> None:
    mod, host, ids = two_stores(tmp_path / "s.json")
    votes = [q.votes for q in mod.state.questions.values()]  # 0, 1, 2, 0
    event = mod.approve_group(ids)
    assert event is not None and event["action"] == "approve"
    host.refresh()
    rep = host.question(ids[2])  # most voted
    assert (rep.status, rep.votes) == ("approved", sum(votes))
    assert [host.question(q).duplicate_of for q in ids if q != ids[2]] == [ids[2]] * 3
    assert mod.undo() is not None
    host.refresh()
    assert [(q.status, q.votes, q.duplicate_of) for q in host.state.questions.values()] == [
        ("new", v, None) for v in votes]


def test_group_representative_is_the_earliest_on_a_tie(tmp_path: Path) -> None:
    mod, _, ids = two_stores(tmp_path / "s.json", n=3)  # votes 0, 1, 2
    mod.dismiss(ids[2], "spam")
    mod.approve_group([ids[0], ids[1], ids[2]])
    assert mod.question(ids[1]).status == "approved"
    assert mod.question(ids[2]).status == "dismissed" and mod.question(ids[2]).reason == "spam"  # left alone


def test_bulk_dismiss_acts_only_on_what_was_counted_in_the_state_it_was_counted(tmp_path: Path) -> None:
    mod, host, ids = two_stores(tmp_path / "s.json")
    counted = {q: "new" for q in ids[:3]}
    host.approve(ids[1])  # decided by someone else while the confirmation was open
    mod.add_questions([{"source": "file", "remote_id": "late", "author": "x", "text": "late question?"}])
    event = mod.dismiss_many(counted, "off-topic", counted=counted)
    assert event is not None and len(event["changes"]) == 2  # type: ignore[typeddict-item]
    assert status(host) == ["dismissed", "approved", "dismissed", "new", "new"]
    mod.undo()
    assert status(host) == ["new", "approved", "new", "new", "new"]


def test_bulk_tag_adds_to_each_questions_own_tags_and_undoes_as_one(tmp_path: Path) -> None:
    mod, host, ids = two_stores(tmp_path / "s.json", n=2)
    mod.tag(ids[0], ["jobs"])
    mod.tag_many(ids, ["#rete", "jobs"])
    host.refresh()
    assert [q.tags for q in host.state.questions.values()] == [["jobs", "rete"], ["rete", "jobs"]]
    mod.undo()
    host.refresh()
    assert [q.tags for q in host.state.questions.values()] == [["jobs"], []]


def test_bulk_undo_never_overrides_a_later_decision_by_another_moderator(tmp_path: Path) -> None:
    mod, host, ids = two_stores(tmp_path / "s.json", n=3)
    mod.approve_many(ids)
    host.refresh()
    host.dismiss(ids[0], "spam")
    mod.undo()
    assert status(host) == ["dismissed", "new", "new"]


def test_nothing_to_change_commits_nothing(tmp_path: Path) -> None:
    mod, _, ids = two_stores(tmp_path / "s.json", n=2)
    mod.star_many(ids, True)
    before = mod.state.last_seq
    assert mod.star_many(ids, True) is None and mod.approve_group([]) is None
    assert mod.state.last_seq == before
    with pytest.raises(ActionError):
        mod.dismiss_many(ids, "no such reason")
