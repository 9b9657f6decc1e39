"""A credential goes only to its own account's host, over https or to this machine (issue 16, F1).

Every token is set; the sources name a logging server on another loopback
port (or host), as a typed `--source` or the saved sources of a shared
store would. Nothing secret may arrive there; the source reads anonymously
and its state says that the credential is for the account's own instance.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.model import Settings
from store.session_store import SessionStore
from tests.httpserver import LocalServer, Request
from tui.platforms.accounts import connected_publishers
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.http import bearer
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.specs import parse_spec
from tui.platforms.x_source import XSource

MASTODON_TOKEN = "tok-MASTODON-hosts-61c0"
BLUESKY_PASSWORD = "pw-BLUESKY-hosts-93ab"
X_BEARER_TOKEN = "tok-X-BEARER-hosts-7d2e"
SECRETS = [MASTODON_TOKEN, BLUESKY_PASSWORD, X_BEARER_TOKEN]


def accounts_env(tmp_path: Path, home: str) -> dict[str, str]:
    """Every reading credential set, every account on `home`."""
    return {"QTIME_ACCOUNTS": str(tmp_path / "absent.toml"),
            "QTIME_MASTODON_URL": home, "QTIME_MASTODON_TOKEN": MASTODON_TOKEN,
            "QTIME_BLUESKY_URL": home, "QTIME_BLUESKY_HANDLE": "host.example.com",
            "QTIME_BLUESKY_APP_PASSWORD": BLUESKY_PASSWORD, "QTIME_X_URL": home, "QTIME_X_BEARER_TOKEN": X_BEARER_TOKEN}


def leaked(requests: list[Request]) -> list[str]:
    """What of a credential reached a server: any Authorization header, any secret anywhere."""
    found = []
    for request in requests:
        if "authorization" in request.headers:
            found.append(f"{request.method} {request.path}: Authorization header")
        seen = f"{request.path} {request.query} {request.headers} {request.body.decode(errors='replace')}"
        found += [f"{request.method} {request.path}: {secret}" for secret in SECRETS if secret in seen]
    return found


def specs_on(url: str) -> list[str]:
    return [f"mastodon:{url}#qtime", f"bluesky:{url}#qtime", f"x:{url}#qtime"]


@pytest.mark.parametrize("other", ["http://127.0.0.2:{port}", "http://127.0.0.1:{port}"])
def test_specs_on_another_host_get_no_credential(tmp_path: Path, other: str) -> None:
    with LocalServer() as home, LocalServer() as logger:
        port = logger.url.rsplit(":", 1)[1]
        env = accounts_env(tmp_path, home.url)
        for spec in specs_on(other.format(port=port)):
            source = parse_spec(spec, env=env)
            assert getattr(source, "token", None) is None and getattr(source, "account", None) is None, spec
            assert "reading anonymously" in source.credential_note  # type: ignore[attr-defined]
            assert home.url in source.credential_note  # type: ignore[attr-defined]


def test_specs_on_the_accounts_host_get_their_credential(tmp_path: Path) -> None:
    with LocalServer() as home:
        env = accounts_env(tmp_path, home.url)
        mastodon, bluesky, x = (parse_spec(spec, env=env) for spec in specs_on(home.url))
    assert isinstance(mastodon, MastodonSource) and mastodon.token == MASTODON_TOKEN
    assert isinstance(bluesky, BlueskySource) and bluesky.account is not None
    assert isinstance(x, XSource) and x.token == X_BEARER_TOKEN
    assert not mastodon.credential_note


@pytest.mark.parametrize("home", ["http://192.0.2.2:18081", "http://mastodon.example"])
def test_a_plain_http_account_url_off_this_machine_gets_nothing(tmp_path: Path, home: str) -> None:
    env = accounts_env(tmp_path, home)
    for spec in specs_on(home):
        source = parse_spec(spec, env=env)
        assert getattr(source, "token", None) is None and getattr(source, "account", None) is None, spec
        assert "unencrypted" in source.credential_note  # type: ignore[attr-defined]


def test_mastodon_token_without_its_url_is_sent_nowhere(tmp_path: Path) -> None:
    env = {"QTIME_ACCOUNTS": str(tmp_path / "absent.toml"), "QTIME_MASTODON_TOKEN": MASTODON_TOKEN}
    source = parse_spec("mastodon:https://mastodon.social#qtime", env=env)
    assert isinstance(source, MastodonSource) and source.token is None
    assert "QTIME_MASTODON_URL is not set" in source.credential_note
    notes: list[str] = []
    assert connected_publishers(env, notes=notes) == []
    assert notes and "QTIME_MASTODON_URL" in notes[0] and MASTODON_TOKEN not in notes[0]


def test_a_token_is_bound_to_scheme_host_and_port() -> None:
    auth = bearer("http://127.0.0.1:8080", "t")
    import httpx

    def sent(url: str) -> bool:
        request = httpx.Request("GET", url)
        return "authorization" in next(auth.auth_flow(request)).headers

    assert sent("http://127.0.0.1:8080/api")
    assert not sent("http://127.0.0.1:8081/api")
    assert not sent("https://127.0.0.1:8080/api")
    assert not sent("http://127.0.0.2:8080/api")


def test_ingest_sends_no_credential_to_a_host_the_specs_name(tmp_path: Path) -> None:
    with LocalServer() as home, LocalServer() as logger:
        env = {**os.environ, **accounts_env(tmp_path, home.url)}
        args = [arg for spec in specs_on(logger.url) for arg in ("--source", spec)]
        result = subprocess.run([sys.executable, "-m", "tui", "ingest", "--store", str(tmp_path / "event.json"),
                                 "--once", *args], env=env, capture_output=True, text=True, timeout=60)
        assert "Traceback" not in result.stderr
        assert logger.requests, "the sources never asked the logger"
        assert leaked(logger.requests) == []
    assert "reading anonymously" in result.stderr + result.stdout
    assert not any(secret in result.stderr + result.stdout for secret in SECRETS)


def test_a_shared_stores_saved_sources_get_no_credential(tmp_path: Path) -> None:
    """The sources a store was created with are rebuilt on open with the opener's environment."""
    with LocalServer() as home, LocalServer() as logger:
        path = tmp_path / "shared.json"
        SessionStore.open(path, settings=Settings(sources=specs_on(logger.url))).close()
        store = SessionStore.open(path)
        try:
            sources = [parse_spec(spec, env=accounts_env(tmp_path, home.url)) for spec in store.settings.sources]
        finally:
            store.close()
    assert len(sources) == 3
    for source in sources:
        assert getattr(source, "token", None) is None and getattr(source, "account", None) is None


def test_a_spec_without_a_base_reads_on_the_accounts_own_host(tmp_path: Path) -> None:
    env = accounts_env(tmp_path, "http://127.0.0.1:9")
    bluesky, x = parse_spec("bluesky:#qtime", env=env), parse_spec("x:#qtime", env=env)
    assert isinstance(bluesky, BlueskySource) and bluesky.base_url == "http://127.0.0.1:9" and bluesky.account
    assert isinstance(x, XSource) and x.base_url == "http://127.0.0.1:9" and x.token == X_BEARER_TOKEN
