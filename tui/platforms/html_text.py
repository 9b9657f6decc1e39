"""Post HTML (Mastodon `content`) to plain text, with nothing executable left.

ARCHITECTURE.md ("An export is inert"): `html2text`/`markdownify` keep `javascript:` links and turn
encoded entities into real tags, and `selectolax` keeps script contents. The
stdlib parser with this small handler keeps only text: paragraphs and `<br>`
become line breaks, the text of mentions, hashtags and http(s) links is kept
(Mastodon's "invisible" spans included, so a shortened link reads in full),
script/style/svg/iframe and the text of links to other schemes are dropped,
and entities are decoded exactly once (`&lt;script&gt;` stays the text
"<script>"). The result is plain text for `clean_text`, not HTML.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose whole content is dropped: code, styling, embedded documents.
_DROPPED = frozenset({
    "script", "style", "svg", "math", "iframe", "object", "embed", "template",
    "noscript", "head", "title", "textarea", "select", "button", "frame", "frameset",
})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_PARAGRAPHS = frozenset({"p", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"})
_LINES = frozenset({"div", "li", "tr", "dt", "dd", "hr"})
_SAFE_LINK = re.compile(r"(?i)^(https?:|mailto:|/|#|\?|$)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
MAX_HTML = 200_000  # Mastodon allows 500 characters; remote servers send more, not this much


def _safe_href(href: str | None) -> bool:
    """http(s), mailto or relative; anything else (javascript:, data:, ...) is not."""
    if href is None:
        return True
    value = "".join(ch for ch in href if ch > " ")  # browsers ignore controls and spaces in a scheme
    return bool(_SAFE_LINK.match(value)) or not _SCHEME.match(value)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping: list[str] = []  # open elements whose content is dropped
        self.pre = 0

    def _break(self, text: str) -> None:
        """A block boundary: adjacent boundaries merge (`</li><li>` is one line break)."""
        if self.parts and not self.parts[-1].strip(" \n"):
            if len(text) > self.parts[-1].count("\n"):
                self.parts[-1] = text
            return
        self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag in _DROPPED or (tag == "a" and self.dropping[-1] == "a"):
                self.dropping.append(tag)
            return
        if tag in _DROPPED:
            self.dropping.append(tag)
        elif tag == "a" and not _safe_href(dict(attrs).get("href")):
            self.dropping.append("a")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _PARAGRAPHS:
            self._break("\n\n")
            self.pre += tag == "pre"
        elif tag in _LINES:
            self._break("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.dropping:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag in self.dropping:
                while self.dropping and self.dropping.pop() != tag:
                    pass
            return
        if tag in _PARAGRAPHS:
            self._break("\n\n")
            if tag == "pre" and self.pre:
                self.pre -= 1
        elif tag in _LINES and tag not in _VOID:
            self._break("\n")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.parts.append(data if self.pre else _SPACES.sub(" ", data))


def html_to_text(html: str) -> str:
    """The plain text of a post's HTML: line breaks kept, markup and code gone."""
    if not html:
        return ""
    parser = _TextOnly()
    parser.feed(html[:MAX_HTML])
    parser.close()
    text = re.sub(r" {2,}", " ", "".join(parser.parts))
    lines = [line.strip(" ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
