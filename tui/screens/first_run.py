"""First run: a short form that creates the session (title, hashtag, profile, sources)."""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select

from store.model import Settings, now_iso
from tui.platforms.base import SpecError
from tui.platforms.specs import parse_spec

PROFILE_CHOICES = (
    ("x (280, weighted)", "x"),
    ("classic Twitter (140)", "classic"),
    ("mastodon (500)", "mastodon"),
    ("bluesky (300)", "bluesky"),
    ("custom (your own limit)", "custom"),
)


@dataclass(frozen=True)
class NewSession:
    settings: Settings
    sources: tuple[str, ...]


class FirstRunScreen(Screen[NewSession | None]):
    BINDINGS = [Binding("escape", "cancel", "Quit"), Binding("ctrl+s", "start", "Start")]

    def __init__(self, store_path: str, sources: tuple[str, ...]) -> None:
        super().__init__()
        self.store_path = store_path
        self.sources = sources

    def compose(self) -> ComposeResult:
        # Scrolls on a short terminal; the footer keeps ctrl+s / escape in view.
        yield Footer()
        with VerticalScroll(classes="dialog wide", id="first-run"):
            yield Label(Content.styled("New session", "bold"))
            yield Label(Content.assemble(("stored in ", "$text-muted"), self.store_path))
            yield Label("Title")
            yield Input("Question time", id="title")
            yield Label("Hashtag (people ask with it; answers end with it)")
            yield Input("twittertime", id="hashtag")
            yield Label("Counting rules of the platform you answer on")
            yield Select(PROFILE_CHOICES, value="x", allow_blank=False, id="profile")
            yield Label("Limit (for the custom profile)")
            yield Input("", placeholder="e.g. 200", type="integer", id="limit")
            yield Label("Sources (space separated), e.g. demo · file:questions.jsonl · mastodon:https://host#tag")
            yield Input(" ".join(self.sources), placeholder="none: questions come from `qtime ingest`", id="sources")
            yield Label(Content(""), id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Start session", id="start", variant="primary")
                yield Button("Quit", id="quit")
            yield Label(Content.styled("enter: next field · ctrl+s starts · escape quits", "$text-muted"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()  # typing starts in the first field

    def action_start(self) -> None:
        title = self.query_one("#title", Input).value.strip() or "Question time"
        hashtag = self.query_one("#hashtag", Input).value.strip().lstrip("#")
        profile = str(self.query_one("#profile", Select).value)
        limit_text = self.query_one("#limit", Input).value.strip()
        limit = int(limit_text) if limit_text else None
        if profile == "custom" and not limit:
            self.query_one("#form-error", Label).update(Content.styled("The custom profile needs a limit.", "$error"))
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
