"""Writing an export to a file: the one writer the command line and the app share.

An export never replaces the store or its companions (`.journal`, `.lock`):
that would destroy the session for every process sharing it. A regular file
is replaced atomically (temp file, fsync, rename); a device or a pipe
(`-o /dev/stdout`, a named pipe) is written to, never replaced.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from store.errors import StoreError
from store.storage import atomic_write


class ExportRefused(StoreError):
    """The export would overwrite the session it exports."""


def store_files(store: Path) -> list[Path]:
    """The store and the companion files beside it."""
    return [store] + [store.with_name(store.name + suffix) for suffix in (".journal", ".lock")]


def check_target(output: Path, store: Path) -> None:
    """Refuse an output path that is (or links to) the store or one of its companions."""
    target = os.path.realpath(output)
    if any(target == os.path.realpath(path) for path in store_files(store)):
        raise ExportRefused(f"{output} is the store itself; choose another file")


def write_export(output: Path, data: bytes, *, store: Path) -> None:
    """Write `data` to `output`; `ExportRefused` for the store's own files, `OSError` from the disk."""
    check_target(output, store)
    if output.exists() and not output.is_file():
        if output.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(output))
        with open(output, "wb") as handle:
            handle.write(data)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, data)
