"""The platform's own reason, shown safely; terminal conditions stop a source at once.

X's 400 names the bad parameter (`errors[].message`), a usage cap is a stop
and not a rate limit, Mastodon's `error` and Bluesky's `error`/`message` are
shown as sent, minus secrets and control characters: in the source state
(the app header) and from `qtime ingest` (stderr and exit status).
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from store.model import Settings
from store.session_store import SessionStore
from tests.fixtures_platforms import Recorder
from tests.httpserver import LocalServer, Response
from tests.test_source_resume import X_400
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.polling import Pacing
from tui.platforms.x_source import XSource
from tui.widgets.session_header import header_content

pytestmark = pytest.mark.timeout(30)
FAST = Pacing(interval=0.05, backoff_base=0.01, backoff_cap=0.05, deadline=5.0)
SEARCH = "/2/tweets/search/recent"
TOKEN = "x-bearer-token-abc"
CAP = {"title": "UsageCapExceeded", "detail": "Usage cap exceeded: Monthly product cap",
       "type": "https://api.twitter.com/2/problems/usage-capped", "period": "Monthly", "scope": "Product"}
CAP_HEADERS = {"x-rate-limit-limit": "40000", "x-rate-limit-remaining": "39999"}


def x_source(server: LocalServer) -> XSource:
    return XSource(f"x:{server.url}#qtime", server.url, "qtime", token=TOKEN, pacing=FAST)


async def test_x_400_names_the_parameter_x_refused() -> None:
    with LocalServer() as server:
        server.route("GET", SEARCH, Response.json(X_400, 400))
        rec = await Recorder().once(x_source(server))
    assert rec.last.state == "stopped"
    assert rec.last.detail.startswith("refused (400): The query parameter [previous_token] is not one of [query,")
    assert "One or more parameters" not in rec.last.detail  # the generic line only when nothing better is said


@pytest.mark.parametrize("once", [True, False])
async def test_a_usage_cap_stops_the_source_at_once_and_is_named(once: bool) -> None:
    with LocalServer() as server:
        server.route("GET", SEARCH, Response.json(CAP, 429, CAP_HEADERS))
        rec = Recorder()
        # Live mode too: the source ends by itself, it does not retry a cap.
        await asyncio.wait_for(x_source(server).run(rec.emit, rec.report, rec.warn, once=once), 10)
        assert len(server.requests) == 1
    assert rec.last.state == "stopped"
    assert rec.last.detail == "usage cap reached (429): Usage cap exceeded: Monthly product cap"
    assert not [s for s in rec.states if s.state == "retrying"]


async def test_a_usage_cap_says_when_it_resets_where_x_says_it() -> None:
    with LocalServer() as server:
        reset = str(int(time.time()) + 3 * 3600)
        server.route("GET", SEARCH, Response.json(CAP, 429, {**CAP_HEADERS, "x-app-limit-24hour-reset": reset}))
        rec = await Recorder().once(x_source(server))
    assert rec.last.detail.startswith("usage cap reached (429): Usage cap exceeded: Monthly product cap; resets at ")
    assert rec.last.detail.endswith(" UTC")


async def test_the_stop_reason_shows_in_the_header() -> None:
    with LocalServer() as server:
        server.route("GET", SEARCH, Response.json(CAP, 429, CAP_HEADERS))
        src = x_source(server)
        rec = await Recorder().once(src)
    header = header_content(Settings(), {}, 0.0, {src.spec: rec.last}, paused=False, write_error=None).plain
    assert "stopped: usage cap reached (429): Usage cap exceeded: Monthly product cap" in header


async def test_mastodon_and_bluesky_reasons_are_shown_without_secrets_or_controls() -> None:
    token = "mastodon-secret-token-42"
    with LocalServer() as server:
        server.route("GET", "/api/v1/timelines/tag/qtime",
                     Response.json({"error": f"The access token {token} was revoked\u202e\x1b[31m"}, 401))
        rec = await Recorder().once(MastodonSource("m", server.url, "qtime", token=token, pacing=FAST))
    assert rec.last.detail == "not authorised (401): The access token *** was revoked[31m; check QTIME_MASTODON_TOKEN"
    with LocalServer() as server:
        server.route("GET", "/xrpc/app.bsky.feed.searchPosts",
                     Response.json({"error": "AccountTakedown", "message": "Account has been taken down"}, 400))
        rec = await Recorder().once(BlueskySource("b", server.url, "qtime", pacing=FAST))
    assert rec.last.detail == "refused (400): AccountTakedown; Account has been taken down"


async def test_a_stop_is_kept_in_the_store_without_the_token(tmp_path: Path) -> None:
    token = "mastodon-secret-token-42"
    store = SessionStore.open(tmp_path / "s.json")

    async def emit(batch: list[Any], *, source_state: Any = None) -> None:
        store.add_questions(batch, source_state=source_state)

    with LocalServer() as server:
        server.route("GET", "/api/v1/timelines/tag/qtime",
                     Response.json({"error": f"The access token {token} was revoked"}, 401))
        src = MastodonSource("m", server.url, "qtime", token=token, pacing=FAST)
        await src.run(emit, lambda _state: None, lambda _message: None, once=True)
    store.close()
    record = SessionStore.open(tmp_path / "s.json", create=False).source_record("m")
    assert record is not None and record.stopped.startswith("not authorised (401): The access token *** was revoked")
    assert token not in (tmp_path / "s.json").read_text() + (tmp_path / "s.json.journal").read_text()


def ingest(store: Path, url: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QTIME_") and "proxy" not in k.lower()}
    return subprocess.run([sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store),
                           "--source", f"x:{url}#qtime"], env={**clean, "QTIME_X_BEARER_TOKEN": TOKEN, "QTIME_X_URL": url},
                          capture_output=True, text=True, timeout=25)


@pytest.mark.parametrize("answer, reason", [
    (Response.json(X_400, 400), "refused (400): The query parameter [previous_token] is not one of"),
    (Response.json(CAP, 429, CAP_HEADERS), "usage cap reached (429): Usage cap exceeded: Monthly product cap"),
])
def test_qtime_ingest_names_the_reason_and_exits_non_zero(tmp_path: Path, answer: Response, reason: str) -> None:
    with LocalServer() as server:
        server.route("GET", SEARCH, answer)
        done = ingest(tmp_path / "s.json", server.url)
        assert len(server.requests) == 1
    assert done.returncode == 1
    assert f"qtime ingest: x:{server.url}#qtime stopped: {reason}" in done.stderr
    assert TOKEN not in done.stderr + done.stdout
