"""The user's config file (TOML) and the keymap it may hold.

```toml
[keymap]
approve = "y"            # binding id = key, or several keys: "y,A"
dismiss = "x"
```

Binding ids are listed in `BINDING_IDS` (and in the help screen). A config
file that cannot be read or parsed is reported, never fatal.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from store.locations import config_file

# id -> what the binding does; the ids `[keymap]` may remap.
BINDING_IDS: dict[str, str] = {
    "queue.down": "move down the queue",
    "queue.up": "move up the queue",
    "approve": "approve the selected question",
    "dismiss": "dismiss it (asks the reason)",
    "star": "star / unstar it",
    "tag": "tag it",
    "duplicate": "mark it a duplicate of another question",
    "undo": "undo your last action",
    "filter": "filter by text or author",
    "answer": "answer it (focus the draft)",
    "send": "send the answer",
    "back": "back to the queue",
    "retry": "publish a failed answer again",
    "open": "open the published answer's link",
    "export": "export the session log",
    "pause": "pause / resume the feed",
    "help": "help",
    "quit": "quit",
    "view.new": "show new questions",
    "view.approved": "show approved questions",
    "view.starred": "show starred questions",
    "view.dismissed": "show dismissed questions",
    "view.answered": "show answered questions",
    "view.all": "show all questions",
}


@dataclass
class Config:
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    path = config_file() if path is None else path
    config = Config()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except OSError as error:
        config.problems.append(f"{path}: cannot read it ({error.strerror})")
        return config
    try:
        data = tomllib.loads(raw.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError as error:
        config.problems.append(f"{path}: not valid TOML ({error})")
        return config
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        config.problems.append(f"{path}: [keymap] must be a table of binding id = \"key\"")
        return config
    for binding_id, keys in keymap.items():
        if binding_id not in BINDING_IDS:
            config.problems.append(f"{path}: unknown binding id {binding_id!r} in [keymap]")
        elif not isinstance(keys, str) or not keys.strip():
            config.problems.append(f"{path}: [keymap] {binding_id} must be a key string")
        else:
            config.keymap[binding_id] = keys.strip()
    return config
