"""Hold rules: blocked authors and words, link-only posts, floods."""
from __future__ import annotations

import pytest

from store.triage.rules import FloodWatch, Hold, Holder, HoldRules, check

RULES = HoldRules(blocked_words=("idiota", "stupid", "vaffa"), blocked_authors=("@spammer",), flood_authors=3, flood_minutes=5)


@pytest.mark.parametrize(
    ("author", "text", "rule"),
    [
        ("@SPAMMER", "una domanda seria", "blocked author"),
        ("spammer", "una domanda seria", "blocked author"),
        ("@a", "You are STUPID", "blocked word"),
        ("@a", "stupids!", "blocked word"),
        ("@a", "Che IDIOTA", "blocked word"),
        ("@a", "#vaffa", "blocked word"),
        ("@a", "http://bit.ly/x #win 😀", "link only"),
        ("@a", "@TIM_Official www.example.com", "link only"),
        ("@a", "Quando arriverà la fibra? http://t.co/x", None),
        ("@a", "studiare è utile", None),
    ],
)
def test_rules(author: str, text: str, rule: str | None) -> None:
    held = check(RULES, author, text)
    assert (held.rule if held else None) == rule


def test_blocked_author_wins_over_other_rules() -> None:
    assert check(RULES, "@spammer", "stupid http://x.co") == Hold("blocked author", "@spammer")


def test_flood_needs_k_distinct_authors_within_t() -> None:
    holder = Holder(RULES)
    results = [holder.check(f"@s{n}", f"Win an iPhone today! http://t.co/{n}", 10.0 + n) for n in range(4)]
    assert [r.rule if r else None for r in results] == [None, None, "flood", "flood"]
    assert holder.check("@late", "Win an iPhone today!", 10_000.0) is None  # the window has passed


def test_flood_counts_authors_not_posts() -> None:
    watch = FloodWatch(minutes=5)
    assert [watch.see("@same", "buy now cheap pills", float(n)) for n in range(5)] == [1, 1, 1, 1, 1]


def test_retweets_and_quotes_are_not_a_flood() -> None:
    holder = Holder(RULES)
    for n in range(5):
        assert holder.check(f"@r{n}", "RT @x: Great question about jobs", float(n)) is None
        assert holder.check(f"@q{n}", 'So true "@x: Great question about jobs"', float(n)) is None
