"""One CSV row per question, safe to open in a spreadsheet.

RFC 4180: every field quoted, `\\r\\n` between records (line breaks inside
a post stay inside its quoted cell). A cell a spreadsheet would read as a
formula (starting with `= + - @`, tab, CR, LF or their full-width forms) gets
a leading `'`; NULs and other control characters are dropped. Times are ISO
8601 in UTC as stored (`2024-05-14T18:07:00.000Z`), whatever the session's
zone or `--tz`: the CSV is data, for scripts and spreadsheets. What happened to an answer after it was sent is in
the last columns (the last correction and its time, the follow-ups one per
line, the retraction's time); `published_urls` lists the posts still up, and
none once the answer is retracted. `held_by` names the hold rule that held a
question on arrival (its reason is "held"): a spreadsheet counts each rule's hits.
"""
from __future__ import annotations

import csv
import io

from store.export.figures import response_seconds
from store.export.recap import published_links
from store.export.safe import printable
from store.export.selection import selected
from store.model import Answer
from store.parts import by_question
from store.state import SessionState

COLUMNS: tuple[str, ...] = (
    "id", "source", "author", "author_name", "text", "received", "status", "reason", "held_by", "votes",
    "starred", "tags", "answer", "answered_at", "response_seconds", "published_urls",
    "corrected_answer", "corrected_at", "follow_ups", "retracted_at",
)
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutral(value: object) -> str:
    """A cell's text with controls dropped and a formula start defused."""
    if value is None:
        return ""
    cell = printable(value)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _history(answer: Answer | None) -> tuple[str, str, str, str]:
    """corrected_answer, corrected_at (the last correction's), follow_ups (one per line), retracted_at."""
    revisions = answer.revisions if answer else []
    corrections = [r for r in revisions if r["kind"] == "correct"]
    follow_ups = "\n".join(r["text"] for r in revisions if r["kind"] == "follow_up")
    last = corrections[-1] if corrections else None
    return (last["text"] if last else "", last["at"] if last else "", follow_ups, answer.retracted_at if answer else "")


def render(state: SessionState, only: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    outbox = by_question(state.outbox.values())
    for question in selected(state, only):
        answer = state.answers.get(question.id)
        seconds = response_seconds(question, answer) if answer else None
        links = () if answer is None or answer.retracted_at else published_links(outbox.get(question.id, []), None)
        row = (
            question.id, question.source, question.author, question.author_name, question.shown_text(),
            question.received_at, question.status, question.reason or "", state.holds.get(question.id, ""), question.votes,
            "yes" if question.starred else "no", "; ".join(question.tags),
            answer.text if answer else "", answer.answered_at if answer else "",
            "" if seconds is None else round(seconds), " ".join(link.url for link in links),
            *_history(answer),
        )
        writer.writerow([neutral(cell) for cell in row])
    return buffer.getvalue()
