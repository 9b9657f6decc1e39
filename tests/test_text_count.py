"""Counting rules per platform, and composing the post that is really sent."""
from __future__ import annotations

import pytest

from store.text import compose, count, profile_for

X = profile_for("x")
CLASSIC = profile_for("classic")
MASTODON = profile_for("mastodon")
BLUESKY = profile_for("bluesky")


# --- profiles ---------------------------------------------------------------

def test_profile_defaults() -> None:
    assert (X.limit, CLASSIC.limit, MASTODON.limit, BLUESKY.limit) == (280, 140, 500, 300)
    assert profile_for("custom", limit=42).limit == 42
    assert profile_for("mastodon", limit=11000, url_weight=30).url_weight == 30


@pytest.mark.parametrize(
    "name, options",
    [
        ("myspace", {}),
        ("custom", {}),
        ("x", {"limit": 0}),
        ("bluesky", {"url_weight": 23}),
        ("mastodon", {"url_weight": 0}),
    ],
)
def test_profile_for_rejects(name: str, options: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        profile_for(name, **options)


# --- x (twitter-text v3) ----------------------------------------------------

def test_x_latin_weighs_one_and_cjk_two() -> None:
    assert count("hello", X).length == 5
    assert count("日本語", X).length == 6
    assert count("a" * 280, X).valid
    result = count("a" * 281, X)
    assert (result.valid, result.reason, result.over_at, result.remaining) == (False, "too long", 280, -1)


def test_x_overflow_index_points_at_first_char_that_does_not_fit() -> None:
    assert count("語" * 141, X).over_at == 140
    assert count("ab" + "語" * 140, X).over_at == 141


def test_x_empty_is_invalid() -> None:
    result = count("", X)
    assert (result.valid, result.reason, result.length) == (False, "empty", 0)


@pytest.mark.parametrize(
    "text, length",
    [
        ("read https://example.com/a/b?c=d now", 5 + 23 + 4),
        ("read example.com now", 5 + 23 + 4),  # a bare domain is linked too
        ("read foo.de now", 15),  # short country-code domain without a path: not a link
        ("read foo.de/x now", 5 + 23 + 4),
        ("read foo.co now", 5 + 23 + 4),  # .co and .tv are the exceptions
        ("see http://t.co/abcdef?x=1.", 4 + 23 + 1),
        ("(https://en.wikipedia.org/wiki/Primer_(film))", 1 + 23 + 1),
        ("see v1.2.3 or a.b", 17),
        ("tld.here", 23),  # .here is a generic TLD
    ],
)
def test_x_urls_count_23(text: str, length: int) -> None:
    assert count(text, X).length == length


def test_x_url_weight_override() -> None:
    assert profile_for("x", url_weight=30).url_weight == 30
    assert count("https://example.com", profile_for("x", url_weight=30)).length == 30


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001fae8",  # shaking face (Unicode 15.0)
        "\U0001fa77",  # pink heart (15.0)
        "\U0001f426\u200d\U0001f525",  # phoenix (15.1 ZWJ)
        "\U0001f642\u200d\u2194\ufe0f",  # head shaking horizontally (15.1 ZWJ)
        "\U0001fae9",  # face with bags under eyes (16.0)
        "\U0001f1e8\U0001f1f6",  # flag: Sark (16.0)
        "\U0001f9d1\u200d\U0001f9d1\u200d\U0001f9d2\u200d\U0001f9d2",  # family: adult, adult, child, child
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family: man, woman, girl, boy
        "\U0001faf1\U0001f3fc\u200d\U0001faf2\U0001f3ff",  # handshake with two skin tones
        "\U0001f44d\U0001f3fd",  # thumbs up, medium skin tone
        "\U0001f1fa\U0001f1e6",  # flag: Ukraine
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # flag: Scotland
        "#\ufe0f\u20e3",  # keycap #
        "1\u20e3",  # keycap without the variation selector
        "\u00a9\ufe0f",  # copyright as emoji
    ],
)
def test_x_emoji_sequence_weighs_two(emoji: str) -> None:
    assert count(emoji, X).length == 2
    assert count(f"a{emoji}b", X).length == 4


def test_x_text_style_emoji_counts_by_code_point() -> None:
    assert count("\u00a9", X).length == 1  # © without U+FE0F is a Latin-1 character
    assert count("\u263a", X).length == 2  # ☺ outside the light ranges


def test_x_unrecommended_zwj_sequence_counts_its_parts() -> None:
    # man + ZWJ + red hair + ZWJ + curly hair is no recommended emoji:
    # the recommended "man: red hair" (2), a ZWJ (1), then "curly hair" (2).
    assert count("\U0001f468\u200d\U0001f9b0\u200d\U0001f9b1", X).length == 5


def test_x_nfc_and_overflow_index_in_original_text() -> None:
    decomposed = "e\u0301"  # é as two code points counts as one character
    assert count(decomposed * 3, X).length == 3
    result = count(decomposed * 281, X)
    assert result.length == 281
    assert result.over_at == 560  # the 281st é starts at index 560 of the draft


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ufeff"])
def test_x_invalid_characters(char: str) -> None:
    result = count(f"hello {char}", X)
    assert not result.valid
    assert result.reason == f"invalid character U+{ord(char):04X}"


def test_x_directional_controls_are_valid_but_classic_rejects_them() -> None:
    text = "\u202bhello\u202c"
    assert count(text, X).valid
    assert count(text, CLASSIC).reason == "invalid character U+202B"


# --- classic (twitter-text v1) ----------------------------------------------

