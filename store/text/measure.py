"""Measuring a text the way a profile's platform does.

`measure` cuts a text into counted units (a character, a grapheme cluster,
a URL, an emoji sequence, a mention) and keeps the running total after each,
so one pass answers both "how long is it" and "where does it first go over
a budget", for the whole post or for the answer inside it.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import regex

from .emoji_sequences import find_emoji
from .mentions import find_mentions
from .profiles import X_LIGHT_RANGES, Profile
from .urls import find_urls

_GRAPHEME = regex.compile(r"\X")
EMOJI_WEIGHT = 2


@dataclass(frozen=True)
class CountResult:
    """A post's length as its platform counts it.

    ``over_at`` is the index in the counted text of the first unit that does
    not fit (None when everything fits); ``reason`` says why the text is
    invalid (``empty``, ``too long``, ``over 3000 bytes``, ``invalid
    character U+FFFE``), None when valid. ``utf8_bytes`` is set for profiles
    with a byte cap.
    """

    length: int
    limit: int
    remaining: int
    valid: bool
    over_at: int | None
    reason: str | None
    utf8_bytes: int | None = None


@dataclass(frozen=True)
class Measure:
    """Counted units of one text: where each starts and the totals after it."""

    starts: tuple[int, ...]
    totals: tuple[int, ...]
    byte_totals: tuple[int, ...]
    invalid: str | None
    blank: bool

    @property
    def length(self) -> int:
        return self.totals[-1] if self.totals else 0

    @property
    def utf8_bytes(self) -> int:
        return self.byte_totals[-1] if self.byte_totals else 0

    def over_index(self, budget: int, byte_budget: int | None = None) -> int | None:
        """Index of the first unit that takes the total past either budget."""
        cut = bisect_right(self.totals, budget)
        if byte_budget is not None:
            cut = min(cut, bisect_right(self.byte_totals, byte_budget))
        return self.starts[cut] if cut < len(self.starts) else None

    def totals_before(self, index: int) -> tuple[int, int]:
        """Length and bytes of the units that start before ``index``."""
        count = bisect_left(self.starts, index)
        if count == 0:
            return 0, 0
        return self.totals[count - 1], self.byte_totals[count - 1]


def measure(text: str, profile: Profile) -> Measure:
    """Cut ``text`` into the units ``profile`` counts."""
    if profile.unit == "graphemes":
        return _measure_graphemes(text, profile)
    return _measure_twitter(text, profile)


def count(text: str, profile: Profile, *, spoiler: str = "") -> CountResult:
    """Count ``text`` (and a content warning, where the platform has one)."""
    return result_for(measure(text, profile), profile, spoiler=spoiler)


def result_for(found: Measure, profile: Profile, *, spoiler: str = "") -> CountResult:
    """The CountResult for an already measured text."""
    if spoiler and not profile.content_warning:
        raise ValueError(f"profile {profile.name!r} has no content warning")
    spoiler_length = sum(1 for _ in _GRAPHEME.finditer(spoiler))
    length = spoiler_length + found.length
    limit = profile.limit
    over_at = 0 if spoiler_length > limit else found.over_index(limit - spoiler_length, profile.max_bytes)
    utf8_bytes = found.utf8_bytes if profile.max_bytes is not None else None
    reason: str | None = None
    if found.blank:
        reason = "empty"
    elif found.invalid is not None:
        reason = f"invalid character U+{ord(found.invalid):04X}"
    elif length > limit:
        reason = "too long"
    elif profile.max_bytes is not None and found.utf8_bytes > profile.max_bytes:
        reason = f"over {profile.max_bytes} bytes"
    return CountResult(
        length=length, limit=limit, remaining=limit - length, valid=reason is None,
        over_at=over_at, reason=reason, utf8_bytes=utf8_bytes,
    )


def _measure_twitter(text: str, profile: Profile) -> Measure:
    """twitter-text's parseTweet: NFC, then URLs, emoji and weighted characters."""
    counted, origin = _nfc_with_origins(text) if profile.nfc else (text, None)
    entities: dict[int, tuple[int, int]] = {}
    if profile.emoji_as_one:
        entities.update((start, (end, EMOJI_WEIGHT)) for start, end in find_emoji(counted))
    if profile.url_weight is not None:  # URLs win over emoji starting at the same index
        entities.update((start, (end, profile.url_weight)) for start, end in find_urls(counted, "twitter"))
    weighted = profile.unit == "weighted"
    starts: list[int] = []
    totals: list[int] = []
    total = index = 0
    size = len(counted)
    while index < size:
        entity = entities.get(index)
        if entity is not None:
            end, weight = entity
        else:
            end, weight = index + 1, _weight(ord(counted[index])) if weighted else 1
        total += weight
        starts.append(index if origin is None else origin[index])
        totals.append(total)
        index = end
    invalid = next((char for char in counted if char in profile.invalid_chars), None)
    return Measure(tuple(starts), tuple(totals), tuple(totals), invalid, blank=not text)


def _weight(code_point: int) -> int:
    for low, high in X_LIGHT_RANGES:
        if low <= code_point <= high:
            return 1
    return 2


def _nfc_with_origins(text: str) -> tuple[str, list[int] | None]:
    """NFC form of ``text`` and, when it differs, each character's origin index.

    Normalisation never crosses a grapheme cluster boundary, so the clusters
    are normalised one by one; a character of a changed cluster maps back to
    the cluster's start.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    for cluster in _GRAPHEME.finditer(text):
        normal = unicodedata.normalize("NFC", cluster.group())
        pieces.append(normal)
        if normal == cluster.group():
            origin.extend(range(cluster.start(), cluster.end()))
        else:
            origin.extend([cluster.start()] * len(normal))
    return "".join(pieces), origin


def _measure_graphemes(text: str, profile: Profile) -> Measure:
    """Grapheme clusters; for Mastodon URLs and remote mentions count as rewritten."""
    blank = not text.strip() if profile.local_mentions else not text
    entities: list[tuple[int, int, int]] = []
    if profile.url_rule == "mastodon" and profile.url_weight is not None:
        entities += [(start, end, profile.url_weight) for start, end in find_urls(text, "mastodon")]
    if profile.local_mentions:
        entities += find_mentions(text)
    starts: list[int] = []
    totals: list[int] = []
    byte_totals: list[int] = []
    total = byte_total = position = 0

    def add_clusters(until: int) -> None:
        nonlocal total, byte_total
        for cluster in _GRAPHEME.finditer(text, position, until):
            total += 1
            byte_total += len(cluster.group().encode("utf-8", "surrogatepass"))
            starts.append(cluster.start())
            totals.append(total)
            byte_totals.append(byte_total)

    if not blank:
        for start, end, weight in sorted(entities):
            if start < position:
                continue  # overlaps an entity already counted
            add_clusters(start)
            total += weight
            byte_total += len(text[start:end].encode("utf-8", "surrogatepass"))
            starts.append(start)
            totals.append(total)
            byte_totals.append(byte_total)
            position = end
        add_clusters(len(text))
    return Measure(tuple(starts), tuple(totals), tuple(byte_totals), None, blank)
