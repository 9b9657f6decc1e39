"""Parts of what the app shows, as text: one widget's region, the open dialog.

For tests that must look at one part of the screen only (the pseudo-locale
tests: a dialog is ours to translate, the main screen under it may not be).
"""
from __future__ import annotations

from collections.abc import Iterable

from textual.geometry import Region
from textual.widget import Widget

from tests.conftest import screen_lines


def screen_rows(app) -> list[str]:
    """The screen's text, one line per terminal row, blank rows included (so a widget's region
    indexes it: `screen_text` leaves blank rows out)."""
    lines = screen_lines(app)
    return [lines.get(y, "") for y in range(app.size.height)]


def _blank(lines: list[str], region: Region) -> list[str]:
    out = list(lines)
    for y in range(region.y, min(region.bottom, len(out))):
        line = out[y].ljust(region.right)
        out[y] = line[: region.x] + " " * region.width + line[region.right:]
    return out


def region_text(app, region: Region, leave_out: Iterable[str] = ()) -> str:
    """The screen's text inside `region`, one line per row, with the widgets matching the
    `leave_out` selectors (on the top screen) blanked: parts someone else words."""
    lines = screen_rows(app)
    for selector in leave_out:
        for widget in app.screen.query(selector):
            lines = _blank(lines, widget.region)
    return "\n".join(line[region.x: region.right].rstrip() for line in lines[region.y: region.bottom])


def widget_text(app, widget: Widget, leave_out: Iterable[str] = ()) -> str:
    """What `widget` shows inside its border (a border title is its container's to word)."""
    return region_text(app, widget.content_region, leave_out)


def dialog_text(app, leave_out: Iterable[str] = ()) -> str:
    """What the top screen's dialog (the widget with the `dialog` class) shows, border included."""
    return region_text(app, app.screen.query_one(".dialog").region, leave_out)
