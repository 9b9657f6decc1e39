"""The queue's view switcher: New / Approved / Starred / Dismissed / Answered / All, with counts."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.widgets.queue_index import HOST_ORDER_VIEWS, ORDER_NOTE, VIEWS

LABELS = {"new": "New", "approved": "Approved", "starred": "Starred",
          "dismissed": "Dismissed", "answered": "Answered", "all": "All"}
SHORT = {"new": "New", "approved": "Appr", "starred": "Star",
         "dismissed": "Dism", "answered": "Ans", "all": "All"}
TINY = {"new": "N", "approved": "A", "starred": "★", "dismissed": "D", "answered": "↩", "all": "*"}


class ViewBar(Static):
    """Click a view (or press 1-6) to show it."""

    @dataclass
    class Picked(Message):
        view: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = "new"
        self.counts: Mapping[str, int] = {}
        self.text_filter = ""
        self._spans: list[tuple[int, int, str]] = []

    def show(self, view: str, counts: Mapping[str, int], text_filter: str) -> None:
        self.view, self.counts, self.text_filter = view, dict(counts), text_filter
        parts: list[str | tuple[str, str]] = []
        self._spans = []
        x = 0
        width = self.content_size.width or 200
        for labels in (LABELS, SHORT):
            labelled = [f" {n} {labels[name]} {self.counts.get(name, 0)} " for n, name in enumerate(VIEWS, 1)]
            if sum(len(label) for label in labelled) <= width:
                break
        else:
            labelled = [f" {TINY[name]}{self.counts.get(name, 0)} " for name in VIEWS]
        for name, label in zip(VIEWS, labelled):
            style = "bold reverse $accent" if name == view else ""
            parts.append((label, style))
            self._spans.append((x, x + len(label), name))
            x += len(label)
        order = ORDER_NOTE[view in HOST_ORDER_VIEWS]
        if text_filter:  # the filter first: it is why a view may look emptier than its count
            second = Content.assemble(("filter ", "bold $warning"), (text_filter, "bold $warning"),
                                      ("  (/ to change or clear it)", "$text-muted"))
        else:
            second = Content.assemble(("keys 1-6 switch · order: ", "$text-muted"), (order, "$text-muted"))
        lines = [Content.assemble(*parts), second]
        self.update(Content("\n").join(lines))

    def on_resize(self) -> None:
        self.show(self.view, self.counts, self.text_filter)

    def on_click(self, event: events.Click) -> None:
        if event.y != 0:
            return
        for start, end, name in self._spans:
            if start <= event.x < end:
                self.post_message(self.Picked(name))
