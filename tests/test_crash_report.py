"""No crash report shows a secret, and a bad host is a spec error, not a crash (issue 16, F2)."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from rich.traceback import Traceback
from textual.widgets import Label

from tui.app import QuestionTimeApp
from tui.platforms.base import SpecError
from tui.platforms.specs import parse_spec
from tui.screens.first_run import FirstRunScreen

SECRET = "tok-CRASH-REPORT-4e7b19"
SECRETS_ENV = {"QTIME_MASTODON_TOKEN": SECRET, "QTIME_MASTODON_URL": "https://mastodon.example",
               "QTIME_X_BEARER_TOKEN": SECRET, "QTIME_BLUESKY_HANDLE": "h.example.com",
               "QTIME_BLUESKY_APP_PASSWORD": SECRET}
IDN_SPECS = ["mastodon:https://xn--ls8h.la#tag", "mastodon:https://xn--a.com#tag", "x:https://xn--a.com#tag",
             "bluesky:https://xn--ls8h.la#tag"]


def rendered_traceback() -> str:
    """The exception being handled, as rich renders it with every frame's locals."""
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(Traceback(show_locals=True, width=200))
    return console.export_text()


async def test_the_apps_crash_report_shows_no_local_variables(session, clock, capsys) -> None:
    app = QuestionTimeApp(session, clock=clock, live=False)

    def crash() -> None:
        token = SECRET  # a secret in a local of the frame that raises
        raise RuntimeError(f"forced crash ({len(token)})")

    with pytest.raises(RuntimeError, match="forced crash"):
        async with app.run_test() as pilot:
            await pilot.pause()
            app.call_later(crash)
            await pilot.pause()
    report = capsys.readouterr().err  # Textual prints the report to stderr as the app closes
    assert "forced crash" in report and "RuntimeError" in report
    assert SECRET not in report


def set_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a function of its own: the test's frame, part of the traceback, holds no secret."""
    for name, value in SECRETS_ENV.items():
        monkeypatch.setenv(name, value)


def test_a_spec_that_fails_deep_down_holds_no_secret_in_its_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a report that does list locals shows none of the environment's credentials."""
    set_secrets(monkeypatch)

    def broken_url(*args: object, **kwargs: object) -> httpx.URL:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(httpx, "URL", broken_url)
    for spec in ("mastodon:https://mastodon.example#tag", "x:https://api.x.com#tag", "bluesky:#tag"):
        try:
            parse_spec(spec)
        except RuntimeError:
            report = rendered_traceback()
        else:
            report = ""
        assert "unexpected" in report, spec
        assert SECRET not in report, spec


@pytest.mark.parametrize("spec", IDN_SPECS)
def test_a_host_that_is_not_a_domain_name_is_a_spec_error(spec: str) -> None:
    with pytest.raises(SpecError, match="not a valid domain name"):
        parse_spec(spec, env=SECRETS_ENV)


@pytest.mark.parametrize("command", [["ingest", "--once"], []])
def test_the_cli_refuses_such_a_host_with_status_2(tmp_path: Path, command: list[str]) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **SECRETS_ENV,
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    args = [sys.executable, "-m", "tui", *command, "--store", str(tmp_path / "s.json"),
            "--source", "mastodon:https://xn--ls8h.la#tag"]
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stderr
    assert "not a valid domain name" in result.stderr
    assert "Traceback" not in result.stderr and SECRET not in result.stderr + result.stdout


async def test_the_first_run_form_says_what_is_wrong_with_such_a_host(store_path, clock) -> None:
    app = QuestionTimeApp(store_path, clock=clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        app.screen.query_one("#sources").value = "mastodon:https://xn--ls8h.la#tag"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        assert "not a valid domain name" in str(app.screen.query_one("#form-error", Label).content)
    assert app.return_code in (None, 0)
    assert not store_path.exists()
