"""Keep the interface's catalogues with Babel: `python -m tui.i18n_catalogue [check]`.

Without an argument: extract every `_()`, `N_()`, `ngettext()` and `pgettext()` string of `tui/`,
merge them into each language's `.po` (new strings
come in untranslated; strings gone are dropped) and compile the `.mo` files
gettext reads. `check` changes nothing and lists what is missing: a string
not in a `.po`, one untranslated or fuzzy, a `.mo` that differs from its
`.po`. Babel is needed only here (the `test` extra), never at run time.
"""
from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from tui.i18n import DOMAIN, LANGS, LOCALES

ROOT = Path(__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
TRANSLATED = [lang for lang in LANGS if lang != "en"]  # the strings are written in English


# Fixed, so that updating a catalogue changes only its strings.
DATE = datetime(2026, 12, 1, tzinfo=UTC)
HEADER: dict[str, Any] = {"project": "questiontime", "version": "", "copyright_holder": "the questiontime authors",
                          "creation_date": DATE, "revision_date": DATE}


def template() -> Catalog:
    catalog = Catalog(domain=DOMAIN, **HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map=[("**.py", "python")], keywords=KEYWORDS):
        catalog.add(message, None, [(f"tui/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, **HEADER)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def update() -> None:
    pot = template()
    for lang in TRANSLATED:
        catalog = read(lang)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for name, value in HEADER.items():
            setattr(catalog, name, value)
        catalog.fuzzy = False  # the header: a fuzzy one is left out of the .mo, and with it the charset
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with po_path(lang).open("wb") as handle:
            write_po(handle, catalog, sort_output=True, width=100, include_lineno=False)
        po_path(lang).with_suffix(".mo").write_bytes(compiled(catalog))


def problems() -> list[str]:
    """What keeps a catalogue from being complete (empty when all is well)."""
    pot = template()
    found: list[str] = []
    for lang in TRANSLATED:
        catalog = read(lang)
        for message in pot:
            if not message.id:
                continue
            have = catalog.get(message.id, message.context)
            strings = have.string if have is not None else None
            if have is None:
                found.append(f"{lang}: not in the catalogue: {message.id!r}")
            elif have.fuzzy or not (all(strings) if isinstance(strings, tuple) else strings):
                found.append(f"{lang}: not translated: {message.id!r}")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            found.append(f"{lang}: {mo.name} is not compiled from the current {po_path(lang).name}")
    return found


def main(argv: list[str]) -> int:
    if argv[1:] == ["check"]:
        listed = problems()
        print("\n".join(listed) or "the catalogues are complete")
        return 1 if listed else 0
    update()
    print(f"updated {', '.join(str(po_path(lang).relative_to(ROOT.parent)) for lang in TRANSLATED)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
