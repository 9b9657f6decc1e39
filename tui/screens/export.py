"""Export the session log: pick a format and a path."""
from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from store.export import EXTENSIONS, FORMATS
from tui.i18n import N_, _
from tui.widgets.translated import translate_bindings


def default_path(store_path: Path, fmt: str) -> Path:
    return store_path.with_name(f"{store_path.stem}-recap{EXTENSIONS[fmt]}")


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """Returns (format, path), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, store_path: Path) -> None:
        super().__init__()
        self.store_path = store_path
        self.fmt = "md"
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content.styled(_("Export the session log"), "bold"))
            with RadioSet(id="formats"):
                for fmt in FORMATS:
                    yield RadioButton(Content(fmt), value=fmt == self.fmt, name=fmt)
            yield Input(str(default_path(self.store_path, self.fmt)), id="export-path")
            with Horizontal(classes="buttons"):
                yield Button(Content(_("Export")), id="export-go", variant="primary")
                yield Button(Content(_("Cancel")), id="export-cancel")
            yield Label(Content(_("↑↓ format · enter: next, then export · escape cancels")), classes="hint")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        old = default_path(self.store_path, self.fmt)
        self.fmt = event.pressed.name or "md"
        if path_input.value in ("", str(old)):
            path_input.value = str(default_path(self.store_path, self.fmt))
        path_input.focus()  # the next enter exports

    def _submit(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify(_("Give a file path for the export."), severity="warning", markup=False)
            return
        self.dismiss((self.fmt, Path(value).expanduser()))

    def on_key(self, event: events.Key) -> None:
        """Enter on the format list takes the highlighted format and moves on to the path."""
        formats = self.query_one("#formats", RadioSet)
        if event.key == "enter" and formats.has_focus:
            event.stop()
            formats.action_toggle_button()
            self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-go":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
