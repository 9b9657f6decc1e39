"""Reading credentials from the environment, each bound to its own account's host.

A token is sent only to the base URL of the account it belongs to
(`QTIME_MASTODON_URL`; the PDS `QTIME_BLUESKY_URL`, default
https://bsky.social; the X API `QTIME_X_URL`, default https://api.x.com),
and only over https (plain http only to this machine). A source spec naming
any other host reads anonymously, and its state says why.

Credentials are held as `Secret`s, whose repr is redacted, so a traceback
that lists local variables (a crash report) shows none of them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from tui.platforms.publishers import check_base_url


class Secret:
    """A credential that never shows itself in a repr, a str or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class Platform:
    """Where a platform's reading credential lives and where it may go."""

    variables: tuple[str, ...]  # every one must be set for the credential to exist
    url_variable: str
    default_url: str = ""


PLATFORMS = {
    "mastodon": Platform(("QTIME_MASTODON_TOKEN",), "QTIME_MASTODON_URL"),
    "bluesky": Platform(("QTIME_BLUESKY_HANDLE", "QTIME_BLUESKY_APP_PASSWORD"), "QTIME_BLUESKY_URL",
                        "https://bsky.social"),
    "x": Platform(("QTIME_X_BEARER_TOKEN",), "QTIME_X_URL", "https://api.x.com"),
}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the default port left out; ValueError if it is not a URL."""
    try:
        parsed = httpx.URL(url)
        return parsed.scheme, parsed.host.lower(), parsed.port  # `.host` raises ValueError on a bad xn-- label
    except httpx.InvalidURL as error:
        raise ValueError(str(error)) from None


@dataclass(frozen=True, slots=True)
class Grant:
    """What a source on some base URL may use: the credential values, or a note why not."""

    secrets: tuple[Secret, ...] = ()
    note: str = ""

    def value(self, index: int = 0) -> str | None:
        return self.secrets[index].reveal() if self.secrets else None


class Credentials:
    """The reading credentials of an environment, each with the one base URL it may go to."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._secrets = {kind: tuple(Secret((env.get(name) or "").strip()) for name in platform.variables)
                         for kind, platform in PLATFORMS.items()}
        self._homes = {kind: self._home(platform, (env.get(platform.url_variable) or "").strip())
                       for kind, platform in PLATFORMS.items()}

    @staticmethod
    def _home(platform: Platform, url: str) -> tuple[str, str]:
        """(the account's base URL, "") or ("", why there is none)."""
        url = url or platform.default_url
        if not url:
            return "", f"{platform.url_variable} is not set (the account's own instance)"
        try:
            return check_base_url(platform.url_variable, url), ""
        except ValueError as error:
            return "", str(error)

    def home(self, kind: str) -> str:
        """The account's base URL ("" when it has none usable): `bluesky:#TAG` and `x:#TAG` read there."""
        return self._homes[kind][0]

    def for_source(self, kind: str, base_url: str) -> Grant:
        """The credential for a `kind` source on `base_url`, only if that is the account's own host."""
        secrets = self._secrets[kind]
        if not all(secrets):
            return Grant()
        platform = PLATFORMS[kind]
        names = " and ".join(platform.variables)
        home, problem = self._homes[kind]
        if not home:
            return Grant(note=f"reading anonymously: {names} not sent ({problem})")
        try:
            same = origin(home) == origin(base_url)
        except ValueError:
            same = False
        if not same:
            return Grant(note=f"reading anonymously: {names} is only sent to the account's own instance,"
                              f" {home} ({platform.url_variable})")
        return Grant(secrets)

    def __repr__(self) -> str:
        return "Credentials(***)"
