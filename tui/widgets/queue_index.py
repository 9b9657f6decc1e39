"""What the queue shows: the views, their order, their counts, and row flags.

Plain Python over the store's `SessionState` (no Textual), so it can be
tested and timed alone. `QueueIndex.sync` keeps every view's count and the
shown view's ordered ids up to date from what changed since the last call:
the questions that arrived (the tail of `state.questions`, which is in
arrival order) and the questions named by new events in `state.events`
(every change to a question goes through an event, whoever made it). A full
pass over all questions happens only on the first call and after the store
reloaded its state; a new view or a new filter re-sorts from the per-question
facts already kept.

Near-duplicate groups show as one row per view: the group's members in the
view (and the filter) under its representative, the most voted of them
(the earliest on a tie), sorted by the representative's key with the
group's summed votes. Membership is kept from `group.join` / `group.split`
events (`queue_groups.Groups`), and a change to a member re-reads only its
group.

The row flags need one look at every question's text (about 6 µs each):
`learn` does that in arrival order, a bounded number at a time, so that a
100,000-question session paints before the flags are all known.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from store.events import GroupSet, changes_of, qids_of
from store.model import Question
from store.state import GROUPING, SessionState
from tui.i18n import N_
from tui.widgets.queue_groups import GroupRow, Groups, Moved

VIEWS: tuple[str, ...] = ("new", "approved", "starred", "dismissed", "answered", "all")
# Views in the host's order: starred first, then most votes, then oldest first.
HOST_ORDER_VIEWS = frozenset({"approved", "starred"})
ORDER_NOTE = {True: N_("starred, votes, oldest"), False: N_("oldest first")}  # translated where shown
# At most this many questions' flags are learned inside `sync`; more are left to `learn`.
LEARN_AT_ONCE = 2_000
# More arrivals, or more changed questions (a bulk move), than this in one sync: sort the view
# afresh (about 10 ms at 100k) rather than move them one by one (each a list insert or delete:
# 50,000 of them took seconds).
REGROUP_ARRIVALS = 5_000

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
# A manual retweet prefix, mentions, hashtags and links do not make a question different.
_NOISE = re.compile(r"^(?:rt|mt)\s+@\w+:?|@\w+|#\w+|https?://\S+", re.IGNORECASE)
_NON_WORD = re.compile(r"\W+")

# Where a question sorts in the shown view: its arrival rank (oldest first), or
# (not starred, -votes, rank) in the host's views.
SortKey = int | tuple[bool, int, int]


TOPIC_FILTER = "topic:"  # a filter that starts so matches a tag whole: a longer one is not a narrower one

FOLDED_MAX = 12_000  # folded characters of one question the filter searches
FOLD_FIRST = 64  # characters folded first; each next piece twice as many, up to...
FOLD_CHUNK = 4096
FLOOD_SLACK = 256  # a text folding into more than twice its length plus this is a flood


def fold(text: str, limit: int = FOLDED_MAX) -> str:
    """The form the filter matches on: NFKC, case-folded ('Ａ' finds 'a'),
    at most `limit` characters.

    One character can fold into many (U+FDFA into 18, at 70 ns each), so the
    text is folded a piece at a time and folding stops at `limit`, or as soon
    as the text has folded into more than twice its length (no real post
    does; a flood of such characters does, and the rest of it is not
    searched): a question costs the filter a bounded amount of work.
    """
    if text.isascii():
        return text[:limit].lower()
    if unicodedata.is_normalized("NFKC", text):  # most posts: a quick check, then only case folding
        return text[:limit].casefold()[:limit]
    pieces: list[str] = []
    size = start = 0
    step = FOLD_FIRST
    while start < len(text) and size < limit and size <= 2 * start + FLOOD_SLACK:
        end = start + step
        while end < len(text) and unicodedata.category(text[end]).startswith("M"):
            end += 1  # a piece never splits a character from its marks
        piece = unicodedata.normalize("NFKC", text[start:end]).casefold()
        pieces.append(piece)
        size += len(piece)
        start, step = end, min(step * 2, FOLD_CHUNK)
    return "".join(pieces)[:limit]


def has_link(question: Question) -> bool:
    return bool(_LINK.search(question.shown_text()))


def similarity_key(text: str) -> str:
    """Text reduced to its words: two posts with the same key ask the same thing."""
    return " ".join(_NON_WORD.sub(" ", _NOISE.sub(" ", text[:400].casefold())).split())


def counts_as_starred(question: Question, status: str | None = None) -> bool:
    """Starred and still in play (with its status, or the one it is about to get): the
    Starred view and its count leave dismissed questions out."""
    return question.starred and (status or question.status) != "dismissed"


def in_view(view: str, status: str, starred: bool) -> bool:
    """Whether a question with this status is shown in `view`; `starred` as `counts_as_starred` says."""
    return view == "all" or status == view or (view == "starred" and starred)


@dataclass(frozen=True, slots=True)
class Flags:
    link: bool
    repeated_author: bool
    possible_duplicate: bool


@dataclass(frozen=True, slots=True)
class Shown:
    """The result of a sync: the view's ids in order, and which questions may look different."""

    ids: tuple[str, ...]
    changed: frozenset[str]
    rebuilt: bool  # a full pass: any row may look different


