"""Hardening, round two (store side): symlinks, long ids, hidden and mismeasured text, odd files."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.cells import cell_len

from store.errors import NotAStoreError
from store.sanitize import clean_line, clean_text
from store.session_store import SessionStore

FLAG_ENGLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"


def items(n: int) -> list[dict]:
    return [{"source": "t", "remote_id": str(i), "author": f"u{i}", "text": f"question {i}"} for i in range(n)]


# -- F5: a store opened through a symlink -------------------------------------------


def test_a_store_opened_through_a_symlink_shares_the_targets_journal_and_lock(tmp_path: Path) -> None:
    real = tmp_path / "real" / "session.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    SessionStore.open(real).add_questions(items(3))
    link.symlink_to(real)
    via_link = SessionStore.open(link, actor="a")
    direct = SessionStore.open(real, actor="b")
    qid = next(iter(via_link.state.questions))
    via_link.approve(qid)
    direct.refresh()
    assert direct.state.questions[qid].status == "approved"
    via_link.compact()
    assert link.is_symlink() and not (tmp_path / "link.json.journal").exists()
    assert SessionStore.open(real).state.questions[qid].status == "approved"


# -- F9: long ids ----------------------------------------------------------------------


def test_distinct_long_ids_with_a_common_prefix_stay_two_questions(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json")
    prefix = "x" * 210
    result = store.add_questions([
        {"source": "t", "remote_id": prefix + "-alice", "author": "alice", "text": "one"},
        {"source": "t", "remote_id": prefix + "-bob", "author": "bob", "text": "two"},
    ])
    assert (result.new, result.known) == (2, 0)
    assert sorted(q.remote_id for q in store.state.questions.values()) == [prefix + "-alice", prefix + "-bob"]
    again = store.add_questions([{"source": "t", "remote_id": prefix + "-bob", "author": "bob", "text": "two"}])
    assert (again.new, again.known) == (0, 1)


# -- F11: tag characters ---------------------------------------------------------------


def test_tag_characters_survive_only_inside_emoji_tag_sequences() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous")
    assert clean_text(f"hello{hidden} world") == "hello world"
    assert clean_line(f"@name{hidden}") == "@name"
    assert clean_text(f"go {FLAG_ENGLAND}!") == f"go {FLAG_ENGLAND}!"
    assert clean_text(f"{FLAG_ENGLAND[:-1]}{hidden}") == "\U0001F3F4"  # no CANCEL TAG: not a sequence
    assert clean_text(f"\U0001F600{FLAG_ENGLAND[1:]}") == "\U0001F600"  # tags on another emoji


# -- F10: what terminals draw wider than it is measured ---------------------------------


@pytest.mark.parametrize("text", [
    "\u3164", "\u3164\u3164\u3164", "a \U0001F3FB b", "\U0001F3FF", "\u0903start", "x \u0bbe",
])
def test_text_measured_narrower_than_drawn_is_dropped(text: str) -> None:
    cleaned = clean_line(text)
    assert not any(ch in cleaned for ch in "\u3164\U0001F3FB\U0001F3FF\u0903\u0bbe")


def test_real_uses_of_modifiers_and_spacing_marks_are_kept() -> None:
    for text in ("\U0001F44D\U0001F3FD thanks", "नमस्कार कैसे हैं", "தமிழ்"):
        assert clean_text(text) == text
    assert cell_len(clean_line("\u3164")) == 0 and clean_line("\u3164") == ""


# -- F15: files that are not regular, read-only stores -----------------------------------


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            SessionStore.open(fifo)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader so the thread ends
        with open(fifo, "wb"):
            pass
        pytest.fail("opening a FIFO as a store hung")
    assert isinstance(outcome[0], NotAStoreError) and "not a store file" in str(outcome[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_with_exit_2(tmp_path: Path, device: str) -> None:
    result = subprocess.run([sys.executable, "-m", "tui", "export", "--store", device, "--format", "json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "not a store file" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A tmpfs that the test remounts read-only (root only)."""
    folder = tmp_path / "mnt"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_store_on_a_read_only_file_system_opens_read_only(read_only_folder: Path) -> None:
    path = read_only_folder / "s.json"
    store = SessionStore.open(path)
    store.add_questions(items(5))
    store.approve(next(iter(store.state.questions)))  # left in the journal, not compacted
    del store
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_folder)], check=True)
    opened = SessionStore.open(path, actor="export", create=False)
    assert opened.read_only and "read-only" in (opened.write_error or "")
    assert len(opened.state.questions) == 5
    assert sum(q.status == "approved" for q in opened.state.questions.values()) == 1
    result = subprocess.run([sys.executable, "-m", "tui", "export", "--store", str(path), "--format", "csv"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("question ") == 5
