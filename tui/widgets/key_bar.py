"""The footer: the keys that work now, the essential ones first.

Textual's `Footer` lays its keys out in binding order and cuts the last one
it can fit mid-word (at 80 columns: `p Pa▏^p palette`), so on a small
terminal quit, help and send fall off the end. This bar puts the actions in
`ESSENTIAL` first and leaves out whole any key that does not fit.
"""
from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from tui.actions import ESSENTIAL

GAP = "  "


class KeyBar(Static):
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def shown(self) -> list[tuple[Binding, bool]]:
        """The bindings to offer, one per action, essential ones first (stable otherwise).
        While text is being typed, a key that types a character is not offered: it types."""
        typing = isinstance(self.screen.focused, Input | TextArea)
        seen: dict[str, tuple[Binding, bool]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if typing and len(self.app.get_key_display(binding)) == 1:
                continue
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, active.enabled)
        return sorted(seen.values(), key=lambda pair: pair[0].id not in ESSENTIAL)

    def render(self) -> Content:
        width = self.size.width
        pieces: list[Content] = []
        used = 0
        for binding, enabled in self.shown():
            key = self.app.get_key_display(binding)
            piece = Content.assemble((key, "bold $footer-key-foreground"), " ",
                                     (binding.description, "" if enabled else "$text-disabled"))
            cost = piece.cell_length + (len(GAP) if pieces else 0)
            if used + cost <= width:
                pieces.append(piece)
                used += cost
        return Content(GAP).join(pieces)
