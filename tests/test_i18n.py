"""The interface's language: gettext with Babel catalogues, `--lang`, the user's locale, a complete catalogue."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.pseudo import pseudo_locale, unmarked
from tui import cli, i18n
from tui.i18n_catalogue import problems


def test_the_italian_catalogue_is_complete_and_compiled() -> None:
    assert problems() == []


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "it_IT.UTF-8"}, "it"), ({"LANGUAGE": "it:en", "LANG": "en_US.UTF-8"}, "it"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "it_IT.UTF-8"}, "en"), ({}, "en"), ({"LANG": "C"}, "en"),
])
def test_the_language_follows_the_users_locale(environ: dict[str, str], lang: str) -> None:
    assert i18n.user_lang(environ) == lang


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.use("fr")


def run_qtime(*args: str, lang: str) -> subprocess.CompletedProcess[str]:
    env = {"LANG": lang, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=60)


def test_the_command_line_speaks_the_users_language() -> None:
    assert "comandi:" in run_qtime("--help", lang="it_IT.UTF-8").stdout
    assert "commands:" in run_qtime("--help", lang="en_GB.UTF-8").stdout
    refused = run_qtime("nonsense", lang="it_IT.UTF-8")
    assert refused.returncode == 2 and "comando sconosciuto 'nonsense'" in refused.stderr


def test_every_line_of_the_usage_goes_through_gettext() -> None:
    with pseudo_locale():
        shown = cli.usage()
    assert unmarked(shown, [*cli.COMMANDS, "qtime", "COMMAND", "OPTIONS", "help", "md html csv json"]) == set()
