"""Text and links made safe to put in an export, whatever they contain.

Question text is sanitised as it enters the store, but answers, outbox URLs
and settings are not, and an export may be printed to a terminal: every
exporter passes text through `printable` and links through `safe_url`.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# C0 controls except newline and tab, DEL, C1 controls, bidi controls and
# invisible formatting characters (ZWJ stays: emoji sequences need it).
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_NEWLINES = re.compile("\r\n?")
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\"'<>\\^`{|}]")


def printable(text: object) -> str:
    """`text` with line breaks as `\\n`, no controls, no lone surrogates."""
    value = "" if text is None else str(text)
    value = _SURROGATE.sub("\ufffd", _NEWLINES.sub("\n", value))
    return _UNPRINTABLE.sub("", value)


def one_line(text: object) -> str:
    """`printable` on one line: any run of whitespace becomes one space."""
    return " ".join(printable(text).split())


def safe_url(url: object) -> str | None:
    """The URL when it is an absolute `https:` link with a host, else None
    (ARCHITECTURE.md, "An export is inert": only https links; anything else stays text).

    Anything a browser or a Markdown parser could read differently from us
    (spaces, quotes, angle brackets, backslashes, controls) disqualifies it
    rather than being "fixed".
    """
    if not isinstance(url, str) or not url or len(url) > 2000 or _URL_FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.hostname or not url.lower().startswith("https://"):
        return None
    return url
