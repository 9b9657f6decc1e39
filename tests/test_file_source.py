"""`file:` sources through the real `qtime ingest`: a live pipe, a followed file, stopping cleanly."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from store.session_store import SessionStore


def line(n: int) -> bytes:
    return (json.dumps({"author": f"@u{n}", "text": f"question {n}?"}) + "\n").encode()


def stored(path: Path) -> int:
    if not path.exists():
        return 0
    return len(SessionStore.open(path, create=False).state.questions)


def wait_for(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def ingest(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tui", "ingest", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def test_a_live_pipe_is_stored_as_lines_arrive(tmp_path: Path) -> None:
    store = tmp_path / "s.json"
    proc = ingest("--store", str(store), "--source", "file:-", stdin=subprocess.PIPE)
    try:
        proc.stdin.write(line(1) + line(2))
        proc.stdin.flush()
        assert wait_for(lambda: stored(store) == 2), "lines from a live pipe were not stored"
        out, err = proc.communicate(b"not json\n" + line(3), timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert out.decode().strip() == "3 new, 0 already known, 1 rejected"
    assert "stdin line 3: not JSON" in err.decode()


def test_a_followed_file_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    store, feed = tmp_path / "s.json", tmp_path / "feed.jsonl"
    feed.write_bytes(line(1))
    proc = ingest("--store", str(store), "--source", f"file:{feed}")
    try:
        assert wait_for(lambda: stored(store) == 1)
        with feed.open("ab") as handle:
            handle.write(line(2) + line(3)[:10])  # the third line is still being written
        assert wait_for(lambda: stored(store) == 2)
        with feed.open("ab") as handle:
            handle.write(line(3)[10:])
        assert wait_for(lambda: stored(store) == 3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err.decode()
    assert "Traceback" not in err.decode()
    assert out.decode().strip() == "3 new, 0 already known, 0 rejected"
