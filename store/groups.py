"""What triage made of a session, read from its state: groups, topic shares, hold counts.

Every figure here comes from what the store holds (`group.join` / `group.split`
events, tags, `SessionState.holds`), so every process and every export says the
same. Only questions still asked count for groups and topic shares: dismissed
ones (held by a rule, spam, duplicates whose votes went to the original) are
left out, so a held flood is never the most-asked question.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from store.events import qids_of
from store.model import Question, Settings
from store.state import SessionState
from store.triage.rules import RULES
from store.triage.topics import OTHER


@dataclass(frozen=True, slots=True)
class GroupView:
    id: str
    members: tuple[Question, ...]  # still asked, in arrival order
    votes: int  # summed over the members
    representative: Question  # the most voted member, the earliest on a tie
    topics: tuple[str, ...]  # its members' topics, in the session's order


def asked(question: Question) -> bool:
    return question.status != "dismissed"


def topic_names(settings: Settings) -> list[str]:
    """The session's topics as questions are tagged with them (`check_settings` stores `name: keywords`)."""
    return [line.partition(":")[0] for line in settings.topics]


def topics_of(question: Question, names: list[str]) -> list[str]:
    """The topics among a question's tags, in the session's order."""
    return [name for name in names if name in question.tags]


def merged(question: Question) -> bool:
    """Dismissed as another question's duplicate: still asked (its votes moved to that one)."""
    return question.status == "dismissed" and question.reason == "duplicate" and bool(question.duplicate_of)


def ranked_groups(state: SessionState, *, min_size: int = 1) -> list[GroupView]:
    """Groups of at least `min_size` asked questions, by summed votes, then size, then first arrival.
    Copies merged into another question (an approved group keeps one) still count as asked."""
    by_group: dict[str, list[Question]] = {}
    for question in state.questions.values():
        if asked(question) or merged(question):
            by_group.setdefault(state.group_of(question.id), []).append(question)
    names = topic_names(state.settings)
    views = [_view(gid, members, names) for gid, members in by_group.items() if len(members) >= min_size]
    order = {gid: n for n, gid in enumerate(by_group)}
    views.sort(key=lambda view: (-view.votes, -len(view.members), order[view.id]))
    return views


def _view(gid: str, members: list[Question], names: list[str]) -> GroupView:
    best = min(range(len(members)), key=lambda n: (merged(members[n]), -members[n].votes, n))
    tagged = {topic for member in members for topic in topics_of(member, names)}
    votes = sum(m.votes for m in members if not merged(m))  # a merged copy's votes are counted where they went
    return GroupView(gid, tuple(members), votes, members[best],
                     tuple(name for name in names if name in tagged))


def topic_shares(state: SessionState) -> dict[str, float]:
    """Each topic's share of the asked questions (one may count for several), then `other`; {} with no topics."""
    names = topic_names(state.settings)
    if not names:
        return {}
    counts: Counter[str] = Counter()
    total = 0
    for question in state.questions.values():
        if asked(question):
            total += 1
            counts.update(topics_of(question, names) or [OTHER])
    return {name: counts[name] / total if total else 0.0 for name in [*names, OTHER]}


def hold_counts(state: SessionState) -> dict[str, int]:
    """Questions each hold rule caught on arrival (also those a moderator let through since), in rule order."""
    counts = Counter(state.holds.values())
    return {rule: counts[rule] for rule in RULES if counts[rule]}


class TriageTally:
    """`topic_shares` and `hold_counts`, kept up to date from what changed: the header's live figures.

    `sync(state)` reads only the events since its last call: a `question.add`
    counts the new question, a `question.hold` its rule, any other event
    recounts the questions it names. So an arrival costs the same at 170,000
    questions as at ten. Each question's part is remembered only when it is
    not the plain one (asked, no topic). `count(snapshot)` starts again from a
    consistent copy (`SessionStore.snapshot`): needed at first, after the store
    reloaded its state and when the session's topics change (`sync` says so).
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self._parts: dict[str, tuple[str, ...] | None] = {}  # qid -> its topics, None when not asked
        self._counts: Counter[str] = Counter()  # topic (or OTHER) -> asked questions with it
        self._asked = 0
        self._held: Counter[str] = Counter()
        self._events_read = 0
        self._generation: int | None = None

    def count(self, snapshot: SessionState) -> None:
        """Count everything afresh from `snapshot` (a consistent copy: its events match its questions)."""
        self.names = names = topic_names(snapshot.settings)
        parts: dict[str, tuple[str, ...] | None] = {}
        counts: Counter[str] = Counter()
        plain = 0
        for question in snapshot.questions.values() if names else ():  # `_see`, unrolled: 170,000 of them
            if not asked(question):
                parts[question.id] = None
            elif question.tags and (part := tuple(name for name in names if name in question.tags)):
                parts[question.id] = part
                counts.update(part)
            else:
                plain += 1
        counts[OTHER] += plain
        self._parts, self._counts = parts, counts
        self._asked = sum(part is not None for part in parts.values()) + plain
        self._held = Counter(snapshot.holds.values())
        self._events_read = len(snapshot.events)
        self._generation = snapshot.generation

    def sync(self, state: SessionState) -> bool:
        """Count what changed in the live `state` since the last call; False (nothing read) when it
        needs `count` first: never counted, reloaded, or the session's topics changed."""
        if (self._generation != state.generation or len(state.events) < self._events_read
                or topic_names(state.settings) != self.names):
            return False
        events = state.events[self._events_read:]  # one call: workers append to it
        self._events_read += len(events)
        for event in events:
            if event["action"] == "question.hold":
                self._held[event["rule"]] += 1
            if self.names:
                new = event["action"] == "question.add"
                for qid in qids_of(event):
                    question = state.questions.get(qid)
                    if question is not None:
                        self._see(question, None if new else self._parts.get(qid, ()))
        return True

    def _see(self, question: Question, before: tuple[str, ...] | None) -> None:
        """Count `question` as it is now, in place of `before` (its part as counted; None counts nothing)."""
        part = tuple(topics_of(question, self.names)) if asked(question) else None
        if part != before:
            self._add(before, -1)
            self._add(part, 1)
        if part == ():
            self._parts.pop(question.id, None)
        else:
            self._parts[question.id] = part

    def _add(self, part: tuple[str, ...] | None, step: int) -> None:
        if part is not None:
            self._asked += step
            for name in part or (OTHER,):
                self._counts[name] += step

    def shares(self) -> dict[str, float]:
        """As `topic_shares` says, for the state last synced."""
        if not self.names:
            return {}
        return {name: self._counts[name] / self._asked if self._asked else 0.0 for name in [*self.names, OTHER]}

    @property
    def holds(self) -> dict[str, int]:
        """As `hold_counts` says, for the state last synced."""
        return {rule: self._held[rule] for rule in RULES if self._held[rule]}
