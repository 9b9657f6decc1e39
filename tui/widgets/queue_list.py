"""The question queue: a virtual list on Textual's Line API.

Only the rows on screen are rendered, from a plain tuple of question ids, so
the list stays fast at 100,000 questions (no widget per question). The
cursor follows its question when the rows change under it (arrivals, another
moderator's action) and stays at the same place when its question leaves
the view (approving moves on to the next one).

The main queue (`grouped`) shows a near-duplicate group as one row (its
representative, `×N`, the summed votes; see `QueueIndex`), and one group at
a time open: its members in the view as indented rows beneath it. Rows are
numbered over both, without copying the ids: row `r` is a member when it
falls just under the open group's head.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from store.model import Question, parse_time
from tui.actions import bindings
from tui.i18n import N_, _
from tui.widgets.queue_groups import GroupRow
from tui.widgets.queue_index import Flags, QueueIndex
from tui.widgets.shown import shown_line
from tui.widgets.translated import translate_bindings

STATUS_MARK = {"new": "·", "approved": "✓", "dismissed": "✗", "answered": "↩"}
FLAG_LEGEND = N_("✓ approved  ✗ dismissed  ↩ answered  ★ starred  ↗ link  » repeated author  ≈ possible duplicate"
                 "  ×3 a group of 3 copies (▾ shown beneath)")  # translated where shown
EMPTY = N_("No questions here yet.")


AGE_WIDTH = 4  # the queue's age column
# Each unit's short form, in the interface's language: one cell, so that "+52w" fits the column
# (Italian keeps "w" for weeks: "s" is seconds).
_SPANS = ((60, 1, N_("{n}s")), (3600, 60, N_("{n}m")), (86400, 3600, N_("{n}h")), (100 * 86400, 86400, N_("{n}d")),
          (365 * 86400, 7 * 86400, N_("{n}w")), (100 * 365 * 86400, 365 * 86400, N_("{n}y")))
YEARS = _SPANS[-1][2]


def _span(seconds: int) -> str | None:
    """45s, 12m, 3h, 45d, 14w, 5y; None past 99 years."""
    for below, unit, short in _SPANS:
        if seconds < below:
            return _(short).format(n=seconds // unit)
    return None


def age_text(seconds: float) -> str:
    """A short age, at most `AGE_WIDTH` cells: 45s, 12m, 3h, 45d, 14w, 5y, 99y+
    (far past); a time ahead of the clock by a minute or more shows with a +:
    +5m, +2y, +∞ (far future). Less than a minute ahead (clocks differ) is 0s."""
    seconds = int(seconds)
    if seconds <= -60:
        ahead = _span(-seconds)
        return "+" + ahead if ahead else "+∞"
    return _span(max(0, seconds)) or _(YEARS).format(n=99) + "+"


def question_time(question: Question) -> datetime | None:
    """When the question was asked: the post's time, else when it arrived."""
    return parse_time(question.posted_at) or parse_time(question.received_at)


MEMBER_MARK = ("  ├ ", "  └ ")  # a member row of the open group; the last one


STRIPS_KEPT = 2_000  # rows kept drawn (a few screens' worth); past this the cache starts again


@dataclass(frozen=True, slots=True)
class Drawn:
    """Everything besides the question's record that a row's look depends on."""

    depth: int
    cursor: str  # the cursor's component class on the cursor row, else ""
    width: int
    base: Style
    flags: Flags
    age: str
    group: tuple[str, int, int, bool] | None  # a group's row: its id, members, votes, whether it is open


@dataclass(frozen=True, slots=True)
class Opened:
    """The group whose members show beneath its row."""

    gid: str
    at: int  # its row among the heads (`QueueList.ids`)
    members: tuple[str, ...]


