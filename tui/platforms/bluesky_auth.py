"""One Bluesky login per account and process, shared by the source and the publisher.

Bluesky allows about 30 logins (`createSession`) per 5 minutes per account,
so the session is kept and renewed with `refreshSession`; a new login
happens only when the refresh token is refused. Passwords and tokens never
leave this object except in the `Authorization` header for the account's
own host (`HostToken`), and never appear in its repr or in an error.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from tui.platforms.http import HostToken, Refused, request

DEFAULT_BASE = "https://bsky.social"


@dataclass
class BlueskyAccount:
    base_url: str
    handle: str
    password: str = field(repr=False)
    did: str = ""
    _access: str = field(default="", repr=False)
    _refresh: str = field(default="", repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    logins: int = 0

    @property
    def host(self) -> str:
        return httpx.URL(self.base_url).host

    def auth(self) -> HostToken:
        return HostToken(self.base_url, f"Bearer {self._access}")

    async def ensure(self, client: httpx.AsyncClient) -> HostToken:
        """A valid access token's auth, logging in only if there is none yet."""
        async with self._lock:
            if not self._access:
                await self._login(client)
        return self.auth()

    async def renew(self, client: httpx.AsyncClient, stale: HostToken | None = None) -> HostToken:
        """After an expired-token answer: refresh, or log in again if refresh is refused."""
        async with self._lock:
            if stale is not None and self.auth().__dict__ != stale.__dict__:
                return self.auth()  # another task renewed it meanwhile
            if self._refresh:
                try:
                    reply = await request(
                        client, "POST", f"{self.base_url}/xrpc/com.atproto.server.refreshSession",
                        auth=HostToken(self.base_url, f"Bearer {self._refresh}"), follow_redirects=False,
                    )
                    self._take(reply.data)
                    return self.auth()
                except Refused:
                    self._refresh = ""
            await self._login(client)
            return self.auth()

    async def _login(self, client: httpx.AsyncClient) -> None:
        self.logins += 1
        try:
            reply = await request(
                client, "POST", f"{self.base_url}/xrpc/com.atproto.server.createSession",
                json={"identifier": self.handle, "password": self.password},
                # a 307/308 would resend the password in the body to wherever it points
                follow_redirects=False,
            )
        except Refused as error:
            raise Refused(f"Bluesky login for {self.handle} failed: {error}", error.status) from None
        self._take(reply.data)

    def _take(self, data: object) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("accessJwt"), str):
            raise Refused("Bluesky login answered without a session token", 502)
        self._access = data["accessJwt"]
        self._refresh = data.get("refreshJwt") or self._refresh
        self.did = data.get("did") or self.did


_accounts: dict[tuple[str, str], BlueskyAccount] = {}


def account(base_url: str, handle: str, password: str) -> BlueskyAccount:
    """The process-wide account for (base URL, handle): one login serves all users."""
    key = (base_url.rstrip("/"), handle)
    if key not in _accounts:
        _accounts[key] = BlueskyAccount(key[0], handle, password)
    return _accounts[key]
