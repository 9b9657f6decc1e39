"""Near-duplicate groups, formed one question at a time as questions arrive.

A question joins a group when it is the same question as one already seen:
the same `Shape.key` (a retweet, a quote, a copy with other case, accents,
emoji, hashtags, mentions or links), a copy cut short with "…" (a prefix),
or a copy with a few typos. It never joins when a content word differs
("fibra a Bari" / "fibra a Bergamo").

No pair of questions is compared unless they share a rare word: exact keys
are a dict; otherwise the indexed shapes sharing one of the new question's
rarest stems (`candidates`; `bench/triage_bench.py` compares this with
MinHash LSH and a scan) are ranked by rapidfuzz's ratio in C, and the best
few go through `same_question`, which checks word by word that only typos,
a cut or a stop word tell them apart. Only a group's first shapes are
indexed (`INDEXED_PER_GROUP`), so a popular question costs no more to find
than a rare one.

Decisions depend only on the questions given and their order (no hash
order, no clock), so any process replaying the same input reaches the same
groups, and `explain` says which earlier question each join matched.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from store.triage.candidates import CandidateIndex, RareStemIndex, position_in
from store.triage.normalise import Shape, ShapeFields, shape_fields

How = Literal["same text", "cut", "typo"]

RATIO = 85.0  # rapidfuzz ratio (0-100) a candidate needs before the word check
CANDIDATES = 4  # indexed shapes compared in full with a new question
CUT_CANDIDATES = 128  # with a cut one: enough to see every question it could be the start of
INDEXED_PER_GROUP = 4  # distinct shapes of one group kept in the index
MIN_CONTENT = 2  # fewer content words: only an exact copy joins (too little to tell typos from edits)
MAX_TYPOS = 2  # words that may differ by a typo
LONG_WORD = 9  # from this length a typo may be two edits ("Medicare"/"Medicaid" are 8: never)
MAX_STOP_EDITS = 1  # stop words added, dropped or changed


class Posted(Protocol):
    """What `Grouper.load` reads from a stored question (`store.model.Question` has it)."""

    id: str
    text: str
    votes: int


@dataclass(frozen=True, slots=True)
class Join:
    """Why a question joined its group: the earlier question it matched, and how."""

    group: str
    partner: str
    how: How
    score: float  # rapidfuzz ratio against the partner (100 for the same text)


@dataclass(slots=True)
class Group:
    """One row of the queue: a question and its copies."""

    id: str
    members: list[str] = field(default_factory=list)  # in arrival order
    representative: str = ""  # the most-voted member, the earliest on a tie
    indexed: int = 0  # shapes of the group in the candidate index
    anchor: Shape | None = None  # the first member not cut short: every later member must match it


def _typo(a: str, b: str) -> bool:
    """Whether `a` and `b` are one word typed twice: one edit apart (a transposition counts as one),
    two for long words; never short words ("cat"/"car") or numbers ("2012"/"2013")."""
    shorter = min(len(a), len(b))
    if shorter < 4 or not (a + b).isalpha():
        return False
    edits = 2 if shorter >= LONG_WORD else 1
    return OSA.distance(a, b, score_cutoff=edits) <= edits


def _leftovers(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The words of `a` whose stem is not in `b`, and of `b` not in `a` (multisets, in order)."""
    rest = list(b)
    only_a = []
    for item in a:
        for n, other in enumerate(rest):
            if other[0] == item[0]:
                del rest[n]
                break
        else:
            only_a.append(item[1])
    return only_a, [word for _, word in rest]


def _pair_typos(left: list[str], right: list[str]) -> int:
    """Pair words of `left` with typos of them in `right`, removing both; the number paired."""
    paired = 0
    for word in list(left):
        for other in right:
            if _typo(word, other):
                left.remove(word)
                right.remove(other)
                paired += 1
                break
    return paired


