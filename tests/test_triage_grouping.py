"""Near-duplicate grouping: what joins a group, what never does, determinism, hostile text."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store.triage.grouping import Grouper, same_question
from store.triage.normalise import shape

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL_IT = "Quando arriverà la fibra a Bari? #twittertime"
ORIGINAL_EN = "What will you do to create jobs for young graduates in Ohio?"


def grouped(*texts: str) -> list[str | None]:
    grouper = Grouper()
    return [grouper.add(f"q{n}", text) for n, text in enumerate(texts)]


@pytest.mark.parametrize(
    "copy",
    [
        "RT @nerthase: Quando arriverà la fibra a Bari? #twittertime",
        "MT @nerthase: Quando arriverà la fibra a Bari?",
        'Ottima domanda "@nerthase: Quando arriverà la fibra a Bari?"',
        "+1 RT @nerthase: Quando arriverà la fibra a Bari?",
        "QUANDO ARRIVERÀ LA FIBRA A BARI",
        "quando arrivera la fibra a bari",
        "Quando arriverà la fibra a Bari??!! 😡🇮🇹",
        "#TIM #fibra Quando arriverà la fibra a Bari? #sud #twittertime",
        "@TelecomItalia @TIM_Official Quando arriverà la fibra a Bari?",
        "Quando arriverà la fibra a Bari? http://t.co/abc123 www.example.com",
        "Quando arriverà la fibra a Ba…",
        "RT @x: Quando arriverà la fibra a Bari? #twitterti… http://t.co/abc",
        "Quando arriverà la fbira a Bari?",
        "Quando arrivera la fibra a Barri?",
        '+1 "@x: Quando arriverà la fibra a Ba…" http://t.co/abc',
        "Quando arriverà la fibra a Bari? #Italia ❤… 👍",
        "Quando arriverà la fibra a Bari? http://t.co/abc #FF #fibra h…",
        'Please answer RT @y: Great "@x: Quando arriverà la fibra a Bari?"',
    ],
)
def test_copies_join_the_original(copy: str) -> None:
    assert grouped(ORIGINAL_IT, copy) == [None, "g-q0"]


@pytest.mark.parametrize(
    "copy",
    [
        "RT @obama_fan: What will you do to create jobs for young graduates in Ohio? #AskObama",
        "what will you do to create jobs for yuong graduates in ohio",
        "What will you do to creat jobs for young graduates in Ohio?",
        "@BarackObama What will you do to create jobs for young graduates in O…",
    ],
)
def test_english_copies_join(copy: str) -> None:
    assert grouped(ORIGINAL_EN, copy) == [None, "g-q0"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Quando arriverà la fibra a Bari?", "Quando arriverà la fibra a Bergamo?"),
        ("What will you do about jobs for graduates?", "What will you do about jobs for veterans?"),
        ("Will the budget protect funding for NASA in 2012?", "Will the budget protect funding for NASA in 2013?"),
        ("Will you raise taxes on banks to pay for schools?", "Will you raise taxes on banks to pay for roads?"),
        ("Will you raise taxes on banks?", "Will you raise taxes on banks to pay for roads?"),
        ("Quando arriverà la fibra a Bari?", "Quando arriverà la fibra a Bari e a Lecce?"),
    ],
)
def test_a_different_content_word_never_joins(first: str, second: str) -> None:
    assert grouped(first, second) == [None, None]


def test_a_cut_that_could_start_two_questions_joins_neither() -> None:
    results = grouped("Quando arriverà la fibra a Bari?", "Quando arriverà la fibra a Bergamo?", "RT @x: Quando arriverà la fibra a B…")
    assert results == [None, None, None]


def test_a_cut_member_does_not_lead_another_question_in() -> None:
    # the cut joins Bari (nothing else known yet); Bergamo must not join through it
    results = grouped("Quando arriverà la fibra a Bari?", "Quando arriverà la fibra a…", "Quando arriverà la fibra a Bergamo?")
    assert results[2] is None


def test_representative_is_most_voted_then_earliest() -> None:
    grouper = Grouper()
    grouper.add("a", ORIGINAL_IT, votes=2)
    grouper.add("b", "RT @x: " + ORIGINAL_IT, votes=5)
    grouper.add("c", "RT @y: " + ORIGINAL_IT, votes=5)
    group = grouper.group(grouper.group_of("a"))
    assert group.members == ["a", "b", "c"]
    assert group.representative == "b"
    grouper.set_votes("c", 9)
    assert group.representative == "c"
    grouper.set_votes("c", 0)
    assert group.representative == "b"


def test_explain_names_the_partner_and_how() -> None:
    grouper = Grouper()
    grouper.add("a", ORIGINAL_IT)
    grouper.add("b", "Quando arriverà la fbira a Bari?")
    join = grouper.explain("b")
    assert join is not None and (join.group, join.partner, join.how) == ("g-a", "a", "typo")
    assert grouper.explain("a") is None


def test_split_moves_a_question_out_and_adding_again_changes_nothing() -> None:
    grouper = Grouper()
    grouper.add("a", ORIGINAL_IT)
    grouper.add("b", "RT @x: " + ORIGINAL_IT)
    assert grouper.add("b", "anything") == "g-a"
    new = grouper.split("b")
    assert new == "g-b" and grouper.group_of("b") == "g-b"
    assert grouper.group("g-a").members == ["a"]
    assert grouper.split("b") == "g-b"  # already alone


def test_load_rebuilds_the_same_groups() -> None:
    class Stored:
        def __init__(self, id: str, text: str, votes: int) -> None:
            self.id, self.text, self.votes = id, text, votes

    texts = [ORIGINAL_IT, "RT @x: " + ORIGINAL_IT, ORIGINAL_EN, "Quando arriverà la fibra a Bergamo?", ORIGINAL_EN.lower()]
    live = Grouper()
    for n, text in enumerate(texts):
        live.add(f"q{n}", text, n)
    rebuilt = Grouper()
    rebuilt.load(Stored(f"q{n}", text, n) for n, text in enumerate(texts))
    assert [live.group_of(f"q{n}") for n in range(5)] == [rebuilt.group_of(f"q{n}") for n in range(5)]


DETERMINISM = """
import json, random, sys
from bench.triage_corpus import generate
from store.triage.grouping import Grouper
g = Grouper()
for post in generate(7, 3000):
    g.add(post.id, post.text, post.votes)
