"""First run: a short form that creates the session (title, hashtag, profile, sources)."""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from store.model import Settings, now_iso
from tui.i18n import N_, _
from tui.platforms.base import SpecError
from tui.platforms.specs import parse_spec
from tui.widgets.translated import sentence, translate_bindings

PROFILE_CHOICES = (  # (label, profile): the labels are translated where shown (`profile_choices`)
    (N_("x (280, weighted)"), "x"),
    (N_("classic Twitter (140)"), "classic"),
    (N_("mastodon (500)"), "mastodon"),
    (N_("bluesky (300)"), "bluesky"),
    (N_("custom (your own limit)"), "custom"),
)
DEFAULT_TITLE = N_("Question time")
NEEDS_LIMIT = N_("The custom profile needs a limit.")


def profile_choices() -> list[tuple[str, str]]:
    return [(_(label), profile) for label, profile in PROFILE_CHOICES]


@dataclass(frozen=True)
class NewSession:
    settings: Settings
    sources: tuple[str, ...]


class FirstRunScreen(Screen[NewSession | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Quit")), Binding("ctrl+s", "start", N_("Start"))]

    def __init__(self, store_path: str, sources: tuple[str, ...]) -> None:
        super().__init__()
        self.store_path = store_path
        self.sources = sources
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        # Scrolls on a short terminal; the footer keeps ctrl+s / escape in view. The path and the
        # fields' labels are `Static`s: a long one (or its translation) wraps instead of being cut.
        yield Footer()
        with VerticalScroll(classes="dialog wide", id="first-run"):
            yield Label(Content.styled(_("New session"), "bold"))
            yield Static(sentence(_("stored in {path}"), "$text-muted", path=Content(self.store_path)))
            yield Static(Content(_("Title")))
            yield Input(_(DEFAULT_TITLE), id="title")
            yield Static(Content(_("Hashtag (people ask with it; answers end with it)")))
            yield Input("twittertime", id="hashtag")
            yield Static(Content(_("Counting rules of the platform you answer on")))
            yield Select(profile_choices(), value="x", allow_blank=False, id="profile")
            yield Static(Content(_("Limit (for the custom profile)")))
            yield Input("", placeholder=_("e.g. 200"), type="integer", id="limit")
            yield Static(Content(_("Sources (space separated), e.g. demo · file:questions.jsonl · mastodon:https://host#tag")))
            yield Input(" ".join(self.sources), placeholder=_("none: questions come from `qtime ingest`"), id="sources")
            yield Label(Content(""), id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(Content(_("Start session")), id="start", variant="primary")
                yield Button(Content(_("Quit")), id="quit")
            yield Label(Content.styled(_("enter: next field · ctrl+s starts · escape quits"), "$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()  # typing starts in the first field

    def action_start(self) -> None:
        title = self.query_one("#title", Input).value.strip() or _(DEFAULT_TITLE)
        hashtag = self.query_one("#hashtag", Input).value.strip().lstrip("#")
        profile = str(self.query_one("#profile", Select).value)
        limit_text = self.query_one("#limit", Input).value.strip()
        limit = int(limit_text) if limit_text else None
        if profile == "custom" and not limit:
            self.query_one("#form-error", Label).update(Content.styled(_(NEEDS_LIMIT), "$error"))
            return
        specs = tuple(self.query_one("#sources", Input).value.split())
        for spec in specs:
            try:
                parse_spec(spec)
            except SpecError as error:
                self.query_one("#form-error", Label).update(Content.styled(str(error), "$error"))
                return
        settings = Settings(title=title, hashtag=hashtag, profile=profile, limit=limit, sources=list(specs),
                            started_at=now_iso())
        self.dismiss(NewSession(settings, specs))

    def on_input_submitted(self) -> None:
        """Enter moves on: only ctrl+s or the button starts, so no field is skipped by accident."""
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
