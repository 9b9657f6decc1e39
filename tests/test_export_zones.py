"""The recaps state times in the session's zone (or an override), naming it; the CSV keeps UTC.

Also the machine's zone when the session names none (`store.zones.local_zone_name`).
"""
from __future__ import annotations

import csv
import io
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.errors import ActionError
from store.export import FORMATS, UnknownZone, render
from store.export.i18n import span
from store.model import Answer, Question, Settings
from store.session_store import SessionStore
from store.state import SessionState
from store.zones import local_zone_name, session_zone, stamp


def state_at(*moments: str, tz: str = "", answered: str | None = None) -> SessionState:
    """Questions received at `moments` (ISO, UTC); the first answered at `answered`."""
    state = SessionState(settings=Settings(title="Q&A", hashtag="twittertime", tz=tz))
    for n, moment in enumerate(moments, 1):
        status = "answered" if n == 1 and answered else "new"
        state.questions[f"q{n}"] = Question(f"q{n}", "demo", str(n), f"@user{n}", f"question {n}", moment, status=status)
    if answered:
        state.answers["q1"] = Answer("q1", "an answer", ["an answer"], "x", answered)
    return state


MAY = state_at("2024-05-14T18:07:00.000Z", "2024-05-14T18:07:30.000Z", tz="Europe/Rome",
               answered="2024-05-14T18:09:00.000Z")


def test_markdown_shows_the_sessions_zone_and_says_so() -> None:
    md = render(MAY, "md")
    assert "#twittertime · 2024-05-14, 20:07–20:09 CEST (2 min 00 s)" in md
    assert "*asked at 20:07 CEST · answered at 20:09 CEST, after 2 min 00 s*" in md
    assert "- Busiest minute: 20:07 CEST, 2 questions received" in md
    assert md.rstrip().endswith("*All times are in the Europe/Rome time zone.*")
    assert "18:07" not in md and "UTC" not in md
    italian = render(MAY, "md", lang="it")
    assert "*chiesta alle 20:07 CEST · risposta alle 20:09 CEST, dopo 2 min 00 s*" in italian
    assert italian.rstrip().endswith("*Tutti gli orari sono nel fuso orario Europe/Rome.*")


def test_html_and_its_chart_show_the_sessions_zone() -> None:
    page = render(MAY, "html", lang="it")
    assert "chiesta alle 20:07 CEST" in page and "18:07" not in page and "UTC" not in page
    assert "<footer><p>Tutti gli orari sono nel fuso orario Europe/Rome.</p></footer>" in page
    assert '<desc id="chart-desc">Dalle 20:07 CEST alle 20:10 CEST; al massimo 2 in una barra.</desc>' in page
    labels = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', page)
    assert "20:07" in labels and "Europe/Rome" in labels


def test_an_override_wins_over_the_session_and_the_csv_keeps_utc() -> None:
    md = render(MAY, "md", tz="America/New_York")
    assert "asked at 14:07 EDT" in md and "America/New_York time zone" in md
    rows = list(csv.DictReader(io.StringIO(render(MAY, "csv", tz="America/New_York"))))
    assert [row["received"] for row in rows] == ["2024-05-14T18:07:00.000Z", "2024-05-14T18:07:30.000Z"]
    assert rows[0]["answered_at"] == "2024-05-14T18:09:00.000Z"


def test_a_session_across_midnight_in_its_zone_shows_dates() -> None:
    late = state_at("2024-05-14T21:30:00.000Z", "2024-05-14T22:30:00.000Z", tz="Europe/Rome")
    md = render(late, "md")
    assert "*asked at 2024-05-14 23:30 CEST*" in md and "*asked at 2024-05-15 00:30 CEST*" in md
    assert "2024-05-14, 23:30–2024-05-15 00:30 CEST (1 h 00 min)" in md
    utc = render(late, "md", tz="UTC")  # the same evening is one day in UTC: no dates
    assert "*asked at 21:30 UTC*" in utc and "*asked at 22:30 UTC*" in utc
    assert "2024-05-14, 21:30–22:30 UTC" in utc


