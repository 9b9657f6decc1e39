"""A file that is not a qtime store is refused with a clear message and left untouched."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.errors import NotAStoreError
from store.session_store import SessionStore

EXPORT_EXISTS = (Path(__file__).parents[1] / "tui" / "commands" / "export.py").exists()


def newer_store() -> bytes:
    return json.dumps({"meta": {"1": {"format": "qtime-store", "schema": 999, "last_seq": 0}}, "questions": {}}).encode()


# name -> (bytes, or None for a folder; words the message must contain)
BAD_FILES: dict[str, tuple[bytes | None, str]] = {
    "not-json": (b"title: my session\nquestions: []\n", "not valid JSON"),
    "binary": (bytes(range(256)) * 8, "not valid JSON"),
    "empty": (b"", "empty file"),
    "foreign-tinydb": (json.dumps({"_default": {"1": {"name": "someone else's"}}}).encode(), "not a qtime store"),
    "list": (b"[1, 2, 3]", "not a qtime store"),
    "newer-schema": (newer_store(), "newer qtime"),
    "folder": (None, "folder"),
}

COMMANDS = {
    "ingest": lambda store, tmp: ["ingest", "--store", str(store), "--source", f"file:{tmp / 'in.jsonl'}", "--once"],
    "export": lambda store, tmp: ["export", "--store", str(store), "--format", "json", "-o", str(tmp / "out.json")],
    "serve": lambda store, tmp: ["serve", "--store", str(store), "--port", "0"],  # refused before it listens
}


def fingerprint(path: Path) -> tuple[object, ...]:
    stat = path.stat()
    content = sorted(os.listdir(path)) if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return content, stat.st_mtime_ns, stat.st_size if path.is_file() else None


def make_bad(folder: Path, kind: str) -> Path:
    data, _ = BAD_FILES[kind]
    path = folder / "session.json"
    if data is None:
        path.mkdir()
        (path / "notes.txt").write_text("mine")
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_open_refuses_and_touches_nothing(tmp_path: Path, kind: str) -> None:
    path = make_bad(tmp_path, kind)
    before = fingerprint(path)
    with pytest.raises(NotAStoreError) as raised:
        SessionStore.open(path)
    assert str(path) in str(raised.value)
    assert BAD_FILES[kind][1] in str(raised.value)
    assert fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.json"]  # no lock, journal or temp file


@pytest.mark.parametrize(
    "command",
    ["ingest", "serve", pytest.param("export", marks=pytest.mark.skipif(not EXPORT_EXISTS, reason="tui/commands/export.py not written yet"))],
)
@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_commands_exit_2_naming_the_file(tmp_path: Path, kind: str, command: str) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    path = make_bad(folder, kind)
    (tmp_path / "in.jsonl").write_text(json.dumps({"author": "@a", "text": "hello?"}) + "\n")
    before = fingerprint(path)
    result = subprocess.run(
        [sys.executable, "-m", "tui", *COMMANDS[command](path, tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr
    assert BAD_FILES[kind][1] in result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["session.json"]
    assert not (tmp_path / "out.json").exists()
