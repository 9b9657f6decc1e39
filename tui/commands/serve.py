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
from tui.i18n import N_, _
from tui.platforms.publishers import is_loopback  # the same rule that lets a publisher use plain http

DEFAULT_PORT = 8000
REMOTE_RISK = N_("the page is plain http: anyone on the network path can read the token, and the token lets"
                 " its holder approve, dismiss and publish answers as you")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, required=True, help=_("the session store file"))
    parser.add_argument("--role", choices=("moderator", "host", "both"), default="both", help=_(ROLE_HELP))
    parser.add_argument("--host", default="127.0.0.1", help=_("the address to listen on (default 127.0.0.1, loopback)"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=_("the port to listen on (default {port}; 0 picks a free one)").format(port=DEFAULT_PORT))
    parser.add_argument("--allow-remote", action="store_true",
                        help=_("listen on an address that is not loopback (not advised: {risk}; use an SSH tunnel"
                               " instead)").format(risk=_(REMOTE_RISK)))


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
        return _("serving needs a POSIX shell (textual-serve starts each session through one); use a terminal")
    if not 0 <= args.port <= 65535:
        return _("--port must be between 0 and 65535")
    if not is_loopback(args.host) and not args.allow_remote:
        return _("--host {host} is not a loopback address: {risk}. Reach it from another machine through an SSH tunnel"
                 " (ssh -L {port}:127.0.0.1:{port} THIS-HOST), or pass --allow-remote to listen there anyway").format(
            host=args.host, risk=_(REMOTE_RISK), port=args.port or DEFAULT_PORT)
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
        print("qtime serve: " + _("warning: listening on {host}, not loopback: {risk}").format(
            host=args.host, risk=_(REMOTE_RISK)), file=sys.stderr)
    from tui.web.guard import TOKEN_PARAM, Guard, Token
    from tui.web.server import GuardedServer, log_to_stderr, serve

    token = Token()
    server = GuardedServer(served_command(args.store, args.role, args.lang), Guard(token), host=args.host, port=args.port)

    def announce(port: int) -> None:
        base = f"http://{url_host(args.host)}:{port}/"
        print("qtime serve: " + _("{store} (role {role}) on {url}").format(store=args.store, role=args.role, url=base),
              _("Open this URL in the browser that will use the session (it carries the access token: keep it to"
                " yourself):"), "", f"    {base}?{TOKEN_PARAM}={token.reveal()}", "",
              _("Each browser tab is one more person on the session. Ctrl+C stops the server and its sessions."),
              sep="\n", flush=True)

    log_to_stderr()
    try:
        asyncio.run(serve(server, announce))
    except OSError as error:
        print("qtime serve: " + _("cannot listen on {address}: {reason}").format(
            address=f"{args.host}:{args.port}", reason=error.strerror or error), file=sys.stderr)
        return 2
    return 0
