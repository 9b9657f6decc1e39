"""What the session's form dialogs share: enter moves to the next field, Save saves, Cancel and escape leave."""
from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen
from textual.widgets import Button


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """A form that answers with the changes to save (None: nothing saved). Subclasses define `action_save`."""

    def action_save(self) -> None:
        raise NotImplementedError

    def on_input_submitted(self) -> None:
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