print(json.dumps([[grp.id, grp.members, grp.representative] for grp in g.groups()]))
"""


def test_same_input_same_groups_in_every_process() -> None:
    runs = [
        subprocess.run([sys.executable, "-c", DETERMINISM], cwd=ROOT, capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        for seed in ("1", "2")
    ]
    assert runs[0].stdout == runs[1].stdout
    assert len(json.loads(runs[0].stdout)) > 10


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x1b[31m\x7f\u202e\u200b",
        "…",
        "...",
        "RT @x:",
        "RT @x: RT @y: MT @z:",
        '"@x: "',
        "#a #b #c",
        "@a @b",
        "http://",
        "htt…",
        "😀" * 5000,
        "a" * 100_000,
        "parola " * 20_000,
        "\ud800 lone surrogate",
        "ﬁbra ｆｉｂｒａ Ｂａｒｉ",
        "e\u0301\u0301\u0301\u0301\u0301\u0301 zalgo",
        "مرحبا بالعالم 你好世界 Привет мир",
        "\U000e0067\U000e0062 tags",
        "1234 5678 9012",
    ],
)
def test_hostile_text_does_not_crash(text: str) -> None:
    grouper = Grouper()
    grouper.add("a", text)
    grouper.add("b", text)
    grouper.add("c", "RT @x: " + text + "…")
    assert len(grouper) == 3
    shape(text)


def test_same_question_is_symmetric_for_cuts() -> None:
    full, cut = shape(ORIGINAL_EN), shape("What will you do to create jobs for young gradu…")
    assert same_question(full, cut) == same_question(cut, full)
    assert same_question(full, cut) is not None


def test_the_hostile_corpus_goes_through_every_triage_engine() -> None:
    from store.triage.rules import Holder, HoldRules
    from store.triage.topics import RisingTerms, TopicMatcher, parse_topic

    grouper, topics = Grouper(), TopicMatcher([parse_topic("rete: fibra, banda larga")])
    rising, holder = RisingTerms(), Holder(HoldRules(blocked_words=("idiota",)))
    seen = 0
    for n, line in enumerate((ROOT / "tests" / "hostile" / "posts.jsonl").read_text(encoding="utf-8", errors="surrogateescape").splitlines()):
        try:
            post = json.loads(line)
        except (ValueError, RecursionError):  # the corpus has broken and deeply nested lines
            continue
        if isinstance(post, dict) and isinstance(post.get("text"), str):
            text = post["text"]
            grouper.add(f"h{n}", text)
            topics.match(text)
            rising.add(text, float(n))
            holder.check(str(post.get("author", "")), text, float(n))
            seen += 1
    assert seen > 200 and len(grouper) == seen
    rising.rising(float(seen))
