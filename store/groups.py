"""What triage made of a session, read from its state: groups, topic shares, hold counts.

Every figure here comes from what the store holds (`group.join` / `group.split`
events, tags, `SessionState.holds`), so every process and every export says the
same. Only questions still asked count for groups and topic shares: dismissed
ones (held by a rule, spam, duplicates whose votes went to the original) are
left out, so a held flood is never the most-asked question.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from store.model import Question, Settings
from store.state import SessionState
from store.triage.rules import RULES
from store.triage.topics import OTHER


@dataclass(frozen=True, slots=True)
class GroupView:
    id: str
    members: tuple[Question, ...]  # still asked, in arrival order
    votes: int  # summed over the members
    representative: Question  # the most voted member, the earliest on a tie
    topics: tuple[str, ...]  # its members' topics, in the session's order


def asked(question: Question) -> bool:
    return question.status != "dismissed"


def topic_names(settings: Settings) -> list[str]:
    """The session's topics as questions are tagged with them (`check_settings` stores `name: keywords`)."""
    return [line.partition(":")[0] for line in settings.topics]


def topics_of(question: Question, names: list[str]) -> list[str]:
    """The topics among a question's tags, in the session's order."""
    return [name for name in names if name in question.tags]


def ranked_groups(state: SessionState, *, min_size: int = 1) -> list[GroupView]:
    """Groups of at least `min_size` asked questions, by summed votes, then size, then first arrival."""
    by_group: dict[str, list[Question]] = {}
    for question in state.questions.values():
        if asked(question):
            by_group.setdefault(state.group_of(question.id), []).append(question)
    names = topic_names(state.settings)
    views = [_view(gid, members, names) for gid, members in by_group.items() if len(members) >= min_size]
    order = {gid: n for n, gid in enumerate(by_group)}
    views.sort(key=lambda view: (-view.votes, -len(view.members), order[view.id]))
    return views


def _view(gid: str, members: list[Question], names: list[str]) -> GroupView:
    best = min(range(len(members)), key=lambda n: (-members[n].votes, n))
    tagged = {topic for member in members for topic in topics_of(member, names)}
    return GroupView(gid, tuple(members), sum(m.votes for m in members), members[best],
                     tuple(name for name in names if name in tagged))


def topic_shares(state: SessionState) -> dict[str, float]:
    """Each topic's share of the asked questions (one may count for several), then `other`; {} with no topics."""
    names = topic_names(state.settings)
    if not names:
        return {}
    counts: Counter[str] = Counter()
    total = 0
    for question in state.questions.values():
        if asked(question):
            total += 1
            counts.update(topics_of(question, names) or [OTHER])
    return {name: counts[name] / total if total else 0.0 for name in [*names, OTHER]}


def hold_counts(state: SessionState) -> dict[str, int]:
    """Questions each hold rule caught on arrival (also those a moderator let through since), in rule order."""
    counts = Counter(state.holds.values())
    return {rule: counts[rule] for rule in RULES if counts[rule]}
