"""The session model: settings, questions, answers, drafts, outbox parts, events.

Records are slotted dataclasses (100,000 questions stay small in memory) that
round-trip through plain dicts, the form they take in the journal and in the
TinyDB snapshot.
"""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Final, Self, get_args

from store.events import PartOp, PartState, Reason, Revision, Status
from store.shared import NO_FIELDS, NO_ITEMS, no_fields, no_items

ALL_REASONS: tuple[str, ...] = get_args(Reason)
HELD: Final = "held"  # the reason of a question a hold rule caught on arrival (`SessionState.holds` names the rule)
REASONS: tuple[str, ...] = tuple(r for r in ALL_REASONS if r != HELD)  # what a moderator picks


def now_iso() -> str:
    """UTC time as ISO 8601 with milliseconds, the form every record uses."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime | None:
    """Parse an ISO 8601 time (with `Z` or an offset); None when empty or bad."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def handle(author: str) -> str:
    """An author as the hold rules compare them: no "@", any case ("@Spammer" blocks "@spammer")."""
    return author.strip().lstrip("@").casefold()


def question_id(source: str, remote_id: str) -> str:
    """A stable id from (source, remote id): the same post is stored once."""
    return hashlib.blake2b(f"{source}\x00{remote_id}".encode(), digest_size=8).hexdigest()


class Record:
    """dict round-trip shared by the record types (kept shallow: `asdict`'s
    deep copy cost seconds per snapshot at 100,000 questions)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            name: list(value) if isinstance(value, list) else value
            for name in _names(type(self))
            for value in (getattr(self, name),)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Build from a stored dict, ignoring keys this version does not know.

        A dict with every field and nothing else (as this version writes them) is passed by
        position: a 20-field record builds in a third of the time it takes by keyword, a
        second of a 170,000-question open."""
        names, values = _names(cls), _values(cls)
        if len(data) == len(names):
            try:
                return cls(*values(data))
            except KeyError:
                pass
        try:
            return cls(**data)
        except TypeError:
            return cls(**{k: v for k, v in data.items() if k in names})


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _values(cls: type) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A dict's values in field order (every record type has two fields or more: a tuple)."""
    values = _FIELD_VALUES.get(cls)
    if values is None:
        values = _FIELD_VALUES[cls] = itemgetter(*_names(cls))
    return values


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_FIELD_VALUES: dict[type, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}


@dataclass(slots=True)
class Settings(Record):
    title: str = "Question time"
    hashtag: str = "twittertime"
    profile: str = "x"
    limit: int | None = None  # custom profile / instance max_characters
    url_weight: int | None = None  # mastodon characters_reserved_per_url
    sources: list[str] = field(default_factory=list)
    mention_asker: bool = True
    append_hashtag: bool = True
    created_at: str = ""
    started_at: str = ""
    lang: str = ""
    read_tags: list[str] = field(default_factory=list)  # more hashtags the sources read, besides `hashtag`
    tz: str = ""  # the zone the app and the recaps show times in (IANA name); "" = each machine's (`store.zones`)
    session_id: str = ""  # set once at creation: a process that finds another id here stops writing
    # Triage on arrival (`store.arrivals`): near-duplicates form groups (when `group_copies`: ingesting
    # takes about 1.7 times as long), topics tag questions, hold rules dismiss them as "held".
    group_copies: bool = False
    topics: list[str] = field(default_factory=list)  # "name: keyword, keyword two" (`triage.topics.parse_topic`)
    blocked_words: list[str] = field(default_factory=list)
    blocked_authors: list[str] = field(default_factory=list)
    hold_link_only: bool = False
    flood_authors: int = 0  # a text posted by this many accounts... (0: no flood rule)
    flood_minutes: int = 10  # ...within this many minutes is held


# Settings a person may change after the session was created (`qtime session`, the settings screen).
EDITABLE_SETTINGS: tuple[str, ...] = ("title", "hashtag", "read_tags", "profile", "limit", "tz", "lang", "group_copies", "topics",
                                       "blocked_words", "blocked_authors", "hold_link_only", "flood_authors",
                                       "flood_minutes")


@dataclass(slots=True)
class Question(Record):
    id: str
    source: str
    remote_id: str
    author: str
    text: str
    received_at: str
    author_name: str = ""
    url: str = ""
    posted_at: str = ""
    votes: int = 0  # the platform's count, plus the votes of duplicates merged in
    remote_votes: int = 0  # the platform's count when last seen
    status: Status = "new"
    reason: Reason | None = None
    starred: bool = False
    # Empty containers are the shared `NO_ITEMS` / `NO_FIELDS` (`store.shared`), which refuse changes.
    tags: list[str] = field(default_factory=no_items)
    duplicate_of: str | None = None
    spoiler: str = ""
    lang: str = ""
    # What a publisher needs to reply on the question's platform (status id,
    # Bluesky uri/cid and thread root, tweet id). Plain JSON values only.
    reply_ref: dict[str, Any] = field(default_factory=no_fields)
    # Links as the platform expanded them: [{"shown": text in `text`, "url": real destination}].
    # `text` keeps what the platform sent (t.co); `shown_text()` shows the destinations.
    links: list[dict[str, str]] = field(default_factory=no_items)

    @classmethod
    def from_dict(cls, data: dict[str, Any], share: Callable[[Any, Any], Any] | None = None) -> Self:
        """Also shares what many questions hold alike: their empty containers, and one copy of
        each source and status (a handful of values in a session). With `share` (a load's
        `dict.setdefault`: `share(value, value)` is the copy kept), one copy of each author, name
        and arrival time too: JSON gives each its own, 300 bytes a question."""
        question = super(Question, cls).from_dict(data)
        question.tags = question.tags or NO_ITEMS
        question.links = question.links or NO_ITEMS
        question.reply_ref = question.reply_ref or NO_FIELDS
        if type(question.source) is str and type(question.status) is str:
            question.source, question.status = sys.intern(question.source), sys.intern(question.status)
        if share is not None:
            author, name, received = question.author, question.author_name, question.received_at
            question.author, question.author_name = share(author, author), share(name, name)
            question.received_at = share(received, received)
        return question

    def shown_text(self) -> str:
        """The text with each shortened link replaced by its real destination (what
        the moderator reads, flags, groups and exports)."""
        text = self.text
        for link in self.links:
            text = text.replace(link["shown"], link["url"])
        return text

