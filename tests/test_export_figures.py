"""Figures, selection and recap structure on hand-built sessions with fixed times."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from store.export import FORMATS, render
from store.export.figures import figures, percentile, timeline
from store.export.i18n import duration
from store.export.recap import build, header_line
from store.export.selection import selected
from store.model import Answer, OutboxPart, Question, Settings
from store.state import SessionState


def at(clock: str, day: str = "2024-05-14") -> str:
    return f"{day}T{clock}.000Z"


def question(n: int, received: str, *, status: str = "new", reason: str | None = None,
             tags: list[str] | None = None, starred: bool = False) -> Question:
    return Question(id=f"q{n}", source="demo", remote_id=str(n), author=f"@user{n}", text=f"question {n}",
                    received_at=received, status=status, reason=reason, tags=tags or [], starred=starred)


def session(tz: str = "UTC") -> SessionState:
    """Six questions 18:00-18:03 UTC; three answered after 60, 300 and 120 s (in that order)."""
    state = SessionState(settings=Settings(title="Q&A", hashtag="twittertime", tz=tz))
    qs = [
        question(1, at("18:00:10"), status="answered", tags=["cloud"]),
        question(2, at("18:00:50"), status="answered"),
        question(3, at("18:01:05"), status="answered", tags=["rete"], starred=True),
        question(4, at("18:01:30"), status="dismissed", reason="spam"),
        question(5, at("18:01:45"), status="approved"),
        question(6, at("18:03:00"), status="dismissed", reason="duplicate"),
        question(7, at("18:03:20")),
    ]
    state.questions = {q.id: q for q in qs}
    state.answers = {
        "q1": Answer("q1", "a1", ["a1"], "x", at("18:01:10")),  # 60 s
        "q3": Answer("q3", "a3", ["a3"], "x", at("18:03:05")),  # 120 s
        "q2": Answer("q2", "a2", ["a2 1/2", "a2 2/2"], "x", at("18:05:50")),  # 300 s
    }
    state.outbox = {
        "q2:mastodon:2": OutboxPart("q2:mastodon:2", "q2", "mastodon", 2, 2, "a2 2/2", state="posted",
                                    url="https://m.example/2"),
        "q2:mastodon:1": OutboxPart("q2:mastodon:1", "q2", "mastodon", 1, 2, "a2 1/2", state="posted",
                                    url="https://m.example/1"),
        "q1:bluesky:1": OutboxPart("q1:bluesky:1", "q1", "bluesky", 1, 1, "a1", state="failed",
                                   url="https://b.example/1"),
    }
    return state


def test_counts_response_times_and_busiest_minute() -> None:
    f = figures(session())
    assert (f.received, f.approved, f.waiting, f.answered, f.new, f.starred) == (7, 4, 1, 3, 1, 1)
    assert f.dismissed == {"spam": 1, "duplicate": 1}
    assert f.median_response == 120
    assert f.p90_response == 300
    assert f.busiest_minute == datetime(2024, 5, 14, 18, 1, tzinfo=UTC)
    assert f.busiest_count == 3
    assert f.start == datetime(2024, 5, 14, 18, 0, 10, tzinfo=UTC)
    assert f.end == datetime(2024, 5, 14, 18, 5, 50, tzinfo=UTC)


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 11)]
    assert percentile(values, 0.9) == 9
    assert percentile(values, 0.5) == 5
    assert percentile([7.0], 0.9) == 7
    assert percentile([], 0.9) is None


def test_empty_session_has_no_times() -> None:
    f = figures(SessionState())
    assert (f.received, f.median_response, f.busiest_minute, f.start) == (0, None, None, None)
    assert timeline(SessionState()) is None
    for fmt in FORMATS:
        assert render(SessionState(), fmt)


def test_timeline_per_minute() -> None:
    line = timeline(session())
    assert line is not None and line.step == 1
    assert line.start == datetime(2024, 5, 14, 18, 0, tzinfo=UTC)
    assert line.received == (2, 3, 0, 2, 0, 0)
    assert line.answered == (0, 1, 0, 1, 0, 1)


def test_long_session_uses_wider_buckets() -> None:
    state = SessionState()
    for n in range(0, 300, 7):  # five hours, a question every 7 minutes
        q = question(n, f"2024-05-14T{18 + n // 60:02d}:{n % 60:02d}:00.000Z")
        state.questions[q.id] = q
    line = timeline(state)
    assert line is not None and line.step == 5
    assert len(line.received) <= 90
    assert sum(line.received) == len(state.questions)


@pytest.mark.parametrize(("only", "expected"), [
    ("answered", ["q1", "q2", "q3"]),
    ("approved", ["q1", "q2", "q3", "q5"]),
    ("all", ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]),
])
def test_only_selects_buckets_in_arrival_order(only: str, expected: list[str]) -> None:
    assert [q.id for q in selected(session(), only)] == expected


def test_recap_groups_by_first_tag_in_answer_order_untagged_last() -> None:
    recap = build(session(), "all", ZoneInfo("UTC"))
    assert [(g.tag, [e.question.id for e in g.entries]) for g in recap.answered] == [
        ("cloud", ["q1"]), ("rete", ["q3"]), (None, ["q2"])]
    assert [e.question.id for e in recap.waiting] == ["q5"]
    assert [e.question.id for e in recap.dismissed] == ["q4", "q6"]
    assert [e.question.id for e in recap.new] == ["q7"]
    q2 = recap.answered[-1].entries[0]
    assert [(link.label, link.url) for link in q2.links] == [
        ("mastodon 1/2", "https://m.example/1"), ("mastodon 2/2", "https://m.example/2")]
    assert recap.answered[0].entries[0].links == ()  # the failed part is not a link


def test_header_states_date_span_and_duration_in_the_session_zone() -> None:
    assert header_line(build(session(), "all", ZoneInfo("UTC"))) == "#twittertime · 2024-05-14, 18:00–18:05 UTC (5 min 40 s)"
    rome = header_line(build(session(), "all", ZoneInfo("Europe/Rome")))
    assert rome == "#twittertime · 2024-05-14, 20:00–20:05 CEST (5 min 40 s)"


def test_duration_format() -> None:
    assert [duration(s) for s in (0, 42.4, 185, 3725)] == ["0 s", "42 s", "3 min 05 s", "1 h 02 min"]


def test_markdown_figures_and_order() -> None:
    md = render(session(), "md", only="approved")
    assert "- Questions received: 7" in md
    assert "- Dismissed: 2 (spam 1, duplicate 1)" in md
    assert "- Response time: median 2 min 00 s, 90th percentile 5 min 00 s" in md
    assert "- Busiest minute: 18:01 UTC, 3 questions received" in md
    assert md.rstrip().endswith("*All times are in the UTC time zone.*")
    order = [md.index(f"question {n}") for n in (1, 3, 2, 5)]
    assert order == sorted(order)
    assert "question 4" not in md and "question 7" not in md  # only approved + answered
    assert md.index("### cloud") < md.index("### rete") < md.index("### Other questions")


def test_italian_words() -> None:
    md = render(session(), "md", lang="it")
    assert "## In cifre" in md and "- Domande ricevute: 7" in md
    assert "mediana 2 min 00 s, 90° percentile 5 min 00 s" in md
    assert "Scartata, motivo: spam" in md


@pytest.mark.parametrize("bad", [{"fmt": "pdf"}, {"only": "starred"}, {"lang": "fr"}])
def test_unknown_format_selection_or_language_is_a_value_error(bad: dict[str, str]) -> None:
    options = {"fmt": "md", "only": "all", "lang": "en", **bad}
    with pytest.raises(ValueError):
        render(session(), options.pop("fmt"), **options)
