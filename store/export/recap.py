"""What a recap says, before it is written as Markdown or HTML.

Answered questions come in the order they were answered, grouped by their
first tag when the session used tags (untagged last); then the approved
questions still waiting, then (with `only="all"`) the unreviewed and the
dismissed ones, each in arrival order. Before them, the most-asked
near-duplicate groups (`TOP_GROUPS`, of two questions or more) and the share
of each session topic; the figures count what each hold rule held. Both writers walk this one structure,
so the Markdown and HTML recaps always hold the same content.

Every time is stated in the recap's `zone` with that zone's name at the
moment (`store.zones.stamp`); whether the session spans days is decided at that
zone's midnight. The figures themselves are computed in UTC, as stored.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from store.events import Revision
from store.export import i18n
from store.export.figures import Figures, Timeline, figures, response_seconds, timeline
from store.export.safe import one_line, safe_url
from store.export.selection import answered_in_order, bucket, selected
from store.groups import GroupView, hold_counts, ranked_groups, topic_shares
from store.model import ALL_REASONS, Answer, OutboxPart, Question, Settings, parse_time
from store.parts import by_question, standing
from store.state import SessionState
from store.triage.rules import RULES
from store.zones import stamp

TOP_GROUPS = 10


@dataclass(frozen=True, slots=True)
class Link:
    label: str  # e.g. "mastodon 2/3"
    url: str  # already checked by `safe_url`


@dataclass(frozen=True, slots=True)
class Change:
    """A correction, a follow-up or a retraction of an answer, with the links of its own posts."""

    revision: Revision
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # answered | waiting | dismissed | new (see `selection`)
    question: Question
    answer: Answer | None
    response: float | None  # seconds
    original: str | None  # the question's own post, when its URL is safe
    links: tuple[Link, ...]  # published parts of the answer, still up (none once it is retracted)
    duplicate_of: Question | None
    changes: tuple[Change, ...] = ()  # what happened to the answer after it was sent, oldest first
    held_by: str = ""  # the hold rule that dismissed it on arrival


@dataclass(frozen=True, slots=True)
class Group:
    tag: str | None  # None: the untagged answers (or no tags used at all)
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Recap:
    settings: Settings
    zone: ZoneInfo  # every time is shown in this zone
    figures: Figures
    timeline: Timeline | None
    answered: tuple[Group, ...]
    waiting: tuple[Entry, ...]
    new: tuple[Entry, ...]
    dismissed: tuple[Entry, ...]
    groups: tuple[GroupView, ...] = ()  # the most asked, of two questions or more
    topics: dict[str, float] = field(default_factory=dict)  # topic -> share of the questions asked, then "other"
    holds: dict[str, int] = field(default_factory=dict)  # hold rule -> questions it held

    @property
    def multi_day(self) -> bool:
        start, end = self.figures.start, self.figures.end
        return bool(start and end and not i18n.same_day(start, end, self.zone))

    @property
    def any_answered(self) -> bool:
        return any(group.entries for group in self.answered)


def published_links(parts: list[OutboxPart], revision: int | None = 0) -> tuple[Link, ...]:
    """Links to the posts still up, of one revision (0: the answer as sent; None: every one),
    numbered as their thread shows them (see `part_id`)."""
    up = {p.id for p in standing(parts)}
    links = []
    for part in parts:
        url = safe_url(part.url)
        if part.id in up and url and revision in (None, part.revision):
            posts = [p for p in parts if p.op == "post" and p.platform == part.platform and p.revision == part.revision]
            label = part.platform if len(posts) <= 1 else f"{part.platform} {posts.index(part) + 1}/{len(posts)}"
            links.append(Link(label, url))
    return tuple(links)


def answer_changes(answer: Answer | None, parts: list[OutboxPart]) -> tuple[Change, ...]:
    """The answer's revisions, each with the links of the posts it added that are still up."""
    if answer is None:
        return ()
    return tuple(Change(revision, () if answer.retracted_at else published_links(parts, number))
                 for number, revision in enumerate(answer.revisions, 1))


def build(state: SessionState, only: str, zone: ZoneInfo) -> Recap:
    questions = selected(state, only)
    outbox = by_question(state.outbox.values())

    def entry(question: Question) -> Entry:
        answer = state.answers.get(question.id)
        parts = outbox.get(question.id, [])
        return Entry(
            kind=bucket(state, question),
            question=question,
            answer=answer,
            response=response_seconds(question, answer) if answer else None,
            original=safe_url(question.url),
            links=() if answer and answer.retracted_at else published_links(parts),
            duplicate_of=state.questions.get(question.duplicate_of or ""),
            changes=answer_changes(answer, parts),
            held_by=state.holds.get(question.id, ""),
        )

    answered = [entry(q) for q, _ in answered_in_order(state, questions)]
    groups: dict[str | None, list[Entry]] = {}
    for item in answered:
        tags = item.question.tags
        groups.setdefault(tags[0] if tags else None, []).append(item)
    untagged = groups.pop(None, [])
    ordered = [Group(tag, tuple(items)) for tag, items in groups.items()]
    if untagged or not ordered:
        ordered.append(Group(None, tuple(untagged)))

    rest = [entry(q) for q in questions if q.id not in state.answers]

    def of(kind: str) -> tuple[Entry, ...]:
        return tuple(item for item in rest if item.kind == kind)

    return Recap(
        settings=state.settings,
        zone=zone,
        figures=figures(state),
        timeline=timeline(state),
        answered=tuple(ordered),
        waiting=of("waiting"),
        new=of("new"),
        dismissed=of("dismissed"),
        groups=tuple(ranked_groups(state, min_size=2)[:TOP_GROUPS]),
        topics=topic_shares(state),
        holds=hold_counts(state),
    )


