"""The session's settings, shared by everyone on it: title, hashtags, counting profile, time zone."""
from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static

from store.model import Settings
from tui.i18n import N_, _
from tui.screens.first_run import NEEDS_LIMIT, profile_choices
from tui.screens.form import FormScreen
from tui.widgets.translated import translate_bindings


class SettingsScreen(FormScreen):
    """Returns the changed settings (checked by the store when saved), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel")),
                                                 Binding("ctrl+s", "save", N_("Save"))]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        settings = self.settings
        with VerticalScroll(classes="dialog wide", id="settings"):  # labels wrap (`Static`), as on the first run
            yield Label(Content.styled(_("Session settings (everyone on the session sees a change)"), "bold"))
            yield Static(Content(_("Title")))
            yield Input(settings.title, id="title")
            yield Static(Content(_("Hashtag (answers end with it)")))
            yield Input(settings.hashtag, id="hashtag")
            yield Static(Content(_("More hashtags the sources read (space separated)")))
            yield Input(" ".join(settings.read_tags), id="read-tags")
            yield Static(Content(_("Counting rules for answers that are not posted to a connected account")))
            yield Select(profile_choices(), value=settings.profile, allow_blank=False, id="profile")
            yield Static(Content(_("Limit (custom profile, or to override the platform's)")))
            yield Input("" if settings.limit is None else str(settings.limit), id="limit", type="integer")
            yield Static(Content(_("Time zone of the app's times and the recap (e.g. Europe/Rome; empty: each machine's own)")))
            yield Input(settings.tz, id="tz")
            yield Label(Content(""), id="settings-error")
            with Horizontal(classes="buttons"):
                yield Button(Content(_("Save")), id="save", variant="primary")
                yield Button(Content(_("Cancel")), id="cancel")
            yield Label(Content.styled(_("enter: next field · ctrl+s saves · escape cancels"), "$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def changes(self) -> dict[str, Any]:
        limit = self.query_one("#limit", Input).value.strip()
        wanted: dict[str, Any] = {
            "title": self.query_one("#title", Input).value.strip() or self.settings.title,
            "hashtag": self.query_one("#hashtag", Input).value.strip(),
            "read_tags": self.query_one("#read-tags", Input).value.replace(",", " ").split(),
            "profile": str(self.query_one("#profile", Select).value),
            "limit": int(limit) if limit else None,
            "tz": self.query_one("#tz", Input).value.strip(),
        }
        return {k: v for k, v in wanted.items() if v != getattr(self.settings, k)}

    def show_error(self, text: str) -> None:
        self.query_one("#settings-error", Label).update(Content.styled(text, "$error"))

    def action_save(self) -> None:
        changes = self.changes()
        if changes.get("profile", self.settings.profile) == "custom" and changes.get("limit", self.settings.limit) is None:
            self.show_error(_(NEEDS_LIMIT))
            return
        self.dismiss(changes)
