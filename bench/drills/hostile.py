"""Hostile corpus drill: every post in tests/hostile/posts.jsonl is ingested, shown, drafted against and exported.

- ingested by a real `qtime ingest --once` (no crash; bad lines skipped);
- stored without escapes (ESC, C0/C1 controls, bidi, zero-width but ZWJ, lone surrogates),
  hidden tag text (tag characters outside emoji flags) or blank Hangul fillers;
- shown: each question selected in the app, headless, and every rendered
  segment checked for escapes; posts holding markup must show it literally
  (`[@click` on screen), which also proves it was not interpreted;
- drafted against: `count`, `compose` and `split_thread` on every profile
  with the post as the answer and its author as the mention;
- exported in every format, each checked for escapes and for injections
  (HTML tags or `javascript:` links from posts, spreadsheet formulas, raw HTML in Markdown).
"""
from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from bench.drills.common import ROOT, Row, qtime, row
from store.session_store import SessionStore

CORPUS = ROOT / "tests" / "hostile" / "posts.jsonl"
# What must never reach a terminal or an export: ESC and other C0 controls
# (tab, newline, CR allowed), DEL and C1, bidi controls, zero-width
# characters except ZWJ, BOM, lone surrogates.
ESCAPES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]")
FORMULA = tuple("=+-@\t\r") + ("＝", "＋", "－", "＠")
# Tag characters outside an emoji tag sequence (hidden text), and what
# terminals draw wider than it is measured (blank fillers, lone modifiers).
_TAG_SEQUENCE = re.compile("\U0001F3F4[\U000E0030-\U000E0039\U000E0061-\U000E007A]+\U000E007F")
_HIDDEN_OR_MISMEASURED = re.compile("[\U000E0000-\U000E007F\u115f\u1160\u3164\uffa0]")


def hidden(text: str) -> bool:
    """Hidden tag text or a mismeasured filler in `text` (flag tag sequences are fine)."""
    return bool(_HIDDEN_OR_MISMEASURED.search(_TAG_SEQUENCE.sub("", text)))
DANGEROUS_TAGS = frozenset({"script", "iframe", "img", "object", "embed", "form", "input", "textarea", "base", "meta", "link"})


class InjectionFinder(HTMLParser):
    """Counts tags and attributes a post could only have put there by escaping the export."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and not value.strip().lower().startswith(("https:", "http:", "#", "mailto:")):
                self.found.append(f"{tag} {name}={value[:40]}")


def html_injections(markup: str) -> list[str]:
    finder = InjectionFinder()
    finder.feed(markup)
    finder.close()
    return finder.found


def check_ingest(store: Path) -> tuple[int, list[str]]:
    process = qtime("ingest", "--store", str(store), "--source", f"file:{CORPUS}", "--once",
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=120)
    crashes = [f"ingest exit {process.returncode}: {err[-500:]}"] if process.returncode or "Traceback" in err else []
    return len(SessionStore.open(store).state.questions), crashes


def check_stored(store: Path) -> int:
    state = SessionStore.open(store).state
    return sum(1 for q in state.questions.values() for text in (q.text, q.author, q.author_name, q.url)
               if ESCAPES.search(text) or hidden(text))


def check_drafts(store: Path) -> tuple[list[str], int]:
    """Crashes, and splits refused with the documented ValueError."""
    from store.text import compose, count, profile_for, split_thread

    crashes = []
    refused = 0
    for question in SessionStore.open(store).state.questions.values():
        for name in ("x", "classic", "mastodon", "bluesky", "custom"):
            profile = profile_for(name, limit=200 if name == "custom" else None)
            try:
                count(question.text, profile)
                compose(question.text, profile, mention=question.author, hashtag="ama")
            except Exception as error:
                crashes.append(f"{name} on {question.id}: {type(error).__name__}: {error}")
            try:
                split_thread(question.text[:3000], profile, mention=question.author, hashtag="ama")
            except ValueError:
                refused += 1  # documented: no room beside a huge mention; the app's Composer shows why
            except Exception as error:
                crashes.append(f"{name} on {question.id}: {type(error).__name__}: {error}")
    return crashes, refused


def check_exports(store: Path) -> tuple[int, int, list[str]]:
    """(escapes found, injections found, crashes) over every export format."""
    from store.export import FORMATS, render

    state = SessionStore.open(store).state
    escapes = injections = 0
    crashes = []
    for fmt in FORMATS:
        try:
            text = render(state, fmt)
        except Exception as error:
            crashes.append(f"export {fmt}: {type(error).__name__}: {error}")
            continue
        escapes += len(ESCAPES.findall(text))
        text.encode("utf-8")  # lone surrogates would raise here
        if fmt == "html":
            injections += len(html_injections(text.split("<body", 1)[-1]))  # the head is the export's own
        elif fmt == "md":  # as a Markdown renderer that allows raw HTML would show it
            from markdown_it import MarkdownIt

            injections += len(html_injections(MarkdownIt("commonmark").render(text)))
        elif fmt == "csv":
            injections += sum(1 for cells in csv.reader(io.StringIO(text)) for cell in cells if cell.startswith(FORMULA))
        elif fmt == "json":
            json.loads(text)
    return escapes, injections, crashes


async def check_screen(store: Path) -> tuple[int, int, int, list[str]]:
    """(questions shown, rendered escapes, markup interpreted, crashes) with the app headless."""
    from bench.app_bench import painted
    from tui.app import QuestionTimeApp

    escapes = interpreted = shown = 0
    crashes: list[str] = []
    app = QuestionTimeApp(store, live=False)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await painted(pilot)
            app.main.action_view("all")
            await painted(pilot)
            queue = app.main.queue
            for qid in queue.ids:
                queue.select(qid)
                await painted(pilot)
                strips = app.screen._compositor.render_update(full=True).strips
                screen = "\n".join("".join(segment.text for segment in strip) for strip in strips)
                shown += 1
                escapes += len(ESCAPES.findall(screen))
                question = app.store.state.questions[qid]
                if "[@click" in question.text[:200] and "[@click" not in screen:
                    interpreted += 1
    except Exception as error:
        crashes.append(f"app: {type(error).__name__}: {error}")
    return shown, escapes, interpreted, crashes


def run(quick: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="qtime-hostile-") as folder:
        store = Path(folder) / "hostile.json"
        stored, crashes = check_ingest(store)
        stored_escapes = check_stored(store)
        draft_crashes, refused = check_drafts(store)
        crashes += draft_crashes
        export_escapes, injections, export_crashes = check_exports(store)
        crashes += export_crashes
        shown, screen_escapes, interpreted, app_crashes = asyncio.run(check_screen(store))
        crashes += app_crashes
    lines = sum(1 for _ in CORPUS.open(encoding="utf-8"))
    drill = f"hostile corpus ({lines} lines, {stored} stored, {shown} shown in the app)"
    for crash in crashes:
        print(f"  crash: {crash}")
    return [
        row(drill, f"crashes (ingest, app, count/compose/split, export; {refused} splits refused with the documented ValueError)", len(crashes), "0", not crashes),
        row(drill, "escape/control/bidi/hidden characters stored", stored_escapes, "0", stored_escapes == 0),
        row(drill, "escape/control/bidi characters in rendered segments", screen_escapes, "0", screen_escapes == 0),
        row(drill, "markup interpreted ([@click not shown literally)", interpreted, "0", interpreted == 0),
        row(drill, "escapes in exports (md, html, csv, json)", export_escapes, "0", export_escapes == 0),
        row(drill, "injections in exports (HTML tags/js links, CSV formulas, raw HTML in md)", injections, "0", injections == 0),
    ]
