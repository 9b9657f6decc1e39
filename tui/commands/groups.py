"""`qtime groups`: a session's near-duplicate groups, most asked first, from the command line.

    qtime groups --store S [--top N] [--json]

Groups come from the store (`group.join` / `group.split` events, written by
whichever process ingests), so every process and this command show the same
ones. Ranked by summed votes, then by how many asked; dismissed questions
(held, spam, duplicates) are left out (`store.groups`). Reads the store
without changing it, like `qtime export`. Imports no Textual.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from store.errors import StoreError
from store.export.json_export import dumps
from store.export.safe import one_line
from store.groups import GroupView, ranked_groups
from store.session_store import SessionStore
from tui.i18n import _, ngettext

TEXT_WIDTH = 70


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help=_("the session store file"))
    parser.add_argument("--top", type=int, default=20, metavar="N", help=_("show the N most asked (default 20; 0: all)"))
    parser.add_argument("--json", action="store_true", help=_("print the groups as JSON"))


def as_json(group: GroupView) -> dict[str, Any]:
    first = group.representative
    return {"group": group.id, "asked": len(group.members), "votes": group.votes, "topics": list(group.topics),
            "representative": {"id": first.id, "author": first.author, "text": first.shown_text()},
            "members": [member.id for member in group.members]}


def as_line(rank: int, group: GroupView) -> str:
    """One row: rank, how many asked, votes, topics and the representative's text, printable on one line."""
    text = one_line(group.representative.shown_text())
    if len(text) > TEXT_WIDTH:
        text = text[: TEXT_WIDTH - 1] + "…"
    topics = one_line(", ".join(group.topics)) or "-"
    return f"{rank:>4} {len(group.members):>6} {group.votes:>6}  {topics:<16} {text}"


def header() -> str:
    """The columns' names, above `as_line`'s columns (a translation longer than its column pushes the next one)."""
    asked, votes, topics, text = _("asked"), _("votes"), _("topics"), _("text")
    return f"{'#':>4} {asked:>6} {votes:>6}  {topics:<16} {text}"


def footer(shown: int, total: int, questions: int) -> str:
    groups = ngettext("{shown} of {total} group", "{shown} of {total} groups", total).format(shown=shown, total=total)
    return groups + " " + ngettext("({count} question)", "({count} questions)", questions).format(count=questions)


def run(args: argparse.Namespace) -> int:
    if args.top < 0:
        print("qtime groups: " + _("--top must be 0 or more"), file=sys.stderr)
        return 2
    try:
        # Not closed on purpose: `close()` compacts, and reading never writes the store.
        store = SessionStore.open(args.store, actor="groups", create=False, recover=False)
    except StoreError as error:
        print(f"qtime groups: {error}", file=sys.stderr)
        return 2
    ranked = ranked_groups(store.state)
    shown = ranked[: args.top] if args.top else ranked
    if args.json:
        output = dumps([as_json(group) for group in shown])
    else:
        output = "\n".join([header(), *(as_line(n, g) for n, g in enumerate(shown, 1)),
                            footer(len(shown), len(ranked), len(store.state.questions))]) + "\n"
    try:
        sys.stdout.buffer.write(output.encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `qtime groups ... | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
