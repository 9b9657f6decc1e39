"""Post HTML (Mastodon `content`) to plain text, with nothing executable left.

ARCHITECTURE.md ("An export is inert"): `html2text`/`markdownify` keep `javascript:` links and turn
encoded entities into real tags, and `selectolax` keeps script contents. A
small tokenizer of our own (linear time: `html.parser` is quadratic on some
input and raises on other) with this handler keeps only text: paragraphs and `<br>`
become line breaks, the text of mentions, hashtags and http(s) links is kept
(Mastodon's "invisible" spans included, so a shortened link reads in full),
script/style/svg/iframe and the text of links to other schemes are dropped,
and entities are decoded exactly once (`&lt;script&gt;` stays the text
"<script>"). The result is plain text for `clean_text`, not HTML.
"""
from __future__ import annotations

import re
from html import unescape

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
# Elements whose content is raw text up to their end tag (HTML standard), all of them dropped here.
_RAW_TEXT = frozenset({"script", "style", "iframe", "title", "textarea", "noscript"})
_MARKUP = re.compile(r"<[A-Za-z/!?]")  # any other `<` is text
_TAG_OPEN = re.compile(r"<(?P<slash>/?)(?P<name>[A-Za-z][^\t\n\f\r />]*+)")
_ATTR = re.compile(  # possessive: a failed match never backtracks over what it read
    r"""[\t\n\f\r /]*+(?:(?P<name>[^\t\n\f\r />=][^\t\n\f\r />=]*+)"""
    r"""(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"(?P<dq>[^"]*+)"|'(?P<sq>[^']*+)'|(?P<bare>[^\t\n\f\r >]++)))?)?"""
)
MAX_HTML = 100_000  # Mastodon allows 500 characters, some servers 5,000 or more; a post over this is skipped


def _safe_href(href: str | None) -> bool:
    """http(s), mailto or relative; anything else (javascript:, data:, ...) is not."""
    if href is None:
        return True
    value = "".join(ch for ch in href if ch > " ")  # browsers ignore controls and spaces in a scheme
    return bool(_SAFE_LINK.match(value)) or not _SCHEME.match(value)


class _TextOnly:
    """Collects the text of the events `_tokens` reports."""

    def __init__(self) -> None:
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


class HtmlTooLong(ValueError):
    """Content over `MAX_HTML` characters: the post is skipped, not cut mid-tag."""


def html_to_text(html: str) -> str:
    """The plain text of a post's HTML: line breaks kept, markup and code gone.

    Linear in the length of the input, which is capped at `MAX_HTML`.
    """
    if not html:
        return ""
    if len(html) > MAX_HTML:
        raise HtmlTooLong(f"content over {MAX_HTML:,} characters")
    handler = _TextOnly()
    _tokens(html, handler)
    text = re.sub(r" {2,}", " ", "".join(handler.parts))
    lines = [line.strip(" ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _tokens(html: str, handler: _TextOnly) -> None:
    """Tell `handler` about the text and tags of `html`, left to right, each character read once.

    A small tokenizer after the HTML standard's, instead of `html.parser`:
    that one is quadratic on unterminated tags (`'<a' * 99000` takes ~30 s)
    and raises on some markup (`<![<x`). Here a comment or declaration runs
    to its end, a raw-text element (script, style, ...) to its end tag, and
    input that ends inside a tag or comment ends the text (as in a browser).
    """
    position, end = 0, len(html)
    while position < end:
        markup = _MARKUP.search(html, position)
        if markup is None:
            handler.handle_data(unescape(html[position:]))
            return
        start = markup.start()
        if start > position:
            handler.handle_data(unescape(html[position:start]))
        tag = _TAG_OPEN.match(html, start)
        if tag is None:
            position = _skip_markup(html, start)
        elif tag["slash"]:
            close = html.find(">", tag.end())
            if close < 0:
                return
            handler.handle_endtag(tag["name"].lower())
            position = close + 1
        else:
            position = _start_tag(html, tag, handler)
        if position < 0:
            return


def _skip_markup(html: str, start: int) -> int:
    """Past a comment, a declaration or a bogus comment (`</3`, `<?x`); -1 when the input ends first."""
    if html.startswith("<!--", start):
        close = html.find("-->", start + 4)
        return -1 if close < 0 else close + 3
    close = html.find(">", start + 2)
    return -1 if close < 0 else close + 1


def _start_tag(html: str, tag: re.Match[str], handler: _TextOnly) -> int:
    """Read a start tag's attributes up to its `>`; -1 when the input ends first."""
    name = tag["name"].lower()
    attrs: list[tuple[str, str | None]] = []
    position = tag.end()
    while True:
        attr = _ATTR.match(html, position)
        if attr is None:  # never: every part of `_ATTR` is optional
            return -1
        if attr["name"]:
            value = next((v for v in attr.group("dq", "sq", "bare") if v is not None), None)
            attrs.append((attr["name"].lower(), None if value is None else unescape(value)))
        if attr.end() >= len(html):
            return -1
        if html[attr.end()] == ">":
            break
        if attr.end() == position:  # a character no attribute can start with (`=`): skip it
            position += 1
        else:
            position = attr.end()
    close = attr.end()
    if name in _RAW_TEXT:  # script, style, ...: nothing inside is markup, and all of it is dropped
        end_tag = re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE).search(html, close + 1)
        return -1 if end_tag is None else _after(html, end_tag.end())
    if html[close - 1] == "/":
        handler.handle_startendtag(name, attrs)
    else:
        handler.handle_starttag(name, attrs)
    return close + 1


def _after(html: str, position: int) -> int:
    """The position after the `>` that ends a tag begun before `position`; -1 if none."""
    close = html.find(">", position)
    return -1 if close < 0 else close + 1