def test_classic_counts_code_points_and_urls() -> None:
    assert count("\U0001f431" * 140, CLASSIC).valid
    assert count("語" * 140, CLASSIC).valid
    assert count("a" * 141, CLASSIC).reason == "too long"
    assert count("a" * 117 + " https://example.com/" + "x" * 80, CLASSIC).length == 141
    assert count("A\u0301", CLASSIC).length == 1


# --- mastodon ----------------------------------------------------------------

def test_mastodon_urls_with_scheme_count_23_and_bare_domains_as_written() -> None:
    assert count("https://example.com/" + "p" * 200, MASTODON).length == 23
    assert count("gemini://example.org/page", MASTODON).length == 23
    assert count("example.com", MASTODON).length == 11
    assert count("see https://example.com/a_(b) now", MASTODON).length == 4 + 23 + 4


def test_mastodon_remote_mention_counts_as_local_part() -> None:
    assert count("@alice@mastodon.social", MASTODON).length == len("@alice")
    assert count("hi @bob and @carol@example.org!", MASTODON).length == len("hi @bob and @carol!")
    assert count("mail me: carol@example.org", MASTODON).length == 26  # no mention inside a word


def test_mastodon_counts_grapheme_clusters() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert count(family * 500, MASTODON).valid
    assert count("e\u0301" * 500, MASTODON).valid
    result = count("e\u0301" * 501, MASTODON)
    assert (result.length, result.over_at) == (501, 1000)


def test_mastodon_instance_limit_and_url_weight() -> None:
    instance = profile_for("mastodon", limit=1000, url_weight=30)
    assert count("a" * 1000, instance).valid
    assert not count("a" * 1001, instance).valid
    assert count("https://example.com", instance).length == 30


def test_mastodon_content_warning_shares_the_budget() -> None:
    result = count("a" * 450, MASTODON, spoiler="s" * 50)
    assert (result.length, result.valid) == (500, True)
    result = count("a" * 451, MASTODON, spoiler="s" * 50)
    assert (result.valid, result.over_at) == (False, 450)
    assert count("hi", MASTODON, spoiler="s" * 501).over_at == 0


def test_mastodon_blank_text_is_empty() -> None:
    assert count("   \n", MASTODON).reason == "empty"


def test_content_warning_only_where_the_platform_has_one() -> None:
    with pytest.raises(ValueError):
        count("hello", X, spoiler="cw")


# --- bluesky -------------------------------------------------------------------

def test_bluesky_counts_graphemes_and_urls_as_written() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert count(family * 100, BLUESKY).length == 100
    assert count("https://example.com", BLUESKY).length == 19
    assert count("a" * 300, BLUESKY).valid
    assert count("a" * 301, BLUESKY).reason == "too long"


def test_bluesky_byte_cap() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 25 UTF-8 bytes
    result = count(family * 121, BLUESKY)
    assert result.length == 121 and result.utf8_bytes == 3025
    assert (result.valid, result.reason) == (False, "over 3000 bytes")
    assert result.over_at == 120 * len(family)
    assert count(family * 120, BLUESKY).valid


# --- custom --------------------------------------------------------------------

def test_custom_counts_graphemes_against_its_limit() -> None:
    custom = profile_for("custom", limit=5)
    assert count("e\u0301" * 5, custom).valid
    assert count("abcdef", custom).over_at == 5


# --- composition ---------------------------------------------------------------

def test_compose_adds_mention_and_hashtag() -> None:
    post = compose("Yes, tomorrow.", X, mention="nerthase", hashtag="twittertime")
    assert post.text == "@nerthase Yes, tomorrow. #twittertime"
    assert post.text[post.answer_start:post.answer_end] == "Yes, tomorrow."
    assert post.result.length == len(post.text)
    assert post.answer_over_at is None


@pytest.mark.parametrize("answer", ["I love #TwitterTime!", "#twittertime rocks", "yes (#TWITTERTIME)"])
def test_compose_does_not_repeat_the_hashtag(answer: str) -> None:
    post = compose(answer, X, mention="@asker", hashtag="#twittertime")
    assert post.text == f"@asker {answer}"


def test_compose_hashtag_must_match_whole() -> None:
    post = compose("about #twittertimes", X, hashtag="twittertime")
    assert post.text == "about #twittertimes #twittertime"


def test_compose_overflow_index_in_answer_keeps_room_for_hashtag() -> None:
    post = compose("a" * 300, X, mention="@asker", hashtag="tt")
    assert post.text == "@asker " + "a" * 300 + " #tt"
    assert post.result.over_at == 280
    assert post.answer_over_at == 280 - len("@asker ") - len(" #tt")
    fitted = compose("a" * post.answer_over_at, X, mention="@asker", hashtag="tt")
    assert fitted.result.valid and fitted.result.remaining == 0


def test_compose_overflow_in_hashtag_still_marks_the_answer() -> None:
    post = compose("a" * 270, X, hashtag="twittertime")
    assert post.result.over_at is not None and post.result.over_at >= 270
    assert post.answer_over_at == 280 - len(" #twittertime")


def test_compose_for_mastodon_counts_remote_mention_locally() -> None:
    post = compose("a" * 490, MASTODON, mention="@bob@example.social")
    assert post.result.length == len("@bob ") + 490
    assert post.result.valid


def test_compose_content_warning() -> None:
    post = compose("a" * 10, MASTODON, spoiler="x" * 495)
    assert (post.result.valid, post.answer_over_at) == (False, 5)


def test_compose_empty_answer_is_invalid() -> None:
    post = compose("  ", X, mention="asker", hashtag="tt")
    assert (post.result.valid, post.result.reason) == (False, "empty")
