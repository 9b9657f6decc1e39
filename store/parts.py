"""Rules about an answer's outbox parts, in one place: grouping, order, what a retry or a link applies to.

Parts are grouped per question and ordered by platform, then by their
number in the thread (from 1, see `store.model.part_id`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from store.model import OutboxPart


def thread_order(part: OutboxPart) -> tuple[str, int]:
    return (part.platform, part.index)


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


def posted_links(parts: Iterable[OutboxPart]) -> list[str]:
    """The links of the posted parts, in thread order."""
    return [p.url for p in sorted(parts, key=thread_order) if p.state == "posted" and p.url]
