"""The one way qtime talks HTTP: bounded, timed, token bound to its host.

What plain httpx does that a live tool cannot afford (ARCHITECTURE.md,
"The network is bounded"):
- the read timeout is per read, so a slow-drip body never times out: every
  call here runs under an overall deadline;
- a small gzip body can inflate to hundreds of MB: bodies are read raw and
  decompressed here with a cap on the decoded size;
- 429 raises nothing and `.json()` raises `ValueError`: every outcome becomes
  a `Reply` or one of the errors below, which sources and publishers map to
  "retry in N s", "stop: why" or "skip and count";
- a token in default headers goes to any URL requested: tokens travel only
  through `HostToken`, which adds them to requests for their own host.
"""
from __future__ import annotations

import asyncio
import random
import zlib
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from store.sanitize import clean_line

USER_AGENT = "questiontime/0.1 (+https://pypi.org/project/questiontime/)"
MAX_BODY = 8 * 1024 * 1024
MAX_ERROR_BODY = 64 * 1024  # a 429's body is read for its reason; never more than this
DEADLINE = 30.0
PHASE_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class HttpProblem(Exception):
    """Base of the outcomes that are not a usable reply. The text is safe to show."""


class Transient(HttpProblem):
    """Timeout, refused or reset connection, 5xx: retry with backoff.

    `unanswered` is True when the request may have reached the server and no
    answer came back (a read timeout, a dropped connection): a write may have
    been carried out, so a publisher must not simply send it again.
    """

    def __init__(self, message: str, retry_after: float | None = None, *, unanswered: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.unanswered = unanswered


class RateLimited(Transient):
    """429: retry no sooner than `retry_after` seconds."""




class Refused(HttpProblem):
    """401/403 or another final refusal: stop and say why.

    `data` is the refusal's parsed JSON body, when it had one (an XRPC error's
    `error` code and `message`, say); it is not part of the message.
    """

    def __init__(self, message: str, status: int, data: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.data = data


class CapReached(Refused):
    """A usage cap (X `UsageCapExceeded`): no retry helps before the cap resets.

    Unlike a rate limit it is final, like any refusal; `resets_in` is the wait
    in seconds when the reply says when the cap lifts, else None.
    """

    def __init__(self, message: str, data: Any, resets_in: float | None) -> None:
        super().__init__(message, 429, data)
        self.resets_in = resets_in


class BadReply(HttpProblem):
    """Malformed, truncated or oversized body: skip it, count it."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: httpx.Headers
    url: httpx.URL
    data: Any = None  # parsed JSON, when the body was JSON
    body: bytes = field(default=b"", repr=False)


class HostToken(httpx.Auth):
    """Adds `Authorization` only to requests for the origin (scheme, host, port) of `url`; never to any other."""

    def __init__(self, url: str, value: str) -> None:
        parsed = httpx.URL(url)
        self.origin = (parsed.scheme, parsed.host.lower(), parsed.port)
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if (request.url.scheme, request.url.host.lower(), request.url.port) == self.origin:
            request.headers["Authorization"] = self._value
        yield request

    def __repr__(self) -> str:  # never show the token in a traceback or log
        return f"HostToken({self.origin!r}, '***')"


def bearer(url: str, token: str) -> HostToken:
    return HostToken(url, f"Bearer {token}")


def make_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """A client with no default credentials; redirects followed (httpx drops
    `Authorization` when one leaves the origin, and `HostToken` re-checks the host)."""
    return httpx.AsyncClient(
        transport=transport,
        timeout=PHASE_TIMEOUT,
        follow_redirects=True,
        max_redirects=3,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _decoder(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise BadReply(f"unsupported content encoding {encoding!r}")


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    decoder = _decoder(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        if decoder is None:
            pieces = [raw]
        else:
            pieces = []
            data = raw
            while data:
                piece = decoder.decompress(data, limit + 1 - size)
                pieces.append(piece)
                size_left = limit + 1 - size - len(piece)
                data = decoder.unconsumed_tail if size_left > 0 else b""
                if size_left <= 0:
                    break
        for piece in pieces:
            size += len(piece)
            chunks.append(piece)
        if size > limit:
            raise BadReply(f"reply body over {limit // 1024} kB; skipped")
    return b"".join(chunks)


def retry_after(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """Seconds to wait from `Retry-After` or a platform's rate-limit reset header."""
    now = now or datetime.now(UTC)
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
            except (TypeError, ValueError):
                pass
    for name in ("x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"):
        value = headers.get(name)
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:  # Mastodon: an ISO 8601 time
            try:
                when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return max(0.0, (when - now).total_seconds())
        # epoch seconds (Bluesky, X); a small number is a delta in seconds
        return max(0.0, number - now.timestamp()) if number > 1e9 else max(0.0, number)
    return None


async def request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    max_bytes: int = MAX_BODY,
    deadline: float = DEADLINE,
    expect_json: bool = True,
    **kwargs: Any,
) -> Reply:
    """One HTTP call under an overall deadline and a body cap.

    Returns a `Reply` for 2xx (and 3xx left unfollowed); raises `Transient`,
    `RateLimited`, `Refused` or `BadReply` for everything else.
    """
    try:
        async with asyncio.timeout(deadline):
            async with client.stream(method, url, **kwargs) as response:
                status = response.status_code
                if status == 429:
                    raise await _too_many(response, min(max_bytes, MAX_ERROR_BODY))
                if status >= 500:
                    raise Transient(f"server error {status}", retry_after(response.headers))
                if status in (408, 425):
                    raise Transient(f"server asked to retry ({status})", retry_after(response.headers))
                body = await _read_capped(response, max_bytes)
    except TimeoutError:
        raise Transient(f"no complete answer within {deadline:g} s", unanswered=True) from None
    except httpx.TooManyRedirects:
        raise Refused("too many redirects", 310) from None
    except httpx.TransportError as error:
        # Only a failed connect proves the server never saw the request.
        unanswered = not isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
        raise Transient(f"network error: {type(error).__name__}", unanswered=unanswered) from None
    if status >= 400:
        raise _refusal(status, response.headers, body)
    data = None
    if expect_json and body:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise BadReply(f"reply is not JSON ({len(body)} bytes)") from None
    return Reply(status, response.headers, response.url, data, body)


def _refusal(status: int, headers: httpx.Headers, body: bytes) -> Refused:
    """401/403/4xx as a final refusal with the server's own reason, when it gives one."""
    reason = ""
    data: Any = None
    if "html" in headers.get("content-type", ""):
        reason = "an HTML page (blocked at the network edge?)"
    else:
        data = _json_or_none(body)
        reason = platform_reason(data)
    label = {401: "not authorised (401)", 403: "forbidden (403)", 404: "not found (404)", 422: "refused (422)"}
    text = label.get(status, f"refused ({status})")
    return Refused(f"{text}: {reason}" if reason else text, status, data)


# -- the platform's own reason, from an error body --------------------------------

_CAP_HEADERS = ("x-app-limit-24hour-reset", "x-user-limit-24hour-reset")


async def _too_many(response: httpx.Response, limit: int) -> HttpProblem:
    """A 429 as a rate limit (retry after the reset) or a usage cap (final), with the platform's reason."""
    try:
        data = _json_or_none(await _read_capped(response, limit))
    except BadReply:
        data = None
    reason = platform_reason(data)
    if reason.lower() == "too many requests":  # the status line again, no reason
        reason = ""
    if usage_capped(data):
        return CapReached(f"usage cap reached (429): {reason}", data, _cap_resets_in(response.headers))
    message = f"rate limited (429): {reason}" if reason else "rate limited (429)"
    return RateLimited(message, retry_after(response.headers))


def _cap_resets_in(headers: httpx.Headers) -> float | None:
    """When a usage cap lifts: `Retry-After`, or X's 24-hour cap reset (never the
    15-minute window's `x-rate-limit-reset`, which says nothing about the cap)."""
    if "retry-after" in headers:
        return retry_after(headers)
    for name in _CAP_HEADERS:
        if name in headers:
            return retry_after(httpx.Headers({"x-rate-limit-reset": headers[name]}))
    return None


def usage_capped(data: Any) -> bool:
    """X says a usage cap (monthly or daily product cap), not a rate limit, was hit."""
    if not isinstance(data, dict):
        return False
    words = " ".join(str(data.get(key) or "") for key in ("title", "type", "detail")).lower()
    return "usagecapexceeded" in words.replace(" ", "") or "usage cap" in words


def platform_reason(data: Any) -> str:
    """The platform's own words in an error body, one line, at most 300 characters.

    X (problem JSON): each `errors[].message` (the specific cause, e.g. a bad
    parameter), else `detail`, else `title`. Mastodon: `error` (and an OAuth
    `error_description`). Bluesky (XRPC): `error` and `message`. Secrets are
    redacted by the caller, which knows them.
    """
    if not isinstance(data, dict):
        return ""
    messages = [e.get("message") for e in data.get("errors") or [] if isinstance(e, dict)] \
        if isinstance(data.get("errors"), list) else []
    words = [m for m in messages if isinstance(m, str) and m][:3]
    if not words:
        words = [next((v for v in (data.get("detail"), data.get("title")) if isinstance(v, str) and v), "")]
    code, said = data.get("error"), data.get("error_description") or data.get("message")
    for value in (code, said):
        if isinstance(value, str) and value and value not in words:
            words.append(value)
    return clean_line("; ".join(w for w in words if w), limit=300)


def _json_or_none(body: bytes) -> Any:
    try:
        return orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return None


@dataclass
class Backoff:
    """Capped exponential backoff with jitter; `reset()` after a success."""

    base: float = 1.0
    cap: float = 120.0
    attempt: int = 0

    def next_delay(self, at_least: float | None = None) -> float:
        ceiling = min(self.cap, self.base * (2 ** self.attempt))
        self.attempt += 1
        delay = ceiling * (0.5 + random.random() / 2)
        return float(max(delay, at_least or 0.0))

    def reset(self) -> None:
        self.attempt = 0
