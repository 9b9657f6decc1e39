"""Rules about an answer's outbox parts, in one place: grouping, order, what a retry or a link applies to.

Parts are grouped per question and ordered by platform, then by the
revision they belong to (0: the answer as sent), then by their number in
the thread (from 1, see `store.model.part_id`).

A post is *live* while it is (or will be) on the platform: not cancelled,
not failed for sure, and not the target of a delete of a later revision.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from store.events import PartOp
from store.model import Answer, OutboxPart

Step = tuple[PartOp, str, str]  # (op, text, target part id): one part a revision needs


def thread_order(part: OutboxPart) -> tuple[str, int, int]:
    return (part.platform, part.revision, part.index)


def by_question(parts: Iterable[OutboxPart]) -> dict[str, list[OutboxPart]]:
    """Parts per question, each list in thread order."""
    grouped: dict[str, list[OutboxPart]] = {}
    for part in parts:
        grouped.setdefault(part.question_id, []).append(part)
    for listed in grouped.values():
        listed.sort(key=thread_order)
    return grouped


def of_question(outbox: Mapping[str, OutboxPart], qid: str, platform: str | None = None) -> list[OutboxPart]:
    """One question's parts (on one platform, if given), in thread order."""
    # tuple(): one C call, so a writer on another thread cannot change the dict under the loop
    found = [p for p in tuple(outbox.values()) if p.question_id == qid and platform in (None, p.platform)]
    return sorted(found, key=thread_order)


def held_back(part: OutboxPart) -> bool:
    """Pending with a reason: an account refused, or a long wait deferred it."""
    return part.state == "pending" and bool(part.reason)


def retryable(parts: Iterable[OutboxPart]) -> bool:
    """`r` applies: some part failed or is held back."""
    return any(p.state == "failed" or held_back(p) for p in parts)


def deleted(parts: Iterable[OutboxPart]) -> frozenset[str]:
    """The ids of the parts a delete targets (queued, done or not)."""
    return frozenset(p.target for p in parts if p.op == "delete")


def live_posts(parts: Iterable[OutboxPart], before: int | None = None) -> list[OutboxPart]:
    """The posts that are (or will be) on the platform, in thread order; only
    those of revisions before `before`, when given."""
    listed = sorted(parts, key=thread_order)
    gone = deleted(listed)
    return [p for p in listed if p.op == "post" and p.id not in gone and (before is None or p.revision < before)
            and p.state != "cancelled" and not (p.state == "failed" and not p.sending)]


def standing(parts: Iterable[OutboxPart]) -> list[OutboxPart]:
    """The posts that are up: posted and not deleted since, in thread order."""
    listed = sorted(parts, key=thread_order)
    gone = {p.target for p in listed if p.op == "delete" and p.state == "posted"}
    return [p for p in listed if p.op == "post" and p.state == "posted" and p.id not in gone]


def posted_links(parts: Iterable[OutboxPart]) -> list[str]:
    """The links of the posts still up, in thread order."""
    return [p.url for p in standing(parts) if p.url]


def of_revision(parts: Iterable[OutboxPart], revision: int) -> list[OutboxPart]:
    """The parts of one revision of an answer (0: as sent), in thread order."""
    return sorted((p for p in parts if p.revision == revision), key=thread_order)


def plan_revision(answer: Answer, number: int, thread: list[OutboxPart], can_edit: bool) -> list[Step]:
    """What revision `number` of `answer` takes on one platform, given that platform's `thread` (every
    part queued so far), in the order the steps go out.

    - a retraction deletes every live post;
    - a follow-up (or a correction as a reply) is a new thread under the last live post;
    - a correction as a repost deletes the answer's posts (the answer as sent and the corrections
      since, not the follow-ups), then posts the corrected thread under the question;
    - where the platform can edit, a correction edits the answer's posts in place, then posts the
      extra parts under them, or deletes the posts it no longer needs.
    """
    revision = answer.revisions[number - 1]
    live = live_posts(thread, before=number)
    if revision["kind"] == "retract":
        return [("delete", "", p.id) for p in live]
    texts = revision["parts"]
    last = live[-1].id if live else ""
    if revision["kind"] == "follow_up" or (not can_edit and revision["mode"] == "reply"):
        return _posts(texts, last)
    body = [p for p in live if p.revision == 0 or answer.revisions[p.revision - 1]["kind"] == "correct"]
    if not can_edit:
        return [("delete", "", p.id) for p in body] + _posts(texts, "")
    edits: list[Step] = [("edit", text, p.id) for p, text in zip(body, texts, strict=False)]
    under = body[len(edits) - 1].id if edits else last
    return edits + _posts(texts[len(edits):], under) + [("delete", "", p.id) for p in body[len(texts):]]


def _posts(texts: list[str], under: str) -> list[Step]:
    """A thread: the first post replies to `under` ("" = the question), each next one to the one before."""
    return [("post", text, under if n == 0 else "") for n, text in enumerate(texts)]
