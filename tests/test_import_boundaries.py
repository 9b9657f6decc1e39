"""Dependencies point one way: tui -> tui.service -> tui.platforms -> store."""
from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import store
import tui.platforms
import tui.service

ROOT = Path(__file__).parents[1]


def modules(package: object) -> list[str]:
    names = [package.__name__]  # type: ignore[attr-defined]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):  # type: ignore[attr-defined]
        names.append(info.name)
    return names


def imports_pulled_in(names: list[str], forbidden: tuple[str, ...]) -> str:
    """Import `names` in a fresh interpreter; return the forbidden modules that got loaded."""
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r} or m in {forbidden!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_store_imports_no_ui_and_no_network() -> None:
    names = modules(store)
    assert "store.session_store" in names
    assert imports_pulled_in(names, ("textual", "httpx", "rich", "tui")) == ""


def test_platforms_never_import_textual() -> None:
    names = modules(tui.platforms)
    assert "tui.platforms.http" in names
    # Only Textual here: httpx itself loads rich (its optional CLI); import-linter
    # below checks that our own code never imports rich.
    assert imports_pulled_in(names, ("textual",)) == ""


def test_the_session_service_never_imports_textual() -> None:
    names = modules(tui.service)
    assert "tui.service.session" in names
    assert imports_pulled_in(names, ("textual",)) == ""


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout


def test_the_apps_start_loads_nothing_it_does_not_use_yet() -> None:
    """The app's first paint waits for its imports: the network client (until an account publishes
    or a source polls), the crash report's traceback and the emoji data (until a text holds one)
    load when first used. With the URL rules' patterns (compiled on first use) they were 0.2-0.3 s
    of every start."""
    assert imports_pulled_in(["tui.cli", "tui.app"], ("httpx", "emoji", "rich.traceback")) == ""
