"""Where qtime keeps its data when no `--store` is given."""
from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP = "questiontime"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def default_store() -> Path:
    return data_dir() / "session.json"


def demo_store() -> Path:
    return data_dir() / "demo.json"


def config_file() -> Path:
    return user_config_path(APP, appauthor=False) / "config.toml"
