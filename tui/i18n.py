"""The interface's language: every label, message, help text and dialog goes through `_`.

gettext (the standard library) reads the catalogue `tui/locale/<lang>/LC_MESSAGES/qtime.mo`,
compiled with Babel from the `.po` file beside it (`python -m tui.i18n_catalogue`
extracts, updates and compiles; a test fails when the catalogue is not complete or the
`.mo` is older than its `.po`).

- `pgettext(context, text)` where one English word needs two translations.
- `use(lang)` picks the language once, at start (`--lang`, else the user's locale).
- Text defined at import time (action titles, dialog labels) is marked with `N_` and
  translated where it is shown, with `_(text)`: the language is chosen after imports.
- What is not ours is never translated: post text, names, tags, keys.
- `pgettext(context, word)` where one English word has two meanings; `number(n)`
  groups a count's digits as the language does.
- The exports keep their own two languages (`store/export/i18n.py`): the store imports
  no UI.
"""
from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "qtime"
LOCALES = Path(__file__).parent / "locale"
LANGS: tuple[str, ...] = ("en", "it")
THOUSANDS = {"en": ",", "it": "."}  # how each language groups a number's digits: 12,400 / 12.400

_current: gettext.NullTranslations = gettext.NullTranslations()
_lang = "en"


def user_lang(environ: Mapping[str, str] = os.environ) -> str:
    """The user's language from the locale variables (as gettext reads them), if we have it; else English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            for wanted in value.split(":"):
                code = wanted.split(".")[0].split("_")[0].lower()
                if code in LANGS:
                    return code
            return "en"  # the first variable set decides, as for gettext
    return "en"


def use(lang: str) -> None:
    """Show the interface in `lang` (one of `LANGS`)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (one of: {', '.join(LANGS)})")
    global _lang
    _lang = lang
    install(gettext.translation(DOMAIN, LOCALES, [lang], fallback=True))


def install(translations: gettext.NullTranslations) -> None:
    """Use these translations (a test's pseudo-locale, for one)."""
    global _current
    _current = translations


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` as meant in `context`: for a word the catalogue holds with another meaning too
    ("duplicate", a dismissal reason, and "duplicate", an action undone)."""
    return _current.pgettext(context, message)


def number(count: int) -> str:
    """`count` with its digits grouped as the interface's language writes them."""
    return f"{count:,}".replace(",", THOUSANDS[_lang])


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it now (it is translated where shown)."""
    return message
