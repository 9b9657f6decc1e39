"""Ask before an action another person would not expect: yes or no."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.i18n import N_, _
from tui.widgets.translated import translate_bindings


class ConfirmScreen(ModalScreen[bool]):
    """Returns True for yes. `question` may hold post text: it is shown as `Content`, never markup."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", N_("No")),
        Binding("y", "answer(True)", N_("Yes")),
    ]

    def __init__(self, question: Content, yes: str) -> None:
        """`question` and `yes` (the button that does it: "Retract") come translated."""
        super().__init__()
        self.question = question
        self.yes = yes
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")  # wraps: the whole question is read before yes
            with Horizontal(classes="buttons"):
                yield Button(Content(self.yes), id="yes", variant="warning")
                yield Button(Content(_("Cancel")), id="no")
            yield Label(Content.styled(_("y confirms · n or escape cancels"), "$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe choice under enter

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
