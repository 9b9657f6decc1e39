"""Counting profiles: how each platform measures a post.

A profile is data only; `store.text.measure` reads it. Keep the numbers here
in step with the platforms' published rules:

* ``x``: twitter-text v3 (config/v3.json): weighted length, 280.
* ``classic``: twitter-text v1 (config/v1.json), the 140-character rule.
* ``mastodon``: Mastodon's StatusLengthValidator, 500 by default.
* ``bluesky``: the app.bsky.feed.post lexicon: 300 graphemes, 3000 bytes.
* ``custom``: graphemes against a limit you give.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["weighted", "code_points", "graphemes"]
UrlRule = Literal["twitter", "mastodon", "as_written"]

# twitter-text v3 weights: code points in these ranges weigh 1, all others 2.
X_LIGHT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x10FF),  # 0-4351: Latin, Greek, Cyrillic, Hebrew, Arabic, Indic...
    (0x2000, 0x200D),  # 8192-8205: spaces, ZWSP, ZWNJ, ZWJ
    (0x2010, 0x201F),  # 8208-8223: dashes and quotation marks
    (0x2032, 0x2037),  # 8242-8247: primes
)

# twitter-text v3 rejects these anywhere in a post (js/src/regexp/invalidCharsGroup.js).
X_INVALID = frozenset("\ufffe\ufeff\uffff")
# twitter-text v1 also rejected the directional embedding/override controls.
CLASSIC_INVALID = X_INVALID | frozenset(chr(c) for c in range(0x202A, 0x202F))

NAMES = ("x", "classic", "mastodon", "bluesky", "custom")


@dataclass(frozen=True)
class Profile:
    """How one platform counts a post.

    ``url_weight`` is what one URL counts as (None: URLs count as written);
    ``url_rule`` says which URLs are recognised: ``twitter`` (twitter-text,
    with or without a scheme), ``mastodon`` (Mastodon's extractor, scheme
    required). ``local_mentions``: ``@user@domain`` counts as ``@user``.
    ``content_warning``: the platform has a spoiler text that shares the
    budget.
    """

    name: str
    limit: int
    unit: Unit
    url_rule: UrlRule = "as_written"
    url_weight: int | None = None
    nfc: bool = False
    emoji_as_one: bool = False
    invalid_chars: frozenset[str] = frozenset()
    local_mentions: bool = False
    content_warning: bool = False
    max_bytes: int | None = None


def profile_for(name: str, *, limit: int | None = None, url_weight: int | None = None) -> Profile:
    """The profile called ``name``, with an optional limit and URL weight.

    ``limit`` replaces the platform's default (an instance's
    ``max_characters``, a paid X account...) and is required for ``custom``;
    ``url_weight`` replaces what a URL counts as (an instance's
    ``characters_reserved_per_url``). Raises ValueError on an unknown name,
    ``custom`` without a limit, a limit or URL weight below 1, or a URL
    weight for a profile that counts URLs as written.
    """
    key = name.strip().lower()
    if key not in NAMES:
        raise ValueError(f"unknown profile {name!r} (choose from {', '.join(NAMES)})")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if url_weight is not None and url_weight < 1:
        raise ValueError(f"URL weight must be at least 1, got {url_weight}")
    if key == "custom" and limit is None:
        raise ValueError("profile 'custom' needs a limit")
    if key in ("bluesky", "custom") and url_weight is not None:
        raise ValueError(f"profile {key!r} counts URLs as written; it takes no URL weight")

    if key == "x":
        return Profile(
            name=key, limit=limit or 280, unit="weighted", url_rule="twitter",
            url_weight=url_weight or 23, nfc=True, emoji_as_one=True, invalid_chars=X_INVALID,
        )
    if key == "classic":
        return Profile(
            name=key, limit=limit or 140, unit="code_points", url_rule="twitter",
            url_weight=url_weight or 23, nfc=True, invalid_chars=CLASSIC_INVALID,
        )
    if key == "mastodon":
        return Profile(
            name=key, limit=limit or 500, unit="graphemes", url_rule="mastodon",
            url_weight=url_weight or 23, local_mentions=True, content_warning=True,
        )
    if key == "bluesky":
        return Profile(name=key, limit=limit or 300, unit="graphemes", max_bytes=3000)
    assert limit is not None
    return Profile(name=key, limit=limit, unit="graphemes")
