"""Updating a `Static` without laying the screen out again when its size stays.

`Static.update` asks for a layout each time, and a layout arranges every widget
of the screen again. On a key that moves the cursor or approves a question, the
counter, the preview, the question, the view bar and the header each asked for
one, for texts that mostly kept their number of lines (or did not change at
all). `update_steady` skips an update that changes nothing, and asks for a
layout only when the new text takes another number of lines at the widget's
width (a `min-height` in cells counts: below it, the widget keeps its room),
so the widget's size and every other widget's place are the same.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


def update_steady(widget: Static, content: Content) -> None:
    """Show `content` in `widget`, laying out again only when its height may change."""
    before = widget.visual
    if isinstance(before, Content) and same(before, content):
        return
    widget.update(content, layout=not keeps_height(widget, before, content))


def same(before: Content, after: Content) -> bool:
    """Equal text and styles (`Content.__eq__` compares the text alone)."""
    return before.plain == after.plain and before.spans == after.spans


def keeps_height(widget: Static, before: object, after: Content) -> bool:
    """`after` takes as many lines as `before` at the width `widget` has now: its size, set by
    the layout, stays right. False when the layout may size it by its content's width, or it
    has not been laid out yet."""
    width, rules = widget.content_size.width, widget.styles
    if not width or not isinstance(before, Content) or (rules.width is not None and rules.width.is_auto):
        return False
    low = rules.min_height.cells if rules.min_height is not None else None
    floor = 0 if low is None else low - rules.gutter.height  # a `min-height` in cells: fewer lines take as much room
    lines = cast("RulesMap", rules)  # the styles, as `Widget.get_content_height` hands them to a visual
    return max(floor, before.get_height(lines, width)) == max(floor, after.get_height(lines, width))
