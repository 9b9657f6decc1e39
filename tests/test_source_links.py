"""Real links and no retweets: what X and Bluesky send, as the moderator and the exports see it.

The stored text keeps the platform's t.co link; `links` keeps where it goes,
and the queue row, the detail, the flags and every export show the real
destination. A native retweet is never a question: its original (from
`includes.tweets`) is stored once, with no vote added for the retweet.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from store.export import render
from store.session_store import SessionStore
from tests.conftest import screen_text, settle
from tests.fixtures_platforms import FakeX, Recorder, bluesky_post
from tests.httpserver import LocalServer, Response
from tui.app import QuestionTimeApp
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.polling import Pacing
from tui.widgets.queue_list import QueueList

pytestmark = pytest.mark.timeout(60)
TOKEN = "x-bearer-token-abc"
SHORT = "https://t.co/C73mC2F5nY"
REAL = "https://example.org/q3"


def ingest(store: Path, url: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QTIME_") and "proxy" not in k.lower()}
    return subprocess.run([sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store),
                           "--source", f"x:{url}#qtime"], env={**clean, "QTIME_X_BEARER_TOKEN": TOKEN, "QTIME_X_URL": url},
                          capture_output=True, text=True, timeout=50)


@pytest.fixture
def x_store(tmp_path: Path) -> Path:
    """A store fed by `qtime ingest` from one X page holding a link, retweets and their originals."""
    store = tmp_path / "s.json"
    with LocalServer() as server:
        fake = FakeX(server, token=TOKEN)
        linked = fake.post(f"When does the roadmap ship? {SHORT}", username="ada", likes=4, links={SHORT: REAL})
        old = fake.post("Will the old plans stay?", username="bea", likes=7)
        fake.tweets.remove(old)
        fake.archived.append(old)  # out of search's reach: only a retweet brings it
        fake.retweet(linked, username="fan1")
        fake.retweet(old, username="fan2")
        fake.retweet(old, username="fan3")
        done = ingest(store, server.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 new, 0 already known, 0 rejected"
    return store


def test_retweets_are_dropped_and_an_original_only_they_bring_is_stored_once(x_store: Path) -> None:
    session = SessionStore.open(x_store, create=False)
    questions = {q.author: q for q in session.state.questions.values()}
    session.close()
    assert sorted(questions) == ["@ada", "@bea"]
    assert not [q for q in questions.values() if q.text.startswith("RT @")]
    assert questions["@bea"].votes == 7 and questions["@ada"].votes == 4  # no vote for a retweet


def test_the_stored_text_keeps_t_co_and_the_links_keep_the_destination(x_store: Path) -> None:
    session = SessionStore.open(x_store, create=False)
    ada = next(q for q in session.state.questions.values() if q.author == "@ada")
    session.close()
    assert ada.text == f"When does the roadmap ship? {SHORT} #qtime"
    assert ada.links == [{"shown": SHORT, "url": REAL}]
    assert ada.shown_text() == f"When does the roadmap ship? {REAL} #qtime"


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_exports_show_the_real_link(x_store: Path, fmt: str) -> None:
    from store.export.markdown import escape_inline

    session = SessionStore.open(x_store, create=False)
    text = render(session.state, fmt)
    session.close()
    real = escape_inline(REAL) if fmt == "md" else REAL  # Markdown shows it, but never as a link (GFM autolinks broken)
    assert real in text and SHORT not in text and escape_inline(SHORT) not in text


def test_the_json_export_keeps_both(x_store: Path) -> None:
    session = SessionStore.open(x_store, create=False)
    document = orjson.loads(render(session.state, "json"))
    session.close()
    ada = next(q for q in document["questions"] if q["author"] == "@ada")
    assert SHORT in ada["text"] and ada["links"] == [{"shown": SHORT, "url": REAL}]


async def test_the_queue_row_and_the_detail_show_the_real_link(x_store: Path) -> None:
    session = SessionStore.open(x_store)
    app = QuestionTimeApp(session, role="moderator", live=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", QueueList)
        ada = next(q.id for q in session.state.questions.values() if q.author == "@ada")
        queue.select(ada)
        await settle(pilot)
        row = queue.render_line(queue.cursor - int(queue.scroll_y)).text
        assert REAL in row and "t.co" not in row
        screen = screen_text(app)
        assert f"When does the roadmap ship? {REAL} #qtime" in screen
        assert "has a link" in screen
        assert "t.co" not in screen
    session.close()


async def test_a_bluesky_link_shown_shortened_is_kept_whole() -> None:
    text = "Read example.org/roadmap/20... first #qtime"
    post = bluesky_post("did:plc:abc", "ada.bsky.social", "3kah000000001", text)
    start = len(b"Read ")
    end = start + len(b"example.org/roadmap/20...")
    post["record"]["facets"].append({"index": {"byteStart": start, "byteEnd": end},
                                     "features": [{"$type": "app.bsky.richtext.facet#link", "uri": REAL}]})
    with LocalServer() as server:
        server.route("GET", "/xrpc/app.bsky.feed.searchPosts", Response.json({"posts": [post]}))
        rec = await Recorder().once(BlueskySource("b", server.url, "qtime", pacing=Pacing(interval=0.05)))
    assert rec.items[0]["text"] == text
    assert rec.items[0]["links"] == [{"shown": "example.org/roadmap/20...", "url": REAL}]
