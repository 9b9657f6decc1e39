"""Actions a full disk refused, carried over to the store's next open.

While the disk is full or read-only a store keeps its actions in memory.
When the process has to end before the disk is back, `save` writes them to a
recovery file outside the store's folder (the user state folder, else the
temp folder; one on another file system first, since the store's own disk is
the full one). The next open of that store calls `apply`: each action is
committed again as a normal commit, except one whose question changed since
(another process acted on it, or it is gone), which is skipped and reported.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from store.errors import ActionError, StoreError
from store.events import MUTABLE_FIELDS
from store.locations import recovery_dirs
from store.model import Answer, OutboxPart, Question, Settings
from store.storage import atomic_write

# An event as read back from a recovery file: a plain dict, checked (`refusal`)
# before it is committed again.
Event = dict[str, Any]

FORMAT = "qtime-recovery"
NAMED = 5  # skipped actions named in the report; the rest are counted

# What a replay is given: a saved event, and a check of it against the fresh
# state that returns why it no longer applies (None: it does).
Replay = Callable[[Event, Callable[[Event, Any], str | None]], str | None]


def recovery_file(folder: Path, store: Path) -> Path:
    """The recovery file for `store` (a resolved path) in `folder`."""
    digest = hashlib.blake2b(str(store).encode(), digest_size=8).hexdigest()
    return folder / f"{store.name}-{digest}.recovery.json"


def _device(path: Path) -> int | None:
    for folder in (path, *path.parents):
        try:
            return os.stat(folder).st_dev
        except OSError:
            continue
    return None


def _by_preference(store: Path) -> list[Path]:
    """Recovery folders, those on another file system than the store first."""
    device = _device(store.parent)
    return sorted(recovery_dirs(), key=lambda folder: _device(folder) == device)


def _read(file: Path) -> list[Event]:
    data = orjson.loads(file.read_bytes())
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("events"), list):
        raise ValueError("not a qtime recovery file")
    return [event for event in data["events"] if isinstance(event, dict) and isinstance(event.get("action"), str)]


def save(store: Path, events: Sequence[Mapping[str, object]]) -> Path:
    """Save `events` for `store` (after any saved earlier and not applied yet).

    Returns the file; raises `StoreError` when no recovery folder takes it.
    """
    problems = []
    for folder in _by_preference(store):
        target = recovery_file(folder, store)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            earlier = _read(target) if target.exists() else []
            payload = {"format": FORMAT, "store": str(store), "events": [*earlier, *events]}
            atomic_write(target, orjson.dumps(payload))
            return target
        except (OSError, ValueError) as error:
            problems.append(f"{folder}: {getattr(error, 'strerror', None) or error}")
    raise StoreError(f"cannot save the {len(events)} action(s) to a recovery file ({'; '.join(problems)})")


def pending(store: Path) -> list[Path]:
    """Recovery files waiting for `store`."""
    return [file for file in (recovery_file(folder, store) for folder in recovery_dirs()) if file.is_file()]


def _check_shape(event: Event) -> None:
    """Raise (TypeError, ValueError...) for an event our own code could not have
    saved: it must fail here, before it is committed, not when it is applied."""
    action = event["action"]
    if action == "question.add" and Question.from_dict(event["question"]).id != event["qid"]:
        raise ValueError("question id")
    if action == "session.set" and not set(event["after"]) <= set(Settings.__dataclass_fields__):
        raise ValueError("setting")
    if action == "answer.add":
        Answer.from_dict(event["answer"])
    if action == "outbox.set":
        OutboxPart.from_dict(event["part"])
    if action == "draft.set" and not (isinstance(event["text"], str) and isinstance(event["at"], str)):
        raise TypeError("draft")
    for change in event.get("changes", ()):
        if not (isinstance(change["before"], dict) and set(change["after"]) <= MUTABLE_FIELDS):
            raise ValueError("change")


def refusal(event: Event, state: Any) -> str | None:
    """Why a saved event no longer applies to `state` (a SessionState); None when it does."""
    _check_shape(event)
    qid = event.get("qid")
    if event["action"] == "question.add":
        return "already stored" if qid in state.questions else None
    if event["action"] == "session.set":
        before = event.get("before") or {}
        changed = any(getattr(state.settings, name, None) != value for name, value in before.items())
        return "the settings changed since" if changed else None
    if qid is not None and qid not in state.questions:
        return "its question is gone"
    if event["action"] == "answer.add" and qid in state.answers:
        return "already answered"
    for change in event.get("changes") or ():
        question = state.questions.get(change.get("qid"))
        if question is None or any(getattr(question, name, None) != value for name, value in change["before"].items()):
            return "its question changed since"
    return None


@dataclass
class Outcome:
    applied: int = 0
    known: int = 0
    skipped: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        parts = [f"Recovered {self.applied} action(s) saved while the disk was full ({', '.join(self.files)})"] if self.files else []
        if self.known:
            parts.append(f"{self.known} already stored")
        if self.skipped:
            named = ", ".join(self.skipped[:NAMED]) + (f" and {len(self.skipped) - NAMED} more" if len(self.skipped) > NAMED else "")
            parts.append(f"skipped {len(self.skipped)} that no longer apply: {named}")
        return "; ".join(parts + self.problems)


def _label(event: Event, state: Any) -> str:
    question = state.questions.get(event.get("qid"))
    return f"{event['action']} {question.author if question else event.get('qid', '')}".strip()


def apply(store: Path, replay: Replay, state: Any) -> str | None:
    """Apply every recovery file waiting for `store` through `replay`; the report, or None when none waited.

    A file is deleted once its actions are committed (or kept in memory again,
    if the disk is still refusing: they are then the store's unwritten actions).
    """
    files = pending(store)
    if not files:
        return None
    outcome = Outcome()
    for file in files:
        try:
            events = _read(file)
        except (OSError, ValueError) as error:
            outcome.problems.append(f"{file} cannot be read ({error}); left in place")
            continue
        outcome.files.append(str(file))
        for event in events:
            try:
                reason = replay(event, refusal)
            except (KeyError, TypeError, ValueError, AttributeError, ActionError) as error:
                reason = f"not a valid action ({type(error).__name__})"  # a file edited by hand
            if reason is None:
                outcome.applied += 1
            elif reason == "already stored":
                outcome.known += 1
            else:
                outcome.skipped.append(f"{_label(event, state)} ({reason})")
        file.unlink()
    return outcome.report()
