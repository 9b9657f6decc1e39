"""The session's hold rules: which arriving questions wait in Dismissed as "held" instead of the queue.

Blocked words (Italian or English, any case, accents or plural: compared by
stems), blocked authors, link-only posts, and floods (one text posted by K
accounts within T minutes). Every field is checked here (`check_settings`)
and a mistake is named without losing what was typed; the app saves the
changes through the service, for every process. They apply to questions
that arrive afterwards. The caught-so-far counts are the session's.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, Static

from store.errors import ActionError
from store.model import Settings
from store.session_store import check_settings
from tui.i18n import N_, _
from tui.screens.form import FormScreen
from tui.widgets.shown import shown_line
from tui.widgets.state_labels import hold_label
from tui.widgets.translated import translate_bindings


def split_list(text: str) -> list[str]:
    """Comma-separated words or phrases."""
    return [part.strip() for part in text.split(",") if part.strip()]


def split_handles(text: str) -> list[str]:
    """Handles separated by spaces or commas."""
    return text.replace(",", " ").split()


def whole_number(text: str, what: str) -> int:
    """`what`: the field, in the interface's language."""
    try:
        return int(text.strip())
    except ValueError:
        raise ActionError(_("{what} must be a whole number, not {text}").format(what=what, text=repr(text.strip()[:20]))) from None


class RulesScreen(FormScreen):
    """Returns the changed hold-rule settings (checked), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel")), Binding("ctrl+s", "save", N_("Save"))]

    def __init__(self, settings: Settings, holds: Mapping[str, int]) -> None:
        super().__init__()
        self.settings = settings
        self.holds = holds
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        settings = self.settings
        with VerticalScroll(classes="dialog wide", id="rules"):  # its lines wrap (`Static`): translations are longer
            yield Static(Content.styled(_("Hold rules (everyone on the session sees a change; they apply to what arrives"
                                          " next)"), "bold"))
            yield Checkbox(Content(_("Hold posts with nothing but links, mentions, hashtags and emoji")),
                           settings.hold_link_only, id="link-only")
            yield Static(Content(_("Blocked words or phrases, comma separated (Italian or English; any case, accents or plural)")))
            yield Input(shown_line(", ".join(settings.blocked_words)), id="blocked-words")
            yield Static(Content(_("Blocked authors (@handles, space separated)")))
            yield Input(shown_line(" ".join(settings.blocked_authors)), id="blocked-authors")
            yield Static(Content(_("Flood: hold a text posted by this many accounts (0: no flood rule)...")))
            yield Input(str(settings.flood_authors), id="flood-authors")
            yield Static(Content(_("...within this many minutes")))
            yield Input(str(settings.flood_minutes), id="flood-minutes")
            yield Static(self._caught(), id="caught")
            yield Label(Content(""), id="rules-error")
            with Horizontal(classes="buttons"):
                yield Button(Content(_("Save")), id="save", variant="primary")
                yield Button(Content(_("Cancel")), id="cancel")
            yield Static(Content.styled(_("space toggles · tab moves · ctrl+s saves · escape cancels"), "$text-muted"))

    def _caught(self) -> Content:
        if not self.holds:
            return Content.styled(_("Held so far: none."), "$text-muted")
        counts = " · ".join(f"{hold_label(rule)} {count}" for rule, count in self.holds.items())
        return Content.styled(_("Held so far: {counts} (in Dismissed, reason held; a approves one)").format(counts=counts),
                              "$text-muted")

    def on_mount(self) -> None:
        self.query_one("#link-only", Checkbox).focus()

    def changes(self) -> dict[str, Any]:
        """The settings as the form says, checked; `ActionError` names what does not fit."""
        wanted: dict[str, Any] = {
            "hold_link_only": self.query_one("#link-only", Checkbox).value,
            "blocked_words": split_list(self.query_one("#blocked-words", Input).value),
            "blocked_authors": split_handles(self.query_one("#blocked-authors", Input).value),
            "flood_authors": whole_number(self.query_one("#flood-authors", Input).value,
                                          _("Flood: the number of accounts (0 turns the rule off)")),
            "flood_minutes": whole_number(self.query_one("#flood-minutes", Input).value, _("Flood: the minutes")),
        }
        checked = check_settings(wanted)
        return {k: v for k, v in checked.items() if v != getattr(self.settings, k)}

    def show_error(self, text: str) -> None:
        self.query_one("#rules-error", Label).update(Content.styled(text, "$error"))

    def action_save(self) -> None:
        try:
            changes = self.changes()
        except ActionError as error:
            self.show_error(_("Not saved: {error}").format(error=error))
            return
        self.dismiss(changes or None)