def test_a_change_of_the_clocks_names_both_sides() -> None:
    rome = ZoneInfo("Europe/Rome")
    start, end = datetime(2024, 10, 27, 0, 30, tzinfo=UTC), datetime(2024, 10, 27, 1, 10, tzinfo=UTC)
    assert span(start, end, rome) == "02:30 CEST–02:10 CET"


def test_a_zone_without_letters_is_named_by_its_offset() -> None:
    moment = datetime(2024, 5, 14, 18, 7, tzinfo=UTC)
    assert stamp(moment, ZoneInfo("America/Sao_Paulo")) == "15:07 UTC-03"
    assert stamp(moment, ZoneInfo("UTC")) == "18:07 UTC"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bad", ["Mars/Base", "Europe", "../etc/passwd", "/etc/localtime", "europe/rome"])
def test_an_unknown_zone_is_a_clear_error_in_every_format(fmt: str, bad: str) -> None:
    with pytest.raises(UnknownZone, match="unknown time zone"):
        render(MAY, fmt, tz=bad)


def test_the_setting_refuses_a_folder_of_zones(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "s.json", settings=Settings())
    try:
        with pytest.raises(ActionError, match="unknown time zone 'Europe'"):
            store.update_settings(tz="Europe")
        store.update_settings(tz="Europe/Rome")
        assert store.settings.tz == "Europe/Rome"
    finally:
        store.close()


# -- the machine's zone -------------------------------------------------------------


def link(tmp_path: Path, target: str, name: str = "localtime") -> Path:
    path = tmp_path / name
    os.symlink(target, path)
    return path


def test_tz_names_the_machines_zone_first(tmp_path: Path) -> None:
    localtime = link(tmp_path, "/usr/share/zoneinfo/Asia/Tokyo")
    assert local_zone_name({"TZ": "Europe/Rome"}, localtime) == "Europe/Rome"
    assert local_zone_name({"TZ": ":America/New_York"}, localtime) == "America/New_York"
    assert local_zone_name({"TZ": "/usr/share/zoneinfo/Europe/Lisbon"}, localtime) == "Europe/Lisbon"


def test_else_where_etc_localtime_links(tmp_path: Path) -> None:
    assert local_zone_name({}, link(tmp_path, "/usr/share/zoneinfo/Asia/Tokyo")) == "Asia/Tokyo"
    assert local_zone_name({"TZ": "CET-1CEST"}, link(tmp_path, "../usr/share/zoneinfo/America/Chicago", "relative")) == "America/Chicago"


def test_utc_under_any_of_its_names(tmp_path: Path) -> None:
    assert local_zone_name({}, link(tmp_path, "/usr/share/zoneinfo/Etc/UTC")) == "UTC"


def test_else_utc(tmp_path: Path) -> None:
    assert local_zone_name({}, tmp_path / "missing") == "UTC"
    copy = tmp_path / "copy"
    copy.write_bytes(b"TZif2 not a link")
    assert local_zone_name({"TZ": "Not/AZone"}, copy) == "UTC"


def test_the_session_zone_is_override_then_setting_then_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert session_zone("Europe/Rome", "America/New_York").key == "America/New_York"
    assert session_zone("Europe/Rome").key == "Europe/Rome"
    assert session_zone("").key == "Asia/Tokyo"
    assert "2024-05-15, 03:07" in render(state_at("2024-05-14T18:07:00.000Z"), "md")  # tz "": the machine's


def test_a_stored_zone_unknown_here_still_exports_the_data() -> None:
    """A store written where the zone database knows more zones: CSV and JSON need no zone."""
    odd = state_at("2024-05-14T18:07:00.000Z", tz="Mars/Olympus_Mons")
    assert "2024-05-14T18:07:00.000Z" in render(odd, "csv") and "Mars/Olympus_Mons" in render(odd, "json")
    with pytest.raises(UnknownZone, match="Mars/Olympus_Mons"):
        render(odd, "md")
    assert "asked at 20:07 CEST" in render(odd, "md", tz="Europe/Rome")
