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
# A marked string: whole on a line, cut at the line's end (wrapped or shortened with "…"),
# or the rest of one wrapped from the line before.
_MARKED = re.compile(rf"{OPEN}[^{CLOSE}]*{CLOSE}|{OPEN}[^{CLOSE}]*$|^[^{OPEN}]*?{CLOSE}", re.MULTILINE)
# A whole marked string with no mark inside: taken out first, again and again, so that one
# placed inside another (a translated word in a translated sentence) leaves that one whole.
_INNERMOST = re.compile(rf"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]{2,}")


class Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)


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
    """The words on `screen` outside any marked string and not among the `exempt` texts' words."""
    while (inner := _INNERMOST.sub(" ", screen)) != screen:
        screen = inner
    left = _MARKED.sub(" ", screen)
    return words_of([left]) - words_of(exempt)
