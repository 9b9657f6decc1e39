"""Post HTML to plain text: text and line breaks kept, nothing executable, entities decoded once."""
from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.platforms.html_text import html_to_text


def test_paragraphs_and_line_breaks() -> None:
    assert html_to_text("<p>one<br>two<br/>three</p><p>four</p>") == "one\ntwo\nthree\n\nfour"


def test_mastodon_mention_hashtag_and_shortened_link_read_in_full() -> None:
    html = ('<p><span class="h-card"><a href="https://m.example/@ceo" class="u-url mention">@<span>ceo</span></a>'
            '</span> see <a href="https://example.org/roadmap/2026" rel="nofollow noopener" target="_blank">'
            '<span class="invisible">https://</span><span class="ellipsis">example.org/road</span>'
            '<span class="invisible">map/2026</span></a> <a href="https://m.example/tags/qtime" '
            'class="mention hashtag" rel="tag">#<span>qtime</span></a></p>')
    assert html_to_text(html) == "@ceo see https://example.org/roadmap/2026 #qtime"


def test_script_style_svg_iframe_contents_are_dropped() -> None:
    html = ("<p>before<script>alert('x')</script><style>p{}</style>"
            "<svg><script>evil()</script><text>drawn</text></svg><iframe src=x>framed</iframe>after</p>")
    assert html_to_text(html) == "beforeafter"


def test_unclosed_script_drops_the_rest() -> None:
    assert html_to_text("<p>ok</p><script>document.write('<p>hi</p>')") == "ok"


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                                  "&#106;avascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox"])
def test_links_to_other_schemes_lose_their_text(href: str) -> None:
    text = html_to_text(f'<p>hello <a href="{href}">click <b>me</b></a> bye</p>')
    assert text == "hello bye"


def test_encoded_entities_stay_text() -> None:
    text = html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt; caf&eacute; &#x1F600;</p>")
    assert text == "<script>alert(1)</script> &lt;b&gt; café 😀"


def test_nested_and_unknown_tags_keep_their_text() -> None:
    html = "<div><p>a <b>bold <i>and <u>nested</u></i></b> word</p><blink>old</blink><ul><li>x</li><li>y</li></ul></div>"
    assert html_to_text(html) == "a bold and nested word\n\nold\n\nx\ny"


def test_whitespace_collapses_like_a_browser() -> None:
    assert html_to_text("<p>  spaced \n\n  out\t text  </p>\n\n<p>\n</p><p>next</p>") == "spaced out text\n\nnext"


def test_attributes_and_comments_never_reach_the_text() -> None:
    html = '<p title="[@click=app.quit]">x<!-- hidden --><img src=x onerror="alert(1)" alt="pic"></p>'
    assert html_to_text(html) == "x"


def test_plain_text_and_empty_input() -> None:
    assert html_to_text("") == ""
    assert html_to_text("no markup at all") == "no markup at all"


def test_broken_markup_does_not_raise() -> None:
    for markup in ("<p", "<a href='", "</p></p></div>", "<<<>>>", "<p>x</b></i>y", "&", "&#xZZ;", "<!--"):
        assert isinstance(html_to_text(markup), str)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from(" \n\t<>&;#'\"")))
def test_escaped_text_comes_back_as_itself(text: str) -> None:
    """Entities are decoded exactly once: escaping any text and converting it gives the text back."""
    assert html_to_text(f"<p>{html.escape(text)}</p>") == re.sub(r"[ \t\n]+", " ", text).strip(" ")
