"""The whole session as one JSON document (`"format": "qtime-session"`).

It holds exactly what the store holds: settings, questions in arrival order,
answers, drafts, outbox parts and events in `seq` order, as plain JSON. Each
question also says its near-duplicate `group` (a question alone is its own
group, `g-<id>`), its `topics` (its tags that are session topics) and the
hold rule that dismissed it on arrival (`held_by`, "" for none); `holds`
counts the questions each hold rule caught, `topics` gives each topic's share
of the questions asked (`store.groups`).
With `only` other than `all`, questions (and the answers, drafts, outbox
parts and events about them) are limited to that selection, and `"only"`
says so; events about no question (session settings) are kept.

Text is not altered, but characters a terminal would act on (C1 controls,
DEL, bidi controls, line/paragraph separators, lone surrogates) are written
as `\\u` escapes: the document loads to the same values and is safe to print.
"""
from __future__ import annotations

import re
from typing import Any

import orjson

from store.export.selection import selected
from store.groups import hold_counts, topic_names, topic_shares, topics_of
from store.state import SessionState

FORMAT = "qtime-session"
VERSION = 1
_TERMINAL_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def document(state: SessionState, only: str) -> dict[str, Any]:
    questions = selected(state, only)
    keep = {q.id for q in questions}
    names = topic_names(state.settings)
    everything = only == "all"

    def about(qid: object) -> bool:
        return everything or qid is None or qid in keep

    events = sorted(
        (e for e in state.events if about(e.get("qid"))),
        key=lambda e: (e.get("seq") is None, e.get("seq") or 0),
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "only": only,
        "session": state.settings.to_dict(),
        "questions": [{**q.to_dict(), "group": state.group_of(q.id), "topics": topics_of(q, names),
                       "held_by": state.holds.get(q.id, "")} for q in questions],
        "answers": [a.to_dict() for a in state.answers.values() if about(a.question_id)],
        "drafts": [d.to_dict() for d in state.drafts.values() if about(d.question_id)],
        "outbox": [p.to_dict() for p in state.outbox.values() if about(p.question_id)],
        "events": events,
        "holds": hold_counts(state),
        "topics": topic_shares(state),
    }


def dumps(value: Any) -> str:
    """`value` as indented JSON with the characters a terminal acts on escaped (see the docstring)."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def render(state: SessionState, only: str) -> str:
    return dumps(document(state, only))
