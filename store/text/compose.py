"""The post that will really be sent: ``@asker answer #hashtag``, counted."""
from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from .measure import CountResult, measure, result_for
from .profiles import Profile


@dataclass(frozen=True)
class Post:
    """One composed post and its count.

    ``text[answer_start:answer_end]`` is the answer (for a thread part, that
    part's slice of the answer); ``answer_over_at`` is the index in that
    answer text from which it no longer fits, with the mention, numbering and
    hashtag kept (None when the post is not too long).
    """

    text: str
    answer_start: int
    answer_end: int
    result: CountResult
    answer_over_at: int | None

    @property
    def answer(self) -> str:
        return self.text[self.answer_start:self.answer_end]


def normalise_mention(mention: str | None) -> str | None:
    """``nerthase`` or ``@nerthase`` -> ``@nerthase``; blank -> None."""
    handle = (mention or "").strip().lstrip("@")
    return f"@{handle}" if handle else None


def normalise_hashtag(hashtag: str | None) -> str | None:
    """``twittertime`` or ``#twittertime`` -> ``#twittertime``; blank -> None."""
    tag = (hashtag or "").strip().lstrip("#＃")
    return f"#{tag}" if tag else None


def has_hashtag(text: str, hashtag: str) -> bool:
    """Whether ``text`` already carries ``hashtag`` as a whole tag, in any case."""
    name = regex.escape(hashtag.lstrip("#"))
    return regex.search(rf"(?<![\w&])[#＃]{name}(?![\w])", text, regex.I) is not None


def compose(
    answer: str,
    profile: Profile,
    *,
    mention: str | None = None,
    hashtag: str | None = None,
    spoiler: str = "",
) -> Post:
    """Compose and count ``[@mention ]answer[ #hashtag]``.

    The hashtag is left off when the answer already contains it. An answer
    of only whitespace makes the post invalid ("empty") even with a mention
    or hashtag around it.
    """
    return build_post(answer, profile, mention=mention, hashtag=hashtag, spoiler=spoiler)


def build_post(
    answer: str,
    profile: Profile,
    *,
    mention: str | None,
    hashtag: str | None,
    spoiler: str = "",
    numbering: str = "",
) -> Post:
    """`compose`, with a thread part's numbering (`` 2/3``) after the answer."""
    handle = normalise_mention(mention)
    tag = normalise_hashtag(hashtag)
    prefix = f"{handle} " if handle else ""
    suffix = f" {tag}" if tag and not has_hashtag(answer, tag) else ""
    text = f"{prefix}{answer}{numbering}{suffix}"
    answer_start, answer_end = len(prefix), len(prefix) + len(answer)

    found = measure(text, profile)
    result = result_for(found, profile, spoiler=spoiler)
    if not answer.strip() and result.reason != "empty":
        result = replace(result, valid=False, reason="empty")
    answer_over_at = None
    if result.over_at is not None:
        # Keep room for what follows the answer (numbering, hashtag).
        length_before, bytes_before = found.totals_before(answer_end)
        tail_length, tail_bytes = found.length - length_before, found.utf8_bytes - bytes_before
        spoiler_length = result.length - found.length
        byte_budget = None if profile.max_bytes is None else profile.max_bytes - tail_bytes
        over = found.over_index(profile.limit - spoiler_length - tail_length, byte_budget)
        over = answer_end if over is None else over
        answer_over_at = min(max(over - answer_start, 0), len(answer))
    return Post(text, answer_start, answer_end, result, answer_over_at)
