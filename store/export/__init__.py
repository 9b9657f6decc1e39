"""Exports of a session: Markdown recap, standalone HTML, CSV and full JSON.

    from store.export import FORMATS, render
    text = render(store.state, "md", only="answered", lang="it")

`only` picks the questions: `answered`, `approved` (approved + answered) or
`all`; `lang` (`en`, `it`) is the language of the recap's words (Markdown and
HTML; CSV headers and JSON keys stay fixed for scripts). See `selection` for
how a question counts as answered, waiting, dismissed or new.
"""
from __future__ import annotations

from collections.abc import Callable

from store.export import csv_export, html, json_export, markdown, recap
from store.export.i18n import LANGS, words
from store.export.selection import ONLY, check_only
from store.state import SessionState

FORMATS: tuple[str, ...] = ("md", "html", "csv", "json")
EXTENSIONS: dict[str, str] = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}

_RENDERERS: dict[str, Callable[[SessionState, str, str], str]] = {
    "md": lambda state, only, lang: markdown.render(recap.build(state, only), lang),
    "html": lambda state, only, lang: html.render(recap.build(state, only), lang),
    "csv": lambda state, only, lang: csv_export.render(state, only),
    "json": lambda state, only, lang: json_export.render(state, only),
}


def render(state: SessionState, fmt: str, *, only: str = "all", lang: str = "en") -> str:
    """The session as `fmt` text. ValueError on an unknown format, selection or language."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    check_only(only)
    words(lang)  # ValueError for an unknown language
    return _RENDERERS[fmt](state, only, lang)


__all__ = ["EXTENSIONS", "FORMATS", "LANGS", "ONLY", "render"]
