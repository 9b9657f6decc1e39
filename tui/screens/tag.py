"""Edit a question's tags (space or comma separated)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.widgets.shown import shown, shown_line


def parse_tags(text: str) -> list[str]:
    return [tag.lstrip("#") for tag in text.replace(",", " ").split() if tag.lstrip("#")]


class TagScreen(ModalScreen[list[str] | None]):
    """Returns the new tag list (empty clears), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, author: str, tags: list[str], *, copies: int = 0) -> None:
        """`copies`: the other questions of a group the tags are added to (each keeps its own)."""
        super().__init__()
        self.author = author
        self.tags = tags
        self.copies = copies

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            if self.copies:
                plural = "copy" if self.copies == 1 else "copies"
                yield Label(Content.assemble("Tags to add to ", shown(self.author, "bold", multiline=False),
                                             f"'s question and its {self.copies} {plural}"))
            else:
                yield Label(Content.assemble("Tags for ", shown(self.author, "bold", multiline=False), "'s question"))
            yield Input(shown_line(" ".join(self.tags)), placeholder="e.g. rete giovani privacy", id="tags")
            yield Label(Content.styled("spaces between tags · enter saves · escape cancels", "$text-muted"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(parse_tags(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
