"""`qtime session`: show or change a session's shared settings from the command line.

    qtime session --store S --show
    qtime session --store S --title "Ask the CEO" --hashtag askceo --read-tags "ceo cto" --profile mastodon --tz Europe/Rome

Every process on the session sees a change within a second (it is an event
in the store, like any action). Accounts are not settings: a credential and
the host it belongs to come only from the environment or `accounts.toml`.
Imports no Textual.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store.errors import StoreError
from store.model import EDITABLE_SETTINGS
from store.session_store import SessionStore


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help="the session store file")
    parser.add_argument("--title", help="the session's title")
    parser.add_argument("--hashtag", help="the hashtag answers end with (and sources read)")
    parser.add_argument("--read-tags", metavar="TAGS", help="more hashtags to read, space separated ('' clears)")
    parser.add_argument("--profile", help="counting rules when no account posts the answer: x, classic, mastodon, bluesky, custom")
    parser.add_argument("--limit", type=int, help="the limit (custom profile, or the platform's own)")
    parser.add_argument("--tz", help="the recap's time zone, e.g. Europe/Rome ('' = this machine's)")
    parser.add_argument("--lang", choices=("en", "it"), help="the recap's language")
    parser.add_argument("--show", action="store_true", help="print the settings (after any change) as JSON")


def changes(args: argparse.Namespace) -> dict[str, Any]:
    wanted = {name: getattr(args, name) for name in EDITABLE_SETTINGS if getattr(args, name, None) is not None}
    if "read_tags" in wanted:
        wanted["read_tags"] = wanted["read_tags"].replace(",", " ").split()
    return wanted


def run(args: argparse.Namespace) -> int:
    try:
        store = SessionStore.open(args.store, actor="session", create=False)
    except StoreError as error:
        print(f"qtime session: {error}", file=sys.stderr)
        return 2
    wanted = changes(args)
    try:
        if wanted:
            store.update_settings(**wanted)
            print(f"qtime session: changed {', '.join(sorted(wanted))}", file=sys.stderr)
    except StoreError as error:
        print(f"qtime session: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.show or not wanted:
        shown = {name: getattr(store.settings, name) for name in EDITABLE_SETTINGS}
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0
