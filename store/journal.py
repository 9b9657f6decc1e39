"""The append-only journal beside a store: one JSON event per line.

Committing an action appends one line and fsyncs it: a cost that does not
grow with the session (TinyDB rewrites the whole table per write). Writers
hold the store's cross-process lock; readers follow the file by offset and
only ever consume whole lines, so a writer killed mid-line is harmless: its
partial line is cut off by the next writer, under the lock.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from store.errors import NotAStoreError
from store.storage import atomic_write

Event = dict[str, Any]
BASE = "journal.base"
TAIL = 2000  # events already in the snapshot that a compacted journal keeps


@dataclass
class Journal:
    path: Path
    offset: int = 0  # end of the last whole line read
    inode: int | None = None
    mtime: int = 0
    head: bytes = b""  # the file's journal.base line (unique per compaction)

    def _stat(self) -> os.stat_result | None:
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            return None

    def changed(self) -> bool:
        """Cheap check (one stat) for lines this reader has not seen."""
        stat = self._stat()
        if stat is None:
            return self.inode is not None
        return stat.st_ino != self.inode or stat.st_size != self.offset or stat.st_mtime_ns != self.mtime

    def read_new(self) -> tuple[list[Event], bool]:
        """Whole lines added since the last read, and whether the file was replaced."""
        stat = self._stat()
        if stat is None:
            replaced = self.inode is not None
            self.inode, self.offset = None, 0
            return [], replaced
        replaced = self.inode is not None and stat.st_ino != self.inode
        if replaced or stat.st_size < self.offset:
            self.offset = 0
            replaced = True
        self.inode, self.mtime = stat.st_ino, stat.st_mtime_ns
        with open(self.path, "rb") as handle:
            if self.offset and self.head and handle.read(len(self.head)) != self.head:
                self.offset, replaced = 0, True  # same inode number, another file
            handle.seek(self.offset)
            data = handle.read()
        if self.offset == 0:
            first = data[: data.find(b"\n") + 1]
            self.head = first if b'"journal.base"' in first else b""
        if not data:
            return [], replaced
        end = data.rfind(b"\n") + 1
        events = []
        for number, line in enumerate(data[:end].splitlines()):
            if not line.strip():
                continue
            try:
                event = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise NotAStoreError(
                    f"{self.path}: journal line {number + 1} after byte {self.offset} is not JSON ({error})"
                ) from None
            if not isinstance(event, dict) or type(event.get("seq")) is not int or not isinstance(event.get("action"), str):
                raise NotAStoreError(f"{self.path}: not a qtime journal (a line without a sequence number)")
            events.append(event)
        self.offset += end
        return events, replaced

    def append(self, events: list[Event]) -> None:
        """Append events durably. Call under the store lock, after `read_new`."""
        payload = b"".join(orjson.dumps(event) + b"\n" for event in events)
        # Unbuffered: a failed write must not linger in a buffer that close() retries.
        with open(self.path, "ab", buffering=0) as handle:
            if handle.tell() > self.offset:
                # A writer died mid-line: that line was never committed.
                handle.truncate(self.offset)
            try:
                rest = memoryview(payload)
                while rest:
                    rest = rest[handle.write(rest):]
                os.fsync(handle.fileno())
            except OSError:
                # Not committed (disk full, I/O error): take back whatever
                # reached the file, or a reader would apply it and the retry
                # would write it a second time.
                self._cut(handle)
                raise
            self.inode = os.fstat(handle.fileno()).st_ino
        self.offset += len(payload)

    def _cut(self, handle: BinaryIO) -> None:
        try:
            handle.truncate(self.offset)
        except OSError:
            pass  # the next append cuts it (its first step), under the lock

    def keep_after(self, seq: int, tail: int = TAIL) -> None:
        """Replace the journal after a snapshot that holds every event up to `seq`.

        The new file starts with a `journal.base` line carrying `seq` (and an id
        of its own, so a reader can tell it from the file it was reading even
        when the file system reuses the inode number). It keeps the last `tail`
        events the snapshot already holds, so that a process that was a little
        behind catches up from the journal instead of reloading the snapshot.
        """
        self.read_new()
        kept: list[bytes] = [orjson.dumps({"seq": seq, "action": BASE, "id": secrets.token_hex(8)}) + b"\n"]
        if self.offset:
            with open(self.path, "rb") as handle:
                for line in handle.read(self.offset).splitlines():
                    event = orjson.loads(line) if line.strip() else None
                    if event is not None and event["action"] != BASE and event["seq"] > seq - tail:
                        kept.append(line + b"\n")
        payload = b"".join(kept)
        atomic_write(self.path, payload)
        self.inode, self.offset, self.head = os.stat(self.path).st_ino, len(payload), kept[0]
