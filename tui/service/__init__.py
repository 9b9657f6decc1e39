"""The session service: one open session for any front end, with no Textual in it.

The app (`tui.app`) and `qtime ingest` are thin shells around `SessionService`;
see `session.py`. The import-linter contract in `pyproject.toml` keeps
Textual, Rich and the widgets out of this package.
"""
