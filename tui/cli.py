"""The `qtime` command line: one module per subcommand under `tui.commands`.

Subcommand modules are imported only when chosen, so `qtime count` and
`qtime ingest` start without loading Textual.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui.i18n import LANGS, N_, _, use, user_lang

# name -> (module, one-line help). `run` is the interactive app and the default.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("tui.commands.run", N_("open the live session app (the default)")),
    "demo": ("tui.commands.demo", N_("replay the seed #twittertime session, no network")),
    "serve": ("tui.commands.serve", N_("serve the app in a browser tab (loopback, behind a token)")),
    "ingest": ("tui.commands.ingest", N_("feed questions into a store, headless")),
    "export": ("tui.commands.export", N_("export the session log (md, html, csv, json)")),
    "session": ("tui.commands.session", N_("show or change the session's shared settings")),
    "groups": ("tui.commands.groups", N_("the session's near-duplicate groups, most asked first")),
    "count": ("tui.commands.count", N_("count a draft as the platform will")),
}
# The commands that open the app: `--lang` picks its language (the others speak the user's locale;
# `qtime export --lang` is the recap's language).
APP_COMMANDS = ("run", "demo", "serve")


def build_parser(name: str) -> argparse.ArgumentParser:
    module = importlib.import_module(COMMANDS[name][0])
    prog = "qtime" if name == "run" else f"qtime {name}"
    parser = argparse.ArgumentParser(prog=prog, description=_(COMMANDS[name][1]))
    module.configure(parser)
    if name in APP_COMMANDS:
        parser.add_argument("--lang", choices=LANGS, help=_("the interface's language (default: your locale's)"))
    return parser


def usage() -> str:
    lines = [_("usage: qtime [COMMAND] [OPTIONS]"), "", _("commands:")]
    lines += [f"  {name:<8} {_(text)}" for name, (_module, text) in COMMANDS.items()]
    lines += ["", _("`qtime COMMAND --help` for a command's options.")]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    use(user_lang())
    if args and args[0] in ("-h", "--help"):
        print(usage())
        return 0
    name = args.pop(0) if args and args[0] in COMMANDS else "run"
    if args[:1] and not args[0].startswith("-") and name == "run":
        print(_("qtime: unknown command {name}").format(name=repr(args[0])) + f"\n\n{usage()}", file=sys.stderr)
        return 2
    parser = build_parser(name)
    options = parser.parse_args(args)
    if getattr(options, "lang", None) and name in APP_COMMANDS:
        use(options.lang)
    module = importlib.import_module(COMMANDS[name][0])
    try:
        return int(module.run(options) or 0)
    except KeyboardInterrupt:
        return 130
