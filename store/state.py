"""The in-memory session and the one function that applies an event to it.

Live commits and journal replay both go through `SessionState.apply`, so a
replayed journal reaches exactly the state the live process had.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from store.model import Answer, Draft, OutboxPart, Question, Settings, SourceRecord

Event = dict[str, Any]


@dataclass
class SessionState:
    settings: Settings = field(default_factory=Settings)
    questions: dict[str, Question] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    outbox: dict[str, OutboxPart] = field(default_factory=dict)
    sources: dict[str, SourceRecord] = field(default_factory=dict)  # by spec
    events: list[Event] = field(default_factory=list)
    last_seq: int = 0

    def apply(self, event: Event, *, provisional: bool = False) -> None:
        """Apply one event; committed events at or below `last_seq` are skipped.

        A provisional event (kept in memory while the disk refuses writes)
        goes into the history with `seq` None and does not move `last_seq`.
        """
        seq = event["seq"]
        if not provisional and seq <= self.last_seq:
            return
        if event["action"] == "journal.base":  # a marker, not an action
            return
        action = event["action"]
        if action == "question.add":
            question = Question.from_dict(event["question"])
            self.questions[question.id] = question
            event = {k: v for k, v in event.items() if k != "question"}
        elif action == "session.set":
            for name, value in event["after"].items():
                setattr(self.settings, name, value)
        elif action == "draft.set":
            self.drafts[event["qid"]] = Draft(event["qid"], event["text"], event["at"], event.get("actor", ""))
        elif action == "answer.add":
            self.answers[event["qid"]] = Answer.from_dict(event["answer"])
            self.drafts.pop(event["qid"], None)
        elif action == "outbox.set":
            part = OutboxPart.from_dict(event["part"])
            self.outbox[part.id] = part
        elif action == "source.set":
            record = SourceRecord.from_dict(event["source"])
            self.sources[record.spec] = record
        for change in event.get("changes", ()):
            question = self.questions.get(change["qid"])
            if question is not None:
                for name, value in change["after"].items():
                    setattr(question, name, list(value) if isinstance(value, list) else value)
        if action not in ("draft.set", "source.set"):  # state, not history worth replaying
            self.events.append(event)
        if not provisional:
            self.last_seq = seq

    def take(self, other: SessionState) -> None:
        """Become `other`, keeping this object and its containers.

        Readers (the app's widgets) hold references to `questions`, `settings`
        and the rest; a reload must not leave them looking at stale copies.
        """
        for name in ("questions", "answers", "drafts", "outbox", "sources"):
            mine = getattr(self, name)
            mine.clear()
            mine.update(getattr(other, name))
        for name in Settings.__dataclass_fields__:
            setattr(self.settings, name, getattr(other.settings, name))
        self.events[:] = other.events
        self.last_seq = other.last_seq

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
            "events": {str(e["seq"]): e for e in self.events},
        }

    @classmethod
    def from_tables(cls, tables: dict[str, Any], last_seq: int) -> SessionState:
        def docs(name: str) -> list[dict[str, Any]]:
            return [tables.get(name, {})[k] for k in sorted(tables.get(name, {}), key=int)]

        session = docs("session")
        state = cls(settings=Settings.from_dict(session[0]) if session else Settings(), last_seq=last_seq)
        for d in docs("questions"):
            state.questions[d["id"]] = Question.from_dict(d)
        for d in docs("answers"):
            state.answers[d["question_id"]] = Answer.from_dict(d)
        for d in docs("drafts"):
            state.drafts[d["question_id"]] = Draft.from_dict(d)
        for d in docs("outbox"):
            state.outbox[d["id"]] = OutboxPart.from_dict(d)
        for d in docs("sources"):
            state.sources[d["spec"]] = SourceRecord.from_dict(d)
        state.events = docs("events")
        return state
