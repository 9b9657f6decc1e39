"""The hostile corpus (tests/hostile/posts.jsonl) goes through ingest, drafting and every export safely.

`python -m bench.drills --only hostile` does the same and also renders every
post in the app.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bench.drills.hostile import hidden, html_injections
from store.export import FORMATS, render
from store.session_store import SessionStore
from store.text import compose, count, profile_for, split_thread

CORPUS = Path(__file__).parent / "hostile" / "posts.jsonl"
ESCAPES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]")
FORMULA = tuple("=+-@\t\r") + ("＝", "＋", "－", "＠")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("hostile") / "session.json"
    result = subprocess.run(
        [sys.executable, "-m", "tui", "ingest", "--store", str(store), "--source", f"file:{CORPUS}", "--once"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not ESCAPES.search(result.stderr), "an escape from a post reached the terminal"
    return store


def test_corpus_is_big_enough() -> None:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 200
    assert any("\\ud800" in line for line in lines) and any("[@click" in line for line in lines)


def test_ingest_stores_only_safe_text(hostile_store: Path) -> None:
    questions = SessionStore.open(hostile_store).state.questions
    assert len(questions) >= 200
    for question in questions.values():
        for text in (question.text, question.author, question.author_name, question.url):
            assert not ESCAPES.search(text), (question.id, text[:80])
            assert not hidden(text), (question.id, text[:80])
        assert len(question.text) <= 10_000
    texts = [q.text for q in questions.values()]
    assert any("[@click=app.quit]" in t for t in texts)  # markup kept as literal text
    assert any("\U000E007F" in t for t in texts)  # a flag's tag sequence kept
    long_ids = [q for q in questions.values() if q.author in ("@long1", "@long2")]
    assert len({q.id for q in long_ids}) == 2  # ids alike for 210 characters stay two questions
    assert any("\u200d" in t for t in texts)  # ZWJ of emoji sequences kept


def test_every_post_can_be_drafted_against(hostile_store: Path) -> None:
    for question in SessionStore.open(hostile_store).state.questions.values():
        for name in ("x", "classic", "mastodon", "bluesky"):
            profile = profile_for(name)
            count(question.text, profile)
            post = compose(question.text, profile, mention=question.author, hashtag="ama")
            assert post.result.length > 0
            try:
                parts = split_thread(question.text[:2000], profile, mention=question.author, hashtag="ama")
            except ValueError as error:  # a mention so long nothing fits: refused, with a reason
                assert "no room" in str(error)
                continue
            assert all(part.result.valid for part in parts)


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_hold_no_escape_and_no_injection(hostile_store: Path, fmt: str) -> None:
    text = render(SessionStore.open(hostile_store).state, fmt)
    text.encode("utf-8")
    assert not ESCAPES.search(text)
    if fmt == "html":
        assert html_injections(text.split("<body", 1)[-1]) == []
    elif fmt == "md":
        assert html_injections(MarkdownIt("commonmark").render(text)) == []
        links = MarkdownIt("gfm-like", {"linkify": True}).render(text).count("<a ")
        assert links == text.count("](https://")  # only the recap's own links; nothing a poster wrote
    elif fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert [c for c in cells if c.startswith(FORMULA)] == []
    else:
        assert len(json.loads(text)["questions"]) >= 200