class QueueIndex:
    """Derived facts about the questions, kept per question and updated from changes.

    Questions are numbered in arrival order (their rank); the shown view is a
    list of ids with, alongside, the sorted list of their sort keys, so a
    question moves in or out with a binary search.
    """

    def __init__(self) -> None:
        # Row flags, learned once per question in arrival order.
        self._key: dict[str, str] = {}
        self._first_with_key: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self.authors: Counter[str] = Counter()
        self._learned = 0  # how many of `_arrivals` `learn` has looked at
        # Every question, by rank: its id, and the status the counts last saw.
        self._arrivals: list[str] = []
        self._statuses: list[str] = []
        # By rank too, for a group's row: votes, and whether they moved to an original (a duplicate).
        self._votes: list[int] = []
        self._moved = bytearray()
        self._rank: dict[str, int] = {}
        self._starred: set[str] = set()  # as `counts_as_starred` says, when last seen
        self.counts: dict[str, int] = dict.fromkeys(VIEWS, 0)
        # The shown view: its ids in order, their sort keys (sorted), and in
        # the host's views each shown id's key (their keys change with votes).
        self.view = ""
        self.needle = ""
        self._ids: list[str] = []
        self._ids_given: tuple[str, ...] | None = None  # `_ids` as last handed out; None once it changes
        self._sorted: list[SortKey] = []
        self._placed: dict[str, SortKey] = {}
        # Near-duplicate groups, and the shown view's group rows by group id (placed under their heads).
        self.groups = Groups()
        self._rows: dict[str, GroupRow] = {}
        # Where we are in the store: its generation (a reload bumps it), events read.
        self._questions: Mapping[str, Question] = {}
        self._fresh = True
        self._generation = 0
        self._events_read = 0

    # -- flags -------------------------------------------------------------------

    @property
    def unlearned(self) -> int:
        """Questions whose flags are not known yet (see `learn`)."""
        return len(self._arrivals) - self._learned

    def learn(self, budget: int) -> bool:
        """Learn the flags of up to `budget` more questions, oldest first; True while some remain.

        Oldest first is what makes "the first question with this text" right.
        It reads the questions of the state last given to `sync`.
        """
        end = min(len(self._arrivals), self._learned + budget)
        questions = self._questions
        for qid in self._arrivals[self._learned:end]:
            question = questions.get(qid)
            if question is not None and qid not in self._key:
                key = similarity_key(question.shown_text())
                self._key[qid] = key
                if key:
                    self._first_with_key.setdefault(key, qid)
                self.authors[question.author] += 1
        self._learned = end
        return end < len(self._arrivals)

    def flags(self, question: Question) -> Flags:
        key = self._key.get(question.id, "")
        first = self._first_with_key.get(key) if key else None
        return Flags(
            link=has_link(question),
            repeated_author=self.authors[question.author] > 1,
            possible_duplicate=bool(question.duplicate_of) or (first is not None and first != question.id),
        )

    def matches(self, question: Question, needle: str) -> bool:
        """`needle` (already folded) is in the question's text, author, name or tags; `topic:NAME`
        matches the questions tagged NAME (a session topic, or any tag), whole."""
        if needle.startswith(TOPIC_FILTER):
            name = needle[len(TOPIC_FILTER):].strip()
            return any(fold(tag) == name for tag in question.tags)
        folded = self._folded.get(question.id)
        if folded is None:
            folded = fold(f"{question.author}\n{question.author_name}\n{question.shown_text()}\n{' '.join(question.tags)}")
            self._folded[question.id] = folded
        return needle in folded

    # -- keeping up with the store ---------------------------------------------------

    def sync(self, state: SessionState, view: str, text_filter: str = "", changed: Iterable[str] = ()) -> Shown:
        """Every view's count (in `self.counts`) and the ids `view` shows, in order.

        `changed` names questions known to have changed (the store's events
        name them too; naming them again is harmless).
        """
        self._questions = questions = state.questions
        needle = fold(text_filter.strip())
        if self._reloaded(state):
            self._reindex(state)
            self._show(view, needle)
            return Shown(self._given_ids(), frozenset(), rebuilt=True)
        # Events first: a question's change is made before its event is appended,
        # so everything the events name is already in `questions`.
        events = state.events[self._events_read:]
        self._events_read += len(events)
        touched = set(changed)
        moves: list[tuple[str, str]] = []
        for event in events:
            touched.update(qids_of(event))
            for change in changes_of(event):
                if "tags" in change["after"]:
                    self._folded.pop(change["qid"], None)  # the filter searches its tags
            if event["action"] in GROUPING:
                grouping = cast(GroupSet, event)
                moves.append((grouping["qid"], grouping["group"]))
        start = len(self._arrivals)
        # A copy taken in one C call: worker threads add questions to this dict.
        arrived = list(tuple(questions.values())[start:]) if len(questions) > start else []
        regroup = (view != self.view or len(arrived) > REGROUP_ARRIVALS or len(touched) > REGROUP_ARRIVALS
                   or (needle != self.needle and (self.needle not in needle or needle.startswith(TOPIC_FILTER))))
        narrowed = not regroup and needle != self.needle
        if narrowed:  # every group row is worked out again: any may look different
            self._narrow(needle)
        for question in arrived:
            self._rank[question.id] = len(self._arrivals)
            self._arrivals.append(question.id)
            self._statuses.append("")  # counted just below
            self._votes.append(0)
            self._moved.append(0)
        regrouped: set[str] = set()  # groups whose row must be worked out again
        for qid, gid in moves:
            regrouped.update(self._move(qid, gid, placed=not regroup))
        if len(touched) > REGROUP_ARRIVALS:  # a bulk move: one pass over every question is cheaper
            self._count_all(tuple(questions.values())[:len(self._arrivals)])
        else:
            arrived_ids = {q.id for q in arrived}
            known = (questions.get(qid) for qid in touched if qid in self._rank and qid not in arrived_ids)
            grouped = self.groups.grouped
            for question in (*arrived, *(q for q in known if q is not None)):
                self._recount(question)
                if question.id in grouped:
                    regrouped.add(grouped[question.id])
                elif not regroup:
                    self._position(question)
        if not regroup:
            for gid in regrouped:
                self._place_group(gid)
        if self.unlearned <= LEARN_AT_ONCE:
            self.learn(LEARN_AT_ONCE)
        if regroup:
            self._show(view, needle)
        heads = {row.head for gid in (tuple(self._rows) if narrowed else regrouped) if (row := self._rows.get(gid)) is not None}
        return Shown(self._given_ids(), frozenset(touched | heads), rebuilt=regroup)

    def position(self, qid: str) -> int | None:
        """Where `qid` is in the ids the last `sync` returned, or None (a binary search, not a scan)."""
        key = self._placed_key(qid) if qid in self._rank else None
        return None if key is None else bisect_left(self._sorted, key)

    def row_position(self, qid: str) -> int | None:
        """Where the row showing `qid` is: its own, or its group's when the view shows it there."""
        row = self._rows.get(self.groups.grouped.get(qid, ""))
        return self.position(row.head if row is not None and qid in row.members else qid)

    def group(self, gid: str) -> GroupRow | None:
        """Group `gid` as the shown view has it (None when none of its members is shown)."""
        return self._rows.get(gid)

    def group_row(self, qid: str) -> GroupRow | None:
        """The group whose row `qid` heads, when it shows two or more members; None for a lone row."""
        row = self._rows.get(self.groups.grouped.get(qid, ""))
        return row if row is not None and row.head == qid and len(row.members) > 1 else None

    def _given_ids(self) -> tuple[str, ...]:
        """`_ids` as a tuple, copied only when it changed (a copy of 100,000 ids costs about 1 ms)."""
        if self._ids_given is None:
            self._ids_given = tuple(self._ids)
        return self._ids_given

    def _reloaded(self, state: SessionState) -> bool:
        """Never indexed, or the store replaced its state (a reload keeps the dicts, bumps the generation)."""
        return self._fresh or len(state.events) < self._events_read or state.generation != self._generation

    def _reindex(self, state: SessionState) -> None:
        """Every question's rank and status, and the counts, from scratch (about 30 ms at 100k)."""
        self._fresh = False
        self._generation = state.generation
        self._folded.clear()  # a reload may bring tags whose events were never read here
        self._events_read = len(state.events)  # before reading the questions: later events are read again
        questions = tuple(state.questions.values())
        self._arrivals = [q.id for q in questions]
        self._rank = dict(zip(self._arrivals, range(len(questions))))
        self._count_all(questions)
        self.groups.rebuild(tuple(state.groups.items()), self._rank, self._arrivals)
        self._learned = 0  # known questions are skipped quickly; new ones are learned
        if self.unlearned <= LEARN_AT_ONCE:
            self.learn(LEARN_AT_ONCE)

    def _count_all(self, questions: tuple[Question, ...]) -> None:
        """Every question's status, star and votes, and the counts, afresh; `questions` in rank order."""
        self._statuses = [q.status for q in questions]
        self._votes = [q.votes for q in questions]
        self._moved = bytearray(bool(q.duplicate_of) for q in questions)
        self._starred = {q.id for q in questions if q.starred and q.status != "dismissed"}  # counts_as_starred
        counts = dict.fromkeys(VIEWS, 0)
        for status in set(self._statuses):
            counts[status] = self._statuses.count(status)
        counts["starred"] = len(self._starred)
        counts["all"] = len(questions)
        self.counts = counts

    def _sort_key(self, question: Question) -> SortKey:
        rank = self._rank[question.id]
        if self.view in HOST_ORDER_VIEWS:
            return (not question.starred, -question.votes, rank)
        return rank

    def _show(self, view: str, needle: str) -> None:
        """Pick and order the view's rows from the facts already kept (about 10 ms at 100k)."""
        self.view, self.needle = view, needle
        self._ids_given = None
        self._rows = {}
        if view == "all":
            ranks: Iterable[int] = range(len(self._arrivals))
        elif view == "starred":
            ranks = sorted(self._rank[qid] for qid in self._starred)
        else:
            ranks = [rank for rank, status in enumerate(self._statuses) if status == view]
        questions, arrivals = self._questions, self._arrivals
        if needle:
            ranks = [rank for rank in ranks if self.matches(questions[arrivals[rank]], needle)]
        heads = self._group_rows() if self.groups.grouped else []
        if heads:  # a grouped question shows in its group's row, not in one of its own
            lone = bytearray(b"\x01") * len(arrivals)
            for _, members in self.groups.multi():
                for rank in members:
                    lone[rank] = 0
            ranks = [rank for rank in ranks if lone[rank]]
        if view in HOST_ORDER_VIEWS:
            pairs = sorted([*((self._sort_key(questions[arrivals[rank]]), arrivals[rank]) for rank in ranks), *heads])
            self._sorted = [key for key, _ in pairs]
            self._ids = [qid for _, qid in pairs]
            self._placed = dict(zip(self._ids, self._sorted))
        else:
            order = sorted([*ranks, *(self._rank[head] for _, head in heads)]) if heads else list(ranks)
            self._sorted = list(order)
            self._ids = [arrivals[rank] for rank in order]
            self._placed = {}

    def _group_rows(self) -> list[tuple[SortKey, str]]:
        """The shown view's group rows, kept in `_rows`: each one's sort key and head.
        Reads the grouped questions only (a quarter of a big session)."""
        heads: list[tuple[SortKey, str]] = []
        for gid, members in self.groups.multi():
            shown = self._shown_members(members)
            if shown:
                row, key = self._group_row(gid, shown)
                self._rows[gid] = row
                heads.append((key, row.head))
        return heads

    def _group_row(self, gid: str, members: list[int]) -> tuple[GroupRow, SortKey]:
        """Group `gid`'s row for its `members` in the view (their ranks, oldest first), and the
        row's sort key: its representative's, with the members' votes summed. A member marked a
        duplicate adds nothing: its votes moved to its original (approving a group moves them
        to its head)."""
        arrivals, all_votes, moved = self._arrivals, self._votes, self._moved
        votes = [all_votes[rank] for rank in members]
        rank = members[votes.index(max(votes))]  # the first, so the earliest, of the most voted
        total = sum(votes) - sum(all_votes[rank] for rank in members if moved[rank])
        head = arrivals[rank]
        key: SortKey = (not self._questions[head].starred, -total, rank) if self.view in HOST_ORDER_VIEWS else rank
        return GroupRow(gid, head, tuple([arrivals[rank] for rank in members]), total), key

    def _narrow(self, needle: str) -> None:
        """A longer filter: keep the lone questions that still match, in their order; work out
        the group rows again (a group may lose members, or its head)."""
        self.needle = needle
        self._ids_given = None
        questions = self._questions
        heads = {row.head for row in self._rows.values()}
        kept = [n for n, qid in enumerate(self._ids) if qid not in heads and self.matches(questions[qid], needle)]
        self._sorted = [self._sorted[n] for n in kept]
        self._ids = [self._ids[n] for n in kept]
        if self.view in HOST_ORDER_VIEWS:
            self._placed = dict(zip(self._ids, self._sorted))
        for gid in tuple(self._rows):
            self._place_group(gid)

    def _recount(self, question: Question) -> None:
        """Count `question` where it stands now (and keep its votes for its group's row)."""
        qid, status, starred = question.id, question.status, counts_as_starred(question)
        rank = self._rank[qid]
        self._votes[rank] = question.votes
        self._moved[rank] = bool(question.duplicate_of)
        before = self._statuses[rank]
        if status != before:
            if before:
                self.counts[before] -= 1
            else:
                self.counts["all"] += 1
            self.counts[status] = self.counts.get(status, 0) + 1
            self._statuses[rank] = status
        if starred != (qid in self._starred):
            self.counts["starred"] += 1 if starred else -1
            if starred:
                self._starred.add(qid)
            else:
                self._starred.discard(qid)

    def _placed_key(self, qid: str) -> SortKey | None:
        """The sort key `qid` is shown under now, or None when it is not shown."""
        if self.view in HOST_ORDER_VIEWS:
            return self._placed.get(qid)
        rank = self._rank[qid]
        at = bisect_left(self._sorted, rank)
        return rank if at < len(self._sorted) and self._sorted[at] == rank else None

    def _shows(self, qid: str) -> bool:
        """Whether the shown view (and its filter) holds `qid`, as a row or in its group's."""
        return (in_view(self.view, self._statuses[self._rank[qid]], qid in self._starred)
                and (not self.needle or self.matches(self._questions[qid], self.needle)))

    def _shown_members(self, members: list[int]) -> list[int]:
        """The `members` (ranks) the shown view and its filter hold: `_shows` for each, faster."""
        view, arrivals = self.view, self._arrivals
        if view == "all":
            shown = list(members)
        elif view == "starred":
            starred = self._starred
            shown = [rank for rank in members if arrivals[rank] in starred]
        else:
            statuses = self._statuses
            shown = [rank for rank in members if statuses[rank] == view]
        if self.needle:
            questions, needle = self._questions, self.needle
            shown = [rank for rank in shown if self.matches(questions[arrivals[rank]], needle)]
        return shown

    def _position(self, question: Question) -> None:
        """Move a lone `question` into, out of or within the shown view."""
        qid = question.id
        key = self._sort_key(question) if self._shows(qid) else None
        if key != self._placed_key(qid):
            self._unplace(qid)
            if key is not None:
                self._place(qid, key)

    def _unplace(self, qid: str) -> None:
        """Take `qid`'s row out of the shown view, if it has one."""
        old = self._placed_key(qid)
        if old is None:
            return
        self._ids_given = None
        at = bisect_left(self._sorted, old)
        del self._sorted[at], self._ids[at]
        if self.view in HOST_ORDER_VIEWS:
            del self._placed[qid]

    def _place(self, qid: str, key: SortKey) -> None:
        self._ids_given = None
        at = bisect_left(self._sorted, key)
        self._sorted.insert(at, key)
        self._ids.insert(at, qid)
        if self.view in HOST_ORDER_VIEWS:
            self._placed[qid] = key

    # -- groups --------------------------------------------------------------------

    def _move(self, qid: str, gid: str, *, placed: bool) -> tuple[str, ...]:
        """`qid` moved to group `gid` (an event said so): the groups whose rows must be worked
        out again. With `placed`, the rows the move makes wrong leave the view first: `qid`'s,
        both groups', and that of the question that was alone in `gid` until now."""
        moved: Moved | None = self.groups.move(qid, gid, self._rank, self._arrivals)
        if moved is None:
            return ()
        if placed:
            for row in (self._rows.pop(moved.left, None), self._rows.pop(moved.joined, None)):
                if row is not None:
                    self._unplace(row.head)
            for lone in (qid, moved.was_alone):
                if lone is not None:
                    self._unplace(lone)
        return moved.left, moved.joined

    def _place_group(self, gid: str) -> None:
        """Put group `gid`'s row where it belongs now: its members in the view, its head, its key.

        Reads only this group's members (thousands for the most copied question, not 170,000)."""
        members = self.groups.members(gid)
        old = self._rows.pop(gid, None)
        if len(members) < 2:  # alone (again): a lone row
            if old is not None:
                self._unplace(old.head)
            for rank in members:
                self._position(self._questions[self._arrivals[rank]])
            return
        shown = self._shown_members(members)
        row, key = self._group_row(gid, shown) if shown else (None, None)
        if old is not None and (row is None or row.head != old.head):
            self._unplace(old.head)
        if row is not None and key is not None:
            self._rows[gid] = row
            if self._placed_key(row.head) != key:
                self._unplace(row.head)
                self._place(row.head, key)
