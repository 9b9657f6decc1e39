"""`file:PATH`: questions as JSON Lines, read once or followed as the file grows.

A line is `{"author": "@nerthase", "text": "...", "id"?, "name"?, "at"?,
"url"?, "votes"?}`. Without an `id`, the question's identity is its author,
time and text, so reading the same file twice stores nothing twice.

A regular file is followed the way `tail -F` does: one truncated (or
rewritten in place) is read again from the start, one replaced (renamed over,
a new inode) is reopened and read from its start. `-` (stdin) and a FIFO
are read as streams, to their end; a FIFO is opened without waiting for a
writer and read as data arrives, on the event loop. Anything else (a
directory, a device such as /dev/zero) is refused. A line over `MAX_LINE`
bytes is skipped and counted without ever being held whole.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import stat
import sys
from collections.abc import Awaitable, Callable
from typing import IO

import orjson

from tui.i18n import _, ngettext, number
from tui.platforms.base import Emit, Item, Report, Source, Warn

BATCH = 2000
FOLLOW_POLL = 0.25
READ_AHEAD = 1 << 20  # bytes read per thread hop
MAX_LINE = 1 << 20  # a longer line is skipped and counted
HEAD = 256  # bytes compared to notice a followed file rewritten in place


def _loads(raw: bytes) -> object:
    """orjson for speed; the stdlib for what orjson refuses but JSON allows
    (lone surrogate escapes: the store turns them into U+FFFD)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def line_item(data: object) -> Item | str:
    """A JSON Lines record as a question item, or the reason it is refused."""
    if not isinstance(data, dict):
        return "not a JSON object"
    author, text = data.get("author"), data.get("text")
    if not isinstance(author, str) or not author.strip():
        return "no \"author\""
    if not isinstance(text, str) or not text.strip():
        return "no \"text\""
    remote = data.get("id")
    if remote is None:
        key = f"{author}\x00{data.get('at', '')}\x00{text}".encode("utf-8", "replace")
        remote = hashlib.blake2b(key, digest_size=10).hexdigest()
    votes = data.get("votes", 0)
    return {
        "source": "file",
        "remote_id": str(remote),
        "author": author,
        "author_name": data.get("name") or "",
        "text": text,
        "posted_at": data.get("at") or "",
        "url": data.get("url") or "",
        "votes": votes if isinstance(votes, int) and not isinstance(votes, bool) else 0,
    }


class NotReadable(Exception):
    """A path that names something qtime does not read questions from; the message says what."""


class LineSplitter:
    """Whole lines out of chunks of bytes, in bounded memory.

    A line over `limit` bytes comes out once as None, when it passes the
    limit, and the rest of it is dropped as it arrives (`file:/dev/zero`-like
    input never grows the buffer).
    """

    def __init__(self, limit: int = MAX_LINE) -> None:
        self.limit = limit
        self.rest = b""
        self.skipping = False

    def feed(self, chunk: bytes) -> list[bytes | None]:
        pieces = (self.rest + chunk).split(b"\n")
        self.rest = pieces.pop()
        if self.skipping and pieces:  # the end of the over-long line
            del pieces[0]
            self.skipping = False
        lines: list[bytes | None] = [piece if len(piece) <= self.limit else None for piece in pieces]
        if self.skipping or len(self.rest) > self.limit:
            if not self.skipping:
                lines.append(None)
                self.skipping = True
            self.rest = b""
        return lines

    def finish(self) -> list[bytes | None]:
        """The last, unterminated line (none while one is being skipped); the splitter starts afresh."""
        last: list[bytes | None] = [self.rest] if self.rest and not self.skipping else []
        self.rest, self.skipping = b"", False
        return last


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def open_input(path: str) -> tuple[IO[bytes], bool]:
    """(the open file, whether it is a FIFO). Blocking I/O: call it in a thread.

    Opened non-blocking, so a FIFO without a writer does not hang the open;
    a regular file is then switched back to blocking reads.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode  # the file opened, not what the path names a moment later
        if stat.S_ISFIFO(mode):
            return os.fdopen(fd, "rb", buffering=0), True
        if not stat.S_ISREG(mode):
            raise NotReadable(f"{path} is {_kind(mode)}: give a file, a FIFO, or - for stdin")
        if os.name == "posix":
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), False
    except BaseException:
        os.close(fd)
        raise


def _set_once(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def read_pipe(handle: IO[bytes]) -> bytes:
    """The next bytes of a non-blocking FIFO, waiting on the event loop (no thread) until some
    arrive; b"" once its writer has closed it."""
    loop = asyncio.get_running_loop()
    fd = handle.fileno()
    while True:
        ready: asyncio.Future[None] = loop.create_future()
        loop.add_reader(fd, _set_once, ready)
        try:
            await ready
        finally:
            loop.remove_reader(fd)
        try:
            return os.read(fd, READ_AHEAD)
        except BlockingIOError:
            continue


def file_change(path: str, handle: IO[bytes], head: bytes) -> str:
    """"replaced" (the path names another file now), "truncated" (shorter than what was read,
    or its first bytes rewritten) or "". Blocking I/O: call it in a thread."""
    try:
        named = os.stat(path)
    except OSError:
        return ""  # gone for now: keep reading the open file until the path names one again
    opened = os.fstat(handle.fileno())
    if (named.st_ino, named.st_dev) != (opened.st_ino, opened.st_dev):
        return "replaced"
    if opened.st_size < handle.tell() or _head_changed(handle, head):
        return "truncated"
    return ""


def _head_changed(handle: IO[bytes], head: bytes) -> bool:
    """Whether the file's first bytes differ from those read (a file rewritten to no smaller a size)."""
    if not head or not hasattr(os, "pread"):  # Windows: the size check alone
        return False
    return os.pread(handle.fileno(), len(head), 0) != head


