"""Bluesky rich-text facets: mentions, links and hashtags, indexed in UTF-8 bytes.

A Bluesky post is plain text; what makes `@alice.bsky.social` a mention, a
URL a link and `#tag` a tag is a facet with `byteStart`/`byteEnd` counted in
the UTF-8 encoding of the text (not in code points, not in UTF-16 units):
one ✨ before a mention shifts it by three bytes, a ZWJ family emoji by
dozens. Detection here follows the rules the Bluesky app uses: a mention is
a handle (a domain name) after start-of-text or a non-word character; a link
is an explicit http(s) URL without trailing punctuation; a tag is `#` after
start-of-text or a space, not all digits, at most 64 characters.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import regex

_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
MENTION = regex.compile(rf"(?<![\w@.])@((?:{_LABEL}\.)+[a-zA-Z](?:[a-zA-Z0-9-]{{0,61}}[a-zA-Z0-9])?)(?![\w@-])")
LINK = regex.compile(r"(?<![\w/])https?://[^\s<>\"]+", regex.IGNORECASE)
TAG = regex.compile(r"(?:^|(?<=\s))[#＃]([^\s#＃]+)")
TRAILING = ".,;:!?'\"”’»…"
MAX_TAG = 64

FACET = "app.bsky.richtext.facet"


@dataclass(frozen=True, slots=True)
class Span:
    kind: str  # "mention" | "link" | "tag"
    start: int  # UTF-8 byte offsets into the text, end exclusive
    end: int
    value: str  # handle (no @), URI, or tag (no #)


def _trim_link(url: str) -> str:
    """Drop trailing punctuation, and a closing bracket that has no opening one."""
    while url:
        if url[-1] in TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url


def _trim_tag(tag: str) -> str:
    return regex.sub(r"\p{P}+$", "", tag)


class _Bytes:
    """Code-point offset -> UTF-8 byte offset, for one text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __call__(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8", "surrogatepass"))


def detect(text: str) -> list[Span]:
    """Every mention, link and tag in `text`, in order, with UTF-8 byte offsets."""
    at = _Bytes(text)
    spans: list[tuple[int, int, str, str]] = []  # code-point start, end, kind, value
    for match in LINK.finditer(text):
        url = _trim_link(match.group())
        if "." in url.split("://", 1)[1].split("/", 1)[0]:
            spans.append((match.start(), match.start() + len(url), "link", url))
    taken = [(s, e) for s, e, _, _ in spans]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in MENTION.finditer(text):
        if free(match.start(), match.end()):
            spans.append((match.start(), match.end(), "mention", match.group(1).lower()))
    for match in TAG.finditer(text):
        tag = _trim_tag(match.group(1))
        end = match.start(1) + len(tag)
        if tag and not tag.isdigit() and len(tag) <= MAX_TAG and free(match.start(), end):
            spans.append((match.start(), end, "tag", tag))
    spans.sort()
    return [Span(kind, at(start), at(end), value) for start, end, kind, value in spans]


def handles(text: str) -> list[str]:
    """The handles mentioned in `text`, without @, in order, once each."""
    found: list[str] = []
    for span in detect(text):
        if span.kind == "mention" and span.value not in found:
            found.append(span.value)
    return found


def facets(text: str, dids: Mapping[str, str]) -> list[dict[str, Any]]:
    """The `facets` of a post record; a mention whose handle has no DID in `dids` stays plain text."""
    result: list[dict[str, Any]] = []
    for span in detect(text):
        if span.kind == "mention":
            did = dids.get(span.value)
            if not did:
                continue
            feature: dict[str, Any] = {"$type": f"{FACET}#mention", "did": did}
        elif span.kind == "link":
            feature = {"$type": f"{FACET}#link", "uri": span.value}
        else:
            feature = {"$type": f"{FACET}#tag", "tag": span.value}
        result.append({"index": {"byteStart": span.start, "byteEnd": span.end}, "features": [feature]})
    return result
