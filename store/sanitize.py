"""Make untrusted post text safe to keep, show and export.

Applied once, where a post enters the store (ARCHITECTURE.md, "No control
or escape character reaches the terminal"): everything after this point may
assume no control, escape, bidi or zero-width characters, no private-use or
unassigned code points and no lone surrogates. Written as a
few `regex` passes (Unicode properties, set difference) because ingest runs
it on every post: a Python loop per character cost seconds at 100k posts.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

MAX_TEXT = 10_000
MAX_LINE = 200
MAX_MARKS = 4  # combining marks kept per base character ("zalgo" floods)

_SURROGATES = regex.compile(r"\p{Cs}")
# Controls, format characters (bidi embeddings/overrides/isolates, LRM/RLM,
# zero-width space/joiners, BOM, soft hyphen...), private use and unassigned
# code points, except: newline, ZWJ (emoji sequences need it) and the tag
# characters (kept here, then only inside emoji tag sequences: `_TAGS`).
# U+034F is a combining mark that is invisible by design.
_DROP = regex.compile(r"(?V1)[[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u034f]--[\n\u200d\U000E0020-\U000E007F]]+")
# Invisible tag characters carry hidden text; they mean something only in an
# emoji tag sequence (black flag, a tag spec, CANCEL TAG: England, Scotland...).
_TAGS = regex.compile(r"(\U0001F3F4[\U000E0030-\U000E0039\U000E0061-\U000E007A]{1,32}\U000E007F)|[\U000E0020-\U000E007F]+")
# What terminals draw wider than it is measured (Rich counts these 0 cells):
# the blank Hangul fillers (used for "empty" names), skin-tone modifiers with
# no emoji before them, spacing marks with no letter before them.
_MISMEASURED = regex.compile(
    r"[\u115f\u1160\u3164\uffa0]+"
    r"|(?<!\p{Emoji_Modifier_Base})\p{Emoji_Modifier}"
    r"|(?<![\p{L}\p{M}])\p{Mc}+"
)
_MARK_FLOOD = regex.compile(rf"(\p{{M}}{{{MAX_MARKS}}})\p{{M}}+")
_LINE_END = regex.compile(r"\r\n?|[\u2028\u2029\x85\v\f]")
_SPACES = regex.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_TRAILING = regex.compile(r"[ \t]+\n")


def clean_shown(text: object, *, multiline: bool = True) -> str:
    """Stored text made safe to draw: no controls, escapes, bidi or invisible
    characters, nothing a terminal draws wider than measured.

    Every display path runs it (a store may have been written by another
    tool, so ingest's cleaning is not enough). It changes nothing else:
    spacing, line ends and length stay, so a draft shown and saved again
    round-trips.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if text.isascii() and text.isprintable():
        return text
    text = _SURROGATES.sub("\ufffd", text)
    text = _LINE_END.sub("\n", text).replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    text = _TAGS.sub(r"\1", _DROP.sub("", text))
    return _MISMEASURED.sub("", text)


def clean_text(text: object, *, multiline: bool = True, limit: int = MAX_TEXT) -> str:
    """Return `text` as safe plain text: NFC, no controls, capped length.

    Line ends become `\\n` (or a space for one-line fields), tabs a space,
    runs of combining marks are cut to a few per base character, and the
    result is at most `limit` characters.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if text.isascii() and text.isprintable():
        # Fast path (most fields, many posts): printable ASCII has nothing the
        # passes below remove or normalise, except runs of spaces and the ends.
        if not multiline and "  " in text:
            text = _SPACES.sub(" ", text)
        return text.strip()[:limit]
    text = unicodedata.normalize("NFC", clean_shown(text, multiline=multiline))
    text = _MARK_FLOOD.sub(r"\1", text)
    if multiline:
        text = _TRAILING.sub("\n", text).strip()
    else:
        text = _SPACES.sub(" ", text).strip()
    return text[:limit]


def clean_line(text: object, limit: int = MAX_LINE) -> str:
    """One-line fields: author handles, display names, tags, error messages."""
    return clean_text(text, multiline=False, limit=limit)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by ***: a server may echo a credential in an error."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
