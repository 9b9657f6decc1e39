"""`file:` sources on FIFOs, devices, endless lines, and files truncated or replaced while followed (F7, F8)."""
from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures_platforms import Recorder
from tui.platforms.file_source import MAX_LINE, FileSource, LineSplitter

pytestmark = pytest.mark.timeout(60)


def line(text: str) -> bytes:
    return (json.dumps({"author": "@u", "text": text}) + "\n").encode()


def texts(rec: Recorder) -> list[str]:
    return [item["text"] for item in rec.items]


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


def source(path: Path) -> FileSource:
    return FileSource(f"file:{path}", str(path))


async def test_a_fifo_opens_at_once_and_is_read_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "questions.fifo"
    os.mkfifo(fifo)
    writer_opened = threading.Event()

    def write_later() -> None:
        writer_opened.wait(60)  # set by the test once it has seen the loop run with no writer
        with fifo.open("wb") as pipe:
            pipe.write(line("one") + line("two")[:9])
            pipe.flush()
            pipe.write(line("two")[9:] + b'{"author": "@u", "text": "three, unterminated"}')

    writer = threading.Thread(target=write_later, daemon=True)
    writer.start()
    rec = Recorder()
    task = asyncio.create_task(source(fifo).run(rec.emit, rec.report, rec.warn))
    try:
        await until(lambda: bool(rec.states), seconds=5)  # the open did not wait for a writer
        assert rec.states[-1].state == "live" and "FIFO" in rec.states[-1].detail
        writer_opened.set()
        async with asyncio.timeout(20):
            await task
    finally:
        writer_opened.set()
        task.cancel()
    assert texts(rec) == ["one", "two", "three, unterminated"]
    assert rec.last.state == "done" and not rec.warnings


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), ("{tmp}", "a directory")])
async def test_devices_and_directories_are_refused(tmp_path: Path, path: str, kind: str) -> None:
    target = Path(path.format(tmp=tmp_path))
    rec = await Recorder().once(source(target))
    assert rec.last.state == "stopped" and kind in rec.last.detail
    assert not rec.items


def test_an_endless_line_is_skipped_in_bounded_memory() -> None:
    lines = LineSplitter(limit=1000)
    out: list[bytes | None] = []
    for _ in range(500):  # 500 kB without a newline: /dev/zero-like
        out += lines.feed(b"\0" * 1000)
        assert len(lines.rest) <= 1000
    out += lines.feed(b"end of the long one\nnext\nlast")
    out += lines.finish()
    assert out == [None, b"next", b"last"]


async def test_an_over_long_line_is_counted_and_the_next_read(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(line("before") + b'{"author": "@u", "text": "' + b"x" * (MAX_LINE + 10) + b'"}\n' + line("after"))
    rec = await Recorder().once(source(feed))
    assert texts(rec) == ["before", "after"]
    assert any("line 2: over 1 MB" in warning for warning in rec.warnings)


async def follow(path: Path, rec: Recorder) -> asyncio.Task[None]:
    return asyncio.create_task(source(path).run(rec.emit, rec.report, rec.warn))


async def test_a_followed_file_truncated_and_refilled_is_read_from_the_start(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(line("a1") + line("a2"))
    rec = Recorder()
    task = await follow(feed, rec)
    try:
        await until(lambda: len(rec.items) == 2)
        # truncated and refilled at once, longer than before: the size never looks smaller
        feed.write_bytes(line("refilled b1, a longer first line") + line("b2") + line("b3"))
        await until(lambda: len(rec.items) == 5)
    finally:
        task.cancel()
    assert texts(rec) == ["a1", "a2", "refilled b1, a longer first line", "b2", "b3"]
    assert not rec.warnings  # never parsed from the middle of a line


async def test_a_followed_file_replaced_by_rename_is_reopened(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(line("old 1"))
    rec = Recorder()
    task = await follow(feed, rec)
    try:
        await until(lambda: len(rec.items) == 1)
        with feed.open("ab") as old:
            old.write(line("old 2"))  # appended just before the rotation: still read
        fresh = tmp_path / "feed.jsonl.new"
        fresh.write_bytes(line("new 1"))
        os.replace(fresh, feed)
        await until(lambda: len(rec.items) == 3)
        with feed.open("ab") as new:
            new.write(line("new 2"))
        await until(lambda: len(rec.items) == 4)
    finally:
        task.cancel()
    assert texts(rec) == ["old 1", "old 2", "new 1", "new 2"]
