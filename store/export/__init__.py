"""Exports of a session: Markdown recap, standalone HTML, CSV and full JSON.

    from store.export import FORMATS, render
    text = render(store.state, "md", only="answered", lang="it", tz="Europe/Rome")

`only` picks the questions: `answered`, `approved` (approved + answered) or
`all`; `lang` (`en`, `it`) is the language of the recap's words (Markdown and
HTML; CSV headers and JSON keys stay fixed for scripts); `tz` overrides the
session's time zone for the recap's times (`store.zones.session_zone`). CSV
and JSON keep the times as stored: ISO 8601 in UTC. See `selection` for how
a question counts as answered, waiting, dismissed or new.
"""
from __future__ import annotations

from collections.abc import Callable

from store.export import csv_export, html, json_export, markdown, recap
from store.export.i18n import LANGS, words
from store.export.selection import ONLY, check_only
from store.state import SessionState
from store.zones import UnknownZone, session_zone, zone_named

FORMATS: tuple[str, ...] = ("md", "html", "csv", "json")
EXTENSIONS: dict[str, str] = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}

def _recap(state: SessionState, only: str, tz: str | None) -> recap.Recap:
    return recap.build(state, only, session_zone(state.settings.tz, tz))


# The zone is resolved only for the recaps: CSV and JSON keep UTC, and still export a session
# whose stored zone this machine's database does not know.
_RENDERERS: dict[str, Callable[[SessionState, str, str, str | None], str]] = {
    "md": lambda state, only, lang, tz: markdown.render(_recap(state, only, tz), lang),
    "html": lambda state, only, lang, tz: html.render(_recap(state, only, tz), lang),
    "csv": lambda state, only, lang, tz: csv_export.render(state, only),
    "json": lambda state, only, lang, tz: json_export.render(state, only),
}


def render(state: SessionState, fmt: str, *, only: str = "all", lang: str = "en", tz: str | None = None) -> str:
    """The session as `fmt` text, its times in `tz` (else the session's zone, else the machine's).

    ValueError on an unknown format, selection or language; `UnknownZone` (a
    ValueError) for a `tz` that is not a zone whatever the format, and for a
    session zone this machine does not know in a recap.
    """
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    check_only(only)
    words(lang)  # ValueError for an unknown language
    if tz:
        zone_named(tz)
    return _RENDERERS[fmt](state, only, lang, tz)


__all__ = ["EXTENSIONS", "FORMATS", "LANGS", "ONLY", "UnknownZone", "render"]
