"""Finding the few earlier questions a new one may be a copy of, without comparing every pair."""
from __future__ import annotations

from itertools import chain
from typing import NamedTuple, Protocol

from store.triage.normalise import Shape

PROBES = 3  # rarest stems of a question looked up in the index
COMMON = 256  # a stem in more indexed shapes than this is too common to find a copy by


class Pool(NamedTuple):
    """The indexed shapes worth comparing with a new one: their positions, in lists read one after
    the other, and their keys (all the lists' keys, in that order).

    Lists are joined without removing repeats, which costs more than comparing the few again: a
    position may be there once per list, and its first place is its rank. Only the few best are
    looked up (`position_in`), so the positions are never copied into one list.
    """

    positions: list[list[int]]
    keys: list[str]


NO_POOL = Pool([], [])


def position_in(parts: list[list[int]], index: int) -> int:
    """The position at `index` of `parts` read one after the other."""
    for part in parts:
        if index < len(part):
            return part[index]
        index -= len(part)
    raise IndexError(index)


class CandidateIndex(Protocol):
    """Shapes by position (0, 1, 2... as they are added), and the pool worth comparing with a new shape."""

    def add(self, position: int, s: Shape) -> None: ...

    def pool(self, s: Shape) -> Pool: ...


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
        # stem -> positions, and their keys alike: only stems in at most COMMON shapes
        self._positions: dict[str, list[int]] = {}
        self._keys: dict[str, list[str]] = {}
        # Stems past COMMON: never probed again (a list only grows), so their lists are dropped.
        self._common: set[str] = set()

    def add(self, position: int, s: Shape) -> None:
        positions, common = self._positions, self._common
        for stem in s.probes:
            found = positions.get(stem)
            if found is None:
                if stem not in common:
                    positions[stem] = [position]
                    self._keys[stem] = [s.key]
            elif len(found) < COMMON:
                found.append(position)
                self._keys[stem].append(s.key)
            else:
                del positions[stem], self._keys[stem]
                common.add(stem)

    def pool(self, s: Shape) -> Pool:
        """The shapes sharing one of `s`'s `PROBES` rarest stems (fewest shapes first, then by stem):
        those stems' lists one after the other, repeats left in."""
        positions = self._positions
        known = list(filter(positions.__contains__, s.probes))
        if len(known) < 2:
            return Pool([positions[known[0]]], self._keys[known[0]]) if known else NO_POOL
        rarest = [stem for _, stem in sorted(zip(map(len, map(positions.__getitem__, known)), known))[:PROBES]]  # in C
        return Pool(list(map(positions.__getitem__, rarest)), list(chain.from_iterable(map(self._keys.__getitem__, rarest))))


class PositionIndex:
    """Base of an index that only finds positions (`candidates`): `pool` puts their keys beside them."""

    def __init__(self) -> None:
        self._keys: list[str] = []

    def add(self, position: int, s: Shape) -> None:
        self._keys.append(s.key)

    def candidates(self, s: Shape) -> list[int]:
        raise NotImplementedError

    def pool(self, s: Shape) -> Pool:
        found = self.candidates(s)
        return Pool([found], [self._keys[at] for at in found])
