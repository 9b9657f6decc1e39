"""Make untrusted post text safe to keep, show and export.

Applied once, where a post enters the store (SECURITY.md): everything after
this point may assume no control, escape, bidi or zero-width characters and
no lone surrogates.
"""
from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 10_000
MAX_LINE = 200
MAX_COMBINING_RUN = 4

# Bidi embeddings, overrides and isolates, plus LRM/RLM/ALM: they reorder what
# the terminal shows (a post can make text appear to say something else).
_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
# Zero-width and invisible formatting characters, except ZWJ (emoji need it).
_INVISIBLE = {0x200B, 0x200C, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0x180E, 0x00AD, 0x034F}
_DROP_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}


def _keep(ch: str, multiline: bool) -> bool:
    code = ord(ch)
    if ch == "\n":
        return multiline
    if ch == "\t":
        return False
    if code in _BIDI or code in _INVISIBLE:
        return False
    if 0xFE00 <= code <= 0xFE0F or 0xE0020 <= code <= 0xE007F or code == 0x200D:
        return True  # variation selectors, emoji tag sequences, ZWJ
    category = unicodedata.category(ch)
    return category not in _DROP_CATEGORIES and category != "Cf"


_SURROGATES = re.compile("[\ud800-\udfff]")


def _fix_surrogates(text: str) -> str:
    # Lone surrogates (valid in JSON, invalid in UTF-8) become U+FFFD.
    return _SURROGATES.sub("\ufffd", text)


def clean_text(text: object, *, multiline: bool = True, limit: int = MAX_TEXT) -> str:
    """Return `text` as safe plain text: NFC, no controls, capped length.

    Tabs and CR become spaces / line breaks, runs of combining marks are cut
    to a few per base character (a "zalgo" flood cannot fill the screen), and
    the result is at most `limit` characters.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _fix_surrogates(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    marks = 0
    for ch in text:
        if not _keep(ch, multiline):
            if ch == "\n":
                out.append(" ")
            continue
        if unicodedata.combining(ch):
            marks += 1
            if marks > MAX_COMBINING_RUN:
                continue
        else:
            marks = 0
        out.append(ch)
    cleaned = "".join(out)
    if multiline:
        cleaned = "\n".join(line.rstrip() for line in cleaned.split("\n")).strip("\n")
    else:
        cleaned = " ".join(cleaned.split())
    return cleaned[:limit]


def clean_line(text: object, limit: int = MAX_LINE) -> str:
    """One-line fields: author handles, display names, tags, error messages."""
    return clean_text(text, multiline=False, limit=limit)


def fold(text: str) -> str:
    """The form filters match on: NFKC, case-folded (full-width 'Ａ' finds 'a')."""
    return unicodedata.normalize("NFKC", text).casefold()
