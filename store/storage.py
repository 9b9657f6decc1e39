"""A TinyDB storage that never truncates the file in place.

TinyDB's `JSONStorage` rewrites its file in place (seek 0, write, truncate):
a crash mid-write leaves half a file. Here every write goes to a temp file in
the same folder, is fsynced, and replaces the old file with `os.replace`
(atomic on POSIX and Windows), then the folder is fsynced so the rename
itself survives a power cut. A crash leaves the old file or the new one,
never a mix; the worst it leaves is an orphaned temp file, which
`remove_orphans` deletes (call it while holding the store's lock).

Any TinyDB user can read a qtime store with `TinyDB(path)` or, to write it
safely, `TinyDB(path, storage=AtomicJSONStorage)`.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage


def temp_pattern(path: Path) -> str:
    return f".{path.name}.*.tmp"


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or pieces of them) to `path` so that a crash leaves the old or the new bytes."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_orphans(path: Path) -> int:
    """Delete temp files a crashed writer left beside `path`; returns how many."""
    removed = 0
    for orphan in path.parent.glob(temp_pattern(path)):
        orphan.unlink(missing_ok=True)
        removed += 1
    return removed


class AtomicJSONStorage(Storage):
    """TinyDB storage seam: read the whole file, write it atomically."""

    def __init__(self, path: str | os.PathLike[str], **_: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return orjson.loads(raw) if raw else None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, orjson.dumps(data))

    def close(self) -> None:
        """Nothing stays open between reads and writes."""
