"""Schema versions of the store file and the steps between them.

`SCHEMA` is the version this qtime writes. A file at an older version is
migrated in memory on load (and written at `SCHEMA` by the next snapshot); a
file at a newer version is refused, untouched, rather than misread.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA = 2
FORMAT = "qtime-store"

Tables = dict[str, Any]

# version N -> function turning version-N tables into version-N+1 tables.
# 1 -> 2: answers gained `revisions`/`retracted_at` and outbox parts `op`/`revision`/`target`,
# whose defaults read a version-1 file as it was. The step is the version number itself: a qtime
# that knows only version 1 refuses a store that may hold edits and deletes, instead of posting them.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: lambda tables: tables}


def migrate(tables: Tables, version: int) -> Tables:
    while version < SCHEMA:
        tables = MIGRATIONS[version](tables)
        version += 1
    return tables
