"""Tokens and passwords never reach the store, an export, a log or an error, nor another host.

Distinctive fake credentials sit in the environment while questions are
ingested and answers published, through the happy path and the failure
paths (401s from a server that echoes what it was sent, redirects to another
host). Then every file under the test's folder is searched for them: the
store, its journal, every export format, captured stdout/stderr and logs.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.export import FORMATS
from store.session_store import SessionStore
from tests.httpserver import LocalServer, Request, Response
from tests.publish_fakes import FakeBluesky, FakeMastodon, FakeX
from tui.platforms.accounts import connected_publishers
from tui.platforms.outbox import Outbox

WORKER = Path(__file__).parent / "workers" / "outbox_worker.py"
MASTODON_TOKEN = "tok-MASTODON-3f9a7c21e0b4"
BLUESKY_PASSWORD = "pw-BLUESKY-8e1d44aa90c3"
X_USER_TOKEN = "tok-X-USER-5b2c9d10f7e6"
X_BEARER_TOKEN = "tok-X-BEARER-a04c6e19d2f8"
HANDLE = "host.example.com"
SECRETS = [MASTODON_TOKEN, BLUESKY_PASSWORD, X_USER_TOKEN, X_BEARER_TOKEN, "access-jwt-1", "refresh-jwt"]
PARTS = ["@asker 1/2 Our 5G rollout starts in Milan #twittertime", "2/2 then Rome #twittertime"]


def environment(tmp_path: Path, url: str) -> dict[str, str]:
    return {**os.environ, "QTIME_ACCOUNTS": str(tmp_path / "absent.toml"),
            "QTIME_MASTODON_URL": url, "QTIME_MASTODON_TOKEN": MASTODON_TOKEN,
            "QTIME_BLUESKY_URL": url, "QTIME_BLUESKY_HANDLE": HANDLE, "QTIME_BLUESKY_APP_PASSWORD": BLUESKY_PASSWORD,
            "QTIME_X_URL": url, "QTIME_X_USER_TOKEN": X_USER_TOKEN, "QTIME_X_BEARER_TOKEN": X_BEARER_TOKEN}


def echo_401(request: Request) -> Response:
    """A hostile server: refuses, quoting back the credentials it was sent."""
    sent = request.headers.get("authorization", "") + " " + request.body.decode(errors="replace")
    return Response.json({"error": f"invalid credentials: {sent}", "message": f"you sent {sent}",
                          "detail": f"you sent {sent}"}, 401)


def queue_answers(path: Path, env: dict[str, str], refs: dict[str, dict], parts: list[str] = PARTS) -> Outbox:
    store = SessionStore.open(path)
    store.add_questions([{"source": platform, "remote_id": f"q-{platform}", "author": "@asker", "text": "5G?",
                          "reply_ref": ref} for platform, ref in refs.items()])
    outbox = Outbox(store, connected_publishers(env), backoff=(0.01, 0.02), max_attempts=2)
    for qid in list(store.state.questions):
        store.add_answer(qid, " ".join(parts), parts, "x")
        outbox.enqueue(qid)
    return outbox


def refs_for(url: str) -> dict[str, dict]:
    return {"mastodon": {"platform": "mastodon", "status_id": "555", "instance": url},
            "bluesky": {"platform": "bluesky", "uri": "at://did:plc:asker/app.bsky.feed.post/3kq", "cid": "bafyq"},
            "x": {"platform": "x", "tweet_id": "1700"}}


def run_logged(tmp_path: Path, name: str, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    (tmp_path / f"{name}.stdout").write_bytes(done.stdout)
    (tmp_path / f"{name}.stderr").write_bytes(done.stderr)
    return done


def leaks(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [(str(path.relative_to(folder)), s) for s in SECRETS if s.encode() in data]
    return found


@pytest.fixture(autouse=True)
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log every request at DEBUG
    return caplog


@pytest.mark.slow
async def test_no_credential_in_any_file_or_output(tmp_path, debug_logs, capsys):
    with LocalServer() as good, LocalServer() as hostile:
        FakeMastodon(good, MASTODON_TOKEN)
        FakeBluesky(good, HANDLE, BLUESKY_PASSWORD)
        FakeX(good, X_USER_TOKEN)
        for method, path in [("POST", "/api/v1/statuses"), ("POST", "/xrpc/com.atproto.server.createSession"),
                             ("POST", "/2/tweets"), ("GET", "/api/v1/timelines/tag/twittertime"),
                             ("GET", "/api/v2/instance"), ("GET", "/api/v1/instance"),
                             ("GET", "/api/v1/streaming/hashtag"), ("GET", "/xrpc/app.bsky.feed.searchPosts"),
                             ("GET", "/2/tweets/search/recent")]:
            hostile.route(method, path, echo_401)

        # ingest: a file source, and every network source refused by a server echoing the credentials
        questions = tmp_path / "questions.jsonl"
        questions.write_text(json.dumps({"author": "@nerthase", "text": "Banda larga? #twittertime"}) + "\n")
        env = environment(tmp_path, hostile.url)
        ingest = run_logged(tmp_path, "ingest", [
            sys.executable, "-m", "tui", "ingest", "--store", str(tmp_path / "ingest.json"), "--once",
            "--source", f"file:{questions}", "--source", f"mastodon:{hostile.url}#twittertime",
            "--source", f"bluesky:{hostile.url}#twittertime", "--source", f"x:{hostile.url}#twittertime"], env)
        assert b"1 new" in ingest.stdout
        assert any(MASTODON_TOKEN in r.headers.get("authorization", "") for r in hostile.requests)  # echoed back

        # publishing that works, in this process (logs captured) and in a worker process
        good_env = environment(tmp_path, good.url)
        outbox = queue_answers(tmp_path / "published.json", good_env, refs_for(good.url))
        await outbox.send_pending()
        assert {p.state for p in outbox.store.state.outbox.values()} == {"posted"}
        outbox.store.close()
        worker_store = tmp_path / "worker.json"
        queue_answers(worker_store, good_env, refs_for(good.url), [f"{p} (again)" for p in PARTS]).store.close()
        run_logged(tmp_path, "worker", [sys.executable, str(WORKER), str(worker_store)], good_env)
        assert {p.state for p in SessionStore.open(worker_store).state.outbox.values()} == {"posted"}

        # publishing refused by a server that echoes the credentials back
        hostile_env = environment(tmp_path, hostile.url)
        refused = queue_answers(tmp_path / "refused.json", hostile_env, refs_for(hostile.url))
        await refused.send_pending()
        reasons = " ".join(p.reason for p in refused.store.state.outbox.values()) + refused.status
        assert "invalid credentials" in reasons and "***" in reasons
        refused.store.close()
        run_logged(tmp_path, "worker-refused", [sys.executable, str(WORKER), str(tmp_path / "refused.json")], hostile_env)

        for name in ("published", "refused", "ingest"):
            for fmt in FORMATS:
                run_logged(tmp_path, f"export-{name}-{fmt}", [
                    sys.executable, "-m", "tui", "export", "--store", str(tmp_path / f"{name}.json"),
                    "--format", fmt, "-o", str(tmp_path / f"{name}.{fmt}")], env)
                assert (tmp_path / f"{name}.{fmt}").stat().st_size > 0

    captured = capsys.readouterr()
    (tmp_path / "pytest.stdout").write_text(captured.out)
    (tmp_path / "pytest.stderr").write_text(captured.err)
    (tmp_path / "pytest.log").write_text(debug_logs.text)
    assert "HTTP Request: POST" in debug_logs.text  # the logs were really captured
    assert leaks(tmp_path) == []


async def test_a_redirect_to_another_host_never_carries_a_credential(tmp_path):
    with LocalServer() as origin, LocalServer() as other:
        elsewhere = other.url.replace("127.0.0.1", "localhost")  # another host name, same machine
        for method, path in [("POST", "/api/v1/statuses"), ("GET", "/api/v2/search"),
                             ("POST", "/xrpc/com.atproto.server.createSession"), ("POST", "/2/tweets")]:
            origin.route(method, path, lambda req: Response(307, headers={"Location": f"{elsewhere}{req.path}"}))
            other.route(method, path, Response.json({"statuses": [{"id": "7001"}]}))
        env = environment(tmp_path, origin.url)
        refs = refs_for(origin.url)
        refs["mastodon"] = {"platform": "mastodon", "status_id": "1", "instance": "https://remote.example",
                            "uri": "https://remote.example/@asker/1"}
        outbox = queue_answers(tmp_path / "s.json", env, refs)
        await outbox.send_pending()

        parts = {p.platform: p for p in outbox.store.state.outbox.values() if p.index == 1}
        assert "redirect (307), not followed" in parts["mastodon"].reason
        assert "redirect (307), not followed" in parts["x"].reason
        assert parts["bluesky"].state == "pending" and "without a session token" in outbox.status
        # only the read (the search) followed the redirect: it arrived without the token
        assert [(r.method, r.path) for r in other.requests] == [("GET", "/api/v2/search")]
        for request in other.requests:
            assert "authorization" not in request.headers
            sent = json.dumps(request.headers) + request.body.decode(errors="replace")
            assert not [s for s in SECRETS if s in sent]
        assert origin.seen("POST", "/xrpc/com.atproto.server.createSession")
    outbox.store.close()
    assert leaks(tmp_path) == []
