"""The app shows clock times in the session's zone (or its `--tz`), not the machine's.

The `session` fixture runs with TZ=UTC, so the machine's zone is never the
one expected on screen. Its first question (@nerthase) was posted at
2012-03-06 19:01 UTC: 20:01 CET in Rome, 14:01 EST in New York, 04:01 JST
(the next day) in Tokyo; the session started at 19:00 UTC.
"""
from __future__ import annotations

import subprocess
import sys

from store.model import Settings
from store.session_store import SessionStore
from tests.conftest import item, qid_of, record_notifications, screen_text, settle
from tui.app import QuestionTimeApp
from tui.screens.settings import SettingsScreen

SIZE = (160, 48)


async def test_the_question_log_and_header_show_the_sessions_zone(session, clock) -> None:
    session.update_settings(tz="Europe/Rome")
    app = QuestionTimeApp(session, role="both", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._refresh_header()
        await pilot.pause()
        text = screen_text(app)
        assert "20:01 CET · 11m ago" in text  # the selected question, in the draft pane
        assert "since 20:00 CET" in text and "19:01" not in text
        await pilot.press("a", "2")
        await settle(pilot)
        await pilot.press("enter", *"Ci stiamo lavorando", "ctrl+s")
        await settle(pilot)
        answered_at = session.state.answers[qid_of(session, "@nerthase")].answered_at
        assert answered_at.startswith("2012-03-06T19:12:")  # stored in UTC
        log = screen_text(app)
        assert "20:12:" + answered_at[17:19] + "  @nerthase" in log and "19:12:" not in log


async def test_a_changed_zone_setting_redraws_the_times(session, clock) -> None:
    session.update_settings(tz="Europe/Rome")
    app = QuestionTimeApp(session, role="moderator", clock=clock, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "20:01 CET" in screen_text(app)
        await pilot.press("comma")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press(*["tab"] * 5, "end", "ctrl+u", *"America/New_York", "ctrl+s")
        await settle(pilot)
        assert session.settings.tz == "America/New_York"
        text = screen_text(app)
        assert "14:01 EST" in text and "20:01 CET" not in text


async def test_tz_overrides_the_session_in_this_window_only(session, clock, tmp_path) -> None:
    session.update_settings(tz="Europe/Rome")
    app = QuestionTimeApp(session, role="moderator", clock=clock, live=False, tz="Asia/Tokyo")
    target = tmp_path / "recap.md"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._refresh_header()
        await pilot.pause()
        text = screen_text(app)
        assert "04:01 JST" in text and "since 04:00 JST" in text and "CET" not in text
        await pilot.press("ctrl+e")
        await pilot.pause()
        path = app.screen.query_one("#export-path")
        path.value = str(target)
        await pilot.click("#export-go")
        await settle(pilot)
    recap = target.read_text("utf-8")  # the app's export follows the override
    assert "2012-03-07, 04:00–04:12 JST" in recap and "Asia/Tokyo time zone" in recap
    assert session.settings.tz == "Europe/Rome"  # never stored


async def test_a_stored_zone_unknown_here_falls_back_to_the_machines(store_path, fixed_times, clock, tmp_path) -> None:
    """A store written where the zone database knows more zones (or by hand) never stops the app."""
    target = tmp_path / "recap.md"
    store = SessionStore.open(store_path, settings=Settings(tz="Mars/Olympus_Mons"))
    store.add_questions([item(1, "@a", "Quando?", minute=1)])
    app = QuestionTimeApp(store, role="moderator", clock=clock, live=False)
    try:
        notes = record_notifications(app)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.mark_dirty()
            await settle(pilot)
            assert "19:01 UTC" in screen_text(app)  # TZ=UTC: this machine's zone
            assert notes == ["The session's unknown time zone 'Mars/Olympus_Mons' (an IANA name such as Europe/Rome):"
                             " times are shown in this machine's zone."]  # once
            await pilot.press("ctrl+e")
            await pilot.pause()
            app.screen.query_one("#export-path").value = str(target)
            await pilot.click("#export-go")
            await settle(pilot)
        assert "All times are in the UTC time zone." in target.read_text("utf-8")  # as the screen shows them
    finally:
        store.close()


def test_run_and_demo_refuse_an_unknown_zone(tmp_path) -> None:
    for command in (["run", "--store", str(tmp_path / "s.json")], ["demo", "--store", str(tmp_path / "d.json")]):
        result = subprocess.run([sys.executable, "-m", "tui", *command, "--tz", "Moon/Tranquility"],
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 2
        assert "unknown time zone 'Moon/Tranquility'" in result.stderr
    assert list(tmp_path.iterdir()) == []
