"""Triage on arrival through the store: groups as events, topics as tags, hold rules, and what exports say.

Groups are formed by whichever process ingests and stored as `group.join` /
`group.split` events in the commit that stores the questions, so every
process (here: a second `SessionStore` object on the same file) shows the
same groups, and the same input in the same order gives the same groups.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from store import validate
from store.arrivals import Arrivals
from store.errors import ActionError
from store.export import render
from store.groups import hold_counts, ranked_groups, topic_shares
from store.journal import SEPARATOR
from store.model import Settings
from store.session_store import SessionStore

FIBRA = "Quando arriverà la fibra ottica a Bari? #AskObama"
FIBRA_COPIES = [
    "RT @anna: Quando arriverà la fibra ottica a Bari? #AskObama",
    "quando arrivera la FIBRA ottica a bari??",
    '+1 "@anna: Quando arriverà la fibra ottica a Bari?"',
]
BATI = "Quando arriverà la fibra ottica a Bati?"  # one letter from Bari: grouped, until a moderator splits it
BERGAMO = "Quando arriverà la fibra ottica a Bergamo? #AskObama"  # a near miss: never the same question
GIOVANI = "Come individuate i giovani talenti per il lavoro in azienda?"
GIOVANI_COPY = "RT @luca: Come individuate i giovani talenti per il lavoro in azienda?"


def post(n: int, text: str, author: str = "", minute: int = 0, votes: int = 0) -> dict[str, object]:
    return {"source": "file", "remote_id": f"p{n}", "author": author or f"user{n}", "text": text, "votes": votes,
            "posted_at": f"2012-03-06T19:{minute:02d}:00.000Z"}


def open_store(path: Path, **settings: Any) -> SessionStore:
    settings.setdefault("group_copies", True)
    return SessionStore.open(path, actor="ingest", settings=Settings(title="t", hashtag="AskObama", **settings))


def by_remote(store: SessionStore) -> dict[str, str]:
    """remote id -> group id: what two processes must agree on."""
    state = store.state
    return {q.remote_id: state.group_of(q.id) for q in state.questions.values()}


def qid(store: SessionStore, remote: str) -> str:
    return next(q.id for q in store.state.questions.values() if q.remote_id == remote)


def journal_lines(path: Path) -> list[list[dict[str, object]]]:
    raw = Path(f"{path}.journal").read_bytes()
    return [[orjson.loads(part) for part in line.split(SEPARATOR)] for line in raw.splitlines() if line.strip()]


def test_copies_join_a_group_in_the_same_commit_as_the_questions(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = open_store(path)
    arrivals = Arrivals()
    store.add_questions([post(1, FIBRA, votes=3), post(2, GIOVANI), post(3, BERGAMO)], arrivals=arrivals)
    store.add_questions([post(n, text, votes=1) for n, text in enumerate(FIBRA_COPIES, 4)], arrivals=arrivals)
    first = qid(store, "p1")
    groups = by_remote(store)
    assert {groups[f"p{n}"] for n in (1, 4, 5, 6)} == {f"g-{first}"}
    assert groups["p3"] != groups["p1"] and groups["p2"] == f"g-{qid(store, 'p2')}"  # alone: its own group
    last = journal_lines(path)[-1]
    added = {e["qid"] for e in last if e["action"] == "question.add"}
    joined = {e["qid"] for e in last if e["action"] == "group.join"}
    assert added == joined == {qid(store, f"p{n}") for n in (4, 5, 6)}
    # another process reading the store sees the same groups, from the events alone
    other = SessionStore.open(path, actor="moderator", create=False)
    assert by_remote(other) == groups
    snapshot = other.snapshot()  # a reader's copy: later group events never change it
    assert snapshot.groups == other.state.groups and snapshot.groups is not other.state.groups
    top = ranked_groups(other.state)[0]
    assert (top.id, len(top.members), top.votes, top.representative.remote_id) == (f"g-{first}", 4, 6, "p1")
    other.close()
    store.close()
    # and after compaction (close folds the journal into the snapshot), from the snapshot's history
    reopened = SessionStore.open(path, create=False)
    assert by_remote(reopened) == groups
    reopened.close()


def test_two_ingesting_processes_agree_with_one_and_with_each_other(tmp_path: Path) -> None:
    pages = [[post(1, FIBRA), post(2, GIOVANI)], [post(3, FIBRA_COPIES[0]), post(4, BERGAMO)],
             [post(5, GIOVANI_COPY), post(6, FIBRA_COPIES[1])], [post(7, "RT @x: " + BERGAMO), post(8, FIBRA_COPIES[2])]]
    shared = tmp_path / "shared.json"
    a, b = open_store(shared), SessionStore.open(shared, actor="ingest-2", create=False)
    a_arrivals, b_arrivals = Arrivals(), Arrivals()
    for n, page in enumerate(pages):  # the two processes take turns, each with its own grouper
        (a, b)[n % 2].add_questions(page, arrivals=(a_arrivals, b_arrivals)[n % 2])
    a.refresh()
    b.refresh()
    single = open_store(tmp_path / "single.json")
    arrivals = Arrivals()
    for page in pages:
        single.add_questions(page, arrivals=arrivals)
    assert by_remote(a) == by_remote(b)
    # question ids hash (source, remote id): the same posts have the same ids, and so the same group ids
    assert by_remote(a) == by_remote(single)
    assert len(set(by_remote(single).values())) == 3  # fibra a Bari, giovani, fibra a Bergamo
    for store in (a, b, single):
        store.close()


def test_a_split_is_an_event_every_process_sees_and_later_copies_follow_it(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    ingest = open_store(path)
    arrivals = Arrivals()
    ingest.add_questions([post(1, FIBRA), post(2, FIBRA_COPIES[0]), post(3, BATI)], arrivals=arrivals)
    assert len(set(by_remote(ingest).values())) == 1  # "Bati" taken for a typo of "Bari": a wrong merge
    moderator = SessionStore.open(path, actor="moderator", create=False)
    event = moderator.split_group(qid(moderator, "p3"))
    assert event["action"] == "group.split" and event["group"] != f"g-{qid(moderator, 'p1')}"
    with pytest.raises(ActionError):
        moderator.split_group(qid(moderator, "p3"))  # alone now: nothing to split from
    ingest.add_questions([post(4, "RT @carla: " + BATI)], arrivals=arrivals)  # a copy of the split question
    moderator.refresh()
    groups = by_remote(moderator)
    assert groups == by_remote(ingest)
    assert groups["p1"] == groups["p2"] != groups["p3"] == groups["p4"] == event["group"]
    # a process that starts later rebuilds the same grouper from the history, split included
    late = SessionStore.open(path, actor="ingest-2", create=False)
    late.add_questions([post(5, FIBRA_COPIES[2]), post(6, "RT @dario: " + BATI)], arrivals=Arrivals())
    ingest.refresh()
    assert by_remote(late) == by_remote(ingest)
    assert by_remote(late)["p6"] == event["group"] and by_remote(late)["p5"] == groups["p1"]
    for store in (ingest, moderator, late):
        store.close()


def test_topics_tag_questions_as_they_arrive_and_give_shares(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json")
    store.update_settings(topics=["rete: fibra, adsl, banda larga", "Lavoro Giovani: giovani, talenti"])
    assert store.settings.topics == ["rete: fibra, adsl, banda larga", "LavoroGiovani: giovani, talenti"]
    arrivals = Arrivals()
    store.add_questions([post(1, FIBRA), post(2, GIOVANI), post(3, "E la Banda Larga nei piccoli comuni?"),
                         post(4, "Che tempo fa domani?")], arrivals=arrivals)
    tags = {q.remote_id: q.tags for q in store.state.questions.values()}
    assert tags == {"p1": ["rete"], "p2": ["LavoroGiovani"], "p3": ["rete"], "p4": []}
    assert topic_shares(store.state) == {"rete": 0.5, "LavoroGiovani": 0.25, "other": 0.25}
    data = orjson.loads(render(store.state, "json"))
    assert [q["topics"] for q in data["questions"]] == [["rete"], ["LavoroGiovani"], ["rete"], []]
    assert data["topics"]["rete"] == 0.5
    for bad in (["no colon here"], ["rete:"], ["other: x"], ["a: x", "a: y"]):
        with pytest.raises(ActionError):
            store.update_settings(topics=bad)
    store.close()


@pytest.mark.parametrize(("settings", "held", "rule"), [
    ({"blocked_authors": ["@Spammer"]}, post(1, GIOVANI, author="spammer"), "blocked author"),
    ({"blocked_words": ["free followers"]}, post(1, "Get FREE followers now, quick question?"), "blocked word"),
    ({"hold_link_only": True}, post(1, "@ceo https://bit.ly/x #AskObama 🔥"), "link only"),
    ({"flood_authors": 3, "flood_minutes": 5}, post(3, "Buy crypto now at our site today", minute=2), "flood"),
])
def test_each_hold_rule_dismisses_what_it_catches_naming_the_rule(
        tmp_path: Path, settings: dict[str, object], held: dict[str, object], rule: str) -> None:
    store = open_store(tmp_path / "s.json")
    store.update_settings(**settings)
    arrivals = Arrivals()
    before = [post(11, "Buy crypto now at our site today", minute=0), post(12, "buy CRYPTO now at our site today!", minute=1)]
    store.add_questions([*before, post(13, GIOVANI, minute=1)], arrivals=arrivals)  # two accounts: not yet a flood
    store.add_questions([held], arrivals=arrivals)
    question = store.state.questions[qid(store, str(held["remote_id"]))]
    assert (question.status, question.reason, store.state.holds[question.id]) == ("dismissed", "held", rule)
    assert [store.state.questions[qid].remote_id for qid in store.state.holds] == [held["remote_id"]]
    assert hold_counts(store.state) == {rule: 1}
    assert orjson.loads(render(store.state, "json"))["holds"] == {rule: 1}
    recap = render(store.state, "md")
    assert "Held on arrival, by rule" in recap and f"{rule} 1" in recap
    store.approve(question.id)  # a moderator lets it through: the rule's hit still counts
    assert hold_counts(store.state) == {rule: 1}
    with pytest.raises(ActionError):
        store.dismiss(question.id, "held")  # no moderator picks "held"
    store.close()


def test_no_rule_holds_anything_by_default(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json")
    posts = [post(n, "Buy crypto now at our site today", minute=0) for n in range(30)]
    store.add_questions([*posts, post(99, "@ceo https://bit.ly/x")], arrivals=Arrivals())
    assert not any(q.status == "dismissed" for q in store.state.questions.values())
    store.close()


@pytest.mark.parametrize("bad", [
    {"action": "group.join", "qid": "a", "group": 3},
    {"action": "group.split", "qid": "", "group": "g-a"},
    {"action": "question.add", "qid": "a", "question": {"id": "a", "source": "s", "remote_id": "r", "author": "@a",
                                                        "text": "t", "received_at": "", "tags": ["flood", 1]}},
    {"action": "session.set", "before": {}, "after": {"flood_minutes": 0}},
    {"action": "session.set", "before": {}, "after": {"topics": "rete: fibra"}},
    {"action": "session.set", "before": {}, "after": {"hold_link_only": "yes"}},
])
def test_a_store_holding_a_bad_triage_field_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(validate.Invalid):
        validate.event(bad, "event 1")


def test_exports_give_each_question_its_group_and_recaps_the_most_asked(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json", topics=["rete: fibra"])
    store.add_questions([post(1, FIBRA, votes=2), *(post(n, t) for n, t in enumerate(FIBRA_COPIES, 2)), post(9, GIOVANI)],
                        arrivals=Arrivals())
    data = orjson.loads(render(store.state, "json"))
    groups = {q["remote_id"]: q["group"] for q in data["questions"]}
    assert groups["p9"] == f"g-{qid(store, 'p9')}" and len({groups[f"p{n}"] for n in range(1, 5)}) == 1
    for fmt in ("md", "html"):
        recap = render(store.state, fmt)
        assert "Most asked" in recap and "asked 4 times" in recap and "Topics" in recap
    italian = render(store.state, "md", lang="it")
    assert "Le più chieste" in italian and "chiesta 4 volte" in italian
    store.close()


def test_a_group_join_rides_with_its_question_and_does_not_count_towards_compaction(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json")
    weight, events = store.journal_weight, len(store.state.events)
    store.add_questions([post(n, text) for n, text in enumerate([FIBRA, *FIBRA_COPIES])], arrivals=Arrivals())
    added = store.state.events[events:]
    assert [event["action"] for event in added].count("group.join") == 3
    assert store.journal_weight == weight + 4  # the four questions; their joins ride with them
    in_journal = [entry["action"] for line in journal_lines(store.path) for entry in line]
    assert in_journal.count("group.join") == 3  # in the file, counted alike when read back (the compaction child)
    assert SessionStore.open(store.path).journal_weight == len(in_journal) - 3
