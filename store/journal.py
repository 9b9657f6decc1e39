"""The append-only journal beside a store: one line per commit.

Committing an action appends one line and fsyncs it: a cost that does not
grow with the session (TinyDB rewrites the whole table per write). A line
holds a commit's events as JSON objects separated by an ASCII record
separator (0x1E, which JSON text never contains), so a commit of several
events becomes visible all at once or not at all: readers only ever consume
whole lines. Writers hold the store's cross-process lock; readers need no
lock, so a busy writer can never starve a screen that is only watching. A
writer killed mid-line leaves a partial line that no reader takes and that
the next writer cuts off, under the lock.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import orjson

from store.errors import NotAStoreError
from store.events import Event, JournalEntry
from store.storage import atomic_write

BASE = "journal.base"
SEPARATOR = b"\x1e"
TAIL = 2000  # events already in the snapshot that a compacted journal keeps


class NotDurable(OSError):
    """A commit that reached the journal but whose fsync failed."""


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

    def read_new(self) -> tuple[list[JournalEntry], bool]:
        """Events of the whole lines added since the last read, and whether the
        file was replaced (compacted) since."""
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            replaced = self.inode is not None
            self.inode, self.offset = None, 0
            return [], replaced
        with handle:
            stat = os.fstat(handle.fileno())
            replaced = self.inode is not None and stat.st_ino != self.inode
            if replaced or stat.st_size < self.offset:
                self.offset, replaced = 0, True
            if self.offset and self.head and handle.read(len(self.head)) != self.head:
                self.offset, replaced = 0, True  # same inode number, another file
            self.inode, self.mtime = stat.st_ino, stat.st_mtime_ns
            handle.seek(self.offset)
            data = handle.read()
        if self.offset == 0:
            first = data[: data.find(b"\n") + 1]
            self.head = first if b'"journal.base"' in first else b""
        end = data.rfind(b"\n") + 1
        events = [event for number, line in enumerate(data[:end].split(b"\n")[:-1])
                  for event in self._decode(line, number)]
        self.offset += end
        return events, replaced

    def _decode(self, line: bytes, number: int) -> list[JournalEntry]:
        events = []
        for raw in line.split(SEPARATOR) if line.strip() else ():
            try:
                event = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                raise NotAStoreError(
                    f"{self.path}: journal line {number + 1} after byte {self.offset} is not JSON ({error})"
                ) from None
            if not isinstance(event, dict) or type(event.get("seq")) is not int or not isinstance(event.get("action"), str):
                raise NotAStoreError(f"{self.path}: not a qtime journal (a line without a sequence number)")
            events.append(cast(JournalEntry, event))
        return events

    def append(self, events: list[Event]) -> None:
        """Append one commit durably. Call under the store lock, after `read_new`.

        Raises `OSError` when nothing was committed (the line did not reach
        the file whole), `NotDurable` when the line is in the file but the
        disk did not confirm it.
        """
        payload = SEPARATOR.join(orjson.dumps(event) for event in events) + b"\n"
        # Unbuffered: a failed write must not linger in a buffer that close() retries.
        with open(self.path, "ab", buffering=0) as handle:
            if handle.tell() > self.offset:
                # A writer died mid-line: that line was never committed.
                handle.truncate(self.offset)
            try:
                rest = memoryview(payload)
                while rest:
                    rest = rest[handle.write(rest):]
            except OSError:
                # Disk full mid-line: the line has no end, so no reader took
                # it; cut it now (or the next writer will, first thing).
                self._cut(handle)
                raise
            self.inode = os.fstat(handle.fileno()).st_ino
            self.offset += len(payload)
            try:
                os.fsync(handle.fileno())
            except OSError as error:
                # The line is in the file and other processes may have read
                # it: it is committed, but the disk did not confirm it.
                raise NotDurable(error.errno, error.strerror) from None

    def _cut(self, handle: BinaryIO) -> None:
        try:
            handle.truncate(self.offset)
        except OSError:
            pass  # the next append cuts it (its first step), under the lock

    def snapshot_digest(self) -> str:
        """The digest of the snapshot the journal's base line names ("" when none)."""
        try:
            with open(self.path, "rb") as handle:
                first = handle.readline(4096)
            base = orjson.loads(first) if first.strip() else {}
        except (OSError, orjson.JSONDecodeError):
            return ""
        found = base.get("snapshot") if isinstance(base, dict) and base.get("action") == BASE else None
        return found if isinstance(found, str) else ""

    def keep_after(self, seq: int, session: str = "", tail: int = TAIL, *, snapshot: str = "") -> None:
        """Replace the journal after a snapshot that holds every event up to `seq`.

        The new file starts with a `journal.base` line carrying `seq` (and an id
        of its own, so a reader can tell it from the file it was reading even
        when the file system reuses the inode number). It keeps the last `tail`
        events the snapshot already holds, so that a process that was a little
        behind catches up from the journal instead of reloading the snapshot.
        """
        self.read_new()
        tail_events: list[bytes] = []
        if self.offset:
            with open(self.path, "rb") as handle:
                lines = handle.read(self.offset).split(b"\n")[:-1]
            for number in range(len(lines) - 1, -1, -1):  # newest first: stop once past the tail
                # `or 0`: for the checker only (`_decode` refuses an entry without an int seq)
                events = [e for e in self._decode(lines[number], number) if e["action"] != BASE]
                tail_events[:0] = [orjson.dumps(e) + b"\n" for e in events if (e["seq"] or 0) > seq - tail]
                if events and (events[0]["seq"] or 0) <= seq - tail:
                    break
        base = {"seq": seq, "action": BASE, "id": secrets.token_hex(8), "session": session, "snapshot": snapshot}
        kept = [orjson.dumps(base) + b"\n", *tail_events]
        payload = b"".join(kept)
        atomic_write(self.path, payload)
        self.inode, self.offset, self.head = os.stat(self.path).st_ino, len(payload), kept[0]
