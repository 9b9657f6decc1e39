"""The typed contracts of the store: each event kind, and a source item.

An event is what the journal holds, one JSON object per action; the same
dicts are the history in `SessionState.events` and the `events` table of the
snapshot. Every kind names itself in `action`, so a checker narrows an
`Event` by that tag. `seq` is set when the event is written (and is `None`
in memory while the disk refuses writes); `at` and `actor` are set by the
store at commit time.

Kinds:

    question.add   a question arrived (`question`: its whole record)
    approve, dismiss, star, unstar, tag, duplicate, reopen, votes, answer.add, undo
                   changes to questions: `changes` lists each question's
                   fields before and after (undo restores `before`); one
                   event may change many questions (a bulk move), so one
                   undo restores them all. A `dismiss` carrying `block`
                   also adds that author to `Settings.blocked_authors` (the
                   hold rules then hold their later posts); the undo of it
                   carries `unblock` and takes them off again
    answer.correct, answer.follow_up, answer.retract
                   the life of an answer after it is sent: `revision` is
                   appended to the answer's `revisions` (see `Revision`)
    draft.set      the text being drafted for a question
    outbox.set     an outbox part's new state (see `OutboxPart`)
    source.set     where a source is: its cursors, heartbeat, stop reason (see `SourceRecord`)
    presence.set   a process on the session: its role, what it answers, last seen (see `Presence`)
    session.set    session settings changed
    group.join     a question arrived as a copy of another: it joins `group` (see `store.arrivals`)
    group.split    a moderator took a question out of its group: it starts `group`, alone
    journal.base   the first line of a compacted journal: the snapshot's seq
"""
from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, TypeGuard, cast, get_args

Status = Literal["new", "approved", "dismissed", "answered"]
# "held": a hold rule caught the question as it arrived (a `question.hold` event names the rule); no moderator picks it.
Reason = Literal["spam", "off-topic", "duplicate", "abusive", "other", "held"]
# posted: done (for an edit or a delete: carried out); cancelled: never sent, and need not be
PartState = Literal["pending", "posted", "failed", "cancelled"]
PartOp = Literal["post", "edit", "delete"]
RevisionKind = Literal["correct", "follow_up", "retract"]
# How a correction reaches a platform that cannot edit a post: a reply under the
# answer, or the answer's posts deleted and the corrected thread posted afresh.
CorrectionMode = Literal["reply", "repost"]
ChangeVerb = Literal["approve", "dismiss", "star", "unstar", "tag", "duplicate", "reopen", "votes"]


class QuestionFields(TypedDict, total=False):
    """The fields of a question that actions change (and undo restores)."""

    status: Status
    reason: Reason | None
    starred: bool
    tags: list[str]
    duplicate_of: str | None
    votes: int
    remote_votes: int


MUTABLE_FIELDS: frozenset[str] = frozenset(QuestionFields.__annotations__)


class Change(TypedDict):
    qid: str
    before: QuestionFields
    after: QuestionFields


class _Stamped(TypedDict):
    """What every event carries once committed."""

    seq: NotRequired[int | None]
    at: NotRequired[str]
    actor: NotRequired[str]


class QuestionAdded(_Stamped):
    action: Literal["question.add"]
    qid: str
    question: NotRequired[dict[str, Any]]  # the record; dropped from the in-memory history


class Moderated(_Stamped):
    action: ChangeVerb
    qid: str
    changes: list[Change]
    block: NotRequired[str]  # on a dismiss: the author it blocks (`SessionStore.block_author`)


class AnswerAdded(_Stamped):
    action: Literal["answer.add"]
    qid: str
    changes: list[Change]
    answer: dict[str, Any]


class Undone(_Stamped):
    action: Literal["undo"]
    target: int
    undid: str
    qid: str | None
    changes: list[Change]
    unblock: NotRequired[str]  # the author the undone event blocked, taken off `Settings.blocked_authors`


