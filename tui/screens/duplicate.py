"""Pick the original a question duplicates (its votes go to the original)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from store.model import Question
from tui.i18n import N_, _
from tui.widgets.queue_index import QueueIndex, fold, similarity_key
from tui.widgets.queue_list import QueueList
from tui.widgets.shown import shown
from tui.widgets.translated import sentence, translate_bindings

MAX_CANDIDATES = 5000


def candidates(questions: Mapping[str, Question], qid: str, index: QueueIndex, needle: str) -> tuple[str, ...]:
    """Questions `qid` may duplicate: not itself, not dismissed; same words first."""
    folded = fold(needle.strip())
    own_key = similarity_key(questions[qid].shown_text()) if qid in questions else ""
    same: list[str] = []
    others: list[str] = []
    for question in tuple(questions.values()):  # workers add to the dict meanwhile
        if question.id == qid or question.status == "dismissed":
            continue
        if folded and not index.matches(question, folded):
            continue
        (same if own_key and similarity_key(question.shown_text()) == own_key else others).append(question.id)
        if len(others) + len(same) >= MAX_CANDIDATES:
            break
    return tuple(same + others)


class DuplicateScreen(ModalScreen[str | None]):
    """Returns the original's id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("enter", "choose", N_("Choose"), priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]

    def __init__(self, qid: str, questions: Mapping[str, Question], index: QueueIndex, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.qid = qid
        self.questions = questions
        self.index = index
        self.clock = clock
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        author = self.questions[self.qid].author
        with Vertical(classes="dialog wide"):
            yield Label(sentence(_("{author}'s question duplicates which one? (its votes move there)"),
                                 author=shown(author, "bold", multiline=False)))
            yield Input(placeholder=_("type to search text or @author"), id="dup-search")
            yield QueueList(self.questions, self.index, self.clock, empty_text=_("No matching question."), id="dup-list")
            yield Label(Content.styled(_("↑/↓ choose · enter to mark · escape to cancel"), "$text-muted"))

    def on_mount(self) -> None:
        self.query_one(QueueList).set_rows(candidates(self.questions, self.qid, self.index, ""))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one(QueueList).set_rows(candidates(self.questions, self.qid, self.index, event.value))

    def action_move(self, delta: int) -> None:
        self.query_one(QueueList).action_cursor(delta)

    def action_choose(self) -> None:
        chosen = self.query_one(QueueList).cursor_id
        if chosen is not None:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
