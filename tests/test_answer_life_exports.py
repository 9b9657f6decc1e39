"""Every export and the answered log show what happened to an answer after it was sent."""
from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

import orjson
import pytest
from textual.content import Content

from store.export import render
from store.export.csv_export import COLUMNS
from store.model import parse_time
from store.zones import clock, stamp
from tests.httpserver import LocalServer
from tests.publish_fakes import FakeMastodon, answered_session
from tests.test_export_markdown import assert_inert, quoted_texts, squash
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.service.session import SessionService
from tui.widgets.answered_log import answer_entry

PARTS = ["@asker Our 5G rollout starts in Milan #twittertime"]
FIXED = ["@asker Our 5G rollout starts in Turin #twittertime"]
MORE = ["@asker Update: Naples is next #twittertime"]
HOSTILE = '[@click=app.quit]boom[/] <script>alert(1)</script> =HYPERLINK("http://evil.example")'
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def csv_row(text: str) -> dict[str, str]:
    table = list(csv.reader(io.StringIO(text)))
    return dict(zip(COLUMNS, table[1], strict=True))


def log_text(service: SessionService, qid: str) -> str:
    state = service.snapshot()
    entry = answer_entry(state.answers[qid], state.questions[qid], service.parts_of(qid), ROME)
    assert isinstance(entry, Content)
    return entry.plain


async def test_a_corrected_followed_up_then_retracted_answer_in_every_export_and_the_log(tmp_path, server):
    fake = FakeMastodon(server, "tok")
    store, qid = answered_session(tmp_path / "s.json", {"platform": "mastodon", "status_id": "555"}, PARTS)
    service = SessionService(store, publishers=[MastodonPublisher(server.url, "tok")])
    assert service.outbox is not None
    service.outbox.enqueue(qid)
    await service.publish()
    service.correct(qid, FIXED[0], FIXED)
    service.follow_up(qid, MORE[0], MORE)
    await service.publish()
    answer_url, follow_url = (s["url"] for s in fake.statuses.values())

    md = render(service.snapshot(), "md")
    assert "Corrected at " in md and "Follow-up at " in md
    assert squash(FIXED[0]) in quoted_texts(md) and squash(MORE[0]) in quoted_texts(md)
    assert f"[mastodon]({answer_url})" in md and f"[mastodon]({follow_url})" in md
    page = render(service.snapshot(), "html")
    assert 'class="caption correct"' in page and 'class="caption follow-up"' in page and follow_url in page
    row = csv_row(render(service.snapshot(), "csv"))
    # a cell starting with @ is defused like any other
    assert (row["answer"], row["corrected_answer"], row["follow_ups"]) == ("'" + PARTS[0], "'" + FIXED[0], "'" + MORE[0])
    assert row["corrected_at"] and row["retracted_at"] == ""
    assert row["published_urls"] == f"{answer_url} {follow_url}"
    log = log_text(service, qid)
    corrected = parse_time(service.snapshot().answers[qid].revisions[0]["at"])
    assert corrected is not None
    assert f"corrected {clock(corrected, ROME)}" in log and "mastodon: corrected 1/1" in log and f"A′ {FIXED[0]}" in log
    assert f"Corrected at {stamp(corrected, ROME)}:" in render(service.snapshot(), "md", tz="Europe/Rome")
    assert row["corrected_at"] == service.snapshot().answers[qid].revisions[0]["at"]  # the CSV keeps UTC
    assert "follow-up " in log and f"+ {MORE[0]}" in log

    service.retract(qid)
    await service.publish()
    snapshot = service.snapshot()
    md, page, row = render(snapshot, "md"), render(snapshot, "html"), csv_row(render(snapshot, "csv"))
    assert "Retracted at " in md and "Retracted at " in page and row["retracted_at"]
    for text in (md, page, row["published_urls"]):
        assert answer_url not in text and follow_url not in text
    document = orjson.loads(render(snapshot, "json"))
    (answer,) = document["answers"]
    assert [r["kind"] for r in answer["revisions"]] == ["correct", "follow_up", "retract"]
    assert answer["retracted_at"] == answer["revisions"][2]["at"]
    assert [e["action"] for e in document["events"] if e["action"].startswith("answer.")] == [
        "answer.add", "answer.correct", "answer.follow_up", "answer.retract"]
    assert {(p["op"], p["state"]) for p in document["outbox"] if p["revision"] == 3} == {("delete", "posted")}
    assert "retracted " in log_text(service, qid) and "mastodon: deleted 2/2" in log_text(service, qid)
    assert render(snapshot, "md", lang="it").count("Ritirata alle ") == 1


def test_hostile_text_in_a_correction_stays_text_everywhere(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", {}, PARTS, source="file:q.jsonl")
    service = SessionService(store)  # local only: nothing to post, the log and exports still show it
    service.correct(qid, HOSTILE, [HOSTILE])
    service.follow_up(qid, HOSTILE, [HOSTILE])
    snapshot = service.snapshot()
    md = render(snapshot, "md")
    assert_inert(md)
    assert quoted_texts(md).count(squash(HOSTILE)) == 2
    page = render(snapshot, "html")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    row = csv_row(render(snapshot, "csv"))
    assert row["corrected_answer"] == HOSTILE and row["follow_ups"] == HOSTILE  # starts with "[": no formula
    assert orjson.loads(render(snapshot, "json"))["answers"][0]["revisions"][0]["text"] == HOSTILE
    assert HOSTILE in log_text(service, qid)  # literal: never parsed as markup


def test_a_formula_in_a_follow_up_is_defused(tmp_path):
    store, qid = answered_session(tmp_path / "s.json", {}, PARTS, source="file:q.jsonl")
    service = SessionService(store)
    service.follow_up(qid, "=1+1", ["=1+1"])
    assert csv_row(render(service.snapshot(), "csv"))["follow_ups"] == "'=1+1"
