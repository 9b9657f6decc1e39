"""Near-duplicate groups as the queue keeps them: each group's members, and one row per group.

Plain Python (no Textual), kept by `QueueIndex` from `group.join` /
`group.split` events, so nothing here ever walks every question: a move
touches two groups. Only groups some event named are held (a few hundred,
with a quarter of the questions, at 170,000); a question no event named is
alone in its own group, `g-<qid>` (`store.state.alone`), which this module
never stores. Members are held as arrival ranks (the index's numbering):
reading a group's statuses and votes is then list indexing, not a dict
look-up per member.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from store.state import alone


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A group as the shown view has it: one row for its members in the view."""

    gid: str
    head: str  # the representative: the most voted member in the view, the earliest on a tie
    members: tuple[str, ...]  # its members in the view (and the filter), in arrival order
    votes: int  # their votes, summed (a duplicate's are counted where they moved)


@dataclass(frozen=True, slots=True)
class Moved:
    """What a move changed: the group a question left, the one it joined, and the question
    that was alone in the joined group until now (its own row becomes the group's)."""

    left: str
    joined: str
    was_alone: str | None


class Groups:
    """Which group each question is in; each group's members by arrival rank.

    Invariant: `grouped` names exactly the members of groups of two or more,
    and every list in `_members` is sorted. `rank` maps a question to its
    arrival rank, `arrivals` a rank to its question (the index's own).
    """

    def __init__(self) -> None:
        self._gid_of: dict[str, str] = {}  # qid -> gid, for questions some event named
        self._members: dict[str, list[int]] = {}  # gid -> member ranks, sorted, for groups some event named
        self.grouped: dict[str, str] = {}  # qid -> gid, for members of groups of two or more

    def group_of(self, qid: str) -> str:
        return self._gid_of.get(qid) or alone(qid)

    def members(self, gid: str) -> list[int]:
        """The ranks of `gid`'s members, oldest first (do not change the list)."""
        return self._members.get(gid, [])

    def multi(self) -> Iterator[tuple[str, list[int]]]:
        """Each group of two or more, and its members' ranks."""
        return ((gid, members) for gid, members in self._members.items() if len(members) > 1)

    def rebuild(self, groups: Iterable[tuple[str, str]], rank: Mapping[str, int], arrivals: Sequence[str]) -> None:
        """Start again from the store's groups (qid -> gid, as `SessionState.groups` holds them)."""
        self._gid_of, self._members, self.grouped = {}, {}, {}
        for qid, gid in groups:
            if qid in rank:  # a question stored after the ranks were taken is read with its events
                self._gid_of[qid] = gid
                self._members.setdefault(gid, []).append(rank[qid])
        for gid, members in self._members.items():
            leader = self._leader(gid, rank)
            if leader is not None:
                members.append(rank[leader])
            members.sort()
            if len(members) > 1:
                self.grouped.update(dict.fromkeys((arrivals[r] for r in members), gid))

    def move(self, qid: str, gid: str, rank: Mapping[str, int], arrivals: Sequence[str]) -> Moved | None:
        """`qid` is in `gid` now (a `group.join` or `group.split` event); None when it already was."""
        left = self.group_of(qid)
        if left == gid or qid not in rank:
            return None
        self._leave(qid, left, rank[qid], arrivals)
        self._gid_of[qid] = gid
        members = self._members.get(gid)
        if members is None:
            members = self._members[gid] = []
            leader = self._leader(gid, rank)
            if leader is not None and leader != qid:
                members.append(rank[leader])
        was_alone = arrivals[members[0]] if len(members) == 1 else None
        insort(members, rank[qid])
        if was_alone is not None:
            self.grouped[was_alone] = gid
        if len(members) > 1:
            self.grouped[qid] = gid
        return Moved(left, gid, was_alone)

    def _leave(self, qid: str, gid: str, position: int, arrivals: Sequence[str]) -> None:
        members = self._members.get(gid)
        at = bisect_left(members, position) if members is not None else 0
        if members is None or at == len(members) or members[at] != position:
            return
        del members[at]
        self.grouped.pop(qid, None)
        if len(members) == 1:
            self.grouped.pop(arrivals[members[0]], None)
        elif not members:
            del self._members[gid]

    def _leader(self, gid: str, rank: Mapping[str, int]) -> str | None:
        """The question that started `gid`, when no event moved it there: it is named by the id."""
        leader = gid[2:]
        return leader if leader in rank and self.group_of(leader) == gid else None
