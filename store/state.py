"""The in-memory session and the one function that applies an event to it.

Live commits and journal replay both go through `SessionState.apply`, so a
replayed journal reaches exactly the state the live process had.

Records are never changed in place: an event that changes a question puts a
new `Question` in its place (and so for settings). A shallow copy of the
containers (`copy`) is therefore a consistent snapshot that later events
cannot alter, which is what a reader on another thread needs (an export
rendering while sources add questions).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any, cast

from store.events import REVISING, AnswerRevised, Change, Event, QuestionAdded, QuestionFields, changes_of
from store.model import Answer, Draft, OutboxPart, Presence, Question, Settings, SourceRecord, handle

# Events that only set state (a draft, a source's cursor, a process's presence): not history worth keeping.
STATE_ONLY = frozenset({"draft.set", "source.set", "presence.set"})
GROUPING = frozenset({"group.join", "group.split"})


# Per change of an event: (the question it was built from, the question after the change), or None.
Prepared = list[tuple[Question, Question] | None]


_FIELDS = tuple(f.name for f in fields(Question))  # every field is an __init__ argument, in this order
_VALUES = attrgetter(*_FIELDS)
_PLACE = {name: number for number, name in enumerate(_FIELDS)}


def changed(question: Question, change: Change) -> Question:
    """`question` with a change's `after` fields (lists copied: records never share a mutable field).

    `dataclasses.replace` without its checks: 2 µs instead of 15 (it walks the fields each call),
    which is most of the time a 50,000-question bulk move takes."""
    values: list[Any] = list(_VALUES(question))
    for name, value in change["after"].items():
        values[_PLACE[name]] = list(value) if isinstance(value, list) else value
    return Question(*values)


def share_fields(event: Event) -> None:
    """Let an event's changes share their equal `before` and `after` dicts (events are read, never
    changed, once built). The history keeps every event: a 50,000-question bulk move read from
    JSON holds 100,000 such dicts (about 35 MB); shared, a handful. A list value (tags) stays apart."""
    changes = changes_of(event)
    if len(changes) < 2:
        return
    seen: dict[Any, QuestionFields] = {}
    for change in changes:
        for side in ("before", "after"):
            fields = change[side]
            try:
                change[side] = seen.setdefault(tuple(fields.items()), fields)
            except TypeError:  # unhashable: a list
                continue


def alone(qid: str) -> str:
    """The group id of a question no group event names: the group it started."""
    return f"g-{qid}"


@dataclass
class SessionState:
    settings: Settings = field(default_factory=Settings)
    questions: dict[str, Question] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    outbox: dict[str, OutboxPart] = field(default_factory=dict)
    sources: dict[str, SourceRecord] = field(default_factory=dict)  # by spec
    presence: dict[str, Presence] = field(default_factory=dict)  # by process id
    # question id -> its near-duplicate group, from `group.join` / `group.split` events only;
    # a question not in it is alone (`group_of`).
    groups: dict[str, str] = field(default_factory=dict)
    # qid -> the hold rule that dismissed it on arrival. Kept apart, and only for the few held:
    # one more field on every question would cost 67 MB while a 100,000-question snapshot loads.
    holds: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    last_seq: int = 0
    # Bumped when `take` replaces the whole state (a reload): readers that keep
    # derived facts (the queue index) start again from scratch.
    generation: int = 0

    def apply(self, event: Event, *, provisional: bool = False, prepared: Prepared | None = None) -> None:
        """Apply one event; committed events at or below `last_seq` are skipped.

        A provisional event (kept in memory while the disk refuses writes)
        goes into the history with `seq` None and does not move `last_seq`.
        `prepared`: this event's `prepare`, made earlier (see there).
        """
        seq = event.get("seq")
        if not provisional and (seq is None or seq <= self.last_seq):
            return
        if event["action"] == "question.add":
            question = Question.from_dict(event["question"])
            self.questions[question.id] = question
            event = cast(QuestionAdded, {k: v for k, v in event.items() if k != "question"})
        elif event["action"] == "session.set":
            known = Settings.__dataclass_fields__
            self.settings = replace(self.settings, **{k: v for k, v in event["after"].items() if k in known})
        elif event["action"] == "draft.set":
            self.drafts[event["qid"]] = Draft(event["qid"], event["text"], event.get("at", ""), event.get("actor", ""))
        elif event["action"] == "answer.add":
            self.answers[event["qid"]] = Answer.from_dict(event["answer"])
            self.drafts.pop(event["qid"], None)
        elif event["action"] in REVISING:
            self._revise(cast(AnswerRevised, event))
        elif event["action"] == "outbox.set":
            part = OutboxPart.from_dict(event["part"])
            self.outbox[part.id] = part
        elif event["action"] == "source.set":
            record = SourceRecord.from_dict(event["source"])
            self.sources[record.spec] = record
        elif event["action"] == "presence.set":
            presence = Presence.from_dict(event["presence"])
            self.presence[presence.id] = presence
        elif event["action"] == "group.join" or event["action"] == "group.split":
            self.groups[event["qid"]] = event["group"]
        elif event["action"] == "question.hold":
            self.holds[event["qid"]] = event["rule"]
        elif event["action"] == "dismiss" and "block" in event:
            self._block(event["block"], True)
        elif event["action"] == "undo" and "unblock" in event:
            self._block(event["unblock"], False)
        for number, change in enumerate(changes_of(event)):
            current = self.questions.get(change["qid"])
            if current is not None:
                ready = prepared[number] if prepared else None
                # a record built from the question as it still is; else (an earlier change in this event) anew
                self.questions[current.id] = ready[1] if ready and ready[0] is current else changed(current, change)
        if event["action"] not in STATE_ONLY:
            self.events.append(event)
        if not provisional and seq is not None:
            self.last_seq = seq

    def prepare(self, event: Event) -> Prepared:
        """The records `event` puts in place of the questions it changes, built without changing anything.

        Building them is most of the cost of applying a bulk change (a new record per question: about
        5 µs each, a quarter of a second for 50,000). A store builds them before it takes its readers'
        lock, so a reader (the screen, an export) never waits that long. Call it where nothing else
        changes the state meanwhile (a store holds its commit mutex); `apply` uses a record only while
        its question is still the one it was built from.
        """
        built: Prepared = []
        for change in changes_of(event):
            current = self.questions.get(change["qid"])
            built.append(None if current is None else (current, changed(current, change)))
        return built

    def _block(self, author: str, on: bool) -> None:
        """Add `author` to the blocked authors (unless its handle is there already), or take every
        entry with its handle off. A change of the list, never a copy of someone's whole list:
        another moderator's blocks made meanwhile stay."""
        listed = self.settings.blocked_authors
        kept = [a for a in listed if handle(a) != handle(author)]
        if on and len(kept) < len(listed):
            return
        self.settings = replace(self.settings, blocked_authors=[*kept, author] if on else kept)

    def group_of(self, qid: str) -> str:
        """The id of `qid`'s near-duplicate group (`g-<qid>` for a question alone, as `Grouper` names it)."""
        return self.groups.get(qid) or alone(qid)

    def members(self, gid: str) -> list[str]:
        """The questions in group `gid`, in arrival order (a scan: for one group, not for every one)."""
        return [qid for qid in self.questions if self.group_of(qid) == gid]

    def _revise(self, event: AnswerRevised) -> None:
        answer = self.answers.get(event["qid"])
        if answer is not None:
            self.answers[answer.question_id] = answer.revised(event["revision"])

    def copy(self) -> SessionState:
        """A snapshot: new containers holding the same (never mutated) records.

        About 3 ms at 100,000 questions. Call it where no event is being
        applied (`SessionStore.snapshot` holds the store's apply lock).
        """
        return SessionState(settings=self.settings, questions=dict(self.questions), answers=dict(self.answers),
                            drafts=dict(self.drafts), outbox=dict(self.outbox), sources=dict(self.sources),
                            presence=dict(self.presence), groups=dict(self.groups), holds=dict(self.holds),
                            events=list(self.events),
                            last_seq=self.last_seq, generation=self.generation)

    def take(self, other: SessionState) -> None:
        """Become `other`, keeping this object and its containers.

        Readers (the app's widgets) hold references to `questions` and the
        rest; a reload must not leave them looking at stale copies.
        """
        for name in ("questions", "answers", "drafts", "outbox", "sources", "presence", "groups", "holds"):
            mine = getattr(self, name)
            mine.clear()
            mine.update(getattr(other, name))
        self.settings = other.settings
        self.events[:] = other.events
        self.last_seq = other.last_seq
        self.generation += 1

    def to_tables(self) -> dict[str, dict[str, Any]]:
        """The TinyDB tables of the snapshot (doc ids are strings, from 1)."""
        # Records stay dataclasses: orjson serialises them natively, far
        # faster than building 100,000 dicts first.
        def table(records: Any) -> dict[str, Any]:
            return {str(i): r for i, r in enumerate(records, 1)}

        return {
            "session": {"1": self.settings},
            "questions": table(self.questions.values()),
            "answers": table(self.answers.values()),
            "drafts": table(self.drafts.values()),
            "outbox": table(self.outbox.values()),
            "sources": table(self.sources.values()),
            "presence": table(self.presence.values()),
            "events": {str(e["seq"]): e for e in self.events},
        }

    @classmethod
    def from_tables(cls, tables: dict[str, Any], last_seq: int) -> SessionState:
        """The state `tables` hold (each table's records in the order of their keys). Takes the
        records out as it reads them: `tables` ends empty."""
        def records(table: dict[str, Any]) -> Iterator[Any]:
            for key in sorted(table, key=int):
                yield table.pop(key)

        return cls.from_chunks(((name, records(tables.pop(name, None) or {})) for name in TABLES), last_seq)

    @classmethod
    def from_chunks(cls, chunks: Iterable[tuple[str, Iterable[Any]]], last_seq: int) -> SessionState:
        """The state a snapshot holds, read a chunk of records at a time: (table name, its next
        records in order), tables in `TABLES` order. A chunk's documents are let go of once their
        records are built, so a load never holds all of both (`store.snapshot_file.chunks`)."""
        state = cls(last_seq=last_seq)
        # One copy of each value repeated across records: JSON gives each its own. Authors, the
        # time a page was received or committed, event kinds and actors: 300 bytes a question.
        # (A snapshot as qtime wrote it: a record another tool wrote is checked before this.)
        share: Callable[[Any, Any], Any] = {}.setdefault
        settings = None
        for name, docs in chunks:
            if name == "session":
                settings = settings or next((Settings.from_dict(d) for d in docs), None)
            elif name == "questions":
                questions = state.questions
                for d in docs:
                    question = Question.from_dict(d, share)
                    questions[question.id] = question
            elif name == "events":
                state._keep(docs, share)
            elif name in _BY_KEY:
                kind, key = _BY_KEY[name]
                table = getattr(state, name)
                for d in docs:
                    table[d[key]] = kind.from_dict(d)
        state.settings = settings or Settings()
        return state

    def _keep(self, events: Iterable[dict[str, Any]], share: Callable[[Any, Any], Any]) -> None:
        """History events read from a snapshot, each holding its question's own id. Groups and
        holds live in the history (events of those kinds are kept there), not in tables of their own."""
        questions, keep = self.questions, self.events.append
        for event in events:
            action = event["action"] = share(event["action"], event["action"])
            if "at" in event and "actor" in event:
                event["at"], event["actor"] = share(event["at"], event["at"]), share(event["actor"], event["actor"])
            question = questions.get(event.get("qid"))  # type: ignore[arg-type]
            if question is not None:
                event["qid"] = question.id
            keep(cast(Event, event))
            if action == "question.add":  # most of a big session's history: nothing more to read
                continue
            share_fields(cast(Event, event))
            if action in GROUPING:
                self.groups[event["qid"]] = event["group"]
            elif action == "question.hold":
                self.holds[event["qid"]] = event["rule"]


# A snapshot's tables in the order they are written and read (meta, first in the file, is the store's).
TABLES = ("session", "questions", "answers", "drafts", "outbox", "sources", "presence", "events")
# The other tables: each record's type, and the field it is found by.
_BY_KEY: dict[str, tuple[type[Answer] | type[Draft] | type[OutboxPart] | type[SourceRecord] | type[Presence], str]] = {
    "answers": (Answer, "question_id"), "drafts": (Draft, "question_id"), "outbox": (OutboxPart, "id"),
    "sources": (SourceRecord, "spec"), "presence": (Presence, "id")}
