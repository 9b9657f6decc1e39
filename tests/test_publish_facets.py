"""Bluesky facets: UTF-8 byte offsets for mentions, links and tags."""
from __future__ import annotations

from tui.platforms.facets import detect, facets, handles

# Modelled on the Bluesky docs' example (a sparkle and a ZWJ emoji before the
# mention and the link, and a full stop after the link), with more multi-byte
# text in between: every offset below is counted in UTF-8 bytes by hand.
TEXT = "✨ ciao @alice.bsky.social, perché 👩‍👩‍👧 vedi https://example.com/a_(b)?q=1. #città"
# ✨ 0-2, space 3, "ciao " 4-8, mention 9-26 | ", perch" 27-33, é 34-35, space 36,
# 👩 ZWJ 👩 ZWJ 👧 (4+3+4+3+4) 37-54, " vedi " 55-60, link 61-89 | ". " 90-91, "#citt" 92-96, à 97-98


def sliced(text: str) -> list[tuple[str, str, str]]:
    data = text.encode()
    return [(s.kind, data[s.start:s.end].decode(), s.value) for s in detect(text)]


def test_offsets_are_utf8_bytes_not_code_points():
    spans = detect(TEXT)
    assert [(s.kind, s.start, s.end) for s in spans] == [
        ("mention", 9, 27),
        ("link", 61, 90),
        ("tag", 92, 99),
    ]
    assert sliced(TEXT) == [
        ("mention", "@alice.bsky.social", "alice.bsky.social"),
        ("link", "https://example.com/a_(b)?q=1", "https://example.com/a_(b)?q=1"),
        ("tag", "#città", "città"),
    ]


def test_facet_records_carry_the_did_uri_and_tag():
    assert facets(TEXT, {"alice.bsky.social": "did:plc:alice"}) == [
        {"index": {"byteStart": 9, "byteEnd": 27},
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:alice"}]},
        {"index": {"byteStart": 61, "byteEnd": 90},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a_(b)?q=1"}]},
        {"index": {"byteStart": 92, "byteEnd": 99},
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "città"}]},
    ]


def test_a_mention_without_a_did_is_left_out():
    assert [f["features"][0]["$type"] for f in facets(TEXT, {})] == [
        "app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"]


def test_what_is_not_a_facet():
    text = "mail me@example.com, @nodot, (#notatag) #123 x#y @bob.example.org. (https://ex.com/p)"
    assert sliced(text) == [
        ("mention", "@bob.example.org", "bob.example.org"),
        ("link", "https://ex.com/p", "https://ex.com/p"),
    ]


def test_handles_are_listed_once_in_order_lowercased():
    assert handles("@B.example.com hi @a.example.com and @b.example.com") == ["b.example.com", "a.example.com"]
