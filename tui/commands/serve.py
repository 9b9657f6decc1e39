"""`qtime serve`: the live session app in a browser tab (textual-serve), behind a token.

Each browser tab that opens the page runs its own `qtime run --store S
--role R` (textual-serve starts a command line per session), so a tab is
one more person on the session, like another terminal.

Only loopback by default: the page is plain http, so anyone on the path of
another address would see the token, and the token answers in public as
the person who started the server. Another machine reaches it through an
SSH tunnel; `--allow-remote` serves on another address anyway, with a warning.
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import shlex
import socket
import sys
from pathlib import Path

from store.errors import StoreError
from store.locations import person
from store.session_store import SessionStore
from tui.commands.run import ROLE_HELP

DEFAULT_PORT = 8000
REMOTE_RISK = ("the page is plain http: anyone on the network path can read the token, and the token lets"
               " its holder approve, dismiss and publish answers as you")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, required=True, help="the session store file")
    parser.add_argument("--role", choices=("moderator", "host", "both"), default="both", help=ROLE_HELP)
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1, loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"the port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--allow-remote", action="store_true",
                        help=f"listen on an address that is not loopback (not advised: {REMOTE_RISK};"
                             " use an SSH tunnel instead)")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """How the printed URL names the listening address."""
    bare = host.strip("[]")
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return host
    if address.is_unspecified:  # every interface: name the machine
        return socket.gethostname()
    return f"[{bare}]" if address.version == 6 else bare


def served_command(path: Path, role: str, lang: str | None = None) -> str:
    """The command line textual-serve runs through `/bin/sh` for each browser session, every word quoted.

    `exec`: the process textual-serve holds is the app itself, so stopping
    the server can wait for it (or kill it). `-P`: the session's `tui` is the
    installed one, never a `tui` folder in the directory the server started in.
    """
    words = [sys.executable, "-P", "-m", "tui", "run", "--store", str(path.resolve()), "--role", role]
    words += ["--lang", lang] if lang else []
    return f"exec {shlex.join(words)}"


def check_store(path: Path) -> None:
    """Refuse a file that is not a qtime store here, once, not in every browser tab.

    Read only (`recover=False` applies nothing; nothing to close). A missing
    store is fine: the first tab shows the form that creates it, as `qtime` does.
    """
    if path.exists():
        SessionStore.open(path, actor=person(), recover=False)


def refusal(args: argparse.Namespace) -> str | None:
    if os.name != "posix":
        return "serving needs a POSIX shell (textual-serve starts each session through one); use a terminal"
    if not 0 <= args.port <= 65535:
        return "--port must be between 0 and 65535"
    if not is_loopback(args.host) and not args.allow_remote:
        return (f"--host {args.host} is not a loopback address: {REMOTE_RISK}. Reach it from another machine through"
                f" an SSH tunnel (ssh -L {args.port or DEFAULT_PORT}:127.0.0.1:{args.port or DEFAULT_PORT} THIS-HOST),"
                " or pass --allow-remote to listen there anyway")
    return None


def run(args: argparse.Namespace) -> int:
    problem = refusal(args)
    if problem:
        print(f"qtime serve: {problem}", file=sys.stderr)
        return 2
    try:
        check_store(args.store)
    except StoreError as error:
        print(f"qtime serve: {error}", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"qtime serve: warning: listening on {args.host}, not loopback: {REMOTE_RISK}", file=sys.stderr)
    from tui.web.guard import TOKEN_PARAM, Guard, Token
    from tui.web.server import GuardedServer, log_to_stderr, serve

    token = Token()
    server = GuardedServer(served_command(args.store, args.role, args.lang), Guard(token), host=args.host, port=args.port)

    def announce(port: int) -> None:
        base = f"http://{url_host(args.host)}:{port}/"
        print(f"qtime serve: {args.store} (role {args.role}) on {base}\n"
              "Open this URL in the browser that will use the session (it carries the access token: keep it to"
              f" yourself):\n\n    {base}?{TOKEN_PARAM}={token.reveal()}\n\n"
              "Each browser tab is one more person on the session. Ctrl+C stops the server and its sessions.",
              flush=True)

    log_to_stderr()
    try:
        asyncio.run(serve(server, announce))
    except OSError as error:
        print(f"qtime serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    return 0
