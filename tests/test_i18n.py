"""The interface's language: gettext with Babel catalogues, `--lang`, the user's locale, a complete catalogue."""
from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from rich.cells import cell_len

from tests.pseudo import pseudo_locale, unmarked
from tui import cli, i18n
from tui.config import check_keymap, load_config
from tui.i18n_catalogue import problems
from tui.web.guard import Guard, Token
from tui.widgets.queue_list import AGE_WIDTH, age_text


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


def test_qtime_ingest_says_its_sources_states_in_the_users_language(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "1", "author": "@a", "text": "Quando arriva la fibra?"}\n', encoding="utf-8")
    ran = run_qtime("ingest", "--store", str(tmp_path / "s.json"), "--source", f"file:{posts}", "--once", lang="it_IT.UTF-8")
    assert ran.returncode == 0, ran.stderr
    assert f"attiva: lettura di {posts}" in ran.stderr and "finita: 1 riga letta" in ran.stderr, ran.stderr


def test_every_line_of_the_usage_goes_through_gettext() -> None:
    with pseudo_locale():
        shown = cli.usage()
    assert unmarked(shown, [*cli.COMMANDS, "qtime", "COMMAND", "OPTIONS", "help", "md html csv json"]) == set()


def argparse_own(parser: argparse.ArgumentParser) -> list[str]:
    """What argparse writes itself: its headings, the program, the options' names, metavars and choices."""
    words = ["usage", "options", "positional arguments", "show this help message and exit", parser.prog]
    for action in parser._actions:
        words += [*action.option_strings, str(action.metavar or action.dest.upper()), *map(str, action.choices or ())]
    return words


@pytest.mark.parametrize("name", ["run", "demo", "serve", "ingest", "export", "session", "groups", "count"])
def test_every_option_of_a_command_is_explained_through_gettext(name: str) -> None:
    with pseudo_locale():
        parser = cli.build_parser(name)
        shown = parser.format_help()
    assert unmarked(shown, argparse_own(parser)) == set(), shown


def test_a_commands_help_and_messages_speak_the_users_language() -> None:
    assert "il file della sessione da esportare" in run_qtime("export", "--help", lang="it_IT.UTF-8").stdout
    refused = run_qtime("groups", "--store", "none.json", "--top", "-1", lang="it_IT.UTF-8")
    assert refused.returncode == 2 and "qtime groups: --top deve essere 0 o più" in refused.stderr
    assert "the session store file to export" in run_qtime("export", "--help", lang="en_GB.UTF-8").stdout


def test_every_keymap_problem_goes_through_gettext(tmp_path: Path) -> None:
    keymap = {"nope": "y", "approve": 5, "dismiss": "ctrl+", "star": "q", "tag": "ctrl+p"}
    bad_toml, not_a_table = tmp_path / "bad.toml", tmp_path / "table.toml"
    bad_toml.write_text("keymap = [", encoding="utf-8")
    not_a_table.write_text('keymap = "y"', encoding="utf-8")
    with pseudo_locale():
        _accepted, problems = check_keymap(keymap)
        problems += load_config(bad_toml).problems + load_config(not_a_table).problems
    assert len(problems) == 7, problems
    names = [*keymap, "ctrl+p", "quit", str(tmp_path), "keymap", "y"]
    assert all(unmarked(problem, names) == set() for problem in problems), problems


def test_a_translated_word_inside_a_translated_sentence_reads_as_marked() -> None:
    """The pseudo-locale's reader: "Dismiss 5 questions (New)?", with "New" translated on its own."""
    assert unmarked("⟦Dismiss 5 questions (⟦New⟧, filter\n“x”): why?⟧", ["x"]) == set()
    assert unmarked("⟦Dismiss 5 (⟦New⟧): why?⟧ stray", []) == {"stray"}


def test_a_count_is_grouped_as_the_language_writes_it() -> None:
    assert i18n.number(12400) == "12,400"
    i18n.use("it")
    try:
        assert i18n.number(12400) == "12.400" and i18n.number(999) == "999"
    finally:
        i18n.use("en")


