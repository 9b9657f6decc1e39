"""Messages the app's workers post to the UI thread (they carry no widgets)."""
from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from tui.platforms.base import SourceState


@dataclass
class StoreChanged(Message):
    """The session changed (our action, another process): `qids` may look different."""

    qids: frozenset[str] = field(default_factory=frozenset)


@dataclass
class SourceReport(Message):
    """A source's state changed (shown in the header)."""

    state: SourceState
