"""The queue's view switcher: New / Approved / Starred / Dismissed / Answered / All, with counts."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.i18n import N_, _
from tui.widgets.queue_index import HOST_ORDER_VIEWS, ORDER_NOTE, VIEWS
from tui.widgets.steady import update_steady
from tui.widgets.translated import sentence

# Translated where shown (`translated_labels`).
LABELS = {"new": N_("New"), "approved": N_("Approved"), "starred": N_("Starred"),
          "dismissed": N_("Dismissed"), "answered": N_("Answered"), "all": N_("All")}
SHORT = {"new": N_("New"), "approved": N_("Appr"), "starred": N_("Star"),
         "dismissed": N_("Dism"), "answered": N_("Ans"), "all": N_("All")}
TINY_MARKS = {"starred": "★", "answered": "↩", "all": "*"}  # the other views: their short label's first letter


def translated_labels(table: Mapping[str, str]) -> dict[str, str]:
    return {view: _(label) for view, label in table.items()}


def tiny_labels() -> dict[str, str]:
    return {view: TINY_MARKS.get(view) or _(SHORT[view])[:1] for view in VIEWS}


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
        self._spans: list[tuple[int, int, int, str]] = []  # row, first and last column, view

    def show(self, view: str, counts: Mapping[str, int], text_filter: str) -> None:
        self.view, self.counts, self.text_filter = view, dict(counts), text_filter
        width = self.content_size.width or 200
        full, short = translated_labels(LABELS), translated_labels(SHORT)
        rows = self._tabs(full, [VIEWS], width) or self._tabs(short, [VIEWS], width)
        if rows is None:  # too narrow for one line: the short labels on two, never bare letters
            rows = self._tabs(short, [VIEWS[:3], VIEWS[3:]], width) or self._tabs(tiny_labels(), [VIEWS], width, tiny=True) or []
        order = _(ORDER_NOTE[view in HOST_ORDER_VIEWS])  # marked where it is defined
        if text_filter:  # the filter always shows: it is why a view may look emptier than its count
            note = Content.assemble(sentence(_("filter {text}"), "bold $warning", text=text_filter),
                                    ("  " + _("(/ to change or clear it)"), "$text-muted"))
            rows.append(note)
        elif len(rows) == 1:
            rows.append(sentence(_("keys 1-6 switch · order: {order}"), "$text-muted", order=order))
        update_steady(self, Content("\n").join(rows))

    def _tabs(self, labels: Mapping[str, str], lines: list[tuple[str, ...]], width: int, *,
              tiny: bool = False) -> list[Content] | None:
        """The tabs laid out on `lines`, recording where each can be clicked; None if a line is too wide."""
        spans: list[tuple[int, int, int, str]] = []
        rows: list[Content] = []
        for y, names in enumerate(lines):
            x = 0
            parts: list[tuple[str, str]] = []
            for name in names:
                number = VIEWS.index(name) + 1
                label = f" {labels[name]}{self.counts.get(name, 0)} " if tiny else \
                    f" {number} {labels[name]} {self.counts.get(name, 0)} "
                parts.append((label, "bold reverse $accent" if name == self.view else ""))
                spans.append((y, x, x + len(label), name))
                x += len(label)
            if x > width:
                return None
            rows.append(Content.assemble(*parts))
        self._spans = spans
        return rows

    def on_resize(self) -> None:
        self.show(self.view, self.counts, self.text_filter)

    def on_click(self, event: events.Click) -> None:
        for y, start, end, name in self._spans:
            if y == event.y and start <= event.x < end:
                self.post_message(self.Picked(name))
