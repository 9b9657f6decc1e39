"""`qtime export` as a user runs it: a real subprocess per case."""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from store.export import render
from store.model import Settings
from store.session_store import SessionStore
from tests.sessions import demo_like
from tests.test_export_html import assert_only_template_markup, parse
from tests.test_export_markdown import assert_inert, quoted_texts, squash


def qtime(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tui", "export", *map(str, args)],
                          capture_output=True, timeout=60, check=False)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "session.json"
    demo_like(path)  # left open, journal not compacted: export must replay it
    return path


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_each_format_to_stdout_without_touching_the_store(session: Path, fmt: str) -> None:
    before = files(session.parent)
    result = qtime("--store", session, "--format", fmt)
    assert result.returncode == 0, result.stderr
    state = SessionStore.open(session, create=False).state
    assert result.stdout.decode("utf-8") == render(state, fmt, lang="it")  # the session's language
    assert files(session.parent) == before


def test_output_file_only_and_lang(session: Path, tmp_path: Path) -> None:
    target = tmp_path / "recap.md"
    result = qtime("--store", session, "--format", "md", "-o", target, "--only", "answered", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert result.stderr.decode().strip() == str(target)
    state = SessionStore.open(session, create=False).state
    assert target.read_text("utf-8") == render(state, "md", only="answered", lang="en")
    assert [p.name for p in tmp_path.iterdir()] == ["recap.md"]  # no temp file left behind


def test_missing_store_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    result = qtime("--store", tmp_path / "nope" / "session.json", "--format", "json")
    assert result.returncode == 2
    assert b"no such store" in result.stderr and result.stdout == b""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"", b"hello, not json", b'{"_default": {"1": {"a": 1}}}', b"\x00\xff" * 50])
def test_foreign_file_exits_2_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.json"
    path.write_bytes(content)
    result = qtime("--store", path, "--format", "md")
    assert result.returncode == 2
    assert result.stderr.startswith(b"qtime export: ") and result.stdout == b""
    assert files(tmp_path) == {"notes.json": content}


def test_refuses_to_write_over_the_store(session: Path) -> None:
    before = files(session.parent)
    for target in (session, Path(str(session) + ".journal")):
        result = qtime("--store", session, "--format", "json", "-o", target)
        assert result.returncode == 2 and b"store itself" in result.stderr
    assert files(session.parent) == before


def test_unknown_format_is_a_usage_error(session: Path) -> None:
    result = qtime("--store", session, "--format", "pdf")
    assert result.returncode == 2 and b"invalid choice" in result.stderr


def test_export_does_not_load_textual(session: Path, tmp_path: Path) -> None:
    code = ("import sys; from tui.cli import main; "
            f"code = main(['export', '--store', {str(session)!r}, '--format', 'html', '-o', {str(tmp_path / 'r.html')!r}]); "
            "print(code, 'textual' in sys.modules, 'httpx' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=True)
    assert result.stdout.split() == [b"0", b"False", b"False"]


def test_output_to_a_pipe_is_written_not_replaced(session: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    result = qtime("--store", session, "--format", "csv", "-o", pipe)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received and received[0].startswith(b'"id","source"')


def test_output_into_a_folder_fails_cleanly(session: Path, tmp_path: Path) -> None:
    result = qtime("--store", session, "--format", "csv", "-o", tmp_path)
    assert result.returncode == 1 and b"cannot write" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_real_demo_session_exports_in_every_format(tmp_path: Path) -> None:
    pytest.importorskip("tui.platforms.demo")
    store_path = tmp_path / "demo.json"
    ingest = subprocess.run([sys.executable, "-m", "tui", "ingest", "--once", "--store", str(store_path),
                             "--source", "demo"], capture_output=True, timeout=60, check=False)
    assert ingest.returncode == 0, ingest.stderr
    state = SessionStore.open(store_path, create=False).state
    assert state.questions
    outputs = {}
    for fmt in ("md", "html", "csv", "json"):
        result = qtime("--store", store_path, "--format", fmt)
        assert result.returncode == 0, result.stderr
        outputs[fmt] = result.stdout.decode("utf-8")
    assert_inert(outputs["md"])
    assert {squash(q.text) for q in state.questions.values()} <= set(quoted_texts(outputs["md"]))
    assert_only_template_markup(parse(outputs["html"]))
    table = list(csv.reader(io.StringIO(outputs["csv"], newline="")))
    assert [row[1] for row in table[1:]] == [q.source for q in state.questions.values()]
    assert [q["id"] for q in json.loads(outputs["json"])["questions"]] == list(state.questions)


@pytest.fixture
def rome_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A session set to Europe/Rome with one question received at 18:07 UTC in May, store closed."""
    monkeypatch.setattr("store.session_store.now_iso", lambda: "2024-05-14T18:07:00.000Z")
    path = tmp_path / "store" / "rome.json"
    path.parent.mkdir()
    store = SessionStore.open(path, settings=Settings(title="Roma", hashtag="roma", tz="Europe/Rome"))
    store.add_questions([{"source": "file", "remote_id": "1", "author": "@a", "text": "Quando?"}])
    store.close()
    return path


def test_tz_overrides_the_sessions_zone_without_changing_the_store(rome_session: Path, tmp_path: Path) -> None:
    before = files(rome_session.parent)
    as_set = qtime("--store", rome_session, "--format", "md")
    assert as_set.returncode == 0, as_set.stderr
    assert b"asked at 20:07 CEST" in as_set.stdout and b"Europe/Rome time zone" in as_set.stdout
    target = tmp_path / "recap.html"
    result = qtime("--store", rome_session, "--format", "html", "--tz", "America/New_York", "-o", target)
    assert result.returncode == 0, result.stderr
    page = target.read_text("utf-8")
    assert "asked at 14:07 EDT" in page and "America/New_York time zone" in page and "20:07" not in page
    assert files(rome_session.parent) == before
    assert SessionStore.open(rome_session, create=False).settings.tz == "Europe/Rome"
    csv_out = qtime("--store", rome_session, "--format", "csv", "--tz", "America/New_York")
    assert b'"2024-05-14T18:07:00.000Z"' in csv_out.stdout  # the CSV keeps UTC, as stored


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_an_unknown_zone_exits_2_and_writes_nothing(rome_session: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = files(rome_session.parent)
    for args in (("-o", out / f"recap.{fmt}"), ()):
        result = qtime("--store", rome_session, "--format", fmt, "--tz", "Mars/Olympus_Mons", *args)
        assert result.returncode == 2
        assert result.stderr.decode().strip() == ("qtime export: unknown time zone 'Mars/Olympus_Mons'"
                                                  " (an IANA name such as Europe/Rome)")
        assert result.stdout == b""
    assert list(out.iterdir()) == []
    assert files(rome_session.parent) == before
