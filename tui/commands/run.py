"""`qtime`: the live session app on a store (a new one starts with a short form).

Without `--source`, an existing session runs the sources it was created with.
`--tz` shows times in another zone in this process only (not stored).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store.errors import StoreError
from store.locations import default_store, person
from store.session_store import SessionStore
from store.zones import UnknownZone, zone_named
from tui.heap import open_settled
from tui.i18n import N_, _
from tui.platforms.base import Source, SpecError
from tui.platforms.specs import SPEC_HELP, parse_spec, with_read_tags

ROLE_HELP = N_("moderator: triage the queue; host: answer approved questions; both: everything (default)")
TZ_HELP = N_("show times in ZONE, e.g. Europe/Rome, in this window only (not stored); default: the session's, else"
             " this machine's")


def check_tz(tz: str | None, command: str) -> bool:
    """Whether `--tz` is a zone (or not given); says why not on stderr."""
    try:
        if tz:
            zone_named(tz)
    except UnknownZone as error:
        print(f"{command}: {error}", file=sys.stderr)
        return False
    return True


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help=_("the session store file (default {path})").format(path=default_store()))
    parser.add_argument("--source", action="append", default=[], metavar="SPEC", help=_(SPEC_HELP))  # marked in specs
    parser.add_argument("--role", choices=("moderator", "host", "both"), default="both", help=_(ROLE_HELP))
    parser.add_argument("--tz", metavar="ZONE", help=_(TZ_HELP))


def run(args: argparse.Namespace) -> int:
    if not check_tz(args.tz, "qtime"):
        return 2
    path: Path = args.store or default_store()
    store: SessionStore | None = None
    try:
        if path.exists():
            store = open_settled(path, person())  # a foreign file is refused here, untouched
        specs = args.source or (store.settings.sources if store else [])
        specs = with_read_tags(specs, store.settings.read_tags) if store else specs
        sources: list[Source] = [parse_spec(spec) for spec in specs]
    except (StoreError, SpecError) as error:
        print(f"qtime: {error}", file=sys.stderr)
        if store is not None:
            store.close()
        return 2
    from tui.app import QuestionTimeApp
    from tui.config import load_config
    from tui.platforms.accounts import AccountsError, connected_publishers

    config = load_config()
    try:
        notes: list[str] = []  # what is missing before answers can be published: said in the header, not fatal
        publishers = connected_publishers(notes=notes)
    except AccountsError as error:
        print(f"qtime: {error}", file=sys.stderr)
        if store is not None:
            store.close()
        return 2
    app = QuestionTimeApp(store or path, sources=sources, role=args.role, config=config, publishers=publishers,
                          account_notes=notes, tz=args.tz)
    try:
        app.run()
    finally:
        if store is not None:
            store.close()
    return app.return_code or 0
