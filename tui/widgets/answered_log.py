"""The answered log: each answer with its question, when, how fast, and where it was published;
then what happened to it after it was sent (corrected, followed up, retracted), and where that went.

Clock times are in the session's zone (the header names it), never the machine's."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from store.events import Revision
from store.export.i18n import duration
from store.model import Answer, OutboxPart, Question, parse_time
from store.parts import by_question, held_back, of_revision
from store.zones import clock
from tui.i18n import N_, _, ngettext
from tui.widgets.queue_list import question_time
from tui.widgets.shown import shown, shown_line
from tui.widgets.translated import sentence

QUESTION_PREVIEW = 160
NO_ANSWERS = N_("No answers yet.")


# The words are marked here and translated where shown.
POSTED = N_("posted")
REVISION_DONE = {"correct": N_("corrected"), "follow_up": POSTED, "retract": N_("deleted")}
REVISION_HEAD = {"correct": (N_("corrected"), "bold $warning"), "follow_up": (N_("follow-up"), "bold $accent"),
                 "retract": (N_("retracted"), "bold $error")}


def publish_state(parts: Iterable[OutboxPart], revision: int = 0, done: str = POSTED) -> list[tuple[str, str]]:
    """(text, style) per platform for one revision (0: the answer as sent): posted 2/2, pending, failed (reason).

    `done` is the word (marked, not yet translated) for a revision's parts all carried out."""
    by_platform: dict[str, list[OutboxPart]] = {}
    for part in of_revision(parts, revision):
        by_platform.setdefault(part.platform, []).append(part)
    if not by_platform:
        return [(_("not published"), "$text-muted")]
    out: list[tuple[str, str]] = []
    for platform, platform_parts in sorted(by_platform.items()):
        total = len(platform_parts)
        posted = sum(p.state == "posted" for p in platform_parts)
        cancelled = sum(p.state == "cancelled" for p in platform_parts)
        failed = [p for p in platform_parts if p.state == "failed"]
        if failed:
            said = _("{platform}: failed ({reason}) {posted}/{total}").format(
                platform=platform, reason=failed[0].reason or _("error"), posted=posted, total=total)
            out.append((shown_line(said), "$error"))
        elif posted + cancelled == total:
            said = _("{platform}: {done} {posted}/{total}").format(platform=platform, done=_(done), posted=posted, total=total)
            if cancelled:
                said += ngettext(", {count} not sent", ", {count} not sent", cancelled).format(count=cancelled)
            out.append((said, "$success"))
        else:
            held = next((p.reason for p in platform_parts if held_back(p)), "")
            said = _("{platform}: sending {posted}/{total}").format(platform=platform, posted=posted, total=total)
            out.append((shown_line(said + (f" ({held})" if held else "")), "$warning"))
    return out


def _joined(states: list[tuple[str, str]]) -> list[str | tuple[str, str]]:
    out: list[str | tuple[str, str]] = []
    for number, (text, style) in enumerate(states):
        out += [(" · " if number else "", ""), (text, style)]
    return out


def revision_lines(revision: Revision, number: int, parts: list[OutboxPart], zone: tzinfo) -> list[Content]:
    """`corrected 19:14  mastodon: corrected 2/2` and the new text, or `retracted 19:20 ...`."""
    at = parse_time(revision["at"])
    word, style = REVISION_HEAD[revision["kind"]]
    head: list[str | tuple[str, str]] = [(f"{_(word)} {clock(at, zone) if at else '?'}", style), "  "]
    if parts:
        head += _joined(publish_state(parts, number, REVISION_DONE[revision["kind"]]))
    lines = [Content.assemble(*head)]
    if revision["text"]:
        lines.append(Content.assemble((_("A") + "′ " if revision["kind"] == "correct" else "+ ", "bold $success"),
                                      shown(revision["text"])))
    return lines


def answer_entry(answer: Answer, question: Question | None, parts: Iterable[OutboxPart], zone: tzinfo) -> Content:
    answered = parse_time(answer.answered_at)
    asked = question_time(question) if question else None
    when = answered.astimezone(zone).strftime("%H:%M:%S") if answered else "?"
    took = _("answered in {duration}").format(duration=duration(max(0.0, (answered - asked).total_seconds()))) \
        if answered and asked else ""
    head: list[str | tuple[str, str]] = [(when, "bold"), "  "]
    head.append((shown_line(question.author) if question else "?", "bold $accent"))
    head += [("  " + took + "  ", "$text-muted")]
    parts = list(parts)
    head += _joined(publish_state(parts))
    asked_text = " ".join(shown_line(question.shown_text()).split()) if question else ""
    if len(asked_text) > QUESTION_PREVIEW:
        asked_text = asked_text[: QUESTION_PREVIEW - 1] + "…"
    lines = [
        Content.assemble(*head),
        Content.assemble((_("Q") + " ", "bold $text-muted"), (asked_text, "$text-muted")),
        Content.assemble((_("A") + " ", "bold $success"), shown(answer.text, "strike" if answer.retracted_at else "")),
    ]
    if answer.overrode:
        lines.append(Content.assemble("  ", sentence(_("sent although the question was {dismissal}"), "$warning",
                                                     dismissal=shown(answer.overrode, "$warning", multiline=False))))
    if len(answer.parts) > 1:
        count = len(answer.parts)
        lines.append(Content.styled("  " + ngettext("a thread of {count} post", "a thread of {count} posts", count)
                                    .format(count=count), "$text-muted"))
    for number, revision in enumerate(answer.revisions, 1):
        lines += revision_lines(revision, number, parts, zone)
    return Content("\n").join(lines)


class AnsweredLog(VerticalScroll):
    """Newest answer first."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(_(NO_ANSWERS), "$text-muted"), id="answered-entries")

    def show(self, answers: Mapping[str, Answer], questions: Mapping[str, Question], outbox: Mapping[str, OutboxPart],
             zone: tzinfo) -> None:
        """Redraw when something the log shows changed (the app calls this on every drain), or the zone."""
        shown = (zone, *what_is_shown(answers, questions, outbox))
        if shown == self._shown:
            return
        self._shown = shown
        parts = by_question(outbox.values())
        ordered = sorted(answers.values(), key=lambda a: a.answered_at, reverse=True)
        entries = [answer_entry(a, questions.get(a.question_id), parts.get(a.question_id, ()), zone) for a in ordered]
        static = self.query_one("#answered-entries", Static)
        if entries:
            static.update(Content("\n\n").join(entries))
        else:
            static.update(Content.styled(_(NO_ANSWERS), "$text-muted"))


def what_is_shown(answers: Mapping[str, Answer], questions: Mapping[str, Question],
                  outbox: Mapping[str, OutboxPart]) -> tuple[object, ...]:
    """Every field `answer_entry` draws: equal tuples draw the same log (a few µs per answer)."""
    drawn: list[object] = []
    for answer in answers.values():
        question = questions.get(answer.question_id)
        drawn.append((answer.question_id, answer.answered_at, answer.text, len(answer.parts), answer.overrode,
                      len(answer.revisions),
                      (question.author, question.shown_text(), question.posted_at, question.received_at) if question else None))
    drawn.extend((p.id, p.question_id, p.platform, p.total, p.state, p.reason, p.op) for p in outbox.values())
    return tuple(drawn)
