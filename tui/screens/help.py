"""Help: every key (as remapped by the config file), the flags, the queue order."""
from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import ACTIONS
from tui.widgets.queue_list import FLAG_LEGEND

ABOUT = (
    "The moderator triages the New view: approve good questions, dismiss noise with a reason, "
    "star priority ones, tag topics, mark duplicates (their votes move to the original). "
    "The host answers from the Approved view, ordered starred first, then by votes, then oldest first; "
    "the other views are oldest first. The counter counts the post that will really be sent "
    "(@asker mention and #hashtag included); past the limit the answer goes out as a numbered thread. "
    "Drafts are saved as you type. Every action is also in the command palette (ctrl+p).\n"
    "Copies of one question (retweets, quotes, copies with typos) are one row: ×N copies in the view, "
    "their votes summed. On that row a, d, s and t act on every copy at once, and one u undoes it: "
    "approving keeps the most voted copy, with all the votes, and dismisses the others as its duplicates. "
    "e shows the copies beneath it, where each key acts on one copy only, and b breaks one off into a row "
    "of its own (u does not undo that; m still merges by hand)."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, keys: Mapping[str, str], config_path: str) -> None:
        super().__init__()
        self.keys = keys
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        lines = [Content.styled("questiontime: keys", "bold"), Content("")]
        for action in ACTIONS:
            keys = self.keys.get(action.id, "")
            lines.append(Content.assemble((f"{keys:>14}  ", "bold $accent"), action.help, (f"   [{action.id}]", "$text-muted")))
        lines += [
            Content(""),
            Content.assemble(("Queue marks: ", "bold"), FLAG_LEGEND),
            Content(""),
            Content(ABOUT),
            Content(""),
            Content.assemble(("Remap keys in ", "$text-muted"), (self.config_path, "bold"),
                             (' under [keymap], e.g. approve = "y"', "$text-muted")),
            Content.styled("escape closes", "$text-muted"),
        ]
        with VerticalScroll(classes="dialog wide"):
            yield Static(Content("\n").join(lines), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
