"""A pseudo-locale for the catalogue tests: every translated string shows as ⟦string⟧.

Whatever the app shows outside those marks did not go through gettext, unless
it is not ours to translate (post text, names, tags, key names, numbers):
`unmarked` lists the words left once the marked text and those are taken out.
"""
from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from tui.i18n import install, use

OPEN, CLOSE = "⟦", "⟧"
# A marked string whole (the innermost first: a translation may hold another, "⟦⟦9m⟧ ago⟧")...
_WHOLE = re.compile(rf"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# ...and, once those are gone, one cut at the line's end (wrapped or shortened with "…"),
# or the rest of one wrapped from the line before.
_CUT = re.compile(rf"{OPEN}.*$|^[^{OPEN}\n]*{CLOSE}", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]{2,}")
# A word as shown, and whether it may be cut short: with "…", or at a pane's edge (then only
# spaces, a border or a scrollbar up to the end of the line).
_SHOWN_WORD = re.compile(r"([^\W\d_]{2,})(…|(?=[ \u2500-\u259f]*$))?", re.MULTILINE)


class Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"

    def pgettext(self, context: str, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"


@contextmanager
def pseudo_locale() -> Iterator[None]:
    install(Pseudo())
    try:
        yield
    finally:
        use("en")


def words_of(texts: Iterable[str]) -> set[str]:
    return {word.casefold() for text in texts for word in _WORD.findall(text)}


def unmarked(screen: str, exempt: Iterable[str]) -> set[str]:
    """The words on `screen` outside any marked string and not among the `exempt` texts' words
    (a word cut short, a name in a narrow column, is exempt when one of theirs starts so)."""
    left = screen
    while (inner := _WHOLE.sub(" ", left)) != left:
        left = inner
    left = _CUT.sub(" ", left)
    allowed = words_of(exempt)
    found = {(word.casefold(), cut is not None) for word, cut in _shown_words(left)}
    return {word for word, cut in found
            if word not in allowed and not (cut and any(whole.startswith(word) for whole in allowed))}


def _shown_words(text: str) -> Iterator[tuple[str, str | None]]:
    for match in _SHOWN_WORD.finditer(text):
        yield match[1], match[2]
