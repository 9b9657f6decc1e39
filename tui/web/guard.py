"""Who may use a served session: whoever holds the token `qtime serve` printed.

textual-serve has no access control: anyone who reaches its port gets a
process that approves, dismisses and publishes as the person who started it.
`Guard.middleware` runs before every route (the page, its static files, the
websocket, downloads), so no route is reachable without:

- the token, from the printed URL's `?token=` or, after the first page, from
  a cookie (HttpOnly: no script reads it; SameSite=Strict: no other site's
  page makes the browser send it), compared in constant time;
- an `Origin`, when the request has one (browsers send it on every websocket
  handshake), equal to the origin of the `Host` the page was served under:
  another site's page cannot drive the session from the browser of someone
  who holds the cookie. An SSH tunnel on another port still works: Host and
  Origin then both carry the tunnel's port.

A refusal is a 403 whose body echoes nothing from the request. The token is
never logged: refusals are logged with the request's path, never its query.
"""
from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from tui.i18n import N_, _

log = logging.getLogger("qtime.serve")

TOKEN_PARAM = "token"
# A Host header as a browser sends it: a name or an address, an optional port.
# Anything else is refused before the page builds URLs from it.
HOST_HEADER = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?")

# What a refused browser reads, and why the log says it was refused: in the server's language.
REFUSED = N_("this qtime session needs its token. Open the URL that `qtime serve` printed (it ends in ?token=...),"
             " in the browser that will use the session.")
REASONS = {"host": N_("a malformed Host header"), "origin": N_("an Origin other than the served page's"),
           "token": N_("no valid token")}

# The page's URL carries the token: it is never sent on as a Referer, nothing
# is cached, no other site may frame the page, and the page loads nothing from
# elsewhere (textual-serve's template asks a web font service for its font).
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
                                " img-src 'self' data:; font-src 'self' data:; connect-src 'self';"
                                " frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Token:
    """The server's secret. Its repr never shows it (a crash report or a log of locals)."""

    __slots__ = ("_value",)

    def __init__(self, value: str | None = None) -> None:
        self._value = value or secrets.token_urlsafe(32)

    def reveal(self) -> str:
        """The value, for the one URL printed at start-up."""
        return self._value

    def matches(self, offered: str | None) -> bool:
        return offered is not None and hmac.compare_digest(offered.encode(), self._value.encode())

    def __repr__(self) -> str:
        return "Token(<redacted>)"


def same_origin(origin: str, host: str) -> bool:
    """Whether an Origin header names the origin a page served under `host` has."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower() and parts.path in ("", "/")


class Guard:
    """The token check in front of every route, as an aiohttp middleware."""

    def __init__(self, token: Token) -> None:
        self.token = token
        # Per server, so two servers on one machine (cookies ignore ports) keep their own.
        self.cookie = f"qtime-serve-{secrets.token_hex(4)}"

    def refusal(self, request: web.Request) -> str | None:
        """Why `request` is refused (a key of `REASONS`), or None."""
        host = request.headers.get("Host", "")
        if not HOST_HEADER.fullmatch(host):
            return "host"
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(origin, host):
            return "origin"
        if self.token.matches(request.query.get(TOKEN_PARAM)) or self.token.matches(request.cookies.get(self.cookie)):
            return None
        return "token"

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = self.refusal(request)
        if reason is not None:
            log.warning(_("refused {method} {path} from {remote}: {reason}").format(
                method=request.method, path=request.path, remote=request.remote, reason=_(REASONS[reason])))
            return web.Response(status=403, text=f"403: {_(REFUSED)}\n", headers=SECURITY_HEADERS)
        response = await handler(request)
        if not response.prepared:  # a websocket or a download has sent its headers already
            response.headers.update(SECURITY_HEADERS)
            if self.token.matches(request.query.get(TOKEN_PARAM)):
                response.set_cookie(self.cookie, self.token.reveal(), httponly=True, samesite="Strict", path="/")
        return response