def header_line(recap: Recap) -> str:
    """`#hashtag · 2024-05-14, 20:00–21:02 CEST (1 h 02 min)`, as plain text."""
    f = recap.figures
    hashtag = one_line(recap.settings.hashtag)
    bits = [f"#{hashtag}"] if hashtag else []
    if f.start and f.end and f.duration is not None:
        times = i18n.span(f.start, f.end, recap.zone, with_date=recap.multi_day)
        bits.append(f"{i18n.day(f.start, recap.zone)}, {times} ({i18n.duration(f.duration)})")
    return " · ".join(bits)


def time_of(recap: Recap, moment: datetime) -> str:
    """`20:07 CEST` in the recap's zone; with the date when the session spans days there."""
    return stamp(moment, recap.zone, with_date=recap.multi_day)


def times_line(recap: Recap, words: dict[str, str]) -> str:
    """`All times are in the Europe/Rome time zone.`, as plain text."""
    return words["times"].format(zone=recap.zone.key)


def figure_rows(recap: Recap, words: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) pairs of the figures section, as plain text."""
    f = recap.figures
    dismissed = ", ".join(f"{words[reason]} {count}" for reason, count in f.dismissed.items())
    rows = [
        (words["received"], str(f.received)),
        (words["approved"], f"{f.approved} (" + words["approved_detail"].format(answered=f.answered, waiting=f.waiting) + ")"),
        (words["dismissed"], f"{f.dismissed_total}" + (f" ({dismissed})" if dismissed else "")),
        (words["new"], str(f.new)),
        (words["answered"], str(f.answered)),
    ]
    if f.starred:
        rows.append((words["starred"], str(f.starred)))
    if f.median_response is not None and f.p90_response is not None:
        rows.append((words["response"], words["response_value"].format(
            median=i18n.duration(f.median_response), p90=i18n.duration(f.p90_response))))
    if recap.holds:
        rows.append((words["held_rules"], ", ".join(f"{words[rule]} {count}" for rule, count in recap.holds.items())))
    if f.busiest_minute:
        rows.append((words["busiest"], words["busiest_value"].format(
            time=time_of(recap, f.busiest_minute), count=f.busiest_count)))
    return rows


def dismissal_line(entry: Entry, words: dict[str, str]) -> str:
    """`Dismissed: duplicate (duplicate of @x)`, as plain text."""
    reason = entry.question.reason if entry.question.reason in ALL_REASONS else "other"
    line = f"{words['dismissed_as']} {words[reason]}"
    if entry.held_by in RULES:
        line += f" ({words[entry.held_by]})"
    if entry.duplicate_of is not None:
        line += " (" + words["duplicate_of"].format(author=one_line(entry.duplicate_of.author)) + ")"
    return line


def when_text(entry: Entry, recap: Recap, words: dict[str, str],
              text: Callable[[str], str], link: Callable[[str, str], str]) -> str:
    """`when_line` in a format's own escaping, with a link to the original post."""
    line = text(when_line(entry, recap, words))
    if entry.original:
        line += (" · " if line else "") + link(words["original"], entry.original)
    return line


def when_line(entry: Entry, recap: Recap, words: dict[str, str]) -> str:
    """`asked at 20:02 CEST · answered at 20:05 CEST, after 3 min 05 s · 4 votes`, plain text."""
    bits = []
    received = parse_time(entry.question.received_at)
    if received:
        bits.append(words["asked"].format(time=time_of(recap, received)))
    answered = parse_time(entry.answer.answered_at) if entry.answer else None
    if answered and entry.response is not None:
        bits.append(words["answered_at"].format(
            time=time_of(recap, answered), after=i18n.duration(entry.response)))
    if entry.question.votes:
        votes = entry.question.votes
        bits.append(words["vote"] if votes == 1 else words["votes"].format(count=votes))
    return " · ".join(bits)


def change_line(change: Change, recap: Recap, words: dict[str, str]) -> str:
    """`Corrected at 21:14 CEST:`, `Follow-up at 21:16 CEST:`, `Retracted at 21:20 CEST`, as plain text."""
    moment = parse_time(change.revision["at"])
    time = time_of(recap, moment) if moment else "?"
    return words[f"{change.revision['kind']}_at"].format(time=time)


def group_line(group: GroupView, words: dict[str, str]) -> str:
    """`asked 57 times · 120 votes · rete, lavoro`, as plain text."""
    bits = [words["group_count"].format(count=len(group.members))]
    if group.votes:
        bits.append(words["vote"] if group.votes == 1 else words["votes"].format(count=group.votes))
    if group.topics:
        bits.append(", ".join(group.topics))
    return " · ".join(bits)


def topic_rows(recap: Recap, words: dict[str, str]) -> list[tuple[str, str]]:
    """(topic, share) pairs, as plain text: `rete`, `12%`; the last is the questions of no topic."""
    return [(words["topic_other"] if n == len(recap.topics) - 1 else name, f"{share:.0%}")
            for n, (name, share) in enumerate(recap.topics.items())]