def test_the_demo_and_serve_refusals_speak_the_users_language(tmp_path: Path) -> None:
    demo = run_qtime("demo", "--speed", "0", lang="it_IT.UTF-8")
    assert demo.returncode == 2 and "qtime demo: --speed deve essere un numero maggiore di 0" in demo.stderr
    serve = run_qtime("serve", "--store", str(tmp_path / "s.json"), "--port", "70000", lang="it_IT.UTF-8")
    assert serve.returncode == 2 and "qtime serve: --port deve essere tra 0 e 65535" in serve.stderr


async def test_a_refused_browser_and_the_servers_log_read_the_servers_language(caplog: pytest.LogCaptureFixture) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(middlewares=[Guard(Token()).middleware])
    app.router.add_get("/", ok)
    with pseudo_locale(), caplog.at_level(logging.WARNING, logger="qtime.serve"):
        async with TestServer(app, host="127.0.0.1") as server, aiohttp.ClientSession() as http:
            async with http.get(server.make_url("/")) as response:
                body = await response.text()
    logged = caplog.records[-1].getMessage()
    assert response.status == 403 and body.startswith("403: ⟦this qtime session needs its token.")
    assert unmarked(body, []) == set(), body
    assert "⟦no valid token⟧" in logged and unmarked(logged, ["GET", "127.0.0.1"]) == set(), logged


def test_unmarked_reads_a_translation_holding_another() -> None:
    """`⟦{age} ago⟧` with `⟦9m⟧` in it: neither hides the words around it, nor is read as unmarked."""
    assert unmarked("⟦⟦9m⟧ ago⟧ left ⟦a⟧ right", []) == {"left", "right"}
    assert unmarked("⟦cut at the line's end…\nwrapped from the line before⟧ after", []) == {"after"}


def test_one_english_word_may_have_two_translations() -> None:
    """A notice's "Dismissed" is one question (scartata), the view's tab many (scartate)."""
    i18n.use("it")
    try:
        assert (i18n.pgettext("notice", "Dismissed"), i18n._("Dismissed")) == ("Scartata", "Scartate")
    finally:
        i18n.use("en")
    assert i18n.pgettext("notice", "Dismissed") == "Dismissed"


SECONDS = [0, 59, 60, 3599, 3600, 86399, 86400, 99 * 86400, 100 * 86400, 364 * 86400, 365 * 86400,
           99 * 365 * 86400, 100 * 365 * 86400]


def test_the_italian_ages_use_italian_units_and_fit_their_column() -> None:
    i18n.use("it")
    try:
        ages = [age_text(sign * seconds) for seconds in SECONDS for sign in (1, -1)]
        assert (age_text(3 * 86400), age_text(20 * 7 * 86400), age_text(2 * 365 * 86400)) == ("3g", "20w", "2a")
    finally:
        i18n.use("en")
    assert all(cell_len(age) <= AGE_WIDTH for age in ages), ages


def test_unmarked_lets_a_name_cut_short_pass_but_not_a_word_of_ours() -> None:
    """Cut with "…", or at a pane's edge (a border, a scrollbar): the start of a word of theirs."""
    assert unmarked("@paolo_mp… ⟦5m⟧ Strategia sull'm-payme…", ["@paolo_mpay", "Strategia sull'm-payment?"]) == set()
    assert unmarked("Incom… @paolo_mp…", ["@paolo_mpay"]) == {"incom"}
    assert unmarked("│ i giovani tale │\n│ una bella prospet▇│", ["i giovani talenti", "una bella prospettiva"]) == set()
    assert unmarked("│ Incoming ⟦x⟧ data │", ["data"]) == {"incoming"}


async def test_the_sources_word_their_own_states_in_the_language(italian, tmp_path: Path) -> None:
    """What a source says of itself shows in the header (`demo attiva: …`): in the interface's language."""
    from tui.platforms.demo import demo_script
    from tui.platforms.specs import parse_spec

    async def emit(items: object) -> None:
        return None

    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "1", "author": "@a", "text": "Quando arriva la fibra?"}\n', encoding="utf-8")
    said: list[str] = []
    for spec in ("demo", f"file:{posts}"):
        await parse_spec(spec).run(emit, lambda state: said.append(state.detail), lambda _: None, once=True)
    assert said[0] == f"{len(demo_script())} post riprodotti", said
    assert said[1:] == [f"lettura di {posts}", "1 riga letta"], said
