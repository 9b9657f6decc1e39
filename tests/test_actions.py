"""One actions registry: keys, remaps, the palette, help and the welcome all come from it."""
from __future__ import annotations

import pytest

from tests.conftest import record_notifications, settle
from tui.actions import ACTIONS, BY_ID, palette_actions
from tui.app import QuestionTimeApp
from tui.config import Config, check_keymap, load_config
from tui.screens.main import MainScreen
from tui.widgets.queue_list import QueueList

# Offered only where they apply: while typing (send, back), on an answer that failed, was posted or can be revised.
WHERE_THEY_APPLY = {"send", "back", "retry", "open", "correct", "follow_up", "retract"}


def test_every_action_has_a_binding_with_its_id() -> None:
    bound = {b.id for b in (*MainScreen.BINDINGS, *QueueList.BINDINGS) if b.id}
    assert {a.id for a in ACTIONS} <= bound


def bound_actions(app: QuestionTimeApp) -> dict[str, str]:
    """Key -> the action it runs on the screen now (the focused queue's bindings included)."""
    return {key: active.binding.action for key, active in app.screen.active_bindings.items() if active.enabled}


async def test_every_action_is_reachable_by_its_key_and_from_the_palette(session, clock) -> None:
    app = QuestionTimeApp(session, clock=clock, live=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        keys = bound_actions(app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for action in ACTIONS:
            if action.id in WHERE_THEY_APPLY or action.id == "pause":
                continue
            key = action.keys.split(",")[0]
            assert keys.get(key) == action.action, action.id
            if action.title:
                assert action.title in titles, action.id
        await pilot.press("enter")  # answering: send and back are offered now
        await pilot.pause()
        keys = bound_actions(app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for action_id in ("send", "back"):
            action = BY_ID[action_id]
            assert keys.get(action.keys) == action.action
        assert BY_ID["send"].title in titles


async def test_a_remapped_key_fires_the_action_and_the_welcome_names_it(session, clock) -> None:
    config = Config(keymap={"approve": "y"})
    app = QuestionTimeApp(session, clock=clock, live=False, config=config, welcome="Hello.")
    seen = record_notifications(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert bound_actions(app).get("y") == "approve" and "a" not in bound_actions(app)
        first = app.screen.query_one(QueueList).cursor_id
        await pilot.press("y")
        await settle(pilot)
        assert session.state.questions[first].status == "approved"
    assert any("y approve" in text and "a approve" not in text for text in seen)


@pytest.mark.parametrize(("keymap", "reason"), [
    ({"approve": "q"}, "q is already quit's key"),
    ({"approve": ","}, "not a key"),
    ({"approve": "ctrl+"}, "not a key"),
    ({"approve": "f99"}, "not a key"),
    ({"approve": "ctrl+p"}, "the app itself"),
    ({"dismiss": "a"}, "a is already approve's key"),
    ({"nonsense": "x"}, "unknown action id"),
    ({"approve": ""}, "must be a key string"),
])
def test_keymaps_that_would_break_the_app_are_refused_with_the_reason(keymap, reason) -> None:
    accepted, problems = check_keymap(keymap)
    assert accepted == {}
    assert len(problems) == 1 and reason in problems[0]


def test_keymaps_that_fit_are_kept() -> None:
    accepted, problems = check_keymap({"approve": "d", "dismiss": "a", "star": "y,ctrl+y", "filter": "/", "help": "f1"})
    assert problems == []
    assert accepted == {"approve": "d", "dismiss": "a", "star": "y,ctrl+y", "filter": "slash", "help": "f1"}


def test_a_config_file_with_a_bad_remap_keeps_the_default_and_says_why(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\napprove = "q"\nstar = "z"\n')
    config = load_config(path)
    assert config.keymap == {"star": "z"}
    assert len(config.problems) == 1 and "approve" in config.problems[0] and "kept the default" in config.problems[0]


def test_the_palette_lists_each_action_once() -> None:
    titles = [a.title for a in palette_actions()]
    assert len(titles) == len(set(titles))
