"""Stored text on its way to the screen.

Every widget and screen turns text from the store into `Content` here (or,
for rows drawn as segments, into a string with `clean_shown`): the store's
text is cleaned again at display time because another tool may have written
the store, and ingest's cleaning never saw that text. Never parsed as markup.
"""
from __future__ import annotations

from textual.content import Content

from store.sanitize import clean_shown


def shown(text: object, style: str = "", *, multiline: bool = True) -> Content:
    """`text` from the store as safe `Content` (one line unless `multiline`)."""
    return Content.styled(clean_shown(text, multiline=multiline), style)


def shown_line(text: object) -> str:
    """One line of stored text, safe to draw, for widgets that build segments."""
    return clean_shown(text, multiline=False)
