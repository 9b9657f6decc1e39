"""JSON: the whole session, loading back to exactly what the store holds (plus each question's
group and topics, and the triage counts, derived from it)."""
from __future__ import annotations

import json
from pathlib import Path

from store.export import render
from store.session_store import SessionStore
from tests.sessions import demo_like, hostile


def expected(store: SessionStore) -> dict[str, object]:
    state = store.state
    return {
        "format": "qtime-session",
        "version": 1,
        "only": "all",
        "session": state.settings.to_dict(),
        "questions": [{**q.to_dict(), "group": state.group_of(q.id), "topics": [], "held_by": ""}
                      for q in state.questions.values()],
        "answers": [a.to_dict() for a in state.answers.values()],
        "drafts": [d.to_dict() for d in state.drafts.values()],
        "outbox": [p.to_dict() for p in state.outbox.values()],
        "events": sorted(state.events, key=lambda e: e["seq"]),
        "holds": {},
        "topics": {},
    }


def test_demo_matches_the_store(tmp_path: Path) -> None:
    store = demo_like(tmp_path / "demo.json")
    document = json.loads(render(store.state, "json"))
    assert document == expected(store)
    assert [e["seq"] for e in document["events"]] == sorted(e["seq"] for e in document["events"])
    assert document["drafts"][0]["text"] == "Stiamo lavorando con le banche"
    store.close()
    reopened = SessionStore.open(tmp_path / "demo.json", create=False)
    assert json.loads(render(reopened.state, "json")) == document


def test_only_answered_keeps_what_belongs_to_those_questions(tmp_path: Path) -> None:
    store = demo_like(tmp_path / "demo.json")
    document = json.loads(render(store.state, "json", only="answered"))
    answered = set(store.state.answers)
    assert document["only"] == "answered"
    assert {q["id"] for q in document["questions"]} == answered
    assert {p["question_id"] for p in document["outbox"]} <= answered
    assert document["drafts"] == []
    assert all(e.get("qid") in answered or e.get("qid") is None for e in document["events"])
    assert any(e["action"] == "session.set" for e in document["events"])


def test_hostile_text_loads_back_and_is_safe_to_print(tmp_path: Path) -> None:
    store = hostile(tmp_path / "hostile.json")
    qid = next(iter(store.state.questions))
    store.save_draft(qid, "draft \x1b]52;c;Y3VybA==\x07 \x9b31m \u202eevil\u2028 \x7f")
    raw = render(store.state, "json")
    assert json.loads(raw) == expected(store)
    for char in ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\x7f"):
        assert char not in raw
    assert "\\u009b" in raw and "\\u202e" in raw
