"""`qtime demo`: replay the first #twittertime (Telecom Italia, 2012) in a fresh session.

The session counts answers with the `classic` profile (140 characters): it
was 2012, and the 140 limit is what made the CEO's answers the short,
punchy posts the article quotes. It groups copies on arrival, has three
topics and holds link-only posts and a blocked word, so the replay's first
minute shows a retweet burst grouped, the topic shares and held spam.
No network, no configuration.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from store.errors import StoreError
from store.locations import demo_store
from store.model import Settings, now_iso
from store.session_store import SessionStore
from tui.commands.run import ROLE_HELP, TZ_HELP, check_tz
from tui.i18n import N_, _

DEMO_TITLE = "Marco Patuano, AD di Telecom Italia, risponde"
# The welcome's first line per role (translated at start); the app adds the keys, as they are bound now.
WELCOME = {
    "both": N_("A replay of the first #twittertime (2012): questions arrive every few seconds."),
    "moderator": N_("A replay of the first #twittertime (2012). In another terminal, qtime demo --role host"
                    " answers what you approve."),
    "host": N_("The replay of the first #twittertime (2012), from the moderator's terminal."),
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help=_("where to keep the demo session (default {path}, replaced by each new"
                                                     " demo; --role host joins the running one)").format(path=demo_store()))
    parser.add_argument("--speed", type=float, default=1.0, help=_("replay speed (2 = twice as fast)"))
    parser.add_argument("--role", choices=("moderator", "host", "both"), default="both", help=_(ROLE_HELP))
    parser.add_argument("--tz", metavar="ZONE", help=_(TZ_HELP))


# Who acts in a demo, as the other terminal names them (one person plays every part).
DEMO_ACTORS = {"both": "you", "moderator": "moderator", "host": "host"}


# Triage on arrival, so that groups, topics and held posts show up in the replay's first minute.
DEMO_TOPICS = ["rete: fibra, adsl, 56k, banda larga, digital divide, lte",
               "lavoro: giovani, talenti, neolaureati, graduate program, startup",
               "clienti: clienti, 187, assistenza"]
DEMO_BLOCKED_WORDS = ["follower"]


def demo_settings() -> Settings:
    return Settings(title=DEMO_TITLE, hashtag="twittertime", profile="classic", sources=["demo"], started_at=now_iso(),
                    group_copies=True, topics=list(DEMO_TOPICS), blocked_words=list(DEMO_BLOCKED_WORDS),
                    hold_link_only=True)


def remove_session(path: Path) -> None:
    try:
        for name in (path.name, f"{path.name}.journal", f"{path.name}.lock"):
            path.with_name(name).unlink(missing_ok=True)
    except OSError as error:
        raise StoreError(_("{path}: cannot replace the previous demo session ({reason})").format(
            path=path, reason=error.strerror)) from None


def open_demo(path: Path | None, role: str) -> SessionStore:
    """A fresh demo session; the existing one `--store` names; or, for the
    host, the demo a moderator is running in another terminal."""
    if path is None:
        path = demo_store()
        if role == "host":
            if not path.exists():
                raise StoreError(_("no demo is running: start `qtime demo --role moderator` in another terminal first"))
            return SessionStore.open(path, actor="host")
        remove_session(path)
    elif path.exists():
        store = SessionStore.open(path, actor=DEMO_ACTORS[role])
        if store.settings.title != DEMO_TITLE:
            store.close()
            raise StoreError(_("{path}: holds a session that is not the demo; give another --store path").format(path=path))
        return store
    return SessionStore.open(path, settings=demo_settings(), actor=DEMO_ACTORS[role])


def run(args: argparse.Namespace) -> int:
    if not (math.isfinite(args.speed) and args.speed > 0):
        print("qtime demo: " + _("--speed must be a number above 0"), file=sys.stderr)
        return 2
    if not check_tz(args.tz, "qtime demo"):
        return 2
    try:
        store = open_demo(args.store, args.role)
    except StoreError as error:
        print(f"qtime demo: {error}", file=sys.stderr)
        return 2
    from tui.app import QuestionTimeApp
    from tui.config import load_config
    from tui.platforms.specs import parse_spec

    joined = args.store is None and args.role == "host"  # the moderator's process replays the feed
    sources = [] if joined else [parse_spec("demo", demo_speed=args.speed)]
    app = QuestionTimeApp(store, sources=sources, role=args.role, config=load_config(), welcome=_(WELCOME[args.role]),
                          tz=args.tz)
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0
