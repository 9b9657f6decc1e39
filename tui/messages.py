"""Messages the app's workers and the session service post to the UI thread (they carry no widgets)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from store.events import Event
from store.session_store import SessionStore
from tui.platforms.base import SourceState
from tui.screens.main import MainScreen

if TYPE_CHECKING:
    from store.groups import TriageTally


@dataclass
class StoreChanged(Message):
    """The session changed (our action, another process): `qids` may look different."""

    qids: frozenset[str] = field(default_factory=frozenset)


@dataclass
class SourceReport(Message):
    """A source's state changed (shown in the header)."""

    state: SourceState


# What the service's jobs answer with (posted from worker threads).

@dataclass
class Moderated(Message):
    """A moderator action is in the store: draw these questions now, not at the next drain."""

    qids: frozenset[str]
    note: str = ""  # what a bulk move did, for a toast ("" for a one-question action)


@dataclass
class Undone(Message):
    event: Event | None


@dataclass
class AnswerLogged(Message):
    qid: str
    queued: int  # parts queued for publishing


@dataclass
class SendRefused(Message):
    """The question was dismissed before the answer reached the store: ask the host."""

    send: MainScreen.Send
    dismissal: str


@dataclass
class Revised(Message):
    """A correction, follow-up or retraction is in the store (`queued` parts to publish)."""

    qid: str
    kind: str
    queued: int


@dataclass
class RetryQueued(Message):
    qid: str
    queued: bool


@dataclass
class SettingsChanged(Message):
    names: tuple[str, ...]


@dataclass
class Exported(Message):
    fmt: str
    path: Path


@dataclass
class SessionOpened(Message):
    store: SessionStore


@dataclass
class SessionRefused(Message):
    reason: str


@dataclass
class TopicSaved(Message):
    """A topic is in the session: `line` as stored ("" when `removed` names the topic taken out)."""

    line: str
    removed: str = ""


@dataclass
class TopicMatched(Message):
    """The stored questions topic `name` matches and that are not tagged with it yet: qid -> [name]."""

    name: str
    matches: dict[str, list[str]]


@dataclass
class TopicTagged(Message):
    name: str
    qids: frozenset[str]


@dataclass
class TallyCounted(Message):
    """Topic shares and hold counts counted afresh in a worker: the header's figures from now on."""

    tally: TriageTally
