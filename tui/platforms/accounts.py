"""Which accounts are connected, from the environment or a private accounts file.

Environment (each variable wins over the file):

    QTIME_MASTODON_TOKEN, QTIME_MASTODON_URL (the account's instance: a token
        is never sent to a host a source spec names), QTIME_MASTODON_VISIBILITY
        (public | unlisted | private | direct)
    QTIME_BLUESKY_HANDLE, QTIME_BLUESKY_APP_PASSWORD, QTIME_BLUESKY_URL
        (default https://bsky.social)
    QTIME_X_USER_TOKEN, QTIME_X_URL (default https://api.x.com)
    QTIME_ACCOUNTS: the accounts file (default `accounts.toml` in the user
        config folder, beside the keymap's `config.toml`)

The accounts file is TOML with tables `[mastodon]` (url, token, visibility),
`[bluesky]` (url, handle, app_password) and `[x]` (url, user_token). It
holds secrets, so it is read only when it belongs to the user and nobody
else may read it (`chmod 600`); otherwise `AccountsError` says so and what to
do. It is a file of its own so that `config.toml` (keys, nothing secret) may
stay readable. A credential is only ever sent to https (or to this machine
over http).
"""
from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from store.locations import config_file
from tui.platforms.bluesky_auth import DEFAULT_BASE as BLUESKY_BASE
from tui.platforms.bluesky_publish import BlueskyPublisher
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.platforms.publishers import Publisher, check_base_url
from tui.platforms.x_publish import XPublisher

X_BASE = "https://api.x.com"
MAX_ACCOUNTS_FILE = 64 * 1024


class AccountsError(Exception):
    """Accounts that cannot be used as configured; the message says what to fix (never a secret)."""


def accounts_file() -> Path:
    return config_file().with_name("accounts.toml")


def read_accounts(path: Path) -> dict[str, Any]:
    """The accounts file's tables; {} when there is none. Refuses a file others may read."""
    try:
        # non-blocking: a FIFO there must not hang the start (a regular file reads the same)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise AccountsError(f"{path}: cannot read it ({error.strerror})") from None
    # the file opened (through any symlink), not whatever the path names a moment later
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise AccountsError(f"{path}: {kind}; the accounts file must be a regular file (or set QTIME_ACCOUNTS)")
    with os.fdopen(fd, "rb") as file:
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise AccountsError(f"{path}: belongs to another user; refusing to read secrets from it")
        if info.st_mode & 0o077:
            raise AccountsError(
                f"{path}: other users may read it (mode {stat.S_IMODE(info.st_mode):o});"
                f" refusing to read secrets from it. Run: chmod 600 {path}"
            )
        raw = file.read(MAX_ACCOUNTS_FILE + 1)
    if len(raw) > MAX_ACCOUNTS_FILE:
        raise AccountsError(f"{path}: over {MAX_ACCOUNTS_FILE // 1024} kB, not a qtime accounts file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        # the parser's message can quote the line, and the line can hold a token
        line = getattr(error, "lineno", None)
        raise AccountsError(f"{path}: not valid TOML{f' (line {line})' if line else ''}") from None
    return data


def connected_publishers(
    env: Mapping[str, str] | None = None,
    *,
    accounts: Path | None = None,
    notes: list[str] | None = None,
) -> list[Publisher]:
    """One publisher per platform with credentials; [] means local only.

    A Mastodon token without `QTIME_MASTODON_URL` connects no account (the
    token goes only to its own instance, never to one a source names): a
    line in `notes` says what to set, and the app starts without it.
    """
    env = os.environ if env is None else env
    tables = read_accounts(accounts or Path(env.get("QTIME_ACCOUNTS") or accounts_file()))

    def setting(table: str, key: str, variable: str, default: str = "") -> str:
        if env.get(variable):
            return env[variable].strip()
        section = tables.get(table)
        value = section.get(key) if isinstance(section, dict) else None
        return value.strip() if isinstance(value, str) and value.strip() else default

    publishers: list[Publisher] = []
    try:
        token = setting("mastodon", "token", "QTIME_MASTODON_TOKEN")
        if token:
            url = setting("mastodon", "url", "QTIME_MASTODON_URL")
            if url:
                visibility = setting("mastodon", "visibility", "QTIME_MASTODON_VISIBILITY", "public")
                publishers.append(MastodonPublisher(check_base_url("QTIME_MASTODON_URL", url), token,
                                                    visibility=visibility))
            elif notes is not None:
                notes.append("QTIME_MASTODON_TOKEN is set but not QTIME_MASTODON_URL (the account's instance):"
                             " answers are not posted on Mastodon until it is set")
        handle = setting("bluesky", "handle", "QTIME_BLUESKY_HANDLE")
        password = setting("bluesky", "app_password", "QTIME_BLUESKY_APP_PASSWORD")
        if bool(handle) != bool(password):
            raise AccountsError("Bluesky needs both QTIME_BLUESKY_HANDLE and QTIME_BLUESKY_APP_PASSWORD")
        if handle:
            url = check_base_url("QTIME_BLUESKY_URL", setting("bluesky", "url", "QTIME_BLUESKY_URL", BLUESKY_BASE))
            publishers.append(BlueskyPublisher(url, handle, password))
        token = setting("x", "user_token", "QTIME_X_USER_TOKEN")
        if token:
            url = check_base_url("QTIME_X_URL", setting("x", "url", "QTIME_X_URL", X_BASE))
            publishers.append(XPublisher(url, token))
    except ValueError as error:
        raise AccountsError(str(error)) from None
    return publishers
