"""The numbers of a session: counts, response times, the busiest minute, a per-minute series.

Figures always describe the whole session, whatever `only` an export uses:
"42 received, 12 dismissed" is the context a recap of the answers needs.
Response time is `answered_at - received_at` (when qtime saw the question,
not when it was posted: platform clocks and delivery delays vary).
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from store.export.selection import bucket
from store.model import ALL_REASONS, Answer, Question, parse_time
from store.state import SessionState

# Chart buckets grow (1, 2, 5 ... minutes) so a long session stays readable.
STEPS_MINUTES: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 60, 120, 240, 720, 1440)
MAX_BARS = 90


@dataclass(frozen=True, slots=True)
class Figures:
    received: int
    approved: int  # approved or answered
    waiting: int  # approved, not answered
    new: int
    answered: int
    starred: int
    dismissed: dict[str, int]  # reason -> count, in ALL_REASONS order, zero counts left out
    median_response: float | None  # seconds
    p90_response: float | None
    busiest_minute: datetime | None
    busiest_count: int
    start: datetime | None
    end: datetime | None

    @property
    def dismissed_total(self) -> int:
        return sum(self.dismissed.values())

    @property
    def duration(self) -> timedelta | None:
        return self.end - self.start if self.start and self.end else None


@dataclass(frozen=True, slots=True)
class Timeline:
    """Questions received and answered per bucket of `step` minutes from `start`."""

    start: datetime
    step: int
    received: tuple[int, ...]
    answered: tuple[int, ...]

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.step * len(self.received))


def response_seconds(question: Question, answer: Answer) -> float | None:
    received, answered = parse_time(question.received_at), parse_time(answer.answered_at)
    if received is None or answered is None:
        return None
    return max(0.0, (answered - received).total_seconds())


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` in 0..1) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def minute_of(moment: datetime) -> datetime:
    """The minute `moment` falls in, in UTC. It is the same minute in the session's zone (every
    offset in use since 1972 is whole minutes); the arithmetic stays in UTC because Python subtracts
    two times of one zone as wall-clock times, wrong across a change of the clocks."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def figures(state: SessionState) -> Figures:
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    per_minute: Counter[datetime] = Counter()
    responses: list[float] = []
    moments: list[datetime] = []
    starred = 0
    for question in state.questions.values():
        kind = bucket(state, question)
        counts[kind] += 1
        starred += question.starred
        if kind == "dismissed":
            reasons[question.reason if question.reason in ALL_REASONS else "other"] += 1
        received = parse_time(question.received_at)
        if received:
            per_minute[minute_of(received)] += 1
            moments.append(received)
        answer = state.answers.get(question.id)
        if answer is not None:
            seconds = response_seconds(question, answer)
            if seconds is not None:
                responses.append(seconds)
            answered = parse_time(answer.answered_at)
            if answered:
                moments.append(answered)
    started = parse_time(state.settings.started_at)
    if started:
        moments.append(started)
    # Busiest minute: most questions received; the earliest such minute on a tie.
    busiest = min(per_minute.items(), key=lambda item: (-item[1], item[0]), default=None)
    return Figures(
        received=len(state.questions),
        approved=counts["answered"] + counts["waiting"],
        waiting=counts["waiting"],
        new=counts["new"],
        answered=counts["answered"],
        starred=starred,
        dismissed={reason: reasons[reason] for reason in ALL_REASONS if reasons[reason]},
        median_response=statistics.median(responses) if responses else None,
        p90_response=percentile(responses, 0.9),
        busiest_minute=busiest[0] if busiest else None,
        busiest_count=busiest[1] if busiest else 0,
        start=min(moments, default=None),
        end=max(moments, default=None),
    )


def timeline(state: SessionState, max_bars: int = MAX_BARS) -> Timeline | None:
    """Received and answered counts per minute (or wider buckets); None when empty."""
    received = [t for q in state.questions.values() if (t := parse_time(q.received_at))]
    answered = [t for a in state.answers.values() if (t := parse_time(a.answered_at))]
    if not received and not answered:
        return None
    first = minute_of(min(received + answered))
    span = int((minute_of(max(received + answered)) - first).total_seconds() // 60) + 1
    step = next((s for s in STEPS_MINUTES if math.ceil(span / s) <= max_bars), STEPS_MINUTES[-1])
    bars = math.ceil(span / step)

    def histogram(moments: list[datetime]) -> tuple[int, ...]:
        counts = [0] * bars
        for moment in moments:
            index = int((minute_of(moment) - first).total_seconds() // 60) // step
            counts[min(index, bars - 1)] += 1
        return tuple(counts)

    return Timeline(first, step, histogram(received), histogram(answered))
