"""The HTML page: self-contained, and nothing in it comes from post text but text."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.export import render
from store.export.html import CSP, paragraph, text
from store.export.safe import printable
from store.session_store import SessionStore
from tests.sessions import HOSTILE_NAMES, HOSTILE_TEXTS, demo_like, hostile

# Every element and attribute the template and the chart use; nothing else may appear.
TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section", "article",
        "h1", "h2", "h3", "h4", "p", "span", "br", "blockquote", "ol", "li", "a", "dl", "dt", "dd",
        "figure", "svg", "desc", "line", "rect", "text"}
ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class", "href", "rel", "xmlns", "viewbox",
              "role", "aria-labelledby", "id", "x", "y", "x1", "y1", "x2", "y2", "width", "height",
              "text-anchor"}


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of each blockquote."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.quotes: list[str] = []
        self.text: list[str] = []
        self._depth = 0
        self._quote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "blockquote":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._depth -= 1
            if not self._depth:
                self.quotes.append(squash("".join(self._quote)))
                self._quote = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._depth:
            self._quote.append(data + " ")

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment in the page: {data!r}")


def squash(value: str) -> str:
    return " ".join(value.split())


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def assert_only_template_markup(page: Page) -> None:
    for tag, attrs in page.tags:
        assert tag in TAGS, tag
        assert set(attrs) <= ATTRIBUTES, (tag, attrs)
        href = attrs.get("href")
        if tag == "a":
            assert href and href.startswith("https://"), href
            assert attrs["rel"] == "noopener noreferrer"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return demo_like(tmp_path_factory.mktemp("html") / "demo.json")


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return hostile(tmp_path_factory.mktemp("html") / "hostile.json")


@pytest.mark.parametrize("lang", ["en", "it"])
def test_demo_page_is_self_contained(demo: SessionStore, lang: str) -> None:
    html = render(demo.state, "html", lang=lang)
    page = parse(html)
    assert_only_template_markup(page)
    metas = [attrs for tag, attrs in page.tags if tag == "meta"]
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert ("html", {"lang": lang}) in page.tags
    assert "src=" not in html and "url(" not in html and "@import" not in html
    assert [tag for tag, _ in page.tags].count("svg") == 1
    assert [tag for tag, _ in page.tags].count("title") == 2  # the page's and the chart's
    for q in demo.state.questions.values():
        assert squash(q.text) in page.quotes
    for answer in demo.state.answers.values():
        assert squash(answer.text) in page.quotes
    hrefs = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    assert "https://social.example/@ceo/101" in hrefs


def test_hostile_session_adds_no_markup(evil: SessionStore) -> None:
    html = render(evil.state, "html")
    page = parse(html)
    assert_only_template_markup(page)
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert hrefs and not any("javascript" in (href or "") or '"' in (href or "") for href in hrefs)
    for text_value in HOSTILE_TEXTS:
        assert squash(text_value) in page.quotes
    visible = squash("".join(page.text))
    for name in HOSTILE_NAMES:
        assert squash(name) in visible
    assert "<script>alert('title')</script> =1+1" in visible


def test_links_keep_their_query_escaped(evil: SessionStore) -> None:
    html = render(evil.state, "html")
    assert 'href="https://social.example/h2?a=1&amp;b=(2)"' in html


def test_control_characters_never_reach_the_page() -> None:
    assert text("a\x1b[31mb\u202e\x9b") == "a[31mb"
    assert paragraph("x\r\ny\x00") == "<p>x<br>\ny</p>"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_is_one_paragraph_of_itself(value: str) -> None:
    page = parse(f"<blockquote>{paragraph(value)}</blockquote><h3>{text(value)}</h3>")
    assert [tag for tag, _ in page.tags if tag != "br"] == ["blockquote", "p", "h3"]
    assert page.quotes == [squash(printable(value))]


@pytest.mark.parametrize("url", ["http://example.com/x", "javascript:alert(1)", "data:text/html,x", "//evil.example",
                                 "https://ok.example/a b", "https://ok.example/\"onmouseover"])
def test_only_plain_https_links_are_links(url: str) -> None:
    from store.export.safe import safe_url

    assert safe_url(url) is None
    assert safe_url("https://mastodon.social/@qtime/1") == "https://mastodon.social/@qtime/1"
