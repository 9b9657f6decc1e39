"""Triage as questions arrive, in the process that ingests: near-duplicate groups, topic tags, holds.

`SessionStore.add_questions(..., arrivals=...)` calls `Arrivals.arrive` inside
its commit, against the state it has just caught up with under the lock. The
new questions go into the journal already tagged with their topics (and
dismissed as "held" when a hold rule catches them), followed by a
`group.join` event for each that joined a group: one journal line, so every
process shows the same groups and no reader sees a question without its group.

Before grouping, `Arrivals` reads the history it has not read yet (questions
added and groups split, by any process, in commit order). The grouper is a
pure function of that order (`store.triage.grouping`), so two processes
ingesting into one store reach the same groups, and a process that starts
later rebuilds them from the store. The first use pays for that rebuild
(about 80 µs a question: 13 s at 170,000); later pages only what they bring.

Held questions are grouped like any other: a flood is one group. The flood
rule counts only the posts this process has read since it started (and the
last window of the stored ones), with the session's rules as they are now.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from store.events import Event, GroupSet, QuestionHeld
from store.model import HELD, Question, Settings, parse_time
from store.state import SessionState
from store.triage.grouping import Grouper
from store.triage.rules import FloodWatch, HoldRules, check
from store.triage.topics import TopicMatcher, parse_topic

CATCH_UP_UNLOCKED = 10_000  # unread events past which `behind` says: catch up from a snapshot first


def hold_rules(settings: Settings) -> HoldRules | None:
    """The session's hold rules, or None when it sets none."""
    if not (settings.blocked_words or settings.blocked_authors or settings.hold_link_only or settings.flood_authors):
        return None
    return HoldRules(
        blocked_words=tuple(settings.blocked_words),
        blocked_authors=tuple(settings.blocked_authors),
        hold_link_only=settings.hold_link_only,
        # 0 turns the rule off: no count of accounts reaches it
        flood_authors=settings.flood_authors or 2**62,
        flood_minutes=float(settings.flood_minutes),
    )


def topic_matcher(settings: Settings) -> TopicMatcher | None:
    """The session's topics, or None. `check_settings` refuses a bad line; one a store
    was written with by other means is skipped, never a reason to stop ingesting."""
    topics = []
    for line in settings.topics:
        try:
            topics.append(parse_topic(line))
        except ValueError:
            continue
    return TopicMatcher(topics) if topics else None


def wanted(settings: Settings) -> bool:
    """Whether the session asks for any triage on arrival (none costs nothing)."""
    return settings.group_copies or bool(settings.topics) or hold_rules(settings) is not None


def seconds(question: Question) -> float:
    """When a question was posted (else received), in epoch seconds; 0 when neither time reads."""
    moment = parse_time(question.posted_at) or parse_time(question.received_at)
    return moment.timestamp() if moment else 0.0


class Arrivals:
    """One per ingesting process: its grouper, the topics and hold rules in force, the flood watch."""

    def __init__(self) -> None:
        self.grouper = Grouper()
        self._read = 0  # events of `state.events` read so far
        self._generation: int | None = None  # of the state read (a reload starts again)
        self._floods: FloodWatch | None = None
        self._flood_minutes = 0
        self._settings: tuple[Any, ...] = ()
        self._rules: HoldRules | None = None
        self._topics: TopicMatcher | None = None
        self._grouping = False

    def arrive(self, questions: list[Question], state: SessionState) -> tuple[list[Question], list[Event]]:
        """The new questions as they are to be stored (topics, holds), and the events that go with
        them (`question.hold` naming the rule that caught one, `group.join`): the caller commits these
        after the questions, in the same journal line.

        `state` must be caught up with every commit (`SessionStore` calls this under its lock).
        """
        self.catch_up(state)
        triaged: list[Question] = []
        joins: list[Event] = []
        rules = self._topics is not None or self._rules is not None
        add = self.grouper.add if self._grouping else None
        for question in questions:
            text = question.shown_text()  # one text for the rules and the grouper (its shape is cached)
            if rules:
                question, rule = self._triage(question, text)
                if rule:
                    held: QuestionHeld = {"action": "question.hold", "qid": question.id, "rule": rule}
                    joins.append(held)
            group = None if add is None else add(question.id, text, question.votes)
            if group is not None:
                join: GroupSet = {"action": "group.join", "qid": question.id, "group": group}
                joins.append(join)
            triaged.append(question)
        return triaged, joins

    def behind(self, state: SessionState) -> bool:
        """Whether much of `state`'s history is unread (a first use, a reload, another process's
        pages): worth reading from a snapshot outside the store's lock. What this process has
        just committed is cheap to read under it (its questions are already grouped)."""
        return state.generation != self._generation or len(state.events) - self._read > CATCH_UP_UNLOCKED

    def catch_up(self, state: SessionState) -> None:
        """Group the questions added and apply the splits made since the last call, in commit order."""
        self._configure(state.settings)
        if state.generation != self._generation or len(state.events) < self._read:
            self.grouper, self._read, self._generation = Grouper(), 0, state.generation
            self._floods = None if self._floods is None else FloodWatch(self._flood_minutes)
        events = state.events[self._read:]
        self._read += len(events)
        horizon = self._horizon(state) if self._floods is not None else 0.0
        for event in events:
            if event["action"] == "question.add":
                question = state.questions.get(event["qid"])
                if question is not None and question.id not in self.grouper:
                    if self._grouping:
                        self.grouper.add(question.id, question.shown_text(), question.votes)
                    at = seconds(question) if self._floods is not None else 0.0
                    if self._floods is not None and at >= horizon:
                        self._floods.see(question.author, question.shown_text(), at)
            elif event["action"] == "group.split":
                if self._grouping and event["qid"] in self.grouper:
                    self.grouper.split(event["qid"], event["group"])

    def _horizon(self, state: SessionState) -> float:
        """Stored posts older than this cannot be part of a flood now."""
        last = next(reversed(state.questions.values()), None)
        return 0.0 if last is None else seconds(last) - self._flood_minutes * 60

    def _configure(self, settings: Settings) -> None:
        """Rebuild the matcher and rules when the session's settings changed."""
        key = (tuple(settings.topics), tuple(settings.blocked_words), tuple(settings.blocked_authors),
               settings.hold_link_only, settings.flood_authors, settings.flood_minutes, settings.group_copies)
        if key == self._settings:
            return
        self._settings = key
        if settings.group_copies != self._grouping:  # turned on: group the questions already stored too
            self._grouping, self.grouper, self._read = settings.group_copies, Grouper(), 0
        self._topics = topic_matcher(settings)
        self._rules = hold_rules(settings)
        if not settings.flood_authors:
            self._floods = None
        elif self._floods is None or settings.flood_minutes != self._flood_minutes:
            self._floods = FloodWatch(settings.flood_minutes)
        self._flood_minutes = settings.flood_minutes

    def _triage(self, question: Question, text: str) -> tuple[Question, str]:
        """`question` (whose shown text is `text`) with its topics among its tags, dismissed as held
        when a rule catches it; and the rule that did ("" when none)."""
        topics = [] if self._topics is None else [t for t in self._topics.match(text) if t not in question.tags]
        tags = [*question.tags, *topics]
        hold = None
        if self._rules is not None:
            flood = 0 if self._floods is None else self._floods.see(question.author, text, seconds(question))
            hold = check(self._rules, question.author, text, flood)
        if hold is None:
            return (replace(question, tags=tags) if topics else question), ""
        return replace(question, tags=tags, status="dismissed", reason=HELD), hold.rule
