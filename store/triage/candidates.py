"""Finding the few earlier questions a new one may be a copy of, without comparing every pair."""
from __future__ import annotations

from itertools import chain
from typing import Protocol

from store.triage.normalise import Shape

PROBES = 3  # rarest stems of a question looked up in the index
COMMON = 256  # a stem in more indexed shapes than this is too common to find a copy by


class CandidateIndex(Protocol):
    """Shapes by position, and the positions worth comparing with a new shape."""

    def add(self, position: int, s: Shape) -> None: ...

    def candidates(self, s: Shape) -> list[int]: ...


class RareStemIndex:
    """An inverted index of content stems, probed with a new shape's rarest ones.

    A copy keeps most of its original's content words; the rarest of them
    (a city, a program, a group) are shared by few other shapes, so their
    posting lists are short. A stem seen nowhere yet (a typo, a new name) is
    skipped, so a copy with typos still shares its probes with its
    original. A stem in more than `COMMON`
    shapes is too common to help: a question made only of common words
    finds no candidate (only an exact copy joins it).
    """

    def __init__(self) -> None:
        self._postings: dict[str, list[int]] = {}

    def add(self, position: int, s: Shape) -> None:
        for stem in s.probes:
            self._postings.setdefault(stem, []).append(position)

    def candidates(self, s: Shape) -> list[int]:
        """Indexed shapes sharing one of `s`'s `PROBES` rarest stems."""
        postings = self._postings
        probes = sorted((len(postings[stem]), stem) for stem in s.probes if stem in postings)
        lists = [postings[stem] for frequency, stem in probes[:PROBES] if frequency <= COMMON]
        if len(lists) < 2:
            return lists[0] if lists else []
        return list(dict.fromkeys(chain.from_iterable(lists)))