def drawn_bar(bar: ScrollBar) -> list[Segment]:
    """The cells a vertical scrollbar draws, in any colours (as `ScrollBar` asks its renderer)."""
    rows = bar.window_virtual_size
    return ScrollBarRender.render_bar(size=bar.size.height, virtual_size=ceil(rows),
                                      window_size=ceil(bar.window_size if bar.window_size < rows else 0),
                                      position=bar.position, thickness=bar.size.width).segments


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells; cut with an ellipsis, so a cut handle
    never reads as another, real account."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class QueueList(ScrollView, can_focus=True):
    """Rows of questions; `j`/`k`, arrows, page keys and clicks move the cursor."""

    BINDINGS = [
        *bindings("queue"),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]

    COMPONENT_CLASSES = {
        "queue--cursor",
        "queue--cursor-blurred",
        "queue--author",
        "queue--meta",
        "queue--votes",
        "queue--group",
        "queue--flag",
        "queue--tag",
        "queue--star",
        "queue--empty",
    }

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another question (or to none)."""

        queue: QueueList
        qid: str | None

        @property
        def control(self) -> QueueList:
            return self.queue

    def __init__(
        self,
        questions: Mapping[str, Question],
        index: QueueIndex,
        clock: Callable[[], datetime],
        *,
        empty_text: str = "",
        grouped: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.questions = questions
        self.index = index
        self.clock = clock
        self.empty_text = empty_text or _(EMPTY)
        self.grouped = grouped
        self.ids: tuple[str, ...] = ()  # the rows' questions (a group's: its head), without the open group's members
        self.opened: Opened | None = None
        self.cursor = 0  # a row number, over the open group's members too
        self._announced: tuple[str | None, bool] = (None, False)  # the question under the cursor, on a member row
        # Each question's row as last drawn: rows shift by one when a question leaves the view, and
        # drawing a row costs more than finding it here (records are replaced, never changed, so
        # the same record drawn the same way is the same row).
        self._strips: dict[str, tuple[Question, Drawn, Strip]] = {}
        self._base, self._width = Style(), 0  # as of the frame being drawn (`render_lines`)
        translate_bindings(self)

    # -- rows ------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.ids) + (len(self.opened.members) if self.opened else 0)

    def row(self, row: int) -> tuple[str, int]:
        """The question row `row` shows, and its depth: 0 a row of the view, 1 a member of the
        open group, 2 its last member. `row` must be below `row_count`."""
        opened = self.opened
        if opened is None or row <= opened.at:
            return self.ids[row], 0
        member = row - opened.at - 1
        if member < len(opened.members):
            return opened.members[member], 1 if member < len(opened.members) - 1 else 2
        return self.ids[row - len(opened.members)], 0

    def _row_of_head(self, at: int) -> int:
        """The row number of `ids[at]`."""
        opened = self.opened
        return at + len(opened.members) if opened is not None and at > opened.at else at

    @property
    def cursor_id(self) -> str | None:
        return self.row(self.cursor)[0] if 0 <= self.cursor < self.row_count else None

    @property
    def on_member(self) -> bool:
        """The cursor is on a member of the open group (keys act on that member alone)."""
        return 0 <= self.cursor < self.row_count and self.row(self.cursor)[1] > 0

    @property
    def cursor_group(self) -> GroupRow | None:
        """The group whose row the cursor is on (two or more members in the view), else None."""
        if not self.grouped or self.on_member or (qid := self.cursor_id) is None:
            return None
        return self.index.group_row(qid)

    # -- data in ---------------------------------------------------------------

    def set_rows(self, ids: tuple[str, ...], changed: frozenset[str] = frozenset(),
                 find: Callable[[str], int | None] | None = None) -> None:
        """Show `ids`; repaint only what changed when the rows are the same.

        `find` says where a question is in `ids` (None: not there), or the
        row of its group when the view shows it there, when the caller knows
        faster than a scan (100,000 rows: a few ms per scan).
        """
        current = (self.cursor_id, self.on_member)
        old_cursor, before = self.cursor, self.opened
        same = ids == self.ids
        self.ids = ids
        self.opened = self._reopened(find) if before is not None else None
        if same and self.opened == before:
            if changed:
                self.refresh_rows(changed)
            return
        self.cursor = self._follow(current, old_cursor, find)
        self._rows_changed()

    def _rows_changed(self) -> None:
        self._resize()
        self.refresh()
        self._keep_cursor_visible()
        self._announce()

    def _resize(self) -> None:
        """Make the scrollable size the rows'. Setting `virtual_size` lays the whole screen out
        again; while the scrollbar shows before and after (more rows than lines either way, the same
        width), only the scrollbar and the scroll position change, so they are set without one."""
        size, before = Size(self.row_width, self.row_count), self.virtual_size
        lines = self.scrollable_content_region.height
        if size == before:
            return
        if not self.show_vertical_scrollbar or min(size.height, before.height) <= lines or size.width != before.width:
            self.virtual_size = size
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._set_bar(ScrollBar.window_virtual_size, size.height)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """`ScrollView`'s, but the scrollbar repaints only when its thumb moves."""
        if self.show_vertical_scrollbar:
            self._set_bar(ScrollBar.position, self.vertical_scrollbar.validate_position(new_value))
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def _set_bar(self, attribute: Reactive[Any], value: float) -> None:
        """Set the scrollbar's rows or position, repainting it only when it looks different. One
        row more or less, or a step down, among 100,000 rows rarely moves the thumb; a repaint of
        the bar cost more than redrawing the queue's rows."""
        bar = self.vertical_scrollbar
        before = drawn_bar(bar)
        bar.set_reactive(attribute, value)
        if drawn_bar(bar) != before:
            bar.refresh()

    def _reopened(self, find: Callable[[str], int | None] | None) -> Opened | None:
        """The open group as the new rows have it; None once it shows fewer than two members."""
        assert self.opened is not None
        group = self.index.group(self.opened.gid)
        at = None if group is None or len(group.members) < 2 else (find or self._scan)(group.head)
        return None if at is None or group is None else Opened(group.gid, at, group.members)

    def _follow(self, current: tuple[str | None, bool], old_cursor: int,
                find: Callable[[str], int | None] | None) -> int:
        """The cursor's row once the rows changed: on its question (or the member it was on), else
        at the same place."""
        qid, member = current
        last = max(0, self.row_count - 1)
        if qid is None:
            return min(old_cursor, last)
        opened = self.opened
        if member and opened is not None and qid in opened.members:
            return opened.at + 1 + opened.members.index(qid)
        if self.row_count and self.row(min(old_cursor, last)) == (qid, 0):
            return min(old_cursor, last)
        at = (find or self._scan)(qid)
        return self._row_of_head(at) if at is not None else min(old_cursor, last)

    def _scan(self, qid: str) -> int | None:
        try:
            return self.ids.index(qid)
        except ValueError:
            return None

    def refresh_rows(self, qids: frozenset[str]) -> None:
        top = int(self.scroll_y)
        for row in range(top, min(top + self.size.height, self.row_count)):
            if self.row(row)[0] in qids:
                self.refresh_lines(row)

    def select(self, qid: str) -> bool:
        """Put the cursor on `qid` if this view shows it (on its group's row when it is in one)."""
        opened = self.opened
        if opened is not None and qid in opened.members:
            self.move_to(opened.at + 1 + opened.members.index(qid))
            return True
        at = self.index.row_position(qid) if self.grouped else self._scan(qid)
        if at is None:
            return False
        self.move_to(self._row_of_head(at))
        return True

    # -- a group's members ---------------------------------------------------------

    def toggle_group(self) -> bool:
        """Open the group under the cursor (closing any other), or close it: on its row or on one
        of its members. False when the cursor is on a lone question."""
        opened = self.opened
        if opened is not None and self.on_member:
            self.cursor = opened.at
            self.close_group()
            return True
        group = self.cursor_group
        if group is None:
            return False
        at = self.cursor - (len(opened.members) if opened is not None and self.cursor > opened.at else 0)
        self.opened = None if opened is not None and opened.gid == group.gid else Opened(group.gid, at, group.members)
        self.cursor = at
        self._rows_changed()
        return True

    def close_group(self) -> None:
        if self.opened is not None:
            at = self.opened.at
            if self.cursor > at:
                self.cursor = at if self.on_member else self.cursor - len(self.opened.members)
            self.opened = None
            self._rows_changed()

    # -- moving ----------------------------------------------------------------

    def move_to(self, row: int) -> None:
        if not self.row_count:
            return
        row = max(0, min(row, self.row_count - 1))
        if row != self.cursor:
            previous = self.cursor
            self.cursor = row
            self.refresh_lines(previous)
            self.refresh_lines(row)
        self._keep_cursor_visible()
        self._announce()

    def _keep_cursor_visible(self) -> None:
        height = max(1, self.size.height)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _announce(self) -> None:
        """Say the cursor is on another question, or on the same one as a member of its group
        (the group's row and its first member are the same question; keys act differently)."""
        now = (self.cursor_id, self.on_member)
        if now != self._announced:
            self._announced = now
            self.post_message(self.Highlighted(self, now[0]))

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, row: int) -> None:
        self.move_to(row if row >= 0 else self.row_count - 1)

    def on_click(self, event: events.Click) -> None:
        self.move_to(int(self.scroll_y) + event.y)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.row_width, self.row_count)
        self._keep_cursor_visible()

    def on_focus(self) -> None:
        self.refresh_lines(self.cursor)

    def on_blur(self) -> None:
        self.refresh_lines(self.cursor)

    # -- drawing -----------------------------------------------------------------

    @property
    def row_width(self) -> int:
        """The columns a row fills: beside the scrollbar, not under it (rows as wide as the widget
        made the queue scroll sideways by a column, and took a line for a horizontal bar)."""
        return self.scrollable_content_region.width

    def render_lines(self, crop: Region) -> list[Strip]:
        # Worked out once per frame, not per row: each walks the styles (the background its ancestors').
        self._base, self._width = self.rich_style, self.row_width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._width or self.row_width
        row = int(self.scroll_y) + y
        base = self._base
        if not self.ids:
            if y == 0:
                style = base + self.get_component_rich_style("queue--empty")
                return Strip([Segment(set_cell_size(f" {self.empty_text}", width), style)], width)
            return Strip.blank(width, base)
        if row >= self.row_count:
            return Strip.blank(width, base)
        qid, depth = self.row(row)
        question = self.questions.get(qid)
        if question is None:
            return Strip.blank(width, base)
        cursor = ("queue--cursor" if self.has_focus else "queue--cursor-blurred") if row == self.cursor else ""
        group = self.index.group_row(qid) if self.grouped and not depth else None
        asked = question_time(question)
        drawn = Drawn(depth, cursor, width, base, self.index.flags(question),
                      age_text((self.clock() - asked).total_seconds()) if asked else "?",
                      None if group is None else (group.gid, len(group.members), group.votes,
                                                  self.opened is not None and self.opened.gid == group.gid))
        cached = self._strips.get(qid)
        if cached is not None and cached[0] is question and cached[1] == drawn:
            return cached[2]
        if len(self._strips) >= STRIPS_KEPT:
            self._strips.clear()
        row_style = self.get_component_rich_style(cursor) if cursor else Style()
        segments = self._row_segments(question, drawn, base + row_style, group)
        strip = Strip(segments, None).adjust_cell_length(width, base + row_style)
        self._strips[qid] = (question, drawn, strip)
        return strip

    def notify_style_update(self) -> None:
        self._strips.clear()  # the theme or the focus styles changed: rows are drawn anew
        super().notify_style_update()

    def _row_segments(self, question: Question, drawn: Drawn, base: Style, group: GroupRow | None) -> list[Segment]:
        """The row's cells; `base` is the background (the cursor's on the cursor row). A group's
        row counts its members and sums their votes; a member of the open group is indented."""
        def style(name: str) -> Style:
            return self.get_component_rich_style(name, partial=True)
        width, depth, age, flags = drawn.width, drawn.depth, drawn.age, drawn.flags
        author_width = max(8, min(20, width // 5))
        votes = group.votes if group is not None else question.votes
        parts: list[tuple[str, Style]] = [(MEMBER_MARK[depth - 1], base + style("queue--meta"))] if depth else []
        parts += [
            ("★" if question.starred else " ", base + style("queue--star")),
            (STATUS_MARK.get(question.status, "?") + " ", base + style("queue--meta")),
            (fit(shown_line(question.author), author_width) + " ", base + style("queue--author")),
            (f"{age:>{AGE_WIDTH}} ", base + style("queue--meta")),
            (f"▲{votes:<3}"[:4] + " " if votes < 1000 else "▲999+", base + style("queue--votes")),
            (("↗" if flags.link else " ") + ("»" if flags.repeated_author else " ") + ("≈" if flags.possible_duplicate else " ") + " ", base + style("queue--flag")),
        ]
        if drawn.group is not None:
            _gid, members, _votes, opened = drawn.group
            parts.append((f"×{members}{'▾' if opened else ''} ", base + style("queue--group")))
        if question.tags:
            tags = shown_line(" ".join(f"#{tag}" for tag in question.tags[:3]))
            parts.append((tags + " ", base + style("queue--tag")))
        used = sum(cell_len(text) for text, _ in parts)
        room = width - used
        if room > 0:
            # Cleaned and cut to what the row can show (marks are at most a few per character).
            text = " ".join(shown_line(question.shown_text()[: room * 8]).split())
            if cell_len(text) > room:
                text = set_cell_size(text, room - 1) + "…"
            parts.append((text, base))
        return [Segment(text, seg_style) for text, seg_style in parts]
