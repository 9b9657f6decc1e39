"""One question in full: who asked, when, votes, state, tags, flags, text.

When it was asked is shown both ways: the clock time in the session's zone
(`20:07 CEST`) and how long ago. Everything from the post is put in
`Content` objects (never parsed as markup).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from textual.content import Content
from textual.widgets import Static

from store.model import HELD, Question
from store.zones import stamp
from tui.i18n import N_, _
from tui.widgets.queue_index import QueueIndex
from tui.widgets.queue_list import age_text, question_time
from tui.widgets.shown import shown
from tui.widgets.state_labels import hold_label, reason_label, status_label
from tui.widgets.steady import update_steady
from tui.widgets.translated import sentence


def ago_text(seconds: float) -> str:
    """The question's age in words: "5m ago", or "dated ahead, +5m" for a time ahead of the clock."""
    age = age_text(seconds)
    return (_("dated ahead, {age}") if age.startswith("+") else _("{age} ago")).format(age=age)


def question_content(
    question: Question | None,
    questions: Mapping[str, Question],
    index: QueueIndex,
    clock: Callable[[], datetime],
    zone: tzinfo,
    *,
    held_by: str = "",
) -> Content:
    """`held_by`: the hold rule that dismissed it on arrival (`SessionState.holds`), shown as its reason."""
    if question is None:
        return Content.styled(_("No question selected."), "$text-muted")
    asked = question_time(question)
    age = f"{stamp(asked, zone)} · {ago_text((clock() - asked).total_seconds())}" if asked else ""
    reason = reason_label(question.reason) if question.reason else ""
    reason = f"{reason}: {hold_label(held_by)}" if question.reason == HELD and held_by else reason
    status = status_label(question.status) + (f" ({reason})" if reason else "")
    head: list[Content | tuple[str, str]] = [
        shown(question.author, "bold $accent", multiline=False),
        shown(f"  {question.author_name}" if question.author_name else "", "$text-muted", multiline=False),
        (f"  {age}  ▲{question.votes}  ", "$text-muted"),
        shown(status, "bold", multiline=False),
    ]
    if question.starred:
        head.append(("  ★ " + _("starred"), "$warning"))
    lines = [Content.assemble(*head)]
    extras: list[Content | tuple[str, str]] = []
    if question.tags:
        extras.append(shown(" ".join(f"#{tag}" for tag in question.tags) + "  ", "$secondary", multiline=False))
    flags = index.flags(question)
    notes = [_(name) for name, on in ((N_("has a link"), flags.link), (N_("author asked before"), flags.repeated_author),
                                      (N_("possible duplicate"), flags.possible_duplicate)) if on]
    if notes:
        extras.append((" · ".join(notes), "$warning"))
    if question.duplicate_of:
        original = questions.get(question.duplicate_of)
        of = shown(original.author if original else question.duplicate_of, "$text-muted", multiline=False)
        extras.append(Content.assemble("  ", sentence(_("duplicate of {author}"), "$text-muted", author=of)))
    if extras:
        lines.append(Content.assemble(*extras))
    if question.spoiler:
        lines.append(Content.assemble((_("CW") + ": ", "bold"), shown(question.spoiler, multiline=False)))
    lines.append(shown(question.shown_text()))
    return Content("\n").join(lines)


class QuestionView(Static):
    """The selected question (the moderator's detail, the top of the draft pane)."""

    def show(self, content: Content) -> None:
        update_steady(self, content)
