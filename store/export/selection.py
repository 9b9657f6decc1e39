"""Which questions an export holds, in which order, and how each one ended.

Every question falls in exactly one bucket:

- `answered`: an answer was logged for it (even if it was reopened later:
  the answer was sent, so it belongs in the record);
- `waiting`: approved (or marked answered without a logged answer);
- `dismissed`;
- `new`: never reviewed.

`only` picks buckets: `answered`; `approved` = answered + waiting; `all`.
"""
from __future__ import annotations

from collections.abc import Iterable

from store.model import Answer, Question, parse_time
from store.state import SessionState

ONLY: tuple[str, ...] = ("all", "approved", "answered")
BUCKETS: dict[str, frozenset[str]] = {
    "answered": frozenset({"answered"}),
    "approved": frozenset({"answered", "waiting"}),
    "all": frozenset({"answered", "waiting", "dismissed", "new"}),
}


def check_only(only: str) -> None:
    if only not in BUCKETS:
        raise ValueError(f"unknown selection {only!r} (one of: {', '.join(ONLY)})")


def bucket(state: SessionState, question: Question) -> str:
    if question.id in state.answers:
        return "answered"
    if question.status in ("approved", "answered"):
        return "waiting"
    if question.status == "dismissed":
        return "dismissed"
    return "new"


def selected(state: SessionState, only: str) -> list[Question]:
    """The questions `only` keeps, in arrival order."""
    check_only(only)
    keep = BUCKETS[only]
    return [q for q in state.questions.values() if bucket(state, q) in keep]


def answered_in_order(state: SessionState, questions: Iterable[Question]) -> list[tuple[Question, Answer]]:
    """Answered questions in the order they were answered (ties: as logged)."""
    rank = {qid: n for n, qid in enumerate(state.answers)}
    pairs = [(q, state.answers[q.id]) for q in questions if q.id in state.answers]
    return sorted(pairs, key=lambda pair: (_sort_time(pair[1].answered_at), rank[pair[0].id]))


def _sort_time(value: str) -> float:
    moment = parse_time(value)
    return moment.timestamp() if moment else float("inf")

