"""Edit a question's tags (space or comma separated)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.i18n import N_, _, ngettext
from tui.widgets.shown import shown, shown_line
from tui.widgets.translated import sentence, translate_bindings


def parse_tags(text: str) -> list[str]:
    return [tag.lstrip("#") for tag in text.replace(",", " ").split() if tag.lstrip("#")]


class TagScreen(ModalScreen[list[str] | None]):
    """Returns the new tag list (empty clears), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, author: str = "", tags: list[str] | None = None, *, heading: Content | None = None,
                 copies: int = 0) -> None:
        """`heading` replaces "Tags for <author>'s question" (a bulk move names its count);
        `copies`: the other questions of a group the tags are added to (each keeps its own)."""
        super().__init__()
        self.author = author
        self.tags = tags or []
        self.heading = heading
        self.copies = copies
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            author = shown(self.author, "bold", multiline=False)
            if self.heading:
                yield Static(self.heading, classes="question")  # wraps: a bulk move's count and filter
            elif self.copies:
                yield Label(sentence(ngettext("Tags to add to {author}'s question and its {n} copy",
                                              "Tags to add to {author}'s question and its {n} copies", self.copies),
                                     author=author, n=str(self.copies)))
            else:
                yield Label(sentence(_("Tags for {author}'s question"), author=author))
            yield Input(shown_line(" ".join(self.tags)), placeholder=_("e.g. rete giovani privacy"), id="tags")
            yield Label(Content.styled(_("spaces between tags · enter saves · escape cancels"), "$text-muted"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(parse_tags(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
