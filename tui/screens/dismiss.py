"""Ask why a question is dismissed: spam, off-topic, duplicate, abusive, other."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from store.model import REASONS
from tui.widgets.shown import shown


class DismissScreen(ModalScreen[str | None]):
    """Returns the chosen reason, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(number), f"pick({number - 1})", show=False) for number in range(1, len(REASONS) + 1)),
    ]

    def __init__(self, author: str, *, copies: int = 0) -> None:
        """`copies`: the other questions of a group dismissed with this one (for what it says)."""
        super().__init__()
        self.author = author
        self.copies = copies

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            also = f" and its {self.copies} {'copy' if self.copies == 1 else 'copies'}" if self.copies else ""
            yield Label(Content.assemble("Dismiss ", shown(self.author, "bold", multiline=False),
                                         f"'s question{also}: why?"))
            yield OptionList(
                *(Option(Content(f"{number}  {reason}"), id=reason) for number, reason in enumerate(REASONS, 1)),
                id="reasons",
            )
            yield Label(Content.styled("enter or 1-5 to choose · escape to cancel", "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        self.dismiss(REASONS[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
