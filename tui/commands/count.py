"""`qtime count`: count a draft as the platform will, without the app.

    qtime count [--profile P] [--limit N] [--url-weight N] [--json] [TEXT]
    qtime count --profile P --jsonl < drafts.jsonl

Without TEXT the draft is read from standard input. ``--jsonl`` reads one
JSON string per line and writes one JSON result per line, flushed as it
goes; a line that is not a JSON string gets ``{"error": "..."}`` in its
place, so output line N always answers input line N. Exit status: 0 (even
for a draft over the limit: the result says ``valid: false``), 2 for bad
options.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, BinaryIO, TextIO

from store.text import CountResult, Profile, count, profile_for
from store.text.profiles import NAMES
from tui.i18n import _


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", metavar="TEXT", help=_("the draft (default: read standard input)"))
    parser.add_argument("--profile", default="x", help=_("how to count: {profiles} (default: x)").format(profiles=", ".join(NAMES)))
    parser.add_argument("--limit", type=int, help=_("the character limit (required for custom)"))
    parser.add_argument("--url-weight", type=int, help=_("what one URL counts as (a Mastodon instance's value)"))
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    output.add_argument("--jsonl", action="store_true", help=_("count one JSON string per stdin line"))


def run(args: argparse.Namespace) -> int:
    try:
        profile = profile_for(args.profile, limit=args.limit, url_weight=args.url_weight)
    except ValueError as error:
        print(f"qtime count: {error}", file=sys.stderr)
        return 2
    if args.jsonl:
        if args.text is not None:
            print("qtime count: " + _("--jsonl reads standard input; give no TEXT"), file=sys.stderr)
            return 2
        _count_lines(profile, sys.stdin.buffer, sys.stdout)
        return 0
    text = args.text
    if text is None:
        try:
            # `echo TEXT | qtime count`: the newline echo adds is not part of the post
            text = sys.stdin.buffer.read().decode("utf-8").removesuffix("\n")
        except UnicodeDecodeError as error:
            said = _("standard input is not UTF-8 ({reason} at byte {byte})").format(reason=error.reason, byte=error.start)
            print(f"qtime count: {said}", file=sys.stderr)
            return 2
    result = count(text, profile)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False))
    else:
        print(f"{result.length}/{result.limit}")
        if result.reason:
            print(result.reason)
    return 0


def as_json(result: CountResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "length": result.length,
        "limit": result.limit,
        "remaining": result.remaining,
        "valid": result.valid,
        "over_at": result.over_at,
        "reason": result.reason,
    }
    if result.utf8_bytes is not None:
        data["utf8_bytes"] = result.utf8_bytes
    return data


def _count_lines(profile: Profile, source: BinaryIO, sink: TextIO) -> None:
    """One answer line per input line, whatever the line holds (bytes: a line
    that is not UTF-8 gets its own error, it does not end the run). The errors
    are for programs: they stay in English."""
    for line in source:
        try:
            text = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            answer: dict[str, Any] = {"error": "not UTF-8"}
        except json.JSONDecodeError as error:
            answer = {"error": f"not JSON: {error.msg}"}
        else:
            if isinstance(text, str):
                answer = as_json(count(text, profile))
            else:
                answer = {"error": f"expected a JSON string, got {type(text).__name__}"}
        sink.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sink.flush()
