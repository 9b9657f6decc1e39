"""The host's draft pane: the question, the answer being typed, its count, the final post.

The draft is saved as it is typed (debounced, `SaveDraft` asks the app to do
it off the UI thread), and flushed at once when the pane switches to another
question or the app quits, so no draft is ever lost.
"""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from store.model import Question
from store.sanitize import clean_shown
from tui.i18n import N_, _, ngettext
from tui.widgets.composer import EMPTY, Composer, Composition
from tui.widgets.question_view import QuestionView
from tui.widgets.shown import shown
from tui.widgets.steady import update_steady

SAVE_AFTER = 0.5  # seconds of no typing before a draft is saved


PLACEHOLDER = {  # translated where shown (`placeholder`)
    "": N_("Type the answer (enter on a question to start)"),
    "answered": N_("Answered (the answer is in the log below): c corrects it, f follows it up, x retracts it"),
    "correct": N_("The corrected answer (ctrl+s sends the correction, escape cancels)"),
    "follow_up": N_("The follow-up (ctrl+s sends it, escape cancels)"),
    "dismissed": N_("Dismissed: approve it (a) to answer it after all"),
}


def placeholder(state: str) -> str:
    """What the empty answer box says in `state` (a question's status, or a revision's kind)."""
    return _(PLACEHOLDER.get(state, PLACEHOLDER[""]))


class AnswerArea(TextArea):
    """The answer being typed (plain text; soft wrap)."""


def counter_content(composition: Composition) -> tuple[Content, str]:
    """`212/280` and the class that colours it: ok, near (90%), over."""
    result = composition.post.result
    share = result.length / result.limit if result.limit else 0
    level = "over" if result.length > result.limit or not result.valid and result.over_at is not None else "near" if share >= 0.9 else "ok"
    where = f"{composition.where} " if composition.where else ""
    text = Content.assemble((where, "$text-muted"), (f"{result.length}/{result.limit}", "bold"))
    if level == "over":
        if len(composition.thread) > 1:
            note = _("{over} over · thread of {count}").format(over=-result.remaining, count=len(composition.thread))
        else:
            note = _("over by {over}").format(over=-result.remaining)
        text = text.append(Content(f"  {note}"))
    elif composition.problem and composition.problem != _(EMPTY):
        text = text.append(Content(f"  {composition.problem}"))
    else:
        left = ngettext("{count} left", "{count} left", result.remaining).format(count=result.remaining)
        text = text.append(Content(f"  {left}"))
    return text, level


def preview_content(composition: Composition) -> Content:
    """The final post, with what goes over the limit marked."""
    post = composition.post
    body = shown(post.text)
    if post.result.over_at is not None and post.result.over_at < len(post.text):
        body = body.stylize("bold $text-error on $error-muted", post.result.over_at, len(post.text))
    lines = [Content.styled(_("Post preview"), "bold $text-muted"), body]
    if len(composition.thread) > 1:
        total = len(composition.thread)
        lines.append(Content.styled(ngettext("Thread preview ({count} post)", "Thread preview ({count} posts)", total)
                                    .format(count=total), "bold $text-muted"))
        for number, part in enumerate(composition.thread, 1):
            count = f"  ({part.result.length}/{part.result.limit})"
            lines.append(Content.assemble((f"{number}. ", "bold"), shown(part.text), (count, "$text-muted")))
    return Content("\n").join(lines)


class DraftPane(Vertical):
    @dataclass
    class SaveDraft(Message):
        """Save this draft (from a debounce, a switch of question, or quitting)."""

        qid: str
        text: str

    def __init__(self, composer: Composer, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.revising = ""  # "correct" or "follow_up" while the host writes one (see `revise`)
        self.composer = composer
        self.qid: str | None = None
        self.question: Question | None = None
        self._saved_text = ""
        self._timer: Timer | None = None
        self.composition: Composition | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="draft-question-scroll"):
            yield QuestionView(id="draft-question")
        yield AnswerArea(id="answer", soft_wrap=True, show_line_numbers=False, placeholder=placeholder(""))
        yield Static(id="counter")
        with VerticalScroll(id="preview-scroll"):
            yield Static(id="preview")

    @property
    def area(self) -> AnswerArea:
        return self.query_one(AnswerArea)

    @property
    def text(self) -> str:
        return self.area.text

    @property
    def editing(self) -> bool:
        return self.area.has_focus

    def show(self, question: Question | None, content: Content, draft: str) -> None:
        """Show `question`; load its draft when it is another question."""
        self.query_one(QuestionView).show(content)
        if (question.id if question else None) == self.qid:
            self.question = question
            return
        self.flush()
        self.revising = ""
        self.question = question
        self.qid = question.id if question else None
        self._saved_text = clean_shown(draft)
        self._load(self._saved_text)
        self.area.read_only = question is None or question.status in ("answered", "dismissed")
        self.area.placeholder = placeholder(question.status if question else "")
        self.recount()

    def _load(self, text: str) -> None:
        """`load_text`, unless the area holds `text` already with nothing to undo or redo: moving
        between questions without drafts reloaded an empty area each time, redrew it and counted twice."""
        area = self.area
        if area.text != text or area.history.undo_stack or area.history.redo_stack:
            area.load_text(text)

    def revise(self, kind: str, text: str) -> None:
        """Write a correction (`text`: the answer as it stands) or a follow-up of the shown question's
        answer. Not a draft: it is not saved as it is typed, and escape drops it."""
        self.revising = kind
        self._saved_text = text
        self.area.load_text(text)
        self.area.move_cursor(self.area.document.end)  # typing goes on from the end of the answer
        self.area.read_only = False
        self.area.placeholder = placeholder(kind)
        self.recount()

    def clear_sent(self) -> None:
        """The answer (or a correction, a follow-up) was sent: the text is gone."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.revising = ""
        self._saved_text = ""
        self.area.placeholder = placeholder("answered")
        self.area.load_text("")
        self.area.read_only = True
        self.recount()

    def pending(self) -> DraftPane.SaveDraft | None:
        """The unsaved draft, if the text differs from what was saved."""
        if self.qid is None or self.revising or self.area.text == self._saved_text:
            return None
        return self.SaveDraft(self.qid, self.area.text)

    def flush(self) -> None:
        """Ask for the pending draft to be saved now."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        message = self.pending()
        if message is not None:
            self._saved_text = message.text
            self.post_message(message)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.recount()
        if self.qid is None or self.area.text == self._saved_text:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_AFTER, self.flush)

    def recount(self) -> None:
        counter = self.query_one("#counter", Static)
        preview = self.query_one("#preview", Static)
        if self.question is None:
            self.composition = None
            update_steady(counter, Content(""))
            update_steady(preview, Content(""))
            return
        composition = self.composer.compose(self.area.text, self.question)
        self.composition = composition
        content, level = counter_content(composition)
        update_steady(counter, content)
        counter.set_class(level == "near", "-near")
        counter.set_class(level == "over", "-over")
        update_steady(preview, preview_content(composition))
