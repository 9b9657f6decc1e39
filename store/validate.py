"""Field types checked where a store is read: a hand-edited or foreign-written store is refused
with the field named, before anything shows it, exports it or counts with it.

A snapshot or journal that qtime did not write (another tool, a hand edit,
as the README invites TinyDB users to do) can hold a question whose text is
a number, votes that are a string, tags that are not a list, a limit of 0,
a time far out of range. Accepted, each crashed the app or an export later.
Here every record and event is checked against the types the model
declares: on open, a bad one refuses the store (`NotAStoreError`, exit 2);
while a session is open, a bad event another writer appends is skipped and
reported (see `SessionStore`).

The checks are written out, not derived at run time: at 100,000 questions
they cost about 0.1 s of a store's open.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, get_args

from store.events import MUTABLE_FIELDS, ChangeVerb, PartOp, PartState, Reason, Status

MAX_INT = 2**53  # the largest whole number JSON readers agree on
STATUSES = frozenset(get_args(Status))
REASONS = frozenset(get_args(Reason))
PART_STATES = frozenset(get_args(PartState))
PART_OPS = frozenset(get_args(PartOp))
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


class Invalid(ValueError):
    """A field that does not hold what the model says; the message names it."""


def _fail(where: str, name: str, wanted: str, value: object) -> Invalid:
    return Invalid(f"{where}.{name} should be {wanted}, not {value!r:.60}")


def _texts(record: Mapping[str, Any], where: str, names: tuple[str, ...]) -> None:
    for name in names:
        value = record.get(name, "")
        if type(value) is not str:
            raise _fail(where, name, "text", value)


def _count(record: Mapping[str, Any], where: str, name: str, *, least: int = 0, optional: bool = False) -> None:
    value = record.get(name, None if optional else 0)
    if optional and value is None:
        return
    if type(value) is not int or not least <= value < MAX_INT:
        raise _fail(where, name, f"a whole number from {least}", value)


def _text_list(record: Mapping[str, Any], where: str, name: str) -> None:
    value = record.get(name, [])
    if type(value) is not list or any(type(item) is not str for item in value):
        raise _fail(where, name, "a list of texts", value)


def _one_of(record: Mapping[str, Any], where: str, name: str, allowed: frozenset[str], default: object) -> None:
    value = record.get(name, default)
    if value is not None and value not in allowed or value is None and default is not None:
        raise _fail(where, name, f"one of {', '.join(sorted(allowed))}", value)


def _time(record: Mapping[str, Any], where: str, name: str) -> None:
    """A time a qtime process wrote: ISO 8601, and within dates arithmetic can handle."""
    value = record.get(name, "")
    if value == "":
        return
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if type(value) is str else None
    except ValueError:
        moment = None
    if moment is None or not EARLIEST <= (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) < LATEST:
        raise _fail(where, name, "an ISO time between 1970 and 2200", value)


QUESTION_TEXTS = ("id", "source", "remote_id", "author", "text", "received_at", "author_name", "url", "posted_at",
                  "spoiler", "lang")


def _question_ok(record: dict[str, Any]) -> bool:
    """The common case in one expression (a fraction of the field-by-field check's cost)."""
    get = record.get
    votes, remote = get("votes", 0), get("remote_votes", 0)
    duplicate_of, reason, tags = get("duplicate_of"), get("reason"), get("tags", [])
    return (type(get("id")) is str and type(get("source")) is str and type(get("remote_id")) is str
            and type(get("author")) is str and type(get("text")) is str and type(get("received_at")) is str
            and type(get("author_name", "")) is str and type(get("url", "")) is str
            and type(get("posted_at", "")) is str and type(get("spoiler", "")) is str and type(get("lang", "")) is str
            and type(votes) is int and 0 <= votes < MAX_INT and type(remote) is int and 0 <= remote < MAX_INT
            and get("status", "new") in STATUSES and (reason is None or reason in REASONS)
            and type(get("starred", False)) is bool and type(tags) is list and (not tags or all(type(t) is str for t in tags))
            and (duplicate_of is None or type(duplicate_of) is str) and type(get("reply_ref", {})) is dict
            and type(get("links", [])) is list and not get("links"))


def question(record: object, where: str) -> None:
    if type(record) is dict and _question_ok(record):
        return
    if not isinstance(record, dict):
        raise Invalid(f"{where} should be a record, not {record!r:.60}")
    _texts(record, where, QUESTION_TEXTS)
    _count(record, where, "votes")
    _count(record, where, "remote_votes")
    _one_of(record, where, "status", STATUSES, "new")
    _one_of(record, where, "reason", REASONS, None)
    if type(record.get("starred", False)) is not bool:
        raise _fail(where, "starred", "true or false", record["starred"])
    _text_list(record, where, "tags")
    if record.get("duplicate_of") is not None and type(record["duplicate_of"]) is not str:
        raise _fail(where, "duplicate_of", "a question id", record["duplicate_of"])
    if type(record.get("reply_ref", {})) is not dict:
        raise _fail(where, "reply_ref", "a record", record["reply_ref"])
    links = record.get("links", [])
    if type(links) is not list or any(type(link) is not dict or not all(type(v) is str for v in link.values())
                                      for link in links):
        raise _fail(where, "links", "a list of {shown, url}", links)


def settings(record: object, where: str = "session") -> None:
    if not isinstance(record, dict):
        raise Invalid(f"{where} should be a record, not {record!r:.60}")
    _texts(record, where, ("title", "hashtag", "profile", "created_at", "started_at", "lang", "tz", "session_id"))
    _count(record, where, "limit", least=1, optional=True)
    _count(record, where, "url_weight", least=1, optional=True)
    _text_list(record, where, "sources")
    for name in ("read_tags", "topics", "blocked_words", "blocked_authors"):
        _text_list(record, where, name)
    _count(record, where, "flood_authors")
    minutes = record.get("flood_minutes", 10)
    if type(minutes) is not int or not 0 < minutes < 100_000:
        raise _fail(where, "flood_minutes", "a whole number of minutes from 1", minutes)
    for name in ("mention_asker", "append_hashtag", "hold_link_only", "group_copies"):
        if type(record.get(name, True)) is not bool:
            raise _fail(where, name, "true or false", record[name])


def answer(record: object, where: str) -> None:
    if not isinstance(record, dict):
        raise Invalid(f"{where} should be a record, not {record!r:.60}")
    _texts(record, where, ("question_id", "text", "profile", "answered_at", "actor", "overrode", "retracted_at"))
    _text_list(record, where, "parts")
    _time(record, where, "answered_at")
    _time(record, where, "retracted_at")
    revisions = record.get("revisions", [])
    if type(revisions) is not list or any(type(r) is not dict or type(r.get("text", "")) is not str
                                          or type(r.get("kind")) is not str for r in revisions):
        raise _fail(where, "revisions", "a list of revisions", revisions)
    for number, revision in enumerate(revisions):
        _text_list(revision, f"{where}.revisions[{number}]", "parts")
        _time(revision, f"{where}.revisions[{number}]", "at")


def part(record: object, where: str) -> None:
    if not isinstance(record, dict):
        raise Invalid(f"{where} should be a record, not {record!r:.60}")
    _texts(record, where, ("id", "question_id", "platform", "text", "remote_id", "url", "reason",
                           "idempotency_key", "updated_at", "first_try_at", "cid", "in_reply_to", "target"))
    _count(record, where, "index", least=1)
    _count(record, where, "total", least=1)
    _count(record, where, "attempts")
    _count(record, where, "revision")
    _one_of(record, where, "state", PART_STATES, "pending")
    _one_of(record, where, "op", PART_OPS, "post")


def draft(record: object, where: str) -> None:
    if not isinstance(record, dict):
        raise Invalid(f"{where} should be a record, not {record!r:.60}")
    _texts(record, where, ("question_id", "text", "updated_at", "actor"))


CHANGE_VERBS = frozenset(get_args(ChangeVerb))


def event(record: object, where: str) -> None:
    """An event's fields, by its kind (unknown kinds a newer qtime may add are left to `apply`)."""
    if not isinstance(record, dict) or type(record.get("action")) is not str:
        raise Invalid(f"{where} should be an event, not {record!r:.60}")
    action = record["action"]
    if type(record.get("qid", "")) not in (str, type(None)):
        raise _fail(where, "qid", "a question id", record["qid"])
    if action == "question.add" and "question" in record:  # the history keeps the event, not the record
        question(record["question"], f"{where}.question")
    elif action == "answer.add":
        answer(record.get("answer"), f"{where}.answer")
    elif action == "outbox.set":
        part(record.get("part"), f"{where}.part")
    elif action == "session.set":
        after = record.get("after")
        settings(after, f"{where}.after")
    elif action == "draft.set":
        _texts(record, where, ("text",))
    elif action == "question.hold":
        _texts(record, where, ("qid", "rule"))
    elif action in ("dismiss", "undo"):
        for name in ("block", "unblock"):  # an author a dismiss blocks, its undo unblocks
            if name in record and (type(record[name]) is not str or not record[name].strip()):
                raise _fail(where, name, "an author", record[name])
    elif action in ("group.join", "group.split"):
        _texts(record, where, ("qid", "group"))
        if not record.get("qid") or not record.get("group"):
            raise _fail(where, "group", "a question id and a group id", record)
    for number, change in enumerate(record.get("changes", ()) if action in CHANGE_VERBS | {"answer.add", "undo"} else ()):
        fields = change.get("after") if isinstance(change, dict) else None
        if not isinstance(fields, dict) or not set(fields) <= MUTABLE_FIELDS or not isinstance(change.get("before"), dict):
            raise Invalid(f"{where}.changes[{number}] should change question fields, not {change!r:.60}")
        question({"id": "", **fields}, f"{where}.changes[{number}].after")


TABLES = {"questions": question, "answers": answer, "outbox": part, "drafts": draft}


def tables(data: Mapping[str, Any]) -> None:
    """Every record of a snapshot's tables; `Invalid` names the first bad field."""
    for number, record in enumerate(_docs(data, "session")):
        settings(record, f"session[{number}]")
    for name, check in TABLES.items():
        for number, record in enumerate(_docs(data, name)):
            check(record, f"{name}[{number}]")
    for number, record in enumerate(_docs(data, "events")):
        event(record, f"events[{number}]")


def _docs(data: Mapping[str, Any], name: str) -> list[Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise Invalid(f"table {name} should be a table of records, not {table!r:.60}")
    return list(table.values())
