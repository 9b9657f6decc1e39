"""The recap as one self-contained HTML page: no script, no external asset.

A `default-src 'none'` Content-Security-Policy (inline styles and data:
images only) backs up the escaping: every text and attribute value goes
through `html.escape(quote=True)`, and only `http:`/`https:` links are made,
with `rel="noopener noreferrer"`.
"""
from __future__ import annotations

from html import escape

from store.export import i18n, svg
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

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fdfdfb; --muted: #5c5f66; --rule: #dcdde1;
  --accent: #2357b0; --quote: #f2f3f5; --answer: #2d7a3a; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e8; --bg: #17181b; --muted: #a3a7ae; --rule: #35373d;
    --accent: #8cb4f6; --quote: #212328; --answer: #84c98f; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 42rem; padding: 2rem 1.25rem 4rem; color: var(--fg); background: var(--bg);
  font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  overflow-wrap: anywhere; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 1rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; }
h3 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1.75rem 0 .25rem; }
.meta, .when, footer { color: var(--muted); font-size: .9rem; }
.name { font-weight: normal; color: var(--muted); }
blockquote { margin: .5rem 0 1rem; padding: .6rem 1rem; background: var(--quote); border-left: 4px solid var(--rule);
  border-radius: 0 .4rem .4rem 0; }
blockquote p { margin: 0; }
blockquote.answer { border-left-color: var(--answer); }
.caption.retract { color: var(--muted); }
.caption { font-weight: 600; margin: .75rem 0 .25rem; }
ol.thread { padding-left: 1.5rem; }
a { color: var(--accent); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; }
figure { margin: 1.5rem 0; }
figcaption { color: var(--muted); font-size: .9rem; }
svg.chart { width: 100%; height: auto; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .label { fill: var(--muted); font-size: 12px; font-family: inherit; }
svg .received { fill: var(--accent); }
svg .answered { fill: var(--answer); }
""".strip()


def text(value: object) -> str:
    """A one-line untrusted field, escaped."""
    return escape(one_line(value), quote=True)


def paragraph(value: object) -> str:
    """Untrusted multi-line text, escaped, its line breaks as `<br>`."""
    lines = [escape(line, quote=True) for line in printable(value).split("\n")]
    return "<p>" + "<br>\n".join(lines) + "</p>"


def link(label: str, url: str) -> str:
    checked = safe_url(url)
    if checked is None:
        return text(label)
    return f'<a href="{escape(checked, quote=True)}" rel="noopener noreferrer">{text(label)}</a>'


def _entry(entry: Entry, recap: Recap, words: dict[str, str], level: int) -> list[str]:
    question = entry.question
    name = f' <span class="name">{text(question.author_name)}</span>' if one_line(question.author_name) else ""
    star = " ★" if question.starred else ""
    out = ["<article>", f"<h{level}>{text(question.author)}{name}{star}</h{level}>"]
    when = when_text(entry, recap, words, text, link)
    if when:
        out.append(f'<p class="when">{when}</p>')
    if entry.kind == "dismissed":
        out.append(f'<p class="when">{text(dismissal_line(entry, words))}</p>')
    out.append(f"<blockquote>{paragraph(question.shown_text())}</blockquote>")
    answer = entry.answer
    if answer is not None:
        out.append(f'<p class="caption">{text(words["answer"])}</p>')
        out.append(f'<blockquote class="answer">{paragraph(answer.text)}</blockquote>')
        if answer.overrode:
            out.append(f'<p class="when">{text(words["overrode"].format(what=answer.overrode))}</p>')
        if len(answer.parts) > 1:
            out.append(f'<p class="caption">{text(words["thread"].format(count=len(answer.parts)))}</p>')
            out.append('<ol class="thread">')
            out += [f"<li><blockquote>{paragraph(part)}</blockquote></li>" for part in answer.parts]
            out.append("</ol>")
    if entry.links:
        links = ", ".join(link(item.label, item.url) for item in entry.links)
        out.append(f'<p class="links">{text(words["published"])}: {links}</p>')
    for change in entry.changes:
        out += _change(change, recap, words)
    out.append("</article>")
    return out


def _change(change: Change, recap: Recap, words: dict[str, str]) -> list[str]:
    kind = escape(change.revision["kind"].replace("_", "-"), quote=True)
    out = [f'<p class="caption {kind}">{text(change_line(change, recap, words))}</p>']
    if change.revision["text"]:
        out.append(f'<blockquote class="answer {kind}">{paragraph(change.revision["text"])}</blockquote>')
    if change.links:
        links = ", ".join(link(item.label, item.url) for item in change.links)
        out.append(f'<p class="links">{text(words["published"])}: {links}</p>')
    return out


def _figures(recap: Recap, words: dict[str, str]) -> list[str]:
    rows = figure_rows(recap, words)
    return ["<dl>", *(f"<dt>{text(label)}</dt><dd>{text(value)}</dd>" for label, value in rows), "</dl>"]


def _triage(recap: Recap, words: dict[str, str]) -> list[str]:
    """The most-asked groups (each its representative question) and the topic shares."""
    out: list[str] = []
    if recap.groups:
        out += ["<section>", f"<h2>{text(words['groups_heading'])}</h2>", '<ol class="groups">']
        for group in recap.groups:
            out.append(f'<li><p class="when">{text(group_line(group, words))}</p>'
                       f"<blockquote>{paragraph(group.representative.shown_text())}</blockquote></li>")
        out += ["</ol>", "</section>"]
    if recap.topics:
        rows = topic_rows(recap, words)
        out += ["<section>", f"<h2>{text(words['topics_heading'])}</h2>", "<dl>",
                *(f"<dt>{text(name)}</dt><dd>{text(share)}</dd>" for name, share in rows), "</dl>", "</section>"]
    return out


def render(recap: Recap, lang: str) -> str:
    words = i18n.words(lang)
    title = text(recap.settings.title)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang, quote=True)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP, quote=True)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
    ]
    header = header_line(recap)
    if header:
        out.append(f'<p class="meta">{text(header)}</p>')
    out += ["</header>", "<main>", "<section>", f"<h2>{text(words['figures'])}</h2>", *_figures(recap, words)]
    if recap.timeline is not None:
        out += ["<figure>", svg.chart(recap.timeline, words, recap.zone), "</figure>"]
    out += ["</section>", *_triage(recap, words), "<section>", f"<h2>{text(words['answers'])}</h2>"]
    tagged = any(group.tag is not None for group in recap.answered)
    if not recap.any_answered:
        out.append(f"<p>{text(words['no_answers'])}</p>")
    for group in recap.answered:
        if tagged and group.entries:
            heading = text(group.tag) if group.tag is not None else text(words["untagged"])
            out.append(f"<h3>{heading}</h3>")
        for item in group.entries:
            out += _entry(item, recap, words, 4 if tagged else 3)
    out.append("</section>")
    for heading, entries in (
        ("waiting_heading", recap.waiting),
        ("new_heading", recap.new),
        ("dismissed_heading", recap.dismissed),
    ):
        if entries:
            out += ["<section>", f"<h2>{text(words[heading])}</h2>"]
            for item in entries:
                out += _entry(item, recap, words, 3)
            out.append("</section>")
    out += ["</main>", f"<footer><p>{text(times_line(recap, words))}</p></footer>", "</body>", "</html>", ""]
    return "\n".join(out)
