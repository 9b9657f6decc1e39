"""The user's config file (TOML) and the keymap it may hold.

```toml
[keymap]
approve = "y"            # action id = key, or several keys: "y,A"
dismiss = "x"
```

The ids are those of `tui.actions.ACTIONS` (also listed in the help screen).
A config file that cannot be read or parsed is reported, never fatal. A
remap that would break the app is refused with the reason and the default
kept: a key that is not a key, one that another action or the app itself
already uses (so `approve = "q"` cannot take Quit away).
"""
from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.keys import Keys, _character_to_key

from store.locations import config_file
from tui.actions import ACTIONS, BY_ID
from tui.i18n import _

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Key names Textual knows without a modifier: named keys, and the names of printable characters.
NAMED_KEYS = frozenset(
    {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    | {_character_to_key(c) for c in string.printable if not c.isspace()}
)
# Keys the app itself binds (palette, quit, copy, focus moves): never given to an action.
RESERVED = frozenset({"ctrl+p", "ctrl+q", "ctrl+c", "tab", "shift+tab"})


@dataclass
class Config:
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def key_name(key: str) -> str | None:
    """The Textual name of one key as a person writes it ("y", "/", "ctrl+s", "f5"), or None if it is none."""
    if len(key) == 1:
        return _character_to_key(key) if key.isprintable() and not key.isspace() else None
    *modifiers, base = key.lower().split("+")
    if not base or not set(modifiers) <= MODIFIERS or len(set(modifiers)) != len(modifiers):
        return None
    base = _character_to_key(base) if len(base) == 1 else base
    return "+".join([*modifiers, base]) if base in NAMED_KEYS else None


def _keys(value: str) -> list[str | None]:
    return [key_name(k.strip()) for k in value.split(",")]


def check_keymap(keymap: dict[str, object]) -> tuple[dict[str, str], list[str]]:
    """The remaps that are safe to apply, and a reason for each one refused."""
    problems: list[str] = []
    chosen: dict[str, str] = {}
    for action_id, value in keymap.items():
        if action_id not in BY_ID:
            problems.append(_("unknown action id {id} in [keymap]").format(id=repr(action_id)))
        elif not isinstance(value, str) or not value.strip():
            problems.append(_('[keymap] {id} must be a key string, e.g. "y" or "y,ctrl+y"').format(id=action_id))
        elif None in (names := _keys(value)):
            problems.append(_('[keymap] {id} = {value}: not a key Textual knows (e.g. "y", "/", "ctrl+y", "f5")')
                            .format(id=action_id, value=repr(value)))
        else:
            chosen[action_id] = ",".join(n for n in names if n)
    owner: dict[str, str] = {}  # key -> the action that has it: defaults first, remaps win only where free
    for action in ACTIONS:
        if action.id not in chosen:
            for name in _keys(action.keys):
                owner.setdefault(name or "", action.id)
    accepted: dict[str, str] = {}
    for action_id, keys in chosen.items():
        taken = [n for n in keys.split(",") if n in RESERVED or owner.get(n, action_id) != action_id]
        if taken:
            key = taken[0]
            why = _("[keymap] {id} = {value}: {key} is kept for the app itself; kept the default") if key in RESERVED \
                else _("[keymap] {id} = {value}: {key} is already {owner}'s key; kept the default")
            problems.append(why.format(id=action_id, value=repr(keymap[action_id]), key=key, owner=owner.get(key, "")))
            continue
        for name in keys.split(","):
            owner[name] = action_id
        accepted[action_id] = keys
    return accepted, problems


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    path = config_file() if path is None else path
    config = Config()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as error:
        config.problems.append(_("{path}: cannot read it ({reason})").format(path=path, reason=error.strerror))
        return config
    try:
        data = tomllib.loads(raw.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError as error:
        config.problems.append(_("{path}: not valid TOML ({error})").format(path=path, error=error))
        return config
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        config.problems.append(_('{path}: [keymap] must be a table of action id = "key"').format(path=path))
        return config
    config.keymap, problems = check_keymap(keymap)
    config.problems += [f"{path}: {problem}" for problem in problems]
    return config
