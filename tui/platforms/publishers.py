"""What every publisher of answers shares: the job it gets, what it returns, its rate limit.

A publisher posts one outbox part (one post of an answer's thread) as a reply
on its platform, and edits (where the platform can: `can_edit`) or deletes
one it posted. The outbox (`tui.platforms.outbox`) decides what to send and
when, records every attempt in the store first, and retries; a publisher only
turns one `Job` into one request, and says how the platform answered:

- returns `Posted` (the post's remote id, URL, and what the next part of
  the thread needs, e.g. a Bluesky uri/cid), or, for a delete, nothing (a
  post already gone counts as deleted: a resend after a lost answer is safe);
- raises `Transient` / `RateLimited` (retry later), `Refused` / `BadReply` /
  `PublishError` (the part fails with that reason), `Uncertain` (an
  earlier answer was lost and the post may exist: a human must check), or
  `AccountProblem` / a 401 `Refused` (the account is the problem: the parts
  stay pending until it is fixed).

What a question's `reply_ref` holds, per platform (set by the sources):
- every platform: `platform` ("mastodon" | "bluesky" | "x");
- mastodon: `status_id` (on `instance`), `instance` (that server's base
  URL), `uri` / `url` (the status, to find it from another instance);
- bluesky: `uri`, `cid` (the question post), `root` ({uri, cid}, when the
  question is itself a reply), `did` (the asker's DID, optional);
- x: `tweet_id`.
A question without one (file and demo sources) has nothing to reply to:
the outbox queues nothing for it.
"""
from __future__ import annotations

import ipaddress
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import httpx

from store.model import OutboxPart, Question
from store.text import Profile, profile_for
from tui.platforms.http import Reply, retry_after


class PublishError(Exception):
    """The platform will not take this part as it is; the message is the reason."""


class AccountProblem(Exception):
    """The account cannot post at all (a login refused): every part waits, none fails."""


class Uncertain(PublishError):
    """An earlier attempt's answer was lost and the post could not be found: it may exist."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where an answer is posted: the account's host (as the counter names it) and its counting rules."""

    label: str
    profile: Profile


@dataclass(frozen=True, slots=True)
class Posted:
    remote_id: str
    url: str
    cid: str = ""  # Bluesky: the record's content id
    in_reply_to: str = ""  # the post it replied to


@dataclass(frozen=True, slots=True)
class Job:
    """One attempt at one part.

    `retrying`: an earlier attempt may have reached the server (look before
    posting where the platform has no idempotency key). `uncertain`: the
    last attempt's answer was lost (the process died mid-request, or the
    connection dropped), so "not found" is not proof it was not posted.
    """

    part: OutboxPart
    question: Question
    parent: OutboxPart | None  # the posted part a post replies to (None: the question)
    lang: str = ""
    retrying: bool = False
    uncertain: bool = False
    target: OutboxPart | None = None  # the posted part an edit or a delete acts on


@dataclass(slots=True)
class RateLimit:
    """The platform's last word on how many posts are left, from reply headers."""

    limit: int
    remaining: int
    resets_at: float | None  # epoch seconds

    def wait(self, now: float | None = None) -> float:
        """Seconds to hold off before the next post: only when none is left."""
        if self.remaining > 0 or self.resets_at is None:
            return 0.0
        return max(0.0, self.resets_at - (now if now is not None else time.time()))

    def describe(self) -> str:
        text = f"{self.remaining}/{self.limit} posts left"
        if self.resets_at is not None:
            text += f", resets {datetime.fromtimestamp(self.resets_at).strftime('%H:%M')}"
        return text


_LIMIT = ("x-ratelimit-limit", "ratelimit-limit", "x-rate-limit-limit")
_REMAINING = ("x-ratelimit-remaining", "ratelimit-remaining", "x-rate-limit-remaining")
_RESET = ("x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset")


def _first_int(headers: httpx.Headers, names: tuple[str, ...]) -> int | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


