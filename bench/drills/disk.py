"""Disk-full and read-only drill: the store's folder fills up, then turns read-only, mid-session.

Runs on a small tmpfs mounted for the drill (real ENOSPC from a filled
disk, real EROFS from `mount -o remount,ro`); where mounting is not allowed
it falls back to an injected `OSError` from fsync and says so. Checks: the
store says so plainly (`write_error`), keeps the actions in memory (another
process does not see them yet), compaction fails without damage or temp
files, and everything is written once the disk is back; the bytes on disk
before the failure are never damaged. Then the app quits while the disk is
still full: the quit dialog saves the pending actions to a recovery file
(in a state folder off the full disk) and the next open applies them.
"""
from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from unittest import mock

from bench.drills.common import Row, files_parse, row, temp_files
from store.journal import Journal
from store.model import question_id
from store.session_store import SessionStore


def mounted(folder: Path) -> bool:
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True)
    return result.returncode == 0


def fill(folder: Path) -> None:
    """Fill the file system to the last byte (smaller and smaller writes)."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        chunk = 1 << 16
        while chunk:
            try:
                handle.write(b"\0" * chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                chunk //= 2


@contextmanager
def injected(code: int) -> Iterator[None]:
    def refuse(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    with mock.patch("store.journal.os.fsync", refuse), mock.patch("store.storage.os.fsync", refuse):
        yield


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def episode(folder: Path, name: str, fail: Callable[[], object], recover: Callable[[], None], code: int) -> dict[str, object]:
    """One failure: actions while it lasts, checks, recovery, checks."""
    store_path = folder / f"{name}.json"
    session = SessionStore.open(store_path, actor="mod")
    session.add_questions({"source": "d", "remote_id": str(n), "author": f"@a{n}", "text": f"question {n}"} for n in range(200))
    session.compact()
    before = digest(store_path)
    failing = fail()
    with failing if hasattr(failing, "__enter__") else nullcontext():  # type: ignore[union-attr]
        # A full disk still takes a small append into the journal's last
        # page: approve until the store reports the failure.
        approved = 0
        while session.write_error is None and approved < 200:
            session.approve(question_id("d", str(10 + approved)))
            approved += 1
        session.approve(question_id("d", "1"))
        session.star(question_id("d", "2"))
        session.add_questions([{"source": "d", "remote_id": "new", "author": "@late", "text": "arrived while full"}])
        session.save_draft(question_id("d", "3"), "typed while the disk was full")
        said = session.write_error or ""
        kept = session.unwritten - 1 if approved and session.write_error else session.unwritten  # the approval that failed
        compact_refused = session.compact() is False
        snapshot_intact = digest(store_path) == before and files_parse(store_path) is None and not temp_files(store_path)
        # Another process (a read-only folder cannot even take its lock file).
        other = None if code == errno.EROFS else SessionStore.open(store_path, actor="other")
        in_memory = session.state.questions[question_id("d", "1")].status == "approved"
        hidden = other is None or question_id("d", "new") not in other.state.questions
        recover()
    session.flush()
    fresh = SessionStore.open(store_path, actor="check")
    written = (
        session.write_error is None and session.unwritten == 0
        and fresh.state.questions[question_id("d", "1")].status == "approved"
        and fresh.state.questions[question_id("d", "2")].starred
        and question_id("d", "new") in fresh.state.questions
        and fresh.draft(question_id("d", "3")) == "typed while the disk was full"
        and all(fresh.state.questions[question_id("d", str(10 + n))].status == "approved" for n in range(approved))
    )
    session.close()
    return {
        "plain": os.strerror(code) in said and "kept in memory" in said,
        "said": said.replace(str(folder), "<drill folder>"),  # no machine paths in the report
        "kept": kept >= 4 and in_memory and hidden,
        "compact": compact_refused,
        "intact": snapshot_intact,
        "written": written and files_parse(store_path) is None and not temp_files(store_path),
    }


async def quit_while_full(folder: Path, fail: Callable[[], object], recover: Callable[[], None]) -> dict[str, object]:
    """Approve two questions on a full disk in the app, press q, choose "save and quit"; free the disk; reopen."""
    from tui.app import QuestionTimeApp
    from tui.screens.main import MainScreen
    from tui.screens.quit_pending import QuitPendingScreen

    store_path = folder / "quit.json"
    session = SessionStore.open(store_path, actor="mod")
    session.add_questions({"source": "d", "remote_id": str(n), "author": f"@a{n}", "text": f"question {n}"} for n in range(50))
    session.compact()
    app = QuestionTimeApp(session, live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        failing = fail()
        with failing if hasattr(failing, "__enter__") else nullcontext():  # type: ignore[union-attr]
            n = 10
            while session.write_error is None:  # a full disk still takes a few bytes into the journal's last page
                session.approve(question_id("d", str(n)))
                n += 1
            for qid in (question_id("d", "1"), question_id("d", "2")):
                app.post_message(MainScreen.Moderate("approve", qid))  # as the a key does
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            pending = session.unwritten
            await pilot.press("q")
            await pilot.pause(0.2)
            asked = isinstance(app.screen, QuitPendingScreen)
            await pilot.press("s")
            await pilot.pause(0.2)
            quit_ = not app.is_running
        recover()
    fresh = SessionStore.open(store_path, actor="check")
    approved = [qid for qid in (question_id("d", "1"), question_id("d", "2")) if fresh.state.questions[qid].status == "approved"]
    return {"asked": asked and quit_, "pending": pending, "kept": len(approved) == 2 and fresh.recovery_report is not None}


def quit_rows(label: str, result: dict[str, object]) -> list[Row]:
    drill = f"disk drill, quit during a full disk ({label})"
    return [
        row(drill, f"quit asks what to do with the {result['pending']} pending action(s); save and quit exits",
            "yes" if result["asked"] else "no", "yes", bool(result["asked"])),
        row(drill, "nothing lost: the next open applies both approvals from the recovery file",
            "yes" if result["kept"] else "no", "yes", bool(result["kept"])),
    ]


@contextmanager
def state_folder() -> Iterator[None]:
    """Recovery files go to a state folder of the drill's own (off the tmpfs)."""
    saved = os.environ.get("XDG_STATE_HOME")
    with tempfile.TemporaryDirectory(prefix="qtime-state-") as folder:
        os.environ["XDG_STATE_HOME"] = folder
        try:
            yield
        finally:
            if saved is None:
                del os.environ["XDG_STATE_HOME"]
            else:
                os.environ["XDG_STATE_HOME"] = saved


