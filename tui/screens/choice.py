"""Pick one of a few ways to do something (e.g. how to correct a post a platform cannot edit)."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import N_, _
from tui.widgets.translated import translate_bindings


class ChoiceScreen(ModalScreen[str | None]):
    """Returns the chosen option's value, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, question: Content, options: list[tuple[str, str]]) -> None:
        """`question` and the options' labels come translated (the caller knows what they say)."""
        super().__init__()
        self.question = question
        self.options = options
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")  # wraps: the whole question is read before yes
            yield OptionList(*(Option(Content(label), id=value) for label, value in self.options), id="choices")
            yield Label(Content.styled(_("↑↓ choose · enter confirms · escape cancels"), "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
