"""`kill -9` a real `qtime ingest` at random moments: the store always loads, nothing committed is lost."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.drills.common import files_parse, temp_files
from store.session_store import SessionStore

ROUNDS = 12
PER_ROUND = 3_000  # new posts for each run to store, so a kill can land while they are written
pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def add_questions(path: Path, count: int, prefix: str) -> None:
    with path.open("a") as handle:
        for n in range(count):
            record = {"id": f"{prefix}{n}", "author": f"@asker{n % 997}", "text": f"question {prefix}{n}: when is the roadmap out?"}
            handle.write(json.dumps(record) + "\n")


def ingest(store: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "ingest", "--store", str(store), "--source", f"file:{source}", "--once"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_during_ingest_loses_nothing(tmp_path: Path) -> None:
    source = tmp_path / "questions.jsonl"
    store = tmp_path / "session.json"
    rng = random.Random(int(os.environ.get("QTIME_CRASH_SEED", "20")))
    count = 0
    for run in range(ROUNDS):
        add_questions(source, PER_ROUND, prefix=f"r{run}-")
        process = ingest(store, source)
        time.sleep(rng.uniform(0.05, 1.4))  # from start-up to the last commits
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        assert files_parse(store) is None  # plain `json` reads the snapshot and every whole journal line
        if not store.exists():
            continue  # killed before the store was created
        session = SessionStore.open(store, actor="check")
        now = len(session.state.questions)
        assert now >= count, f"after run {run}: {now} questions, had {count}"
        count = now
        assert temp_files(store) == []

    finished = ingest(store, source)
    _, errors = finished.communicate(timeout=120)
    assert finished.returncode == 0, errors.decode()
    assert files_parse(store) is None
    session = SessionStore.open(store)
    expected = {f"r{run}-{n}" for run in range(ROUNDS) for n in range(PER_ROUND)}
    assert {q.remote_id for q in session.state.questions.values()} == expected
    snapshot = json.loads(store.read_bytes())
    rows = list(snapshot["questions"].values())
    assert len(rows) == len(expected) and len({row["id"] for row in rows}) == len(expected)
    added = [e["qid"] for e in snapshot["events"].values() if e["action"] == "question.add"]
    assert len(added) == len(set(added)) == len(expected)  # each stored exactly once
    assert temp_files(store) == []
