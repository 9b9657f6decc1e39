"""Fediverse mentions, which Mastodon counts by their local part only."""
from __future__ import annotations

import regex

# Mastodon's Account::MENTION_RE: @user or @user@domain, not inside a word or URL path.
_MENTION = regex.compile(
    r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[.\-]+[a-z0-9_]+)*)(?:@\w+(?:[.\-]+\w+)*)?", regex.I
)


def find_mentions(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, counted_length)`` of each mention; ``@user@host`` counts as ``@user``."""
    if "@" not in text:
        return []
    return [(m.start(), m.end(), 1 + len(m.group("user"))) for m in _MENTION.finditer(text)]
