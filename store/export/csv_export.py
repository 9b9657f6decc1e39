"""One CSV row per question, safe to open in a spreadsheet.

RFC 4180: every field quoted, `\\r\\n` between records (line breaks inside
a post stay inside its quoted cell). A cell a spreadsheet would read as a
formula (starting with `= + - @`, tab, CR, LF or their full-width forms) gets
a leading `'`; NULs and other control characters are dropped. Times are ISO
8601 in UTC as stored.
"""
from __future__ import annotations

import csv
import io

from store.state import SessionState

from store.export.figures import response_seconds
from store.export.recap import published_links
from store.export.safe import printable
from store.export.selection import selected
from store.parts import by_question

COLUMNS: tuple[str, ...] = (
    "id", "source", "author", "author_name", "text", "received", "status", "reason", "votes",
    "starred", "tags", "answer", "answered_at", "response_seconds", "published_urls",
)
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutral(value: object) -> str:
    """A cell's text with controls dropped and a formula start defused."""
    if value is None:
        return ""
    cell = printable(value)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def render(state: SessionState, only: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    outbox = by_question(state.outbox.values())
    for question in selected(state, only):
        answer = state.answers.get(question.id)
        seconds = response_seconds(question, answer) if answer else None
        links = published_links(outbox.get(question.id, []))
        row = (
            question.id, question.source, question.author, question.author_name, question.shown_text(),
            question.received_at, question.status, question.reason or "", question.votes,
            "yes" if question.starred else "no", "; ".join(question.tags),
            answer.text if answer else "", answer.answered_at if answer else "",
            "" if seconds is None else round(seconds), " ".join(link.url for link in links),
        )
        writer.writerow([neutral(cell) for cell in row])
    return buffer.getvalue()