@dataclass(slots=True)
class Draft(Record):
    question_id: str
    text: str
    updated_at: str
    actor: str = ""


@dataclass(slots=True)
class Answer(Record):
    question_id: str
    text: str  # the answer as the host wrote it
    parts: list[str]  # the posts as composed (mention, numbering, hashtag)
    profile: str
    answered_at: str
    actor: str = ""
    overrode: str = ""  # sent although the question was dismissed: what was overridden ("dismissed (spam) by mod")
    # What happened to it after it was sent, oldest first: revision n is revisions[n - 1].
    revisions: list[Revision] = field(default_factory=list)
    retracted_at: str = ""

    @property
    def current_text(self) -> str:
        """The answer as it stands: the last correction's text, or the text as sent."""
        return next((r["text"] for r in reversed(self.revisions) if r["kind"] == "correct"), self.text)

    def revised(self, revision: Revision) -> Answer:
        """A new `Answer` with `revision` appended (records are never changed in place)."""
        retracted = revision["at"] if revision["kind"] == "retract" else self.retracted_at
        return replace(self, revisions=[*self.revisions, revision], retracted_at=retracted)


def part_id(question_id: str, platform: str, index: int, revision: int = 0) -> str:
    """The id of part `index` of an answer's thread on `platform`.

    Parts are numbered from 1, the way a thread shows them ("2/3"): this is
    the one place that says so, and every caller builds ids here. The parts
    of a revision (a correction, a follow-up, a retraction: `Answer.revisions`,
    numbered from 1) are numbered from 1 too, under their own prefix.
    """
    if revision:
        return f"{question_id}:{platform}:r{revision}:{index}"
    return f"{question_id}:{platform}:{index}"


@dataclass(slots=True)
class OutboxPart(Record):
    """One post of one answer on one platform account, tracked until posted.

    `index` counts from 1 (see `part_id`); `total` is the thread's length.
    """

    id: str  # part_id(question_id, platform, index)
    question_id: str
    platform: str
    index: int
    total: int
    text: str
    state: PartState = "pending"
    remote_id: str = ""  # the post's id (Bluesky: its at:// uri)
    url: str = ""
    attempts: int = 0
    reason: str = ""
    idempotency_key: str = ""  # Mastodon Idempotency-Key, Bluesky record key
    updated_at: str = ""
    # An attempt went out and its answer was not read (a crash, a dropped
    # connection): the post may exist, so the next attempt looks first.
    sending: bool = False
    first_try_at: str = ""  # the first attempt's time: a resend is the same post (Bluesky createdAt, X look-up)
    cid: str = ""  # Bluesky: the record's content id, which a reply to it needs
    in_reply_to: str = ""  # the post this part replied to, as the platform named it
    # What the part does: post a reply, edit a posted part, or delete one. 0 for the
    # answer as sent, n for the parts of `Answer.revisions[n - 1]`.
    op: PartOp = "post"
    revision: int = 0
    # The id of the part it edits or deletes; for the first post of a revision, the
    # part it replies to ("" = the question). The remote id is read when it is sent.
    target: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Also reads parts written before these fields existed (they sat in an `extra` dict)."""
        if "extra" in data:
            data = {**data, **_from_extra(data["extra"])}
        return super(OutboxPart, cls).from_dict(data)


def _from_extra(extra: Any) -> dict[str, Any]:
    if not isinstance(extra, dict):
        return {}
    fields_ = {"sending": bool(extra.get("sending")), "first_try_at": str(extra.get("first_try_at") or ""),
               "cid": str(extra.get("cid") or "")}
    replied = extra.get("in_reply_to_id") or extra.get("in_reply_to")
    return {**fields_, "in_reply_to": str(replied or "")}


@dataclass(frozen=True, slots=True)
class IngestResult:
    new: int = 0
    known: int = 0
    rejected: int = 0

    def __add__(self, other: IngestResult) -> IngestResult:
        return IngestResult(self.new + other.new, self.known + other.known, self.rejected + other.rejected)


@dataclass(slots=True)
class Presence(Record):
    """One process on the session: who, in which role, answering what, last seen when.

    A process commits its presence every few seconds (`HEARTBEAT`); one not
    seen for `PRESENCE_TIMEOUT` is gone (a crash, a closed terminal), and so is
    its claim on the question it was answering.
    """

    id: str  # random, one per process
    role: str  # moderator, host, both, ingest
    actor: str
    at: str  # last seen
    answering: str = ""  # the question this process's host is answering (its claim)
    sources: list[str] = field(default_factory=list)  # the feeds this process runs
    left: bool = False  # quit cleanly


@dataclass(slots=True)
class SourceRecord(Record):
    """Where one source is, kept so a new process resumes it: one per source spec.

    `cursors` are the source's own resume points (X `since_id` / `next_token`,
    Mastodon `max_id`, Bluesky `cursor`), committed with the page they follow.
    """

    spec: str
    cursors: dict[str, str] = field(default_factory=dict)
    heartbeat: str = ""  # time of the last successful contact with the platform
    stopped: str = ""  # why the source stopped, "" while it runs (cleared by the next good page)