def words_agree(a_words: tuple[str, ...], a_stems: tuple[str, ...], b_words: tuple[str, ...], b_stems: tuple[str, ...]) -> bool:
    """Whether two word sequences say the same thing.

    Their content words must have the same stems, but for at most
    `MAX_TYPOS` words one edit apart (compared as typed: a typo can change
    a stem a lot, "quaando" -> "qua"), and at most `MAX_STOP_EDITS` stop
    words may be added, dropped or changed.
    """
    content_a, content_b = _leftovers(
        [(s, w) for w, s in zip(a_words, a_stems) if s], [(s, w) for w, s in zip(b_words, b_stems) if s]
    )
    if len(content_a) > MAX_TYPOS + MAX_STOP_EDITS or len(content_b) > MAX_TYPOS + MAX_STOP_EDITS:
        return False
    stop_a, stop_b = _leftovers(
        [(w, w) for w, s in zip(a_words, a_stems) if not s], [(w, w) for w, s in zip(b_words, b_stems) if not s]
    )
    typos = _pair_typos(content_a, content_b)
    # A typo can turn a stop word into a word the list does not know ("teh").
    typos += _pair_typos(content_a, stop_b) + _pair_typos(content_b, stop_a)
    typos += _pair_typos(stop_a, stop_b)
    return not content_a and not content_b and typos <= MAX_TYPOS and len(stop_a) + len(stop_b) <= MAX_STOP_EDITS


def same_question(a: Shape, b: Shape) -> tuple[How, float] | None:
    """How `a` and `b` are the same question, with rapidfuzz's ratio, or None.

    A cut shape is compared with the start of the other, its last word (maybe
    cut inside) as a prefix of the other's word at that place.
    """
    if a.key == b.key:
        return "same text", 100.0
    if a.cut and (not b.cut or len(a.words) <= len(b.words)):
        short, long = a, b
    elif b.cut:
        short, long = b, a
    else:
        score = fuzz.ratio(a.key, b.key, score_cutoff=RATIO)
        return ("typo", score) if score and words_agree(a.words, a.stems, b.words, b.stems) else None
    n = len(short.words)
    if len(long.words) < n:
        return None
    score = fuzz.ratio(short.key, " ".join(long.words[:n]), score_cutoff=RATIO)
    if not score:
        return None
    last, theirs = short.words[-1], long.words[n - 1]
    if not (theirs.startswith(last) or _typo(last, theirs[: len(last)])):
        return None
    return ("cut", score) if words_agree(short.words[:-1], short.stems[:-1], long.words[: n - 1], long.stems[: n - 1]) else None