def refuse_appends() -> mock._patch:  # type: ignore[type-arg]
    def full(journal: Journal, events: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return mock.patch.object(Journal, "append", full)


def run(quick: bool = False) -> list[Row]:
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="qtime-disk-") as base:
        folder = Path(base)
        real = mounted(folder)
        try:
            if real:
                results["disk full (tmpfs, real ENOSPC)"] = episode(
                    folder, "full", lambda: fill(folder), lambda: (folder / "filler").unlink(), errno.ENOSPC)
                remount = lambda mode: subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)  # noqa: E731
                results["read-only (tmpfs remounted ro, real EROFS)"] = episode(
                    folder, "ro", lambda: remount("ro"), lambda: remount("rw"), errno.EROFS)
                with state_folder():
                    quitting = quit_rows("tmpfs, real ENOSPC", asyncio.run(
                        quit_while_full(folder, lambda: fill(folder), lambda: (folder / "filler").unlink())))
            else:
                for label, code in (("disk full (injected ENOSPC: tmpfs mount refused)", errno.ENOSPC),
                                    ("read-only (injected EROFS: tmpfs mount refused)", errno.EROFS)):
                    holder: dict[str, object] = {}
                    results[label] = episode(folder, f"e{code}", lambda code=code, holder=holder: holder.setdefault("cm", injected(code)),
                                             lambda: None, code)
                with state_folder():
                    quitting = quit_rows("injected ENOSPC", asyncio.run(quit_while_full(folder, refuse_appends, lambda: None)))
        finally:
            if real:
                subprocess.run(["umount", str(folder)], capture_output=True)
    rows = []
    for label, result in results.items():
        drill = f"disk drill, {label}"
        rows += [
            row(drill, f"says so plainly: {str(result['said'])[:90]}...", "yes" if result["plain"] else "no", "yes", bool(result["plain"])),
            row(drill, "actions kept in memory, not yet visible to another process", "yes" if result["kept"] else "no", "yes", bool(result["kept"])),
            row(drill, "compaction refused without damage; snapshot bytes unchanged, no temp file", "yes" if result["compact"] and result["intact"] else "no", "yes", bool(result["compact"] and result["intact"])),
            row(drill, "all written once the disk is back (fresh process sees them)", "yes" if result["written"] else "no", "yes", bool(result["written"])),
        ]
    return rows + quitting
