"""What the queue shows: the views, their order, their counts, and row flags.

Plain Python over `store.state.questions` (no Textual), so it can be tested
and timed alone. One pass over the questions gives every view's count; the
selected view is filtered and ordered from the same pass.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from store.model import Question
from store.sanitize import fold

VIEWS: tuple[str, ...] = ("new", "approved", "starred", "dismissed", "answered", "all")
# Views in the host's order: starred first, then most votes, then oldest first.
HOST_ORDER_VIEWS = frozenset({"approved", "starred"})
ORDER_NOTE = {True: "starred, votes, oldest", False: "oldest first"}

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
# A manual retweet prefix, mentions, hashtags and links do not make a question different.
_NOISE = re.compile(r"^(?:rt|mt)\s+@\w+:?|@\w+|#\w+|https?://\S+", re.IGNORECASE)
_NON_WORD = re.compile(r"\W+")


def has_link(question: Question) -> bool:
    return bool(_LINK.search(question.text))


def similarity_key(text: str) -> str:
    """Text reduced to its words: two posts with the same key ask the same thing."""
    return " ".join(_NON_WORD.sub(" ", _NOISE.sub(" ", text[:400].casefold())).split())


@dataclass(frozen=True, slots=True)
class Flags:
    link: bool
    repeated_author: bool
    possible_duplicate: bool


class QueueIndex:
    """Derived facts about the questions, cached per question id."""

    def __init__(self) -> None:
        self._key: dict[str, str] = {}
        self._first_with_key: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self.authors: Counter[str] = Counter()
        self.counts: dict[str, int] = dict.fromkeys(VIEWS, 0)

    def _learn(self, question: Question) -> None:
        key = similarity_key(question.text)
        self._key[question.id] = key
        if key:
            self._first_with_key.setdefault(key, question.id)
        self.authors[question.author] += 1

    def flags(self, question: Question) -> Flags:
        key = self._key.get(question.id, "")
        first = self._first_with_key.get(key) if key else None
        return Flags(
            link=has_link(question),
            repeated_author=self.authors[question.author] > 1,
            possible_duplicate=bool(question.duplicate_of) or (first is not None and first != question.id),
        )

    def matches(self, question: Question, needle: str) -> bool:
        """`needle` (already folded) is in the question's text, author or name."""
        folded = self._folded.get(question.id)
        if folded is None:
            folded = fold(f"{question.author}\n{question.author_name}\n{question.text}\n{' '.join(question.tags)}")
            self._folded[question.id] = folded
        return needle in folded

    def rebuild(self, questions: Iterable[Question], view: str, text_filter: str = "") -> tuple[str, ...]:
        """Every view's count (in `self.counts`) and the ids `view` shows, in order."""
        counts = dict.fromkeys(VIEWS, 0)
        needle = fold(text_filter.strip())
        picked: list[Question] = []
        for question in questions:
            if question.id not in self._key:
                self._learn(question)
            status = question.status
            counts[status] = counts.get(status, 0) + 1
            counts["all"] += 1
            starred = question.starred and status != "dismissed"
            if starred:
                counts["starred"] += 1
            shown = view == "all" or status == view or (view == "starred" and starred)
            if shown and (not needle or self.matches(question, needle)):
                picked.append(question)
        self.counts = counts
        if view in HOST_ORDER_VIEWS:
            rank = {q.id: n for n, q in enumerate(picked)}
            picked.sort(key=lambda q: (not q.starred, -q.votes, rank[q.id]))
        return tuple(q.id for q in picked)