class Grouper:
    """Near-duplicate groups of a session's questions, built as they arrive.

    A group's id is "g-" and the id of the question that started it; it keeps
    that id even if that question is later split off. Every question belongs
    to exactly one group, most of them alone.

    Meant to live in the one process that ingests: it records what `add`
    returns as an event (`group.join {qid, group}` when not None) and a
    moderator's `split` as another (`group.split {qid, group}`), and every
    other process shows the groups from those events. After a restart,
    `add` (or `load`) the stored questions and apply the stored splits in
    event order to reach the same state.

    Memory and the garbage collector: most questions stay alone, so a group
    gets a `Group` record only once a second question joins it (or a split
    makes it); a question alone is its group ("g-" and its id), with its
    indexed shape as anchor. Indexed shapes and the reasons for joins are kept
    as plain tuples, which the collector stops tracking: at 170,000 questions
    that leaves it a fifth of the objects to walk.
    """

    def __init__(self, index: CandidateIndex | None = None) -> None:
        self._candidates = index if index is not None else RareStemIndex()
        self._group_of: dict[str, str] = {}  # question id -> group id
        self._votes: dict[str, int] = {}
        self._order: dict[str, int] = {}
        self._groups: dict[str, Group] = {}  # groups with a record (see above)
        self._started: list[str] = []  # every group id, in the order the groups started
        self._why: dict[str, tuple[str, str, How, float]] = {}  # a `Join`'s fields
        self._keys: dict[str, str] = {}  # shape key -> the first question with it
        # The indexed shapes, by position in the candidate index: each shape (a plain tuple) and its
        # question; and the position of each indexed question.
        self._shapes: list[ShapeFields] = []
        self._qids: list[str] = []
        self._position_of: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._group_of)

    def __contains__(self, qid: object) -> bool:
        return qid in self._group_of

    # ---- arrival -----------------------------------------------------------

    def add(self, qid: str, text: str, votes: int = 0) -> str | None:
        """Group one more question: the id of the group it joined, or None if it starts its own.

        Adding a question id already seen changes nothing and returns its group
        (None if it is alone).
        """
        if qid in self._group_of:
            gid = self._group_of[qid]
            return gid if self._size(gid) > 1 else None
        fields = shape_fields(text)
        s = Shape._make(fields)
        join, ambiguous = self._match(s) if s.words else (None, False)
        self._order[qid] = len(self._order)
        self._votes[qid] = votes
        indexed = s.words and not ambiguous
        if join is None:
            gid = self._start(qid, materialise=False)
            if indexed:  # alone: its shape is its group's anchor (`_anchor`) and its first indexed
                self._keys.setdefault(s.key, qid)
                self._index(s, fields, qid)
                named = self._groups.get(gid)  # a record when its own name was taken
                if named is not None:
                    named.indexed += 1
                    named.anchor = None if s.cut else s
            return None
        group = self._group(join.group)
        group.members.append(qid)
        self._group_of[qid] = group.id
        self._why[qid] = (join.group, join.partner, join.how, join.score)
        self._elect(group, qid)
        if indexed:
            self._keys.setdefault(s.key, qid)
            if not s.cut and group.anchor is None:
                group.anchor = s
            # A cut member would only draw what its group's full text already draws, and more.
            if join.how == "typo" and group.indexed < INDEXED_PER_GROUP:
                self._index(s, fields, qid)
                group.indexed += 1
        return group.id

    def load(self, questions: Iterable[Posted]) -> None:
        """Rebuild the groups from stored questions, in the order they arrived."""
        for question in questions:
            self.add(question.id, question.text, question.votes)

    def _start(self, qid: str, gid: str | None = None, *, materialise: bool = True) -> str:
        """Start a group holding `qid`, named `gid` when that name is free, else after `qid`.
        Only a question alone under its own name goes without a `Group` record."""
        own = "g-" + qid
        if gid is None or self._taken(gid):
            gid, suffix = own, 1
            while self._taken(gid):
                suffix += 1
                gid = f"{own}-{suffix}"
        self._group_of[qid] = gid
        self._started.append(gid)
        if materialise or gid != own:
            self._groups[gid] = Group(gid, [qid], qid)
        return gid

    def _taken(self, gid: str) -> bool:
        # a group without a record is a question alone, named after it
        return gid in self._groups or self._group_of.get(gid[2:]) == gid

    def _group(self, gid: str) -> Group:
        """Group `gid`'s record, made now for a question alone."""
        group = self._groups.get(gid)
        if group is None:
            qid = gid[2:]
            position = self._position_of.get(qid)
            group = self._groups[gid] = Group(gid, [qid], qid, 0 if position is None else 1, self._anchor(gid))
        return group

    def _anchor(self, gid: str) -> Shape | None:
        group = self._groups.get(gid)
        if group is not None:
            return group.anchor
        position = self._position_of.get(gid[2:])
        anchor = None if position is None else self._shape(position)
        return None if anchor is None or anchor.cut else anchor

    def _size(self, gid: str) -> int:
        group = self._groups.get(gid)
        return 1 if group is None else len(group.members)

    def _shape(self, position: int) -> Shape:
        return Shape._make(self._shapes[position])

    def _index(self, s: Shape, fields: ShapeFields, qid: str) -> None:
        position = len(self._shapes)
        self._candidates.add(position, s)
        self._shapes.append(fields)  # a plain tuple, untracked by the collector (`normalise.ShapeFields`)
        self._qids.append(qid)
        self._position_of.setdefault(qid, position)

    def _match(self, s: Shape) -> tuple[Join | None, bool]:
        """The best earlier question `s` is a copy of, and whether `s` is a cut that fits several groups.

        A question joins a group only if it also matches the group's anchor
        (its first full text), so a chain of small differences or a cut member
        cannot lead another question in. A cut copy that fits several groups
        was cut before the words that tell them apart: it stays alone and out
        of the index, so that it never draws later copies of either. Longer
        evidence wins: a match with a shorter cut counts only when nothing
        longer matched.
        """
        first = self._keys.get(s.key)
        if first is not None and not s.cut:
            return Join(self._group_of[first], first, "same text", 100.0), False
        # A cut is checked again even when its text is known: more questions may
        # have arrived since that show it could be the start of another.
        known = None if first is None else Join(self._group_of[first], first, "same text", 100.0)
        if len(s.probes) < MIN_CONTENT:
            return known, False
        closest = self._closest(s, CUT_CANDIDATES if s.cut else CANDIDATES)
        if not closest:
            return known, False
        found: list[tuple[bool, Join]] = []  # (matched only a shorter cut, join)
        settled: dict[str, bool] = {}  # group -> already matched (True) or its anchor refused `s` (False)
        for position in closest:
            qid = self._qids[position]
            gid = self._group_of[qid]
            if gid in settled:
                continue  # a later candidate of a group can only score lower (best first)
            other = self._shape(position)
            match = same_question(s, other)
            if match is None:
                continue
            # (an anchor equal to `other` gives the same answer as `other` did)
            anchor = self._anchor(gid)
            if anchor is not None and anchor != other and same_question(s, anchor) is None:
                settled[gid] = False
                continue
            weaker = s.cut and other.cut and len(other.words) < len(s.words)
            if not weaker:
                settled[gid] = True
            found.append((weaker, Join(gid, qid, match[0], match[1])))
        if any(not weaker for weaker, _ in found):
            found = [item for item in found if not item[0]]
        joins = [join for _, join in found]
        if not joins:
            return known, False
        # by ratio, then the candidate first in `_closest` order (the earliest on a tie)
        best = max(joins, key=lambda join: join.score)
        if s.cut and not self._one_question(joins):
            return None, True
        return best, False

    def _one_question(self, joins: list[Join]) -> bool:
        """Whether the groups a cut matched all hold one question.

        Copies of one question can sit in two groups (a copy with more typos
        than `same_question` allows starts its own), and a cut that fits both
        is still that question. A group with no full text (only cuts) says
        nothing of what the cut removed. Two full texts that are not the same
        question mean the cut could be either.
        """
        anchors = [a for a in dict.fromkeys(self._anchor(join.group) for join in joins) if a is not None]
        return all(same_question(anchors[0], anchor) is not None for anchor in anchors[1:])

    def _closest(self, s: Shape, limit: int) -> list[int]:
        """The `limit` candidates most like `s` by rapidfuzz ratio (of their start, for a cut), best first."""
        parts, keys = self._candidates.pool(s)
        if not keys:
            return []
        if s.cut:
            keys = [key[:len(s.key)] for key in keys]
        # best first; rapidfuzz keeps the pool's order among equal scores (the lowest index first)
        found = process.extract(s.key, keys, scorer=fuzz.ratio, score_cutoff=RATIO, limit=limit * len(parts))
        if len(parts) == 1:
            return [parts[0][index] for _, _, index in found]
        # A repeat has its first place's score and a later index: it comes after it. Keep the first.
        return list(dict.fromkeys(position_in(parts, index) for _, _, index in found))[:limit]

    # ---- votes and moderator corrections -------------------------------------

    def set_votes(self, qid: str, votes: int) -> None:
        """A question's votes changed: its group's representative may change with them."""
        self._votes[qid] = votes
        group = self._groups.get(self._group_of[qid])
        if group is not None:
            group.representative = min(group.members, key=self._rank)

    def _rank(self, qid: str) -> tuple[int, int]:
        return -self._votes[qid], self._order[qid]

    def _elect(self, group: Group, qid: str) -> None:
        if self._rank(qid) < self._rank(group.representative):
            group.representative = qid

    def split(self, qid: str, gid: str | None = None) -> str:
        """Take `qid` out of its group (a moderator says it is another question); its new group's id.

        `gid` names the new group (as the stored `group.split` event did) when no group has that id yet.
        """
        old = self._groups.get(self._group_of[qid])
        if old is None or len(old.members) == 1:
            return self._group_of[qid]
        old.members.remove(qid)
        old.representative = min(old.members, key=self._rank)
        self._why.pop(qid, None)
        return self._start(qid, gid)

    # ---- reading -------------------------------------------------------------

    def group_of(self, qid: str) -> str:
        return self._group_of[qid]

    def group(self, gid: str) -> Group:
        """Group `gid` (for a question alone, a record made for the asking, not kept)."""
        group = self._groups.get(gid)
        if group is not None:
            return group
        if not self._taken(gid):
            raise KeyError(gid)
        qid = gid[2:]
        return Group(gid, [qid], qid, int(qid in self._position_of), self._anchor(gid))

    def explain(self, qid: str) -> Join | None:
        """Why `qid` is in its group (None if it started it or was split off)."""
        why = self._why.get(qid)
        return None if why is None else Join(*why)

    def groups(self, min_size: int = 2) -> Iterator[Group]:
        """Groups of at least `min_size` members, in the order they started."""
        if min_size > 1:
            return (group for gid in self._started if (group := self._groups.get(gid)) and len(group.members) >= min_size)
        return (self.group(gid) for gid in self._started)
