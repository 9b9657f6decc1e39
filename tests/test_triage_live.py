"""What the topics and rules dialogs and the header read and write, through the store, without a screen:
one topic edited against the session as it is at commit, existing questions tagged in one undoable
action, the live tally that follows every change, and the words suggested as topics."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from store.arrivals import Arrivals
from store.errors import ActionError
from store.groups import TriageTally, hold_counts, topic_shares
from store.model import Question, Settings
from store.session_store import SessionStore, with_topic
from store.triage.suggest import MAX_POSTS, as_topic, suggest
from tests.test_triage_store import post
from tui.service.session import SessionService

TOPICS = ["rete: fibra, adsl", "lavoro: giovani, stage"]


def open_store(path: Path, **settings: object) -> SessionStore:
    return SessionStore.open(path, actor="mod", settings=Settings(title="t", hashtag="AskObama", **settings))  # type: ignore[arg-type]


def test_with_topic_adds_changes_renames_and_removes_in_place() -> None:
    assert with_topic(TOPICS, "tasse: iva") == [*TOPICS, "tasse: iva"]
    assert with_topic(TOPICS, "rete: fibra, 5g") == ["rete: fibra, 5g", TOPICS[1]]  # its name: that topic
    assert with_topic(TOPICS, "connessione: fibra", replacing="rete") == ["connessione: fibra", TOPICS[1]]
    assert with_topic(TOPICS, None, replacing="rete") == [TOPICS[1]]
    assert with_topic(TOPICS, "#Lavoro Giovani : giovani") == [*TOPICS, "LavoroGiovani: giovani"]  # a tag name


@pytest.mark.parametrize(("line", "replacing", "reason"), [
    (": fibra", "", "has no name before ':'"),
    ("fibra", "", "has no ':'"),
    ("rete:  , ", "", "has no keyword after ':'"),
    ("lavoro: fibra", "rete", "there is a topic named 'lavoro' already"),
    ("other: fibra", "", "named 'other'"),
])
def test_with_topic_refuses_a_line_that_does_not_fit_with_the_reason(line: str, replacing: str, reason: str) -> None:
    with pytest.raises(ActionError, match=reason):
        with_topic(TOPICS, line, replacing=replacing)


def test_edit_topic_works_on_the_topics_as_they_are_when_it_commits(tmp_path: Path) -> None:
    mine, theirs = open_store(tmp_path / "s.json"), SessionStore.open(tmp_path / "s.json", actor="other")
    theirs.edit_topic("tasse: iva")  # another process, meanwhile
    assert mine.edit_topic("rete: fibra") == "rete: fibra"
    assert SessionStore.open(tmp_path / "s.json", actor="check").settings.topics == ["tasse: iva", "rete: fibra"]
    mine.edit_topic(None, replacing="tasse")
    assert theirs.refresh() and theirs.settings.topics == ["rete: fibra"]


def test_existing_questions_are_tagged_in_one_action_that_one_undo_takes_back(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json")
    store.add_questions([post(1, "Quando arriva la fibra a Bari?"), post(2, "Stage per giovani?"),
                         post(3, "La FIBRA ottica?"), post(4, "Chi vince il derby?")])
    store.tag(next(iter(store.state.questions)), ["bari"])
    store.edit_topic("rete: fibra")
    service = SessionService(store)
    matches = service.topic_matches("rete: fibra")
    assert sorted(store.state.questions[q].remote_id for q in matches) == ["p1", "p3"]
    service.tag_each(matches)
    assert [q.tags for q in store.state.questions.values()] == [["bari", "rete"], [], ["rete"], []]
    assert service.topic_matches("rete: fibra") == {}  # tagged already: nothing more to do
    store.undo()
    assert [q.tags for q in store.state.questions.values()] == [["bari"], [], [], []]


def test_the_tally_follows_arrivals_moderation_undo_and_holds_like_a_full_count(tmp_path: Path) -> None:
    """Random moderation over a session with topics and a hold rule: after every step the live
    tally says what `topic_shares` and `hold_counts` say from scratch."""
    store = open_store(tmp_path / "s.json", topics=TOPICS, blocked_words=["idiota"])
    arrivals = Arrivals()
    tally = TriageTally()
    tally.count(store.snapshot())
    rng = random.Random(7)
    texts = ["la fibra a Bari?", "stage per giovani", "fibra e stage per giovani", "il derby?", "sei un idiota"]
    for step in range(120):
        qids = list(store.state.questions)
        move = rng.random()
        if move < 0.35 or not qids:
            store.add_questions([post(step, rng.choice(texts))], arrivals=arrivals)
        elif move < 0.5:
            store.dismiss(rng.choice(qids), "spam")
        elif move < 0.6:
            store.approve(rng.choice(qids))
        elif move < 0.7:
            store.tag(rng.choice(qids), rng.choice([["rete"], ["lavoro", "x"], []]))
        elif move < 0.8:
            store.tag_each({rng.choice(qids): ["lavoro"]})
        else:
            store.undo()
        assert tally.sync(store.state)
        assert tally.shares() == pytest.approx(topic_shares(store.state)), step
        assert tally.holds == hold_counts(store.state)
    assert tally.holds == {"blocked word": tally.holds["blocked word"]} and tally.holds["blocked word"] > 0


def test_the_tally_asks_for_a_recount_when_the_topics_change_or_the_store_reloads(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json", topics=TOPICS)
    tally = TriageTally()
    assert not tally.sync(store.state)  # never counted
    tally.count(store.snapshot())
    assert tally.sync(store.state)
    store.edit_topic("tasse: iva")
    assert not tally.sync(store.state)
    tally.count(store.snapshot())
    assert list(tally.shares()) == ["rete", "lavoro", "tasse", "other"]
    store.state.take(store.snapshot())  # what a reload does
    assert not tally.sync(store.state)


def test_suggestions_are_the_words_rising_now_not_the_old_chatter_nor_copies() -> None:
    settings = Settings(hashtag="twittertime", topics=["rete: fibra"])
    questions = [_question(n, f"Il derby di stasera {n}?", minute=n % 40) for n in range(60)]
    questions += [_question(100 + n, text, minute=55) for n, text in enumerate([
        "Sciopero dei treni domani?", "Lo sciopero blocca anche i bus? #twittertime", "Scioperi: rimborsi?",
        "RT @a: Sciopero dei treni domani?", "sciopero dei TRENI domani??", "La fibra a Bari?", "Fibra e sciopero?"])]
    found = suggest(questions, settings)
    assert found[0].term == "sciopero" and found[0].recent == 4  # the retweet and the copy count once
    assert set(found[0].variants) == {"sciopero", "scioperi"}
    assert as_topic(found[0]) in ("sciopero: sciopero, scioperi", "sciopero: scioperi, sciopero")
    terms = {rising.term for rising in found}
    assert not terms & {"derby", "stasera", "fibra", "twittertime"}  # old, a topic, the hashtag


def test_suggestions_read_at_most_the_newest_posts() -> None:
    old = [_question(n, "Parliamo di blackout oggi", minute=59) for n in range(5)]
    new = [_question(10 + n, f"tutto normale qui {n}", minute=59) for n in range(MAX_POSTS)]
    assert "blackout" not in {rising.term for rising in suggest([*old, *new], Settings())}


def _question(n: int, text: str, minute: int) -> Question:
    return Question(f"q{n}", "file", str(n), f"@u{n}", text, "", posted_at=f"2012-03-06T19:{minute:02d}:00.000Z")
