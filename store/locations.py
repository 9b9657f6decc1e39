"""Where qtime keeps its data when no `--store` is given."""
from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path

APP = "questiontime"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def default_store() -> Path:
    return data_dir() / "session.json"


def demo_store() -> Path:
    return data_dir() / "demo.json"


def config_file() -> Path:
    return user_config_path(APP, appauthor=False) / "config.toml"


def recovery_dirs() -> list[Path]:
    """Where actions a full disk refused are saved, in order of preference:
    the user state folder, then the temp folder (often another file system)."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return [user_state_path(APP, appauthor=False) / "recovery", Path(tempfile.gettempdir()) / f"questiontime-{uid}-recovery"]


def person() -> str:
    """Who acts, as the history and the other people on the session name them: the login name."""
    try:
        return getpass.getuser() or "qtime"
    except (KeyError, OSError):  # no name for this uid (a container): still a valid actor
        return "qtime"
