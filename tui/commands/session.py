"""`qtime session`: show or change a session's shared settings from the command line.

    qtime session --store S --show
    qtime session --store S --title "Ask the CEO" --hashtag askceo --read-tags "ceo cto" --profile mastodon --tz Europe/Rome
    qtime session --store S --topics "rete: fibra, adsl, banda larga; lavoro: giovani, talenti"
    qtime session --store S --blocked-words "casino, free followers" --blocked-authors "@spam1 @spam2" \
                            --hold-link-only --flood-authors 20 --flood-minutes 5

Topics tag questions as they arrive (by keyword); hold rules dismiss the
questions they catch as "held", naming the rule (`store.arrivals`). Both
apply to questions that arrive after the change.

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
from tui.i18n import _


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help=_("the session store file"))
    parser.add_argument("--title", help=_("the session's title"))
    parser.add_argument("--hashtag", help=_("the hashtag answers end with (and sources read)"))
    parser.add_argument("--read-tags", metavar="TAGS", help=_("more hashtags to read, space separated ('' clears)"))
    parser.add_argument("--profile", help=_("counting rules when no account posts the answer: {profiles}")
                        .format(profiles="x, classic, mastodon, bluesky, custom"))
    parser.add_argument("--limit", type=int, help=_("the limit (custom profile, or the platform's own)"))
    parser.add_argument("--tz", help=_("the session's time zone (the app and the recaps), e.g. Europe/Rome ('' = each machine's own)"))
    parser.add_argument("--lang", choices=("en", "it"), help=_("the recap's language"))
    parser.add_argument("--group-copies", action=argparse.BooleanOptionalAction,
                        help=_("group near-duplicates as they arrive (ingesting takes about 1.7 times as long)"))
    parser.add_argument("--topics", help=_("topics, 'name: keyword, keyword' separated by ';' ('' clears)"))
    parser.add_argument("--blocked-words", metavar="WORDS", help=_("words or phrases to hold, comma separated ('' clears)"))
    parser.add_argument("--blocked-authors", metavar="HANDLES", help=_("accounts to hold, space or comma separated ('' clears)"))
    parser.add_argument("--hold-link-only", action=argparse.BooleanOptionalAction,
                        help=_("hold posts with nothing but links, mentions, hashtags and emoji"))
    parser.add_argument("--flood-authors", type=int, metavar="K", help=_("hold a text posted by K accounts (0: never)..."))
    parser.add_argument("--flood-minutes", type=int, metavar="T", help=_("...within T minutes"))
    parser.add_argument("--show", action="store_true", help=_("print the settings (after any change) as JSON"))


def changes(args: argparse.Namespace) -> dict[str, Any]:
    wanted = {name: getattr(args, name) for name in EDITABLE_SETTINGS if getattr(args, name, None) is not None}
    for name in ("read_tags", "blocked_authors"):
        if name in wanted:
            wanted[name] = wanted[name].replace(",", " ").split()
    if "topics" in wanted:
        wanted["topics"] = [line for line in wanted["topics"].split(";") if line.strip()]
    if "blocked_words" in wanted:
        wanted["blocked_words"] = [word for word in wanted["blocked_words"].split(",") if word.strip()]
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
            said = _("changed {settings}").format(settings=", ".join(sorted(wanted)))
            print(f"qtime session: {said}", file=sys.stderr)
    except StoreError as error:
        print(f"qtime session: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.show or not wanted:
        shown = {name: getattr(store.settings, name) for name in EDITABLE_SETTINGS}
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0
