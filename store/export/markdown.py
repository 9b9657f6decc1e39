"""The Markdown recap, modelled on the published recap of a #twittertime.

Post text is data: HTML-significant characters become entities and Markdown
punctuation is backslash-escaped, so nothing a poster writes becomes a link,
an image, raw HTML, a heading or code; each post is quoted in a `> ` block,
every line of it, with hard line breaks so it reads as written.

GitHub-flavoured Markdown (and markdown-it's linkify) also turns bare text
into links: `www.` hosts, URLs, e-mail addresses (so the `user@instance` of
a fediverse handle) and bare domains. A backslash before the `.` of `www.`,
the `:` and slashes of a scheme, and the dots of a domain stops them; an
e-mail address needs more (cmark-gfm finds them in the text after escapes
are resolved), so the `@` inside a word becomes a full-width `＠`.
"""
from __future__ import annotations

import re

from store.export import i18n
from store.export.recap import (
    Change,
    Entry,
    Recap,
    change_line,
    dismissal_line,
    figure_rows,
    group_line,
    header_line,
    times_line,
    topic_rows,
    when_text,
)
from store.export.safe import one_line, printable, safe_url

# Characters with inline meaning anywhere in a line. `&<>` become entities
# (escaping HTML first: ARCHITECTURE.md, "An export is inert"), the rest get a backslash. An
# underscore between letters or digits (`snake_case`) never starts emphasis,
# so it is left alone for readability.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPECIAL = re.compile(r"[&<>\\`*\[\]#~|]|(?<![^\W_])_|_(?![^\W_])")
# What only means something at the start of a line: a list item, a setext
# underline, a thematic break, an ordered-list number.
_LINE_START = re.compile(r"^([-+=]|\d{1,9}[.)])")
_LINK_DESTINATION_ESCAPES = {"&": "&amp;", "(": "\\(", ")": "\\)"}
# Run on escaped text: www., scheme: and //, host.domain, then user@host.
_AUTOLINK_PUNCTUATION = re.compile(r"(?i)(?<=\bwww)\.|(?<=[a-z]):(?=\S)|/(?=/)|(?<=/)/|(?<=[^\W_])\.(?=[^\W\d_])")
_ADDRESS_AT = re.compile(r"(?<=[\w.+-])@(?=\w)")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ENTITIES.get(char) or "\\" + char


def break_autolinks(escaped: str) -> str:
    """Escaped text in which no GFM renderer finds a link (see the module's docstring)."""
    return _ADDRESS_AT.sub("＠", _AUTOLINK_PUNCTUATION.sub(lambda match: "\\" + match.group(), escaped))


def escape_inline(text: str) -> str:
    """Escape one line of untrusted text for Markdown (entities, then
    punctuation) so that nothing in it is markup or a link."""
    escaped = break_autolinks(_SPECIAL.sub(_escape_char, text))
    start = _LINE_START.match(escaped)
    if start:
        mark = start.group(1)
        escaped = mark[:-1] + "\\" + mark[-1] + escaped[len(mark):]
    return escaped


def text(value: object) -> str:
    """A one-line untrusted field (author, name, tag) escaped for Markdown."""
    return escape_inline(one_line(value))


def quote(value: object) -> str:
    """Untrusted multi-line text as a `> ` block; line breaks kept as hard breaks."""
    lines = [escape_inline(line.strip()) for line in printable(value).split("\n")]
    quoted = []
    for number, line in enumerate(lines):
        follows = number + 1 < len(lines) and lines[number + 1]
        quoted.append(f"> {line}\\" if line and follows else f"> {line}" if line else ">")
    return "\n".join(quoted)


def link(label: str, url: str) -> str:
    """`[label](url)` for a URL `safe_url` accepted; both escaped."""
    checked = safe_url(url)
    if checked is None:
        return text(label)
    destination = "".join(_LINK_DESTINATION_ESCAPES.get(ch, ch) for ch in checked)
    return f"[{text(label)}]({destination})"


def _asker(entry: Entry) -> str:
    question = entry.question
    name = one_line(question.author_name)
    return f"{text(question.author)} ({text(name)})" if name else text(question.author)


def _entry(entry: Entry, recap: Recap, words: dict[str, str], level: int) -> list[str]:
    star = " ★" if entry.question.starred else ""
    out = [f"{'#' * level} {_asker(entry)}{star}", ""]
    when = when_text(entry, recap, words, text, link)
    if when:
        out += [f"*{when}*", ""]
    if entry.kind == "dismissed":
        out += [text(dismissal_line(entry, words)), ""]
    out += [quote(entry.question.shown_text()), ""]
    answer = entry.answer
    if answer is not None:
        out += [f"**{words['answer']}:**", "", quote(answer.text), ""]
        if answer.overrode:
            out += [text(words["overrode"].format(what=answer.overrode)), ""]
        if len(answer.parts) > 1:
            out += [words["thread"].format(count=len(answer.parts)), ""]
            for part in answer.parts:
                out += [quote(part), ""]
    if entry.links:
        links = ", ".join(link(item.label, item.url) for item in entry.links)
        out += [f"{words['published']}: {links}", ""]
    for change in entry.changes:
        out += _change(change, recap, words)
    return out


def _change(change: Change, recap: Recap, words: dict[str, str]) -> list[str]:
    out = [f"*{text(change_line(change, recap, words))}*", ""]
    if change.revision["text"]:
        out += [quote(change.revision["text"]), ""]
    if change.links:
        out += [f"{words['published']}: " + ", ".join(link(item.label, item.url) for item in change.links), ""]
    return out


def _figures(recap: Recap, words: dict[str, str]) -> list[str]:
    return [f"- {text(label)}: {text(value)}" for label, value in figure_rows(recap, words)]


def _triage(recap: Recap, words: dict[str, str]) -> list[str]:
    """The most-asked groups (each its representative question, quoted) and the topic shares."""
    out: list[str] = []
    if recap.groups:
        out += [f"## {words['groups_heading']}", ""]
        for number, group in enumerate(recap.groups, 1):
            out += [f"{number}\\. *{text(group_line(group, words))}*", "", quote(group.representative.shown_text()), ""]
    if recap.topics:
        out += [f"## {words['topics_heading']}", ""]
        out += [f"- {text(name)}: {text(share)}" for name, share in topic_rows(recap, words)] + [""]
    return out


def render(recap: Recap, lang: str) -> str:
    words = i18n.words(lang)
    out = [f"# {text(recap.settings.title)}", ""]
    header = header_line(recap)
    if header:
        out += [escape_inline(header), ""]
    out += [f"## {words['figures']}", "", *_figures(recap, words), ""]
    out += _triage(recap, words)
    out += [f"## {words['answers']}", ""]
    tagged = any(group.tag is not None for group in recap.answered)
    if not recap.any_answered:
        out += [words["no_answers"], ""]
    for group in recap.answered:
        if tagged and group.entries:
            out += [f"### {text(group.tag) if group.tag is not None else words['untagged']}", ""]
        for item in group.entries:
            out += _entry(item, recap, words, 4 if tagged else 3)
    for heading, entries in (
        ("waiting_heading", recap.waiting),
        ("new_heading", recap.new),
        ("dismissed_heading", recap.dismissed),
    ):
        if entries:
            out += [f"## {words[heading]}", ""]
            for item in entries:
                out += _entry(item, recap, words, 3)
    out += [f"*{text(times_line(recap, words))}*", ""]
    return "\n".join(out)
