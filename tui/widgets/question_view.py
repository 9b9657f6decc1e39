"""One question in full: who asked, when, votes, state, tags, flags, text.

Everything from the post is put in `Content` objects (never parsed as markup).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from store.model import Question
from tui.widgets.queue_index import QueueIndex
from tui.widgets.queue_list import age_text, question_time


def question_content(
    question: Question | None,
    questions: Mapping[str, Question],
    index: QueueIndex,
    clock: Callable[[], datetime],
) -> Content:
    if question is None:
        return Content.styled("No question selected.", "$text-muted")
    asked = question_time(question)
    age = age_text((clock() - asked).total_seconds()) + " ago" if asked else ""
    status = question.status + (f" ({question.reason})" if question.reason else "")
    head = [
        (question.author, "bold $accent"),
        (f"  {question.author_name}" if question.author_name else "", "$text-muted"),
        (f"  {age}  ▲{question.votes}  ", "$text-muted"),
        (status, "bold"),
    ]
    if question.starred:
        head.append(("  ★ starred", "$warning"))
    lines = [Content.assemble(*head)]
    extras: list[tuple[str, str] | str] = []
    if question.tags:
        extras.append((" ".join(f"#{tag}" for tag in question.tags) + "  ", "$secondary"))
    flags = index.flags(question)
    notes = [name for name, on in (("has a link", flags.link), ("author asked before", flags.repeated_author),
                                   ("possible duplicate", flags.possible_duplicate)) if on]
    if notes:
        extras.append((" · ".join(notes), "$warning"))
    if question.duplicate_of:
        original = questions.get(question.duplicate_of)
        extras.append(("  duplicate of " + (original.author if original else question.duplicate_of), "$text-muted"))
    if extras:
        lines.append(Content.assemble(*extras))
    if question.spoiler:
        lines.append(Content.assemble(("CW: ", "bold"), question.spoiler))
    lines.append(Content(question.shown_text()))
    return Content("\n").join(lines)


class QuestionView(Static):
    """The selected question (the moderator's detail, the top of the draft pane)."""

    def show(self, content: Content) -> None:
        self.update(content)