def rate_limit_from(headers: httpx.Headers) -> RateLimit | None:
    """Mastodon (`x-ratelimit-*`, reset an ISO time), Bluesky (`ratelimit-*`), X (`x-rate-limit-*`)."""
    limit, remaining = _first_int(headers, _LIMIT), _first_int(headers, _REMAINING)
    if limit is None or remaining is None:
        return None
    reset_only = httpx.Headers({name: headers[name] for name in _RESET if name in headers})
    seconds = retry_after(reset_only)
    return RateLimit(limit, remaining, None if seconds is None else time.time() + seconds)


def not_redirected(name: str, reply: Reply) -> Reply:
    """Posts are sent with `follow_redirects=False`: a 307/308 would resend the body elsewhere."""
    if 300 <= reply.status < 400:
        raise PublishError(f"{name} answered the post with a redirect ({reply.status}), not followed: check the base URL")
    return reply


def target_of(job: Job) -> OutboxPart:
    """The posted part an edit or a delete acts on (the outbox resolves it before sending)."""
    if job.target is None or not job.target.remote_id:
        raise PublishError("the post to change was never posted")
    return job.target


def is_loopback(host: str) -> bool:
    """This machine: `localhost`, 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(name: str, url: str) -> str:
    """A base URL fit to send a credential to: https, or http only to this machine."""
    try:
        parsed = httpx.URL(url.strip())
        host = parsed.host
    except (httpx.InvalidURL, ValueError):  # ValueError: a host that is not a valid domain name (IDNA)
        raise ValueError(f"{name}: not a URL") from None
    if parsed.userinfo:  # never echo it: it may be a password
        raise ValueError(f"{name}: must not hold a user name or password; credentials have their own variables")
    if parsed.scheme not in ("http", "https") or not host:
        raise ValueError(f"{name}: {url!r} is not an http(s) URL")
    if parsed.scheme == "http" and not is_loopback(host):
        raise ValueError(f"{name}: {url!r} would send the credential unencrypted; use https://")
    return url.strip().rstrip("/")


class Publisher(ABC):
    """One connected account on one platform."""

    platform: ClassVar[str]  # the `reply_ref["platform"]` it answers
    name: ClassVar[str]  # shown to people: "Mastodon"
    can_edit: ClassVar[bool] = False  # a correction edits the posts in place (else: a reply or a repost)

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.rate: RateLimit | None = None

    @property
    def host(self) -> str:
        return httpx.URL(self.base_url).host

    @property
    @abstractmethod
    def account(self) -> str:
        """Who posts, for people: "@qtime@mastodon.social"."""

    @abstractmethod
    def secrets(self) -> list[str]:
        """Every credential this publisher holds, so reasons can be scrubbed of them."""

    def can_reply(self, question: Question) -> bool:
        return question.reply_ref.get("platform") == self.platform

    def target(self) -> Target:
        """The counting rules of this account's platform (an instance's own limits where known)."""
        return Target(self.host, profile_for(self.platform))

    async def learn(self, client: httpx.AsyncClient) -> None:  # noqa: B027 - most platforms have nothing to learn
        """Learn what the account's server says about its rules (best effort; most platforms: nothing)."""

    @abstractmethod
    def new_key(self) -> str:
        """The idempotency key (Mastodon) or record key (Bluesky) of a new part; "" if none."""

    @abstractmethod
    async def publish(self, client: httpx.AsyncClient, job: Job) -> Posted:
        """Post `job.part`; see the module docstring for the outcomes."""

    async def edit(self, client: httpx.AsyncClient, job: Job) -> Posted:
        """Replace the text of `job.target` with `job.part.text` (only where `can_edit`)."""
        raise PublishError(f"{self.name} cannot edit a post")

    @abstractmethod
    async def delete(self, client: httpx.AsyncClient, job: Job) -> None:
        """Delete `job.target`; a post that is already gone counts as deleted."""

    def note_rate(self, headers: httpx.Headers) -> None:
        rate = rate_limit_from(headers)
        if rate is not None:
            self.rate = rate

    def rate_text(self) -> str:
        return f"{self.name}: {self.rate.describe()}" if self.rate else ""

    def __repr__(self) -> str:  # never a credential in a traceback or log
        return f"{type(self).__name__}({self.account!r})"
