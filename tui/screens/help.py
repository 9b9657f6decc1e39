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
from tui.i18n import N_, _
from tui.widgets.queue_list import FLAG_LEGEND
from tui.widgets.translated import sentence, translate_bindings

ABOUT = N_(
    "The moderator triages the New view: approve good questions, dismiss noise with a reason, "
    "star priority ones, tag topics, mark duplicates (their votes move to the original). "
    "The host answers from the Approved view, ordered starred first, then by votes, then oldest first; "
    "the other views are oldest first. The counter counts the post that will really be sent "
    "(@asker mention and #hashtag included); past the limit the answer goes out as a numbered thread. "
    "Drafts are saved as you type. A bulk move (approve, dismiss or tag every question shown, or block an author) "
    "asks with the count first, acts only on the questions it counted, and one undo takes it back. "
    "Every action is also in the command palette (ctrl+p).\n"
    "Copies of one question (retweets, quotes, copies with typos) are one row: ×N copies in the view, "
    "their votes summed. On that row a, d, s and t act on every copy at once, and one u undoes it: "
    "approving keeps the most voted copy, with all the votes, and dismisses the others as its duplicates. "
    "e shows the copies beneath it, where each key acts on one copy only, and b breaks one off into a row "
    "of its own (u does not undo that; m still merges by hand)."
)


VIEWS_HELP = N_("views: new, approved, starred, dismissed, answered, all")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", N_("Close"))]

    def __init__(self, keys: Mapping[str, str], config_path: str) -> None:
        super().__init__()
        self.keys = keys
        self.config_path = config_path
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        # The action helps and the flag legend are defined (and marked) where they belong; translated here.
        lines = [Content.styled(_("questiontime: keys"), "bold"), Content("")]
        views = [action for action in ACTIONS if action.id.startswith("view.")]
        for action in ACTIONS:
            if action in views[1:]:
                continue
            keys = self.keys.get(action.id, "")
            if action is views[0]:  # the six views on one line: the help fits a 48-row terminal
                keys = " ".join(self.keys.get(view.id, "") for view in views)
                lines.append(Content.assemble((f"{keys:>14}  ", "bold $accent"), _(VIEWS_HELP),
                                              ("   [view.*]", "$text-muted")))
                continue
            lines.append(Content.assemble((f"{keys:>14}  ", "bold $accent"), _(action.help), (f"   [{action.id}]", "$text-muted")))
        lines += [
            Content(""),
            Content.assemble((_("Queue marks:"), "bold"), " ", _(FLAG_LEGEND)),
            Content(""),
            Content(_(ABOUT)),
            Content(""),
            sentence(_('Remap keys in {path} under [keymap], e.g. approve = "y"'), "$text-muted",
                     path=Content.styled(self.config_path, "bold")),
            Content.styled(_("escape closes"), "$text-muted"),
        ]
        with VerticalScroll(classes="dialog wide"):
            yield Static(Content("\n").join(lines), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