class FileSource(Source):
    def __init__(self, spec: str, path: str) -> None:
        super().__init__(spec)
        self.path = path
        self.line_number = 0
        self.lines = LineSplitter()
        self._head = b""  # the first bytes of the followed file, as read
        self._file: IO[bytes]  # the file being read (a followed one is swapped when replaced)

    @property
    def name(self) -> str:
        return "stdin" if self.path == "-" else self.path

    def _parse(self, raw: bytes | None, warn: Warn) -> Item | None:
        self.line_number += 1
        if raw is None:
            parsed: Item | str = f"over {MAX_LINE >> 20} MB"
        elif not raw.strip():
            return None
        else:
            try:
                parsed = line_item(_loads(raw))
            except (ValueError, RecursionError) as error:
                parsed = f"not JSON ({error})"
        if isinstance(parsed, str):
            self.rejected += 1
            warn(f"{self.name} line {self.line_number}: {parsed}; skipped")
            return None
        return parsed

    async def _deliver(self, lines: list[bytes | None], emit: Emit, warn: Warn) -> None:
        batch = [item for raw in lines if (item := self._parse(raw, warn)) is not None]
        for start in range(0, len(batch), BATCH):
            await emit(batch[start:start + BATCH])

    async def _pump(self, read: Callable[[], Awaitable[bytes]], emit: Emit, warn: Warn) -> None:
        """Store every whole line `read` gives, as it gives them, until it gives b""."""
        while chunk := await read():
            if len(self._head) < HEAD:
                self._head += chunk[:HEAD - len(self._head)]
            await self._deliver(self.lines.feed(chunk), emit, warn)

    async def _to_end(self, read: Callable[[], Awaitable[bytes]], emit: Emit, warn: Warn) -> None:
        """Everything `read` gives, the last unterminated line included."""
        await self._pump(read, emit, warn)
        await self._deliver(self.lines.finish(), emit, warn)

    async def run(self, emit: Emit, report: Report, warn: Warn, *, once: bool = False) -> None:
        if self.path == "-":
            report(self.state("live", _("reading stdin")))
            stdin = sys.stdin.buffer
            await self._to_end(lambda: asyncio.to_thread(stdin.read1, READ_AHEAD), emit, warn)  # type: ignore[union-attr]
            report(self.state("done", self._lines_read()))
            return
        try:
            self._file, fifo = await asyncio.to_thread(open_input, self.path)
        except OSError as error:
            report(self.state("stopped", f"cannot read {self.path}: {error.strerror}"))
            return
        except NotReadable as error:
            report(self.state("stopped", str(error)))
            return
        reading = _("reading {path} (a FIFO, as data arrives)") if fifo else _("reading {path}")
        report(self.state("live", reading.format(path=self.path)))
        try:
            if fifo:
                pipe = self._file
                await self._to_end(lambda: read_pipe(pipe), emit, warn)
            elif once:
                await self._to_end(self._read, emit, warn)
            else:
                await self._follow(emit, warn)
            report(self.state("done", self._lines_read()))
        finally:
            self._file.close()

    def _lines_read(self) -> str:
        return ngettext("{count} line read", "{count} lines read", self.line_number).format(count=number(self.line_number))

    async def _read(self) -> bytes:
        return await asyncio.to_thread(self._file.read, READ_AHEAD)

    async def _follow(self, emit: Emit, warn: Warn) -> None:
        """Follow a regular file until cancelled, like `tail -F`."""
        while True:
            await self._pump(self._read, emit, warn)
            await asyncio.sleep(FOLLOW_POLL)
            change = await asyncio.to_thread(file_change, self.path, self._file, self._head)
            if change == "replaced":
                await self._to_end(self._read, emit, warn)  # what was appended before the rename
                if not await self._reopen():
                    continue
            elif change == "truncated":
                self._file.seek(0)
            if change:
                self.line_number, self._head, self.lines = 0, b"", LineSplitter()

    async def _reopen(self) -> bool:
        """Open what the path names now; False (the old file kept) while that is not a regular file."""
        try:
            handle, fifo = await asyncio.to_thread(open_input, self.path)
        except (OSError, NotReadable):
            return False
        if fifo:
            handle.close()
            return False
        self._file.close()
        self._file = handle
        return True