class Revision(TypedDict):
    """One step in an answer's life after it was sent, kept in `Answer.revisions` (numbered from 1)."""

    kind: RevisionKind
    text: str  # the corrected answer or the follow-up ("" for a retraction)
    parts: list[str]  # the posts as composed ([] for a retraction)
    mode: str  # a correction's `CorrectionMode` on platforms that cannot edit; "" otherwise
    at: str
    actor: str


class AnswerRevised(_Stamped):
    action: Literal["answer.correct", "answer.follow_up", "answer.retract"]
    qid: str
    revision: Revision


class DraftSet(_Stamped):
    action: Literal["draft.set"]
    qid: str
    text: str


class PartSet(_Stamped):
    action: Literal["outbox.set"]
    qid: str
    part: dict[str, Any]


class SettingsSet(_Stamped):
    action: Literal["session.set"]
    before: dict[str, Any]
    after: dict[str, Any]


class SourceSet(_Stamped):
    action: Literal["source.set"]
    source: dict[str, Any]  # a `SourceRecord`: its cursors, heartbeat and stop reason


class PresenceSet(_Stamped):
    action: Literal["presence.set"]
    presence: dict[str, Any]  # a `Presence`: who, which role, answering what, last seen


class QuestionHeld(_Stamped):
    """A hold rule caught the question as it arrived (it arrives dismissed, reason "held")."""

    action: Literal["question.hold"]
    qid: str
    rule: str  # one of `triage.rules.RULES`


class GroupSet(_Stamped):
    """A question's near-duplicate group. A question never named by one is alone: its group is `g-<qid>`."""

    action: Literal["group.join", "group.split"]
    qid: str
    group: str


class JournalBase(TypedDict):
    seq: int
    action: Literal["journal.base"]
    id: str
    session: NotRequired[str]  # the session's id: a process that opened another session stops writing
    snapshot: NotRequired[str]  # the digest of the snapshot written with it (see `snapshot_file.digest`)


Event = (QuestionAdded | Moderated | AnswerAdded | AnswerRevised | Undone | DraftSet | PartSet | SettingsSet
         | QuestionHeld | SourceSet | PresenceSet | GroupSet)
# What a journal line holds: events, and the marker a compaction starts the new journal with.
JournalEntry = Event | JournalBase

# The actions whose events carry `changes` to questions.
CHANGING: frozenset[str] = frozenset({*get_args(ChangeVerb), "answer.add", "undo"})

# The actions that append a `Revision` to an answer.
REVISING: frozenset[str] = frozenset({"answer.correct", "answer.follow_up", "answer.retract"})

UNDOABLE: frozenset[str] = frozenset({"approve", "dismiss", "star", "unstar", "tag", "duplicate", "reopen"})


class SourceItem(TypedDict):
    """One post a source hands to `SessionStore.add_questions` (raw: sanitised there)."""

    source: str  # the source spec, e.g. "mastodon:https://mastodon.social#askceo"
    remote_id: str  # the post's id on its platform
    author: str
    text: str
    author_name: NotRequired[str]
    url: NotRequired[str]
    posted_at: NotRequired[str]
    votes: NotRequired[int]
    spoiler: NotRequired[str]
    lang: NotRequired[str]
    reply_ref: NotRequired[dict[str, Any]]
    links: NotRequired[list[dict[str, str]]]  # [{"shown": as in `text`, "url": the real destination}]


def is_event(entry: JournalEntry) -> TypeGuard[Event]:
    """An action, not the `journal.base` marker."""
    return entry["action"] != "journal.base"


def uncommitted(event: Event) -> Event:
    """A copy of `event` with no seq: kept in memory while the disk refuses writes."""
    copy = dict(event)
    copy["seq"] = None
    return cast(Event, copy)


def changes_of(event: Event) -> list[Change]:
    """The question changes an event carries (none for most kinds)."""
    if event["action"] in CHANGING:
        return event["changes"]  # type: ignore[typeddict-item]
    return []


def qids_of(event: Event) -> frozenset[str]:
    """The questions an event may have changed."""
    qid = event.get("qid")
    named = {qid} if isinstance(qid, str) and qid else set()
    return frozenset(named | {change["qid"] for change in changes_of(event)})
