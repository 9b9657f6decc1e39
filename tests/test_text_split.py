"""Splitting an answer into a numbered thread whose every part fits."""
from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from store.text import Profile, compose, profile_for, split_thread

X = profile_for("x")
MASTODON = profile_for("mastodon")
BLUESKY = profile_for("bluesky")
SMALL = profile_for("custom", limit=80)

PROPERTY = settings(max_examples=200, deadline=None)


def words_of(text: str) -> list[str]:
    return text.split()


def test_fitting_answer_comes_back_unchanged() -> None:
    parts = split_thread("Short answer.", X, mention="asker", hashtag="tt")
    assert parts == (compose("Short answer.", X, mention="asker", hashtag="tt"),)


def test_parts_are_numbered_mention_first_hashtag_everywhere() -> None:
    answer = " ".join(f"word{i}" for i in range(100))
    parts = split_thread(answer, X, mention="@asker", hashtag="twittertime")
    assert len(parts) == 3
    for number, part in enumerate(parts, 1):
        assert part.result.valid
        assert part.text.endswith(f" {number}/3 #twittertime")
        assert part.text.startswith("@asker ") == (number == 1)
    assert words_of(" ".join(part.answer for part in parts)) == words_of(answer)


def test_numbering_width_counts() -> None:
    answer = " ".join(["abcdefghi"] * 400)  # 4,000 characters: ten or more parts
    parts = split_thread(answer, X)
    assert len(parts) >= 10
    assert parts[-1].text.endswith(f" {len(parts)}/{len(parts)}")
    assert all(part.result.valid for part in parts)


def test_breaks_at_sentence_end_when_part_count_allows() -> None:
    answer = "First short sentence here. Second sentence is a bit longer"
    parts = split_thread(answer, profile_for("custom", limit=40))
    assert [part.answer for part in parts] == [
        "First short sentence here.",
        "Second sentence is a bit longer",
    ]


def test_sentence_preference_never_costs_a_part() -> None:
    answer = "This is a sentence. " * 40
    assert len(split_thread(answer, X)) == 3


def test_last_part_is_not_a_lone_word_when_a_better_break_exists() -> None:
    profile = profile_for("custom", limit=24)
    parts = split_thread("dddd ffffff bb dddd ffffff", profile)
    assert [part.answer for part in parts] == ["dddd ffffff bb", "dddd ffffff"]


def test_urls_mentions_and_hashtags_are_never_cut() -> None:
    url = "https://example.com/some/long/path?query=value"
    answer = " ".join([f"see {url} and @someone@example.social about #topic now"] * 12)
    for profile in (X, MASTODON, BLUESKY):
        parts = split_thread(answer, profile)
        assert len(parts) > 1
        for part in parts:
            assert part.result.valid
            for token in part.answer.split():
                assert token in {"see", url, "and", "@someone@example.social", "about", "#topic", "now"}


def test_word_longer_than_a_post_is_cut_between_graphemes() -> None:
    answer = "x" * 1000
    parts = split_thread(answer, X, mention="asker", hashtag="tt")
    assert all(part.result.valid for part in parts)
    assert "".join(part.answer for part in parts) == answer
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    parts = split_thread(family * 400, BLUESKY)
    assert all(part.result.valid for part in parts)
    assert "".join(part.answer for part in parts) == family * 400


def test_cjk_splits_after_sentence_punctuation() -> None:
    sentence = "故人西辞黄鹤楼，烟花三月下扬州。"
    parts = split_thread(sentence * 12, X)
    assert all(part.result.valid for part in parts)
    assert all(part.answer.endswith("。") for part in parts)
    assert "".join(part.answer for part in parts) == sentence * 12


def test_limit_too_small_for_any_text_raises() -> None:
    with pytest.raises(ValueError):
        split_thread("hello world again", profile_for("custom", limit=6), hashtag="longhashtag")


# --- properties ----------------------------------------------------------------

WORD = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß語😀", min_size=1, max_size=12),
    st.sampled_from(["end.", "why?", "https://example.com/x", "example.org", "@bob@host.example", "#tag", "👨‍👩‍👧"]),
)
SEPARATOR = st.sampled_from([" ", "  ", "\n", " \n\n"])


@st.composite
def answers(draw: st.DrawFn, max_words: int = 120) -> str:
    words = draw(st.lists(WORD, min_size=1, max_size=max_words))
    separators = draw(st.lists(SEPARATOR, min_size=len(words), max_size=len(words)))
    return "".join(word + sep for word, sep in zip(words, separators)).strip()


PROFILES = st.sampled_from([X, profile_for("classic"), MASTODON, BLUESKY, SMALL])
MENTION = st.sampled_from([None, "asker", "@user@example.social"])
HASHTAG = st.sampled_from([None, "tag", "twittertime"])


@PROPERTY
@given(answer=answers(), profile=PROFILES, mention=MENTION, hashtag=HASHTAG)
def test_every_part_fits_and_words_come_back_in_order(
    answer: str, profile: Profile, mention: str | None, hashtag: str | None
) -> None:
    parts = split_thread(answer, profile, mention=mention, hashtag=hashtag)
    assert all(part.result.valid for part in parts)
    joined = " ".join(part.answer for part in parts)
    assert words_of(joined) == words_of(answer)  # every word fits in a part here
    if len(parts) > 1:
        assert all(f" {n}/{len(parts)}" in part.text for n, part in enumerate(parts, 1))


@PROPERTY
@given(answer=answers(max_words=30), profile=PROFILES, mention=MENTION, hashtag=HASHTAG)
def test_text_that_fits_is_returned_unchanged(
    answer: str, profile: Profile, mention: str | None, hashtag: str | None
) -> None:
    whole = compose(answer, profile, mention=mention, hashtag=hashtag)
    parts = split_thread(answer, profile, mention=mention, hashtag=hashtag)
    if whole.result.valid:
        assert parts == (whole,)
    else:
        assert len(parts) > 1


@PROPERTY
@given(word=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Z", "Cc"]), min_size=200, max_size=1200))
def test_a_single_huge_word_still_splits(word: str) -> None:
    parts = split_thread(word, profile_for("custom", limit=40))
    assert "".join(part.answer for part in parts) == word
    for part in parts:
        assert part.result.over_at is None
        assert regex.fullmatch(r"\X+", part.answer)
