"""One action over many questions (a group, a filtered view, an author): one event, one undo.

Each test uses two `SessionStore` objects on one file, as two processes do:
what one commits, the other reads, and an undo never overrides another
moderator's later decision.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from store import validate
from store.errors import ActionError
from store.events import Event
from store.model import Question, Settings
from store.session_store import SessionStore
from store.state import SessionState


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


def test_a_block_dismisses_the_counted_questions_and_blocks_the_author_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    mod, host, _ = two_stores(path, n=2)
    mod.add_questions([{"source": "file", "remote_id": f"s{i}", "author": "Spammer", "text": f"buy {i}?"}
                       for i in range(3)])
    spam = [q.id for q in mod.state.questions.values() if q.author == "@Spammer"]
    host.update_settings(blocked_authors=["@other"])
    lines_before = len(Path(f"{path}.journal").read_bytes().splitlines())
    event = mod.block_author("@Spammer", spam[:2], "spam", counted={q: "new" for q in spam[:2]})
    assert event is not None and event["action"] == "dismiss" and event.get("block") == "@Spammer"
    assert len(Path(f"{path}.journal").read_bytes().splitlines()) == lines_before + 1  # one commit
    host.refresh()
    assert host.settings.blocked_authors == ["@other", "@Spammer"]  # the other moderator's block stays
    assert [host.question(q).status for q in spam] == ["dismissed", "dismissed", "new"]  # the uncounted one too
    assert host.dismissal(spam[0]) == "dismissed (spam) by mod"
    host.update_settings(blocked_authors=["@other", "@Spammer", "@third"])  # edited elsewhere meanwhile
    undo = mod.undo()
    assert undo is not None and undo.get("unblock") == "@Spammer"
    host.refresh()
    assert host.settings.blocked_authors == ["@other", "@third"]
    assert [host.question(q).status for q in spam] == ["new", "new", "new"]
    reopened = SessionStore.open(path, actor="check")  # the journal replays to the same state
    assert reopened.settings.blocked_authors == ["@other", "@third"]
    reopened.close()


def test_blocking_an_author_blocked_already_leaves_the_list_and_its_undo_alone(tmp_path: Path) -> None:
    mod, host, ids = two_stores(tmp_path / "s.json", n=2)
    mod.update_settings(blocked_authors=["USER0"])
    event = mod.block_author("@user0", [ids[0]], "abusive")
    assert event is not None and "block" not in event
    assert mod.block_author("@user0", [ids[0]], "spam", counted={ids[0]: "new"}) is None  # changed since
    mod.undo()
    host.refresh()
    assert host.settings.blocked_authors == ["USER0"] and host.question(ids[0]).status == "new"
    # unblocked by someone else before the undo: the undo does not need to, and says nothing of it
    mod.block_author("@user1", [ids[1]], "spam")
    host.refresh()
    host.update_settings(blocked_authors=["USER0"])
    undo = mod.undo()
    assert undo is not None and "unblock" not in undo and mod.settings.blocked_authors == ["USER0"]
    with pytest.raises(ActionError):
        mod.block_author(" @ ", [], "spam")


@pytest.mark.parametrize("bad", [
    {"action": "dismiss", "qid": "a", "changes": [], "block": 3},
    {"action": "dismiss", "qid": "a", "changes": [], "block": " "},
    {"action": "undo", "target": 1, "undid": "dismiss", "qid": "a", "changes": [], "unblock": ["@x"]},
])
def test_a_block_that_names_no_author_is_refused_where_the_store_is_read(bad: dict[str, object]) -> None:
    with pytest.raises(validate.Invalid):
        validate.event(bad, "event 1")


def test_records_built_before_the_readers_lock_are_used_only_while_their_question_is_unchanged() -> None:
    """`SessionState.prepare` builds a bulk move's records ahead; `apply` never puts back a stale one."""
    state = SessionState()
    state.questions["a"] = Question(id="a", source="s", remote_id="r", author="@a", text="t?", received_at="")
    twice: Event = {"action": "tag", "qid": "a", "seq": 1, "changes": [
        {"qid": "a", "before": {"tags": []}, "after": {"tags": ["x"]}},
        {"qid": "a", "before": {"tags": ["x"]}, "after": {"tags": ["x", "y"], "starred": True}}]}
    state.apply(twice, prepared=state.prepare(twice))
    assert (state.questions["a"].tags, state.questions["a"].starred) == (["x", "y"], True)
    dismiss: Event = {"action": "dismiss", "qid": "a", "seq": 3, "changes": [
        {"qid": "a", "before": {"status": "new"}, "after": {"status": "dismissed", "reason": "spam"}}]}
    ready = state.prepare(dismiss)
    approve: Event = {"action": "approve", "qid": "a", "seq": 2, "changes": [
        {"qid": "a", "before": {"status": "new"}, "after": {"status": "approved", "votes": 4}}]}
    state.apply(approve)  # applied between the dismiss's prepare and its apply
    state.apply(dismiss, prepared=ready)
    question = state.questions["a"]
    assert (question.status, question.reason, question.votes, question.tags) == ("dismissed", "spam", 4, ["x", "y"])
    assert question.tags is not twice["changes"][1]["after"]["tags"]  # type: ignore[typeddict-item]


def test_a_bulk_moves_history_shares_its_equal_fields_however_it_is_read(tmp_path: Path) -> None:
    """The history keeps every event: equal before/after dicts are one object, in the process that
    committed it, in one that read it from the journal, and in one that loaded the snapshot."""
    path = tmp_path / "s.json"
    mod, host, ids = two_stores(path, n=6)
    mod.tag(ids[0], ["x"])
    mod.dismiss_many(ids, "spam")
    host.refresh()
    mod.close()  # folded into the snapshot
    loaded = SessionStore.open(path, actor="late")
    for store in (mod, host, loaded):
        event = next(e for e in reversed(store.state.events) if e["action"] == "dismiss")
        changes = event["changes"]  # type: ignore[typeddict-item]
        assert len(changes) == 6
        assert len({id(c["before"]) for c in changes}) == 1 and len({id(c["after"]) for c in changes}) == 1
    loaded.undo(next(e["seq"] for e in loaded.state.events if e["action"] == "dismiss"))
    assert [q.status for q in loaded.state.questions.values()] == ["new"] * 6
    loaded.close()
    host.close()


def test_an_approved_group_stays_the_most_asked_with_its_copies_and_votes_counted_once(tmp_path: Path) -> None:
    from store.arrivals import Arrivals
    from store.groups import ranked_groups

    store = SessionStore.open(tmp_path / "s.json", actor="mod",
                              settings=Settings(title="t", hashtag="AskObama", group_copies=True))
    text = "Quando arriverà la fibra ottica a Bari?"
    store.add_questions([{"source": "file", "remote_id": f"p{i}", "author": f"user{i}", "votes": i,
                          "text": f"RT @anna: {text}" if i else text} for i in range(3)], arrivals=Arrivals())
    ids = list(store.state.questions)
    store.approve_group(ids)
    top = ranked_groups(store.state, min_size=2)[0]
    assert (len(top.members), top.votes, top.representative.id) == (3, 3, ids[2])
