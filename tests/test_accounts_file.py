"""An accounts file that is not a regular file: a clear message, never a traceback or a hang (F15)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.platforms.accounts import AccountsError, connected_publishers

pytestmark = pytest.mark.timeout(60)


def make(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / "accounts.toml"
    if kind == "directory":
        path.mkdir(mode=0o700)
    else:
        os.mkfifo(path, 0o600)
    return path


@pytest.mark.parametrize("kind, message", [("directory", "a directory"), ("fifo", "not a regular file")])
def test_a_non_regular_accounts_file_is_refused_at_once(tmp_path: Path, kind: str, message: str) -> None:
    path = make(kind, tmp_path)
    with pytest.raises(AccountsError, match=message):
        connected_publishers({"QTIME_ACCOUNTS": str(path)})


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_qtime_says_so_and_exits_2(tmp_path: Path, kind: str) -> None:
    path = make(kind, tmp_path)
    env = {**os.environ, "QTIME_ACCOUNTS": str(path), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "tui", "--store", str(tmp_path / "s.json")], env=env,
                            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert str(path) in result.stderr and "regular file" in result.stderr
    assert "Traceback" not in result.stderr
