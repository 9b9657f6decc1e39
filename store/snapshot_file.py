"""The snapshot's bytes: one JSON document (a TinyDB database), one record per line.

    {
    "meta":{
    "1":{"format":"qtime-store","schema":2,"last_seq":812}
    }
    ,"session":{
    "1":{...}
    }
    ,"questions":{
    "1":{...}
    ,"2":{...}
    }
    }

Any JSON reader (TinyDB's too) reads it as before. orjson never writes a
raw newline inside a value, so each line between a table's first and last is
whole records, and `read` parses them a few thousand at a time: parsing the
whole file at once held its bytes and orjson's own copy of them (about twice
their size) beside the records, 175 MB of a 430 MB peak at 100,000
questions. A file laid out otherwise (an older qtime's, a hand edit, another
tool's) is parsed whole, as before.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

CHUNK = 2_000  # records parsed at once
_TABLE = re.compile(rb'(,?)("(?:[^"\\]|\\.)*"):\{')  # a table's name opens it: "name":{


class Layout(ValueError):
    """The file is not laid out one record per line: parse it whole."""


class Empty(ValueError):
    """The file holds nothing but white space."""


def dump(tables: dict[str, Any]) -> Iterator[bytes]:
    """The snapshot's bytes for `tables` (meta first), in pieces of about `CHUNK` records.

    Allocates no container per record (bytes only): a compaction at 170,000 questions
    would otherwise hand the garbage collector 340,000 tuples to chase.
    """
    yield b"{"
    for number, name in enumerate(sorted(tables, key=lambda name: name != "meta")):
        yield (b"\n," if number else b"\n") + orjson.dumps(name) + b":{"
        pieces: list[bytes] = []
        separator = b"\n"
        for key, record in tables[name].items():
            pieces.append(separator + orjson.dumps(key) + b":" + orjson.dumps(record))
            separator = b"\n,"
            if len(pieces) == CHUNK:
                yield b"".join(pieces)
                pieces = []
        yield b"".join(pieces) + b"\n}"
    yield b"\n}\n"


def digest(pieces: Iterable[bytes]) -> str:
    """What a compaction records of the snapshot it wrote, on the journal's base line.

    A snapshot whose bytes still match is exactly what qtime wrote, so its
    fields need no check on open (about 0.4 s at 100,000 questions, against
    0.07 s for the digest). A hand edit or another tool's write changes the
    bytes, and every field is checked. It guards against mistakes, not
    against someone who can write the store's files: they can change anything.
    """
    hasher = hashlib.blake2b(digest_size=16)
    for piece in pieces:
        hasher.update(piece)
    return hasher.hexdigest()


def file_digest(handle: IO[bytes]) -> str:
    """`digest` of what `handle` holds from its start (read a megabyte at a time, by position:
    `handle` keeps its place). Hashing and reading let go of the GIL, so this can run in a
    thread while another reads the same file: the open of a trusted snapshot does (`SessionStore`)."""
    fd = handle.fileno()

    def pieces() -> Iterator[bytes]:
        offset = 0
        while piece := os.pread(fd, 1 << 20, offset):
            yield piece
            offset += len(piece)
    return digest(pieces())


def read(handle: IO[bytes]) -> Any:
    """The JSON value a snapshot holds, read from the start of `handle`: by `chunks`, else whole.

    Raises `Empty`, or `orjson.JSONDecodeError` for a file that is not JSON.
    """
    try:
        tables: dict[str, dict[str, Any]] = {}
        for name, records in chunks(handle):
            tables.setdefault(name, {}).update(records)
        return tables
    except Layout:
        handle.seek(0)
        raw = handle.read()
        if not raw.strip():
            raise Empty("nothing but white space") from None
        return orjson.loads(raw)


def chunks(handle: IO[bytes]) -> Iterator[tuple[str, dict[str, Any]]]:
    """A laid-out snapshot's tables from the start of `handle`, a chunk of records at a time, in
    the file's order: (table name, its next records); every table gives at least one (maybe
    empty). Raises `Layout` where the file turns out to be laid out otherwise: what came before
    is not to be trusted then."""
    handle.seek(0)
    lines = iter(handle)
    if next(lines, b"") != b"{\n":
        raise Layout("no opening line")
    names: set[str] = set()
    for line in lines:
        if line == b"}\n":
            if next(lines, None) is not None:
                raise Layout("text after the end")
            return
        opened = _TABLE.fullmatch(line.rstrip(b"\n"))
        if opened is None or bool(opened[1]) != bool(names):
            raise Layout("not a table's name")
        name = _loads(opened[2])
        if not isinstance(name, str) or name in names:
            raise Layout("a table named twice")  # a whole parse keeps the last: let it decide
        names.add(name)
        yield from _records(name, lines)
    raise Layout("no closing line")


def _records(name: str, lines: Iterator[bytes]) -> Iterator[tuple[str, dict[str, Any]]]:
    """One table's record lines, up to its closing line, parsed `CHUNK` at a time."""
    chunk: list[bytes] = []
    first = True
    for line in lines:
        if line == b"}\n":
            yield name, _parse(chunk, first)
            return
        chunk.append(line)
        if len(chunk) == CHUNK:
            yield name, _parse(chunk, first)
            chunk, first = [], False
    raise Layout("a table is not closed")


def _parse(chunk: list[bytes], first: bool) -> dict[str, Any]:
    """Record lines as a dict: a table's first line has no comma, every later one has."""
    if not chunk:
        return {}
    head = chunk[0]
    if not head.startswith(b'"' if first else b',"'):
        raise Layout("not one record a line")
    # Joined once, braces included (a chunk is about a megabyte: each copy of it costs).
    text = b"".join([b"{", head if first else head[1:], *chunk[1:], b"}"])
    # Every line ends with its only newline: each later line starts with `,"` once after one.
    if text.count(b'\n,"') != len(chunk) - 1:
        raise Layout("not one record a line")
    records = _loads(text)
    if not isinstance(records, dict):
        raise Layout("not records")
    return records


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        raise Layout("not JSON") from None
