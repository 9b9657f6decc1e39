"""What the drills share: starting real processes, checking a store's files, table rows."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from store.storage import temp_pattern

ROOT = Path(__file__).resolve().parents[2]
MODERATOR = ROOT / "tests" / "workers" / "moderator.py"
Row = dict[str, object]


def row(drill: str, figure: str, value: object, target: str, met: bool | None) -> Row:
    return {"figure": f"{drill}: {figure}", "value": value, "baseline": "—", "target": target, "met": met}


def write_posts(path: Path, start: int, count: int, prefix: str = "p") -> Path:
    with path.open("a") as handle:
        for n in range(start, start + count):
            handle.write(json.dumps({"id": f"{prefix}{n}", "author": f"@asker{n % 313}", "text": f"Question {prefix}{n}: what ships next?"}) + "\n")
    return path


def qtime(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tui", *args], cwd=ROOT, text=True, **kwargs)  # type: ignore[call-overload]


def script(path: Path, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(path), *args], cwd=ROOT, text=True, **kwargs)  # type: ignore[call-overload]


def files_parse(store: Path) -> str | None:
    """None when the snapshot and every complete journal line parse with plain `json`, else why not."""
    try:
        if store.exists():
            json.loads(store.read_bytes())
        journal = store.with_name(store.name + ".journal")
        if journal.exists():
            data = journal.read_bytes()
            for line in data[: data.rfind(b"\n") + 1].splitlines():
                for event in line.split(b"\x1e"):  # one line per commit, its events separated
                    json.loads(event)
    except ValueError as error:
        return str(error)
    return None


def temp_files(store: Path) -> list[Path]:
    journal = store.with_name(store.name + ".journal")
    return [*store.parent.glob(temp_pattern(store)), *store.parent.glob(temp_pattern(journal))]


def complete_lines(text: str) -> list[str]:
    """Lines a killed process finished writing (a last line without newline was cut)."""
    return text.split("\n")[:-1]
