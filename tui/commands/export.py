"""`qtime export`: write a session's log as Markdown, HTML, CSV or JSON.

Reads the store without changing it: no store is created, nothing is
compacted, and a file that is not a store is refused untouched (exit 2).
Output goes to stdout, or with `-o FILE` is written atomically (the path is
then printed to stderr). `--tz` shows the recap's times in another zone for
this export only (the session's setting is not changed); an unknown zone
exits 2 with nothing written. Imports no Textual.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from store.errors import StoreError
from store.export import FORMATS, LANGS, ONLY, UnknownZone, render
from store.export.files import ExportRefused, write_export
from store.session_store import SessionStore
from tui.i18n import _


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help=_("the session store file to export"))
    parser.add_argument("--format", required=True, choices=FORMATS, help=_("md, html, csv or json"))
    parser.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE (atomically) instead of stdout"))
    parser.add_argument("--only", choices=ONLY, default="all",
                        help=_("answered; approved (approved and answered); all (the default)"))
    parser.add_argument("--lang", choices=LANGS, help=_("language of the recap (md, html); default: the session's, else en"))
    parser.add_argument("--tz", metavar="ZONE", help=_("show the recap's times in ZONE, e.g. America/New_York (md, html;"
                        " not stored); default: the session's, else this machine's. CSV and JSON keep UTC"))


def run(args: argparse.Namespace) -> int:
    store_path = Path(args.store)
    try:
        # Not closed on purpose: `close()` compacts, and an export never writes the store.
        store = SessionStore.open(store_path, actor="export", create=False, recover=False)
    except StoreError as error:
        print(f"qtime export: {error}", file=sys.stderr)
        return 2
    lang = args.lang or (store.settings.lang if store.settings.lang in LANGS else "en")
    try:
        data = render(store.state, args.format, only=args.only, lang=lang, tz=args.tz).encode("utf-8")
    except UnknownZone as error:
        print(f"qtime export: {error}", file=sys.stderr)
        return 2
    if args.output is None:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:  # `qtime export ... | head`: the reader left; no traceback
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        return 0
    output = Path(args.output)
    try:
        write_export(output, data, store=store_path)
    except ExportRefused as error:
        print(f"qtime export: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        said = _("cannot write {path}: {reason}").format(path=output, reason=error.strerror or error)
        print(f"qtime export: {said}", file=sys.stderr)
        return 1
    print(output, file=sys.stderr)
    return 0
