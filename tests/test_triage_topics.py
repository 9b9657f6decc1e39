"""Session topics by keyword, shares, and rising terms."""
from __future__ import annotations

import pytest

from store.triage.topics import OTHER, RisingTerms, TopicMatcher, parse_topic

TOPICS = [
    parse_topic("rete: fibra, adsl, 56k, banda larga, digital divide"),
    parse_topic("jobs: job, unemployment, lavoro"),
    parse_topic("taxes: tax, tasse"),
]


def test_parse_topic() -> None:
    topic = parse_topic(" rete : fibra, adsl ,, banda larga ")
    assert topic.name == "rete" and topic.keywords == ("fibra", "adsl", "banda larga")
    for bad in ("no colon", ": fibra", "rete:", "rete: , ,"):
        with pytest.raises(ValueError):
            parse_topic(bad)


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("Quando arriverà la FIBRA a Bari?", ["rete"]),
        ("E la banda larga nei piccoli comuni?", ["rete"]),
        ("#banda larga al sud", ["rete"]),
        ("Come navighereste oggi in 56k?", ["rete"]),
        ("Il Digital Divide in Calabria", ["rete"]),
        ("la banda è larga", []),
        ("What about jobs and taxes?", ["jobs", "taxes"]),
        ("Più lavoro per i giovani e meno tasse", ["jobs", "taxes"]),
        ("Unemployment is rising", ["jobs"]),
        ("ciao a tutti", []),
    ],
)
def test_match(text: str, topics: list[str]) -> None:
    assert TopicMatcher(TOPICS).match(text) == topics


def test_shares() -> None:
    shares = TopicMatcher(TOPICS).shares(["fibra", "jobs", "ciao", "tax job"])
    assert shares == {"rete": 0.25, "jobs": 0.5, "taxes": 0.25, OTHER: 0.25}
    assert TopicMatcher(TOPICS).shares([])[OTHER] == 0.0


def test_rising_terms_find_a_new_burst_not_the_old_chatter() -> None:
    terms = RisingTerms(window_minutes=5)
    for n in range(200):
        terms.add(f"pizza tonight {n}", n * 10.0)
    for n in range(20):
        terms.add("Blackout a Milano, nessuna connessione!", 2000.0 + n)
    rising = terms.rising(2020.0, limit=3)
    assert {item.term for item in rising} <= {"blackout", "milano", "connessione"}
    assert rising[0].recent == 20
    assert "blackout" not in {item.term for item in terms.rising(2020.0, exclude=["Blackout"])}


def test_rising_terms_skip_stop_words_and_numbers() -> None:
    terms = RisingTerms(window_minutes=5, min_recent=1)
    terms.add("the and of 2012 il la per", 0.0)
    assert terms.rising(1.0) == []
