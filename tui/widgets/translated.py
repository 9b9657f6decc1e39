"""Translated text on its way to the screen: whole sentences with stored text in them, and key descriptions.

A translator moves the `{name}` placeholders where the language wants them
("Dismiss {author}'s question" -> "Scarta la domanda di {author}"), so a
sentence is translated whole and the stored text put in its place afterwards,
as `Content`: neither the translation nor the stored text is ever read as markup.
"""
from __future__ import annotations

import re
from dataclasses import replace

from textual.content import Content
from textual.dom import DOMNode

from tui.i18n import _

_FIELD = re.compile(r"\{(\w+)\}")


def sentence(template: str, style: str = "", **values: Content | str) -> Content:
    """`template` (already translated) with each `{name}` replaced by `values[name]`.

    The template's own words take `style`; a `Content` value keeps its own
    style (shown text: a name, a path), a `str` value takes `style`."""
    pieces: list[Content] = []
    start = 0
    for field in _FIELD.finditer(template):
        pieces.append(Content.styled(template[start:field.start()], style))
        value = values[field[1]]
        pieces.append(value if isinstance(value, Content) else Content.styled(value, style))
        start = field.end()
    pieces.append(Content.styled(template[start:], style))
    return Content.assemble(*pieces)


def translate_bindings(node: DOMNode) -> None:
    """Show `node`'s key descriptions (marked `N_` in its `BINDINGS`) in the interface's language.

    Textual gives each node its own copy of the class's bindings map (a
    shallow one: the lists are replaced here, never changed in place).
    An empty description stays empty: `_("")` is the catalogue's header."""
    node._bindings.key_to_bindings = {
        key: [replace(b, description=_(b.description)) if b.description else b for b in bindings]
        for key, bindings in node._bindings.key_to_bindings.items()
    }
