"""Ask why a question is dismissed: spam, off-topic, duplicate, abusive, other."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from store.model import REASONS
from tui.i18n import N_, _, ngettext
from tui.widgets.shown import shown
from tui.widgets.state_labels import reason_label
from tui.widgets.translated import sentence, translate_bindings


class DismissScreen(ModalScreen[str | None]):
    """Returns the chosen reason, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        *(Binding(str(number), f"pick({number - 1})", show=False) for number in range(1, len(REASONS) + 1)),
    ]

    def __init__(self, author: str = "", *, heading: Content | None = None, copies: int = 0) -> None:
        """`heading` replaces "Dismiss <author>'s question: why?" (a bulk move names its count);
        `copies`: the other questions of a group dismissed with this one (for what it says)."""
        super().__init__()
        self.author = author
        self.copies = copies
        translate_bindings(self)
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            author = shown(self.author, "bold", multiline=False)
            if self.heading:
                yield Static(self.heading, classes="question")  # wraps: a bulk move's count and filter
            elif self.copies:
                yield Label(sentence(ngettext("Dismiss {author}'s question and its {n} copy: why?",
                                              "Dismiss {author}'s question and its {n} copies: why?", self.copies),
                                     author=author, n=str(self.copies)))
            else:
                yield Label(sentence(_("Dismiss {author}'s question: why?"), author=author))
            yield OptionList(
                *(Option(Content(f"{number}  {reason_label(reason)}"), id=reason) for number, reason in enumerate(REASONS, 1)),
                id="reasons",
            )
            yield Label(Content.styled(_("enter or 1-{last} to choose · escape to cancel").format(last=len(REASONS)),
                                       "$text-muted"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        self.dismiss(REASONS[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
