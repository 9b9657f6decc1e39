"""Session topics by keyword, their shares, and terms rising in the last minutes.

A topic is a name and keywords, one line each as a moderator types them:
``rete: fibra, adsl, 56k, banda larga, digital divide``. A keyword matches
a post when its words appear in a row, compared by their language-neutral
stems (`normalise.plain_stems`), so "fibre" matches "fibra" and "Banda
Larga" matches "#banda larga"; case and accents never matter.
"""
from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from store.triage.normalise import plain_stems, stems, words

OTHER = "other"  # the share of posts that match no topic
VARIANTS = 4  # spellings of a rising term kept (a suggested topic's keywords)


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    keywords: tuple[str, ...]


def parse_topic(line: str) -> Topic:
    """``name: keyword, keyword two, ...``; raises ValueError when there is no name or keyword."""
    name, colon, rest = line.partition(":")
    keywords = tuple(dict.fromkeys(k.strip() for k in rest.split(",") if words(k)))
    if not colon or not name.strip() or not keywords:
        missing = "no name before ':'" if colon and not name.strip() else "no keyword after ':'" if colon else "no ':'"
        raise ValueError(f"{line.strip()[:60]!r} has {missing}: a topic is 'name: keyword, keyword, ...'"
                         " (e.g. 'jobs: lavoro, giovani')")
    return Topic(name.strip(), keywords)


class TopicMatcher:
    """Which topics a post is about."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics = tuple(topics)
        # first stem of a keyword -> (its stems, topic index)
        self._starts: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for index, topic in enumerate(self.topics):
            for keyword in topic.keywords:
                phrase = tuple(plain_stems(words(keyword)))
                self._starts.setdefault(phrase[0], []).append((phrase, index))

    def match(self, text: str) -> list[str]:
        """The names of the topics `text` is about, in the order the topics were given."""
        stemmed = plain_stems(words(text))
        found: set[int] = set()
        for at, stem in enumerate(stemmed):
            for phrase, index in self._starts.get(stem, ()):
                if tuple(stemmed[at : at + len(phrase)]) == phrase:
                    found.add(index)
        return [self.topics[index].name for index in sorted(found)]

    def shares(self, texts: Iterable[str]) -> dict[str, float]:
        """The fraction of `texts` about each topic (a post may count for several), and `OTHER`."""
        counts: Counter[str] = Counter()
        total = 0
        for text in texts:
            total += 1
            counts.update(self.match(text) or [OTHER])
        names = [topic.name for topic in self.topics] + [OTHER]
        return {name: counts[name] / total if total else 0.0 for name in names}


@dataclass(frozen=True, slots=True)
class Rising:
    term: str  # the word as people most often wrote it (folded: lower case, no accents)
    recent: int  # posts in the window that use it
    score: float
    variants: tuple[str, ...] = ()  # the ways it was written, most used first (`term` first)


class RisingTerms:
    """Content words used far more in the last minutes than before: topics to suggest.

    The score is tf-idf with the window as the document: the number of posts
    in the window using a stem, times the log of how rare the stem was in
    the posts before it. Stop words come from the `stop-words` package
    (`normalise.stem`). Feed it a group's first post rather than every copy,
    or a flood will top the list.
    """

    def __init__(self, window_minutes: float = 5.0, min_recent: int = 3) -> None:
        self.window = window_minutes * 60
        self.min_recent = min_recent
        self._recent: deque[tuple[float, tuple[str, ...]]] = deque()
        self._in_window: Counter[str] = Counter()
        self._before: Counter[str] = Counter()
        self._posts_before = 0
        self._spelling: dict[str, Counter[str]] = {}

    def add(self, text: str, at: float) -> None:
        """A post at `at` seconds (any clock, non-decreasing)."""
        folded = words(text)
        self.add_words(folded, stems(folded), at)

    def add_words(self, folded: Sequence[str], stemmed: Sequence[str], at: float) -> None:
        """A post already folded into words, with their `stems` ("" for a stop word), at `at` seconds."""
        terms = []
        for word, stem in zip(folded, stemmed):
            if len(stem) > 2 and not stem.isdigit():
                terms.append(stem)
                self._spelling.setdefault(stem, Counter())[word] += 1
        unique = tuple(dict.fromkeys(terms))
        self._recent.append((at, unique))
        self._in_window.update(unique)
        self._expire(at)

    def _expire(self, now: float) -> None:
        while self._recent and self._recent[0][0] < now - self.window:
            _, terms = self._recent.popleft()
            self._in_window.subtract(terms)
            self._before.update(terms)
            self._posts_before += 1

    def rising(self, now: float, limit: int = 10, exclude: Collection[str] = ()) -> list[Rising]:
        """The `limit` best-scored terms of the window ending at `now`, best first.

        `exclude`: words already covered (a topic's keywords), compared by stem.
        """
        self._expire(now)
        skip = set(plain_stems([w for keyword in exclude for w in words(keyword)]))
        scored = []
        for stem, recent in self._in_window.items():
            if recent >= self.min_recent and stem not in skip:
                rarity = math.log((self._posts_before + 1) / (self._before[stem] + 1)) + 1
                spellings = tuple(word for word, _ in self._spelling[stem].most_common(VARIANTS))
                scored.append(Rising(spellings[0], recent, recent * rarity, spellings))
        scored.sort(key=lambda item: (-item.score, item.term))
        return scored[:limit]
