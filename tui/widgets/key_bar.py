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

from tui.actions import ESSENTIAL, FOOTER_NEXT

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
        """The keys in `shown` order. When they do not all fit, whole keys are left out, the least
        needed first: essential ones are kept first, then `FOOTER_NEXT`'s, then the others in order."""
        shown = self.shown()
        pieces = [Content.assemble((self.app.get_key_display(binding), "bold $footer-key-foreground"), " ",
                                   (binding.description, "" if enabled else "$text-disabled"))
                  for binding, enabled in shown]
        ranks = [rank(binding.id) for binding, _ in shown]
        kept: set[int] = set()
        used = 0
        for at in sorted(range(len(pieces)), key=lambda at: (ranks[at], at)):
            cost = pieces[at].cell_length + (len(GAP) if kept else 0)
            if used + cost <= self.size.width:
                kept.add(at)
                used += cost
        return Content(GAP).join(piece for at, piece in enumerate(pieces) if at in kept)


def rank(action_id: str | None) -> int:
    """How much a key is needed in the footer: 0 essential, then `FOOTER_NEXT`'s order, then the rest."""
    if action_id in ESSENTIAL:
        return 0
    return 1 + FOOTER_NEXT.index(action_id) if action_id in FOOTER_NEXT else 1 + len(FOOTER_NEXT)
