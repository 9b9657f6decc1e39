"""`file:PATH`: questions as JSON Lines, read once or followed as the file grows.

A line is `{"author": "@nerthase", "text": "...", "id"?, "name"?, "at"?,
"url"?, "votes"?}`. Without an `id`, the question's identity is its author,
time and text, so reading the same file twice stores nothing twice.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from pathlib import Path
from typing import IO

import orjson

from tui.platforms.base import Emit, Item, Report, Source, Warn

BATCH = 2000
FOLLOW_POLL = 0.25
READ_AHEAD = 1 << 20  # bytes of lines read per thread hop


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


class FileSource(Source):
    def __init__(self, spec: str, path: str) -> None:
        super().__init__(spec)
        self.path = path
        self.line_number = 0

    def _parse(self, raw: bytes, warn: Warn) -> Item | None:
        self.line_number += 1
        if not raw.strip():
            return None
        try:
            parsed = line_item(_loads(raw))
        except (ValueError, RecursionError) as error:
            parsed = f"not JSON ({error})"
        if isinstance(parsed, str):
            self.rejected += 1
            warn(f"{'stdin' if self.path == '-' else self.path} line {self.line_number}: {parsed}; skipped")
            return None
        return parsed

    async def _drain(self, handle: IO[bytes], emit: Emit, warn: Warn, *, final: bool) -> None:
        """Read whole lines available now (and, when `final`, a last unterminated one).

        A file is read about a megabyte of lines per thread hop (one hop per
        line cost more than storing the questions did).
        """
        batch: list[Item] = []
        while True:
            position = None if final else handle.tell()
            lines = await asyncio.to_thread(handle.readlines, READ_AHEAD)
            if not lines:
                break
            partial = position is not None and not lines[-1].endswith(b"\n")
            if partial:  # a line still being written: wait for the rest
                lines.pop()
                handle.seek(position + sum(map(len, lines)))
            for raw in lines:
                item = self._parse(raw, warn)
                if item is not None:
                    batch.append(item)
                if len(batch) >= BATCH:
                    await emit(batch)
                    batch = []
            if partial:
                break
        if batch:
            await emit(batch)

    async def _read_stream(self, stream: IO[bytes], emit: Emit, warn: Warn) -> None:
        """stdin, maybe a live pipe: store what has arrived after every read,
        never waiting for a megabyte or the end (and never seeking)."""
        rest = b""
        while chunk := await asyncio.to_thread(stream.read1, READ_AHEAD):  # type: ignore[attr-defined]
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            batch = [item for raw in data[:cut].split(b"\n")[:-1] if (item := self._parse(raw, warn)) is not None]
            for start in range(0, len(batch), BATCH):
                await emit(batch[start:start + BATCH])
        last = self._parse(rest, warn) if rest else None
        if last is not None:
            await emit([last])

    async def run(self, emit: Emit, report: Report, warn: Warn, *, once: bool = False) -> None:
        stdin = self.path == "-"
        try:
            handle = sys.stdin.buffer if stdin else open(self.path, "rb")
        except OSError as error:
            report(self.state("stopped", f"cannot read {self.path}: {error.strerror}"))
            return
        report(self.state("live", f"reading {'stdin' if stdin else self.path}"))
        try:
            if stdin:
                await self._read_stream(handle, emit, warn)
                report(self.state("done", f"{self.line_number} lines read"))
                return
            if once:
                await self._drain(handle, emit, warn, final=True)
                report(self.state("done", f"{self.line_number} lines read"))
                return
            await self._follow(handle, emit, warn)
        finally:
            if not stdin:
                handle.close()

    async def _follow(self, handle: IO[bytes], emit: Emit, warn: Warn) -> None:
        path = Path(self.path)
        while True:
            await self._drain(handle, emit, warn, final=False)
            await asyncio.sleep(FOLLOW_POLL)
            try:
                if path.stat().st_size < handle.tell():  # truncated: start over, like tail -F
                    handle.seek(0)
                    self.line_number = 0
            except FileNotFoundError:
                pass
