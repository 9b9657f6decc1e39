"""The `qtime` command line: one module per subcommand under `tui.commands`.

Subcommand modules are imported only when chosen, so `qtime count` and
`qtime ingest` start without loading Textual.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> (module, one-line help). `run` is the interactive app and the default.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("tui.commands.run", "open the live session app (the default)"),
    "demo": ("tui.commands.demo", "replay the seed #twittertime session, no network"),
    "serve": ("tui.commands.serve", "serve the app in a browser tab (loopback, behind a token)"),
    "ingest": ("tui.commands.ingest", "feed questions into a store, headless"),
    "export": ("tui.commands.export", "export the session log (md, html, csv, json)"),
    "session": ("tui.commands.session", "show or change the session's shared settings"),
    "groups": ("tui.commands.groups", "the session's near-duplicate groups, most asked first"),
    "count": ("tui.commands.count", "count a draft as the platform will"),
}


def build_parser(name: str) -> argparse.ArgumentParser:
    module = importlib.import_module(COMMANDS[name][0])
    prog = "qtime" if name == "run" else f"qtime {name}"
    parser = argparse.ArgumentParser(prog=prog, description=COMMANDS[name][1])
    module.configure(parser)
    return parser


def usage() -> str:
    lines = ["usage: qtime [COMMAND] [OPTIONS]", "", "commands:"]
    lines += [f"  {name:<8} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "`qtime COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(usage())
        return 0
    name = args.pop(0) if args and args[0] in COMMANDS else "run"
    if args[:1] and not args[0].startswith("-") and name == "run":
        print(f"qtime: unknown command {args[0]!r}\n\n{usage()}", file=sys.stderr)
        return 2
    parser = build_parser(name)
    options = parser.parse_args(args)
    module = importlib.import_module(COMMANDS[name][0])
    try:
        return int(module.run(options) or 0)
    except KeyboardInterrupt:
        return 130
