"""`qtime demo`: replay the first #twittertime (Telecom Italia, 2012) in a fresh session.

The session counts answers with the `classic` profile (140 characters): it
was 2012, and the 140 limit is what made the CEO's answers the short,
punchy posts the article quotes. No network, no configuration.
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
from tui.commands.run import ROLE_HELP

DEMO_TITLE = "#twittertime con Marco Patuano, AD Telecom Italia"
WELCOME = (
    "A replay of the first #twittertime (2012): questions arrive every few seconds. "
    "Moderate with a approve, d dismiss, s star, m duplicate, u undo; "
    "press enter on a question to answer it, ctrl+s to send, escape to return. ? shows every key."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, help=f"where to keep the demo session (default {demo_store()}, replaced each run)")
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed (2 = twice as fast)")
    parser.add_argument("--role", choices=("moderator", "host", "both"), default="both", help=ROLE_HELP)


def demo_settings() -> Settings:
    return Settings(title=DEMO_TITLE, hashtag="twittertime", profile="classic", sources=["demo"], started_at=now_iso())


def remove_session(path: Path) -> None:
    try:
        for name in (path.name, f"{path.name}.journal", f"{path.name}.lock"):
            path.with_name(name).unlink(missing_ok=True)
    except OSError as error:
        raise StoreError(f"{path}: cannot replace the previous demo session ({error.strerror})") from None


def open_demo(path: Path | None) -> SessionStore:
    """A fresh demo session, or the existing demo session `--store` names."""
    if path is None:
        path = demo_store()
        remove_session(path)
    elif path.exists():
        store = SessionStore.open(path)
        if store.settings.title != DEMO_TITLE:
            store.close()
            raise StoreError(f"{path}: holds a session that is not the demo; give another --store path")
        return store
    return SessionStore.open(path, settings=demo_settings())


def run(args: argparse.Namespace) -> int:
    if not (math.isfinite(args.speed) and args.speed > 0):
        print("qtime demo: --speed must be a number above 0", file=sys.stderr)
        return 2
    try:
        store = open_demo(args.store)
    except StoreError as error:
        print(f"qtime demo: {error}", file=sys.stderr)
        return 2
    from tui.app import QuestionTimeApp
    from tui.config import load_config
    from tui.platforms.specs import parse_spec

    app = QuestionTimeApp(store, sources=[parse_spec("demo", demo_speed=args.speed)], role=args.role,
                          config=load_config(), welcome=WELCOME)
    try:
        app.run()
    finally:
        store.close()
    return app.return_code or 0
