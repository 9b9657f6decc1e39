"""What every source of questions shares: its state, the callbacks, the spec parser.

A source is an async task: it finds posts and hands them, in batches of
question items (the dicts `SessionStore.add_questions` takes), to `emit`,
with the `SourceRecord` (its cursor) to commit in the same store commit; it
tells how it is doing through `report`, and reports bad input it skipped
through `warn`. It never raises for a network fault or bad data: it retries,
or stops itself with a reason. No Textual here: the app and `qtime ingest`
both drive sources.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from store.events import SourceItem
from store.model import Settings, SourceRecord
from store.sanitize import clean_line
from tui.i18n import N_, _

Item = SourceItem  # the one contract between a source and the store (store/events.py)


class Emit(Protocol):
    """Store `items` and, in the same commit, the source's `source_state` (when given)."""

    def __call__(self, items: list[Item], /, *, source_state: SourceRecord | None = None) -> Awaitable[None]: ...


StateName = Literal["starting", "live", "retrying", "paused", "stopped", "done"]
STATE_WORDS: dict[str, str] = {"starting": N_("starting"), "live": N_("live"), "retrying": N_("retrying"),
                               "paused": N_("paused"), "stopped": N_("stopped"), "done": N_("done")}


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source's live state, as the header and `qtime ingest` show it."""

    spec: str
    state: StateName
    detail: str = ""
    retry_in: float | None = None

    def describe(self) -> str:
        """`live`, `retrying in 30 s: HTTP 503`, in the interface's language (the header, `qtime
        ingest`): the state is ours to word, the detail the source's."""
        if self.state == "retrying" and self.retry_in is not None:
            text = _("retrying in {seconds} s").format(seconds=f"{self.retry_in:.0f}")
        else:
            text = _(STATE_WORDS[self.state]) if self.state in STATE_WORDS else self.state
        return f"{text}: {self.detail}" if self.detail else text


Report = Callable[[SourceState], None]
Warn = Callable[[str], None]


class SpecError(ValueError):
    """A source spec that cannot be understood; the message says how to write it."""


class Source(ABC):
    """One configured source of questions."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.rejected = 0  # items skipped as malformed, for the ingest summary

    def state(self, state: StateName, detail: str = "", retry_in: float | None = None) -> SourceState:
        return SourceState(self.spec, state, clean_line(detail, limit=300), retry_in)

    def resume(self, record: SourceRecord | None) -> None:  # noqa: B027 - most sources keep no cursor
        """Take up where a previous run left off (its saved cursors); most sources have none."""

    @abstractmethod
    async def run(self, emit: Emit, report: Report, warn: Warn, *, once: bool = False) -> None:
        """Feed questions to `emit` until cancelled (or, with `once`, one full pass)."""


def limit_changes(settings: Settings, sources: list[Source]) -> dict[str, Any]:
    """Settings to change so a `mastodon` session counts with its instance's rules.

    A Mastodon source learns `max_characters` and `characters_reserved_per_url`
    from the instance; the session's counter must use them, not the defaults.
    """
    if settings.profile != "mastodon":
        return {}
    for source in sources:
        limits = getattr(source, "limits", None)
        if limits is not None:
            wanted = {"limit": limits.max_characters, "url_weight": limits.characters_reserved_per_url}
            return {k: v for k, v in wanted.items() if getattr(settings, k) != v}
    return {}
