"""The question queue: a virtual list on Textual's Line API.

Only the rows on screen are rendered, from a plain tuple of question ids, so
the list stays fast at 100,000 questions (no widget per question). The
cursor follows its question when the rows change under it (arrivals, another
moderator's action) and stays at the same place when its question leaves
the view (approving moves on to the next one).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.model import Question, parse_time
from tui.actions import bindings
from tui.widgets.queue_index import QueueIndex
from tui.widgets.shown import shown_line

STATUS_MARK = {"new": "·", "approved": "✓", "dismissed": "✗", "answered": "↩"}
FLAG_LEGEND = "✓ approved  ✗ dismissed  ↩ answered  ★ starred  ↗ link  » repeated author  ≈ possible duplicate"


AGE_WIDTH = 4  # the queue's age column
_SPANS = ((60, 1, "s"), (3600, 60, "m"), (86400, 3600, "h"), (100 * 86400, 86400, "d"),
          (365 * 86400, 7 * 86400, "w"), (100 * 365 * 86400, 365 * 86400, "y"))


def _span(seconds: int) -> str | None:
    """45s, 12m, 3h, 45d, 14w, 5y; None past 99 years."""
    for below, unit, suffix in _SPANS:
        if seconds < below:
            return f"{seconds // unit}{suffix}"
    return None


def age_text(seconds: float) -> str:
    """A short age, at most `AGE_WIDTH` cells: 45s, 12m, 3h, 45d, 14w, 5y, 99y+
    (far past); a time ahead of the clock by a minute or more shows with a +:
    +5m, +2y, +∞ (far future). Less than a minute ahead (clocks differ) is 0s."""
    seconds = int(seconds)
    if seconds <= -60:
        ahead = _span(-seconds)
        return "+" + ahead if ahead else "+∞"
    return _span(max(0, seconds)) or "99y+"


def ago_text(seconds: float) -> str:
    """`age_text` in words: "5m ago", or "dated ahead, +5m" for a time ahead of the clock."""
    age = age_text(seconds)
    return f"dated ahead, {age}" if age.startswith("+") else f"{age} ago"


def question_time(question: Question) -> datetime | None:
    """When the question was asked: the post's time, else when it arrived."""
    return parse_time(question.posted_at) or parse_time(question.received_at)


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
        empty_text: str = "No questions here yet.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.questions = questions
        self.index = index
        self.clock = clock
        self.empty_text = empty_text
        self.ids: tuple[str, ...] = ()
        self.cursor = 0
        self._announced: str | None = None

    # -- data in ---------------------------------------------------------------

    @property
    def cursor_id(self) -> str | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def set_rows(self, ids: tuple[str, ...], changed: frozenset[str] = frozenset(),
                 find: Callable[[str], int | None] | None = None) -> None:
        """Show `ids`; repaint only what changed when the rows are the same.

        `find` says where a question is in `ids` (None: not there) when the
        caller knows faster than a scan (100,000 rows: a few ms per scan).
        """
        if ids == self.ids:
            if changed:
                self.refresh_rows(changed)
            return
        current = self.cursor_id
        old_cursor = self.cursor
        self.ids = ids
        if current is not None and len(ids) and ids[min(old_cursor, len(ids) - 1)] == current:
            self.cursor = min(old_cursor, len(ids) - 1)
        elif current is not None and (row := find(current) if find else self._scan(current)) is not None:
            self.cursor = row
        else:
            self.cursor = max(0, min(old_cursor, len(ids) - 1))
        self.virtual_size = Size(self.size.width, len(ids))
        self.refresh()
        self._keep_cursor_visible()
        self._announce()

    def _scan(self, qid: str) -> int | None:
        try:
            return self.ids.index(qid)
        except ValueError:
            return None

    def refresh_rows(self, qids: frozenset[str]) -> None:
        top = int(self.scroll_y)
        for y, qid in enumerate(self.ids[top : top + self.size.height]):
            if qid in qids:
                self.refresh_lines(top + y)

    def select(self, qid: str) -> bool:
        """Put the cursor on `qid` if this view shows it."""
        row = self._scan(qid)
        if row is None:
            return False
        self.move_to(row)
        return True

    # -- moving ----------------------------------------------------------------

    def move_to(self, row: int) -> None:
        if not self.ids:
            return
        row = max(0, min(row, len(self.ids) - 1))
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
        qid = self.cursor_id
        if qid != self._announced:
            self._announced = qid
            self.post_message(self.Highlighted(self, qid))

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, row: int) -> None:
        self.move_to(row if row >= 0 else len(self.ids) - 1)

    def on_click(self, event: events.Click) -> None:
        self.move_to(int(self.scroll_y) + event.y)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.ids))
        self._keep_cursor_visible()

    def on_focus(self) -> None:
        self.refresh_lines(self.cursor)

    def on_blur(self) -> None:
        self.refresh_lines(self.cursor)

    # -- drawing -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row = int(self.scroll_y) + y
        base = self.rich_style
        if not self.ids:
            if y == 0:
                style = base + self.get_component_rich_style("queue--empty")
                return Strip([Segment(set_cell_size(f" {self.empty_text}", width), style)], width)
            return Strip.blank(width, base)
        if row >= len(self.ids):
            return Strip.blank(width, base)
        question = self.questions.get(self.ids[row])
        if question is None:
            return Strip.blank(width, base)
        row_style = Style()
        if row == self.cursor:
            row_style = self.get_component_rich_style("queue--cursor" if self.has_focus else "queue--cursor-blurred")
        return Strip(self._row_segments(question, width, base + row_style), None).adjust_cell_length(width, base + row_style)

    def _row_segments(self, question: Question, width: int, base: Style) -> list[Segment]:
        """The row's cells; `base` is the background (the cursor's on the cursor row)."""
        def style(name: str) -> Style:
            return self.get_component_rich_style(name, partial=True)
        asked = question_time(question)
        age = age_text((self.clock() - asked).total_seconds()) if asked else "?"
        flags = self.index.flags(question)
        author_width = max(8, min(20, width // 5))
        parts: list[tuple[str, Style]] = [
            ("★" if question.starred else " ", base + style("queue--star")),
            (STATUS_MARK.get(question.status, "?") + " ", base + style("queue--meta")),
            (fit(shown_line(question.author), author_width) + " ", base + style("queue--author")),
            (f"{age:>{AGE_WIDTH}} ", base + style("queue--meta")),
            (f"▲{question.votes:<3}"[:4] + " " if question.votes < 1000 else "▲999+", base + style("queue--votes")),
            (("↗" if flags.link else " ") + ("»" if flags.repeated_author else " ") + ("≈" if flags.possible_duplicate else " ") + " ", base + style("queue--flag")),
        ]
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
