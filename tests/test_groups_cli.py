"""`qtime groups`, `qtime session`'s triage flags and the exports, on a JSON Lines file a user wrote.

Ingest runs as a real subprocess, so the groups it stores are read back by
other processes (this one, `qtime groups`, `qtime export`) from the store alone.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from store.arrivals import Arrivals
from store.export import render
from store.model import Settings
from store.session_store import SessionStore
from tests.sessions import HOSTILE_TEXTS
from tests.test_export_html import assert_only_template_markup, parse
from tests.test_export_markdown import assert_inert
from tui.cli import main

pytestmark = pytest.mark.timeout(120)

POSTS = [
    ("anna", "Quando arriverà la fibra ottica a Bari? #AskObama", 5),
    ("bruno", "Come individuate i giovani talenti per il lavoro in azienda?", 2),
    ("carla", "RT @anna: Quando arriverà la fibra ottica a Bari? #AskObama", 1),
    ("dario", "Quando arriverà la fibra ottica a Bergamo? #AskObama", 0),
    ("elena", "quando arrivera la FIBRA ottica a bari??", 1),
    ("franco", "RT @bruno: Come individuate i giovani talenti per il lavoro in azienda?", 0),
    ("gina", "Quando arriverà la fibra ottica a B…", 0),
    ("ugo", "Free followers here!!! https://spam.example", 0),
]


def write_jsonl(path: Path, posts: list[tuple[str, str, int]], start: int = 0) -> Path:
    lines = [json.dumps({"id": f"p{n}", "author": author, "text": text, "votes": votes,
                         "at": f"2012-03-06T19:{n % 60:02d}:00Z"}, ensure_ascii=False)
             for n, (author, text, votes) in enumerate(posts, start)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest(store: Path, feed: Path) -> None:
    """`qtime ingest` into `store`, a session that groups copies as they arrive (made so if new)."""
    if not store.exists():
        SessionStore.open(store, settings=Settings(group_copies=True)).close()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QTIME_")}
    result = subprocess.run([sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store),
                             "--source", f"file:{feed}"], env=clean, capture_output=True, text=True, timeout=100)
    assert result.returncode == 0, result.stderr


def groups_of(store: Path) -> dict[str, str]:
    session = SessionStore.open(store, create=False, recover=False)
    return {q.remote_id: session.state.group_of(q.id) for q in session.state.questions.values()}


def qtime(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_the_same_file_gives_the_same_groups_in_every_process(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "posts.jsonl", POSTS)
    ingest(tmp_path / "one.json", feed)
    ingest(tmp_path / "two.json", feed)
    one = groups_of(tmp_path / "one.json")
    assert one == groups_of(tmp_path / "two.json")
    assert one["p0"] == one["p2"] == one["p4"] != one["p3"]
    assert one["p1"] == one["p5"] and len({one["p6"], one["p0"], one["p3"]}) == 3  # a cut that fits two stays alone
    # two processes feeding one store in turns (a subprocess, then this one, then a subprocess) agree with one
    shared = tmp_path / "shared.json"
    ingest(shared, write_jsonl(tmp_path / "a.jsonl", POSTS[:3]))
    here = SessionStore.open(shared, actor="here", create=False)
    here.add_questions([{"source": "file", "remote_id": f"p{n}", "author": a, "text": t, "votes": v,
                         "posted_at": f"2012-03-06T19:{n:02d}:00Z"} for n, (a, t, v) in enumerate(POSTS[3:6], 3)],
                       arrivals=Arrivals())
    ingest(shared, write_jsonl(tmp_path / "b.jsonl", POSTS[6:], start=6))
    here.refresh()
    assert {q.remote_id: here.state.group_of(q.id) for q in here.state.questions.values()} == one
    here.close()
    assert groups_of(shared) == one


def test_qtime_groups_and_the_json_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.json"
    ingest(store, write_jsonl(tmp_path / "first.jsonl", POSTS[:1]))
    qtime(capsys, "session", "--store", str(store), "--topics", "rete: fibra, adsl; lavoro: giovani, talenti",
          "--blocked-words", "free followers", "--flood-authors", "20", "--flood-minutes", "5")
    shown = json.loads(qtime(capsys, "session", "--store", str(store), "--show"))
    assert shown["topics"] == ["rete: fibra, adsl", "lavoro: giovani, talenti"]
    assert (shown["blocked_words"], shown["flood_authors"], shown["flood_minutes"]) == (["free followers"], 20, 5)
    ingest(store, write_jsonl(tmp_path / "rest.jsonl", POSTS[1:], start=1))
    ranked = json.loads(qtime(capsys, "groups", "--store", str(store), "--json", "--top", "2"))
    # p0 arrived before the topics were set (untagged); its copies carry the group's topic
    assert [(g["asked"], g["votes"], g["topics"], g["representative"]["author"]) for g in ranked] == [
        (3, 7, ["rete"], "@anna"), (2, 2, ["lavoro"], "@bruno")]
    table = qtime(capsys, "groups", "--store", str(store))
    # the held post is left out: Bari, giovani, Bergamo and the cut that fits both
    assert "Come individuate i giovani talenti" in table and "4 of 4 groups (8 questions)" in table
    data = orjson.loads(render(SessionStore.open(store, create=False, recover=False).state, "json"))
    by_id = {q["remote_id"]: q for q in data["questions"]}
    assert by_id["p1"]["group"] == by_id["p5"]["group"] != by_id["p3"]["group"] == f"g-{by_id['p3']['id']}"
    assert by_id["p1"]["topics"] == ["lavoro"] and by_id["p0"]["topics"] == []
    assert by_id["p7"]["status"] == "dismissed" and by_id["p7"]["held_by"] == "blocked word"
    assert data["holds"] == {"blocked word": 1}


def test_bad_triage_settings_are_refused_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.json"
    ingest(store, write_jsonl(tmp_path / "first.jsonl", POSTS[:1]))
    assert main(["session", "--store", str(store), "--topics", "rete fibra"]) == 2
    assert "a topic is 'name: keyword" in capsys.readouterr().err
    assert main(["session", "--store", str(store), "--flood-minutes", "0"]) == 2
    assert main(["groups", "--store", str(tmp_path / "missing.json")]) == 2


def test_hostile_text_in_groups_stays_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = [post for text in HOSTILE_TEXTS for post in (("mallory", text, 1), ("trudy", f"RT @mallory: {text}", 1))]
    hostile.append(("eve", "\x1b]52;c;ZXZpbA==\x07\x1b[2J<script>alert(1)</script> come va la fibra a Bari?", 3))
    hostile.append(("oscar", "RT @eve: \x1b]52;c;ZXZpbA==\x07\x1b[2J<script>alert(1)</script> come va la fibra a Bari?", 3))
    store = tmp_path / "s.json"
    ingest(store, write_jsonl(tmp_path / "evil.jsonl", hostile))
    table = qtime(capsys, "groups", "--store", str(store), "--top", "0")
    assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) < 0xA0 for ch in table)
    ranked = json.loads(qtime(capsys, "groups", "--store", str(store), "--json"))
    assert ranked[0]["asked"] == 2 and "<script>alert(1)</script>" in ranked[0]["representative"]["text"]
    state = SessionStore.open(store, create=False, recover=False).state
    assert sum(1 for _ in state.groups) >= len(HOSTILE_TEXTS) - 2  # most copies joined their original
    md = render(state, "md")
    assert "Most asked" in md
    assert_inert(md)
    page = render(state, "html")
    assert "Most asked" in page
    assert_only_template_markup(parse(page))
