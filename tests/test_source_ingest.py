"""`qtime ingest --once` as a real subprocess against each fake platform: every post stored once."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from store.session_store import SessionStore
from tests.fixtures_platforms import FakeBluesky, FakeMastodon, FakeX, mastodon_sample_statuses
from tests.httpserver import LocalServer

pytestmark = pytest.mark.timeout(60)
X_TOKEN = "x-bearer-token-abc"


def ingest(store: Path, spec: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QTIME_") and "proxy" not in k.lower()}
    return subprocess.run([sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store), "--source", spec],
                          env={**clean, **env}, capture_output=True, text=True, timeout=50)


def stored(store: Path) -> Counter[tuple[str, str]]:
    session = SessionStore.open(store, create=False)
    try:
        return Counter((q.source, q.remote_id) for q in session.state.questions.values())
    finally:
        session.close()


def test_mastodon_ingest_stores_each_post_once_and_a_second_run_only_new_ones(tmp_path: Path) -> None:
    store = tmp_path / "session.json"
    with LocalServer() as server:
        fake = FakeMastodon(server)
        for status in mastodon_sample_statuses(server.url):
            fake.add(status)
        for n in range(60):
            fake.post(f"question {n}")
        spec = f"mastodon:{server.url}#qtime"
        first = ingest(store, spec)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "63 new, 0 already known, 0 rejected"
        assert f"{spec}: done: one pass, 63 new" in first.stderr
        for n in range(4):
            fake.post(f"later {n}")
        second = ingest(store, spec)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "4 new, 0 already known, 0 rejected"  # resumed after the saved min_id
    counts = stored(store)
    assert len(counts) == 67 and set(counts.values()) == {1}


def test_bluesky_ingest_with_env_credentials(tmp_path: Path) -> None:
    store = tmp_path / "session.json"
    with LocalServer() as server:
        fake = FakeBluesky(server)
        for n in range(120):
            fake.post(f"question {n}")
        env = {"QTIME_BLUESKY_HANDLE": fake.handle, "QTIME_BLUESKY_APP_PASSWORD": fake.password,
               "QTIME_BLUESKY_URL": server.url}
        spec = f"bluesky:{server.url}#qtime"
        first = ingest(store, spec, **env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "120 new, 0 already known, 0 rejected"
        for n in range(3):
            fake.post(f"later {n}")
        second = ingest(store, spec, **env)
        assert fake.logins == 2  # one per process
    # Resumed: the newest page only (its votes refreshed), down to the first run's newest post.
    assert second.stdout.strip() == "3 new, 97 already known, 0 rejected"
    assert fake.password not in first.stderr + second.stderr
    counts = stored(store)
    assert len(counts) == 123 and set(counts.values()) == {1}


def test_x_ingest_with_env_token(tmp_path: Path) -> None:
    store = tmp_path / "session.json"
    with LocalServer() as server:
        fake = FakeX(server, token=X_TOKEN)
        for n in range(110):
            fake.post(f"question {n}", username=f"user{n % 9}")
        spec = f"x:{server.url}#qtime"
        first = ingest(store, spec, QTIME_X_BEARER_TOKEN=X_TOKEN, QTIME_X_URL=server.url)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "110 new, 0 already known, 0 rejected"
        for n in range(2):
            fake.post(f"later {n}")
        second = ingest(store, spec, QTIME_X_BEARER_TOKEN=X_TOKEN, QTIME_X_URL=server.url)
    assert second.stdout.strip() == "2 new, 0 already known, 0 rejected"  # resumed from the saved since_id
    assert X_TOKEN not in first.stderr + second.stderr
    counts = stored(store)
    assert len(counts) == 112 and set(counts.values()) == {1}


def test_x_ingest_without_a_token_fails_with_a_clear_message(tmp_path: Path) -> None:
    with LocalServer() as server:
        FakeX(server)
        result = ingest(tmp_path / "session.json", f"x:{server.url}#qtime")
        assert not server.requests
    assert result.returncode == 1
    assert "stopped: the X API needs an app bearer token: set QTIME_X_BEARER_TOKEN" in result.stderr


def test_three_platforms_feed_one_store(tmp_path: Path) -> None:
    store = tmp_path / "session.json"
    with LocalServer() as server:
        mastodon, bluesky, x = FakeMastodon(server), FakeBluesky(server), FakeX(server, token=X_TOKEN)
        for n in range(10):
            mastodon.post(f"m{n}")
            bluesky.post(f"b{n}")
            x.post(f"x{n}")
        env = {"QTIME_BLUESKY_HANDLE": bluesky.handle, "QTIME_BLUESKY_APP_PASSWORD": bluesky.password,
               "QTIME_X_BEARER_TOKEN": X_TOKEN, "QTIME_BLUESKY_URL": server.url, "QTIME_X_URL": server.url}
        clean = {k: v for k, v in os.environ.items() if not k.startswith("QTIME_") and "proxy" not in k.lower()}
        args = [sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store)]
        for kind in ("mastodon", "bluesky", "x", "x"):  # the same source twice stores nothing twice
            args += ["--source", f"{kind}:{server.url}#qtime"]
        result = subprocess.run(args, env={**clean, **env}, capture_output=True, text=True, timeout=50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "30 new, 10 already known, 0 rejected"
    sources = Counter(source.partition(":")[0] for source, _ in stored(store))
    assert sources == {"mastodon": 10, "bluesky": 10, "x": 10}


def test_a_mastodon_session_counts_with_its_instance_limits(tmp_path: Path) -> None:
    """The instance's max_characters / URL weight become the session's counting rules."""
    from store.model import Settings

    store = tmp_path / "session.json"
    SessionStore.open(store, settings=Settings(profile="mastodon")).close()
    with LocalServer() as server:
        fake = FakeMastodon(server, max_characters=1000)
        fake.post("how long may an answer be here?")
        result = ingest(store, f"mastodon:{server.url}#qtime")
    assert result.returncode == 0, result.stderr
    session = SessionStore.open(store, create=False)
    assert (session.settings.limit, session.settings.url_weight) == (1000, 23)
    session.close()
