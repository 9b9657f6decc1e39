"""The Markdown recap: post text only ever inside blockquotes, never HTML, links or images."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from store.export import render
from store.export.markdown import quote, text
from store.export.safe import printable
from store.session_store import SessionStore
from tests.sessions import HOSTILE_NAMES, HOSTILE_TEXTS, demo_like, hostile


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return demo_like(tmp_path_factory.mktemp("md") / "demo.json")


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return hostile(tmp_path_factory.mktemp("md") / "hostile.json")


def flat(tokens: list[Token]) -> list[Token]:
    out = []
    for token in tokens:
        out.append(token)
        out += flat(token.children or [])
    return out


def squash(value: str) -> str:
    return " ".join(value.split())


def as_read(value: str) -> str:
    """`squash`, with an address's @ read as written (the recap makes it full-width: no autolink)."""
    return squash(value).replace("＠", "@")


def quoted_texts(md: str) -> list[str]:
    """The text of each blockquote, as a reader sees it (escapes resolved)."""
    quotes, depth, current = [], 0, []
    for token in MarkdownIt().parse(md):
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0:
                quotes.append(squash(" ".join(current)))
                current = []
        elif depth and token.type == "inline":
            current += [c.content if c.type in ("text", "code_inline") else " " for c in token.children or []]
    return quotes


def assert_inert(md: str) -> None:
    tokens = flat(MarkdownIt().parse(md))
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "image", "code_block", "fence"}, kinds
    for token in tokens:
        if token.type == "link_open":
            assert str(token.attrGet("href")).startswith("https://"), token.attrGet("href")


def post_texts(store: SessionStore) -> list[str]:
    texts = []
    for q in store.state.questions.values():
        texts.append(q.text)
        answer = store.state.answers.get(q.id)
        if answer:
            texts += [answer.text, *(answer.parts if len(answer.parts) > 1 else ())]
    return texts


@pytest.mark.parametrize("lang", ["en", "it"])
def test_demo_recap_quotes_every_post(demo: SessionStore, lang: str) -> None:
    md = render(demo.state, "md", lang=lang)
    assert_inert(md)
    quotes = quoted_texts(md)
    for post in post_texts(demo):
        assert squash(post) in quotes
    assert md.startswith("# \\#twittertime con l'AD\n")
    assert "[mastodon 1/2](https://social.example/@ceo/100)" in md
    assert "bluesky" not in md  # a failed part is not published


def test_demo_only_answered_leaves_the_rest_out(demo: SessionStore) -> None:
    md = render(demo.state, "md", only="answered")
    quotes = quoted_texts(md)
    for q in demo.state.questions.values():
        assert (squash(q.text) in quotes) == (q.id in demo.state.answers)


def test_hostile_session_stays_text(evil: SessionStore) -> None:
    md = render(evil.state, "md")
    assert_inert(md)
    quotes = quoted_texts(md)
    for post in post_texts(evil):
        assert squash(post) in quotes
    rendered = MarkdownIt().render(md)
    for markup in ("<script", "<img", "<iframe", "<!--", '<a href="javascript'):
        assert markup not in rendered


def test_hostile_names_and_title_are_escaped(evil: SessionStore) -> None:
    md = render(evil.state, "md")
    inline_text = " ".join(t.content for t in flat(MarkdownIt().parse(md)) if t.type == "text")
    for name in HOSTILE_NAMES:
        assert name in inline_text
    assert "<script>alert('title')</script> =1+1" in inline_text


def test_unsafe_links_are_dropped(evil: SessionStore) -> None:
    md = render(evil.state, "md")
    links = {t.attrGet("href") for t in flat(MarkdownIt().parse(md)) if t.type == "link_open"}
    # Odd questions link to javascript:, every posted part has a bad URL: only the even ones stay.
    assert links == {f"https://social.example/h{n}?a=1&b=(2)" for n in range(2, len(HOSTILE_TEXTS) + 1, 2)}


def test_multiline_text_keeps_every_line_quoted() -> None:
    block = quote("first\n\n  - second\nthird")
    assert block == "> first\n>\n> \\- second\\\n> third"


def test_control_characters_never_reach_the_output() -> None:
    assert text("a\x1b[0;pwned\x07b\u202ec\x9b") == "a\\[0;pwnedbc"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_is_one_blockquote_of_itself(value: str) -> None:
    md = quote(value)
    assert_inert(md)
    expected = as_read(printable(value))
    quotes = quoted_texts(md)
    if expected:
        assert [as_read(q) for q in quotes] == [expected]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_one_line_field_is_plain_text(value: str) -> None:
    md = "# " + text(value)
    assert_inert(md)
    tokens = flat(MarkdownIt().parse(md))
    assert [t.type for t in tokens if t.type.endswith(("_open", "_close"))] == ["heading_open", "heading_close"]
    assert as_read(" ".join(t.content for t in tokens if t.type == "text")) == as_read(printable(value))


AUTOLINKED = [
    "www.evil.example/phish", "WWW.Evil.Example", "https://evil.example/x", "http://evil.example",
    "bob@evil.example", "mail me: bob.smith+qt@mail.evil.com", "@user@mastodon.social",
    "evil.com/login", "mailto:bob@evil.com", "xmpp:bob@evil.com", "ftp://evil.com", "//evil.com/x",
]


def test_nothing_a_poster_wrote_becomes_a_link_in_github_flavoured_markdown() -> None:
    gfm = MarkdownIt("gfm-like", {"linkify": True})
    for value in AUTOLINKED:
        for md in (quote(f"see {value} now"), "# " + text(value)):
            tokens = flat(gfm.parse(md))
            assert not [t for t in tokens if t.type == "link_open"], (value, md)
            shown = " ".join(t.content for t in tokens if t.type == "text")
            assert value in as_read(shown)
    cmarkgfm = pytest.importorskip("cmarkgfm")  # GitHub's own renderer, where installed
    for value in AUTOLINKED:
        assert "<a " not in cmarkgfm.github_flavored_markdown_to_html(quote(f"see {value} now")), value
