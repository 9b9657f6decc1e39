"""Fake Mastodon, Bluesky and X servers for source tests, on `tests.httpserver.LocalServer`.

Payload shapes follow recorded API traffic (Mastodon 4.x statuses with
`Link` and `x-ratelimit-*` headers, Bluesky `postView`s as in
`getPostThread`'s `thread.post`, X v2 recent search with `includes.users`
and `meta`), written here from the public API references. Each fake keeps
its posts in memory, answers paging the way the real service does, checks
tokens, and can inject faults (`Faults`) for the error and soak tests.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.httpserver import LocalServer, Request, Response

EPOCH = datetime(2026, 8, 1, 13, 0, tzinfo=UTC)
FAULT_KINDS = ("429", "429-reset", "429-bare", "503", "502-html", "drop", "malformed", "truncated", "slow")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Faults:
    """Seeded random faults: `pick()` names one (or None) for each request it is asked about."""

    def __init__(self, rate: float = 0.0, seed: int = 1, kinds: tuple[str, ...] = FAULT_KINDS,
                 slow_delay: float = 0.2, reset_in: float = 0.2) -> None:
        self.rate = rate
        self.kinds = kinds
        self.slow_delay = slow_delay
        self.reset_in = reset_in
        self.random = random.Random(seed)
        self.served: dict[str, int] = {}
        self.lock = threading.Lock()
        self.queue: list[str] = []  # faults to serve next, in order, before random ones

    def pick(self) -> str | None:
        with self.lock:
            kind = self.queue.pop(0) if self.queue else None
            if kind is None and self.rate and self.random.random() < self.rate:
                kind = self.random.choice(self.kinds)
            if kind:
                self.served[kind] = self.served.get(kind, 0) + 1
            return kind

    def response(self, kind: str, reset_header: str, reset_value: str) -> Response | None:
        """The faulty answer for `kind`; None for faults applied to the real answer (slow)."""
        if kind == "429":
            return Response.json({"error": "Too many requests"}, 429, {"Retry-After": "0"})
        if kind == "429-reset":
            return Response.json({"error": "Too many requests"}, 429, {reset_header: reset_value,
                                                                         "X-RateLimit-Remaining": "0"})
        if kind == "429-bare":
            return Response.json({"error": "Too many requests"}, 429)
        if kind == "503":
            return Response.json({"error": "Service unavailable"}, 503)
        if kind == "502-html":
            return Response(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", {"Content-Type": "text/html"})
        if kind == "drop":
            return Response(drop=True)
        if kind == "malformed":
            return Response(200, b'{"posts": [{"uri": ', {"Content-Type": "application/json"})
        if kind == "truncated":
            return Response(200, b"<html>not json</html>", {"Content-Type": "application/json"})
        return None


class FakePlatform:
    """What the three fakes share: a server, a lock, faults, the token check."""

    def __init__(self, server: LocalServer, faults: Faults | None) -> None:
        self.server = server
        self.faults = faults or Faults()
        self.lock = threading.Lock()

    def fault(self) -> tuple[Response | None, bool]:
        """(a faulty response to send instead, whether to slow the real one down)."""
        kind = self.faults.pick()
        if kind is None:
            return None, False
        if kind == "slow":
            return None, True
        return self.faults.response(kind, *self.reset_header()), False

    def reset_header(self) -> tuple[str, str]:
        raise NotImplementedError


# -- Mastodon ---------------------------------------------------------------------


def mastodon_status(base: str, status_id: str, *, acct: str = "nerthase", display_name: str = "Nerthase",
                    content: str = "<p>Hello</p>", spoiler: str = "", favourites: int = 0, boosts: int = 0,
                    language: str = "en", created_at: datetime | None = None,
                    reblog: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Status as `GET /api/v1/timelines/tag/:tag` returns it (Mastodon 4.x field set)."""
    username, _, domain = acct.partition("@")
    home = f"https://{domain}" if domain else base
    account_id = str(110000000000000000 + sum(map(ord, acct)))
    return {
        "id": status_id,
        "created_at": _iso(created_at or EPOCH),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": bool(spoiler),
        "spoiler_text": spoiler,
        "visibility": "public",
        "language": language,
        "uri": f"{home}/users/{username}/statuses/{status_id}",
        "url": f"{home}/@{username}/{status_id}",
        "replies_count": 0,
        "reblogs_count": boosts,
        "favourites_count": favourites,
        "quotes_count": 0,
        "edited_at": None,
        "content": content,
        "filtered": [],
        "reblog": reblog,
        "application": {"name": "Web", "website": None},
        "account": {
            "id": account_id, "username": username, "acct": acct, "display_name": display_name,
            "locked": False, "bot": False, "discoverable": True, "group": False,
            "created_at": "2024-01-01T00:00:00.000Z", "note": "", "url": f"{home}/@{username}",
            "avatar": f"{base}/avatars/original/missing.png", "followers_count": 3, "following_count": 4,
            "statuses_count": 12, "emojis": [], "fields": [],
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "qtime", "url": f"{base}/tags/qtime"}],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def mastodon_sample_statuses(base: str) -> list[dict[str, Any]]:
    """A realistic batch, oldest first: mentions, links, emoji, a content warning, a boost."""
    tag_link = f'<a href="{base}/tags/qtime" class="mention hashtag" rel="tag">#<span>qtime</span></a>'
    first = "117020593741189701"
    return [
        mastodon_status(base, first, acct="nerthase", display_name="Nerthase 🌿",
                        content=f"<p>{tag_link} When will the Linux client ship? 🐧</p>", favourites=3, boosts=1),
        mastodon_status(base, "117020593741190702", acct="ada@fosstodon.org", display_name="Ada",
                        content=('<p><span class="h-card"><a href="https://m.example/@ceo" class="u-url mention">'
                                 '@<span>ceo</span></a></span> will you open-source it?<br />See '
                                 '<a href="https://example.org/roadmap/2026/q3" rel="nofollow noopener" target="_blank">'
                                 '<span class="invisible">https://</span><span class="ellipsis">example.org/roadmap/20</span>'
                                 f'<span class="invisible">26/q3</span></a> {tag_link}</p>'
                                 "<p>Thanks &amp; good luck &lt;3</p>"),
                        language="de", created_at=EPOCH + timedelta(minutes=1)),
        mastodon_status(base, "117020593741191703", acct="quiet", display_name="",
                        content=f"<p>Is the layoff rumour true? {tag_link}</p>", spoiler="work, layoffs",
                        created_at=EPOCH + timedelta(minutes=2)),
        mastodon_status(base, "117020593741192704", acct="booster", display_name="Booster",
                        content="", created_at=EPOCH + timedelta(minutes=3),
                        reblog=mastodon_status(base, first, content=f"<p>{tag_link} When will ...</p>")),
    ]


def instance_v2(base: str, max_characters: int = 500) -> dict[str, Any]:
    host = base.split("://", 1)[1]
    return {
        "domain": host, "title": "Mastodon", "version": "4.6.4",
        "source_url": "https://github.com/mastodon/mastodon", "description": "",
        "usage": {"users": {"active_month": 0}}, "languages": ["en"],
        "configuration": {
            "urls": {"streaming": f"ws://{host}", "status": None},
            "accounts": {"max_featured_tags": 10},
            "statuses": {"max_characters": max_characters, "max_media_attachments": 4,
                         "characters_reserved_per_url": 23},
        },
        "registrations": {"enabled": False, "approval_required": False},
        "api_versions": {"mastodon": 11},
    }


class FakeMastodon(FakePlatform):
    """`/api/v1/timelines/tag/:tag` with min_id/max_id/since_id paging, `/api/v2/instance`, the stream."""

    def __init__(self, server: LocalServer, tag: str = "qtime", *, token: str | None = None,
                 faults: Faults | None = None, max_characters: int = 500) -> None:
        super().__init__(server, faults)
        self.tag = tag
        self.token = token
        self.statuses: list[dict[str, Any]] = []  # oldest first
        self.next_id = 117020600000000000
        self.stream_events: list[tuple[str, str]] = []
        self.timeline_path = f"/api/v1/timelines/tag/{tag}"
        server.route("GET", self.timeline_path, self.timeline)
        server.route("GET", "/api/v2/instance", lambda req: Response.json(instance_v2(self.server.url, max_characters)))
        server.route("GET", "/api/v1/streaming/hashtag", self.stream)

    def reset_header(self) -> tuple[str, str]:
        return "X-RateLimit-Reset", _iso(datetime.now(UTC) + timedelta(seconds=self.faults.reset_in))

    def add(self, status: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.statuses.append(status)
        return status

    def post(self, text: str, *, acct: str = "asker", favourites: int = 0) -> dict[str, Any]:
        """A new status with the next id, as if just posted."""
        with self.lock:
            self.next_id += 1000
            status = mastodon_status(self.server.url, str(self.next_id), acct=acct, display_name=acct.title(),
                                     content=f"<p>{text} #qtime</p>", favourites=favourites)
            self.statuses.append(status)
            return status

    def _authorised(self, request: Request) -> bool:
        return self.token is None or request.headers.get("authorization") == f"Bearer {self.token}"

    def timeline(self, request: Request) -> Response:
        if not self._authorised(request):
            return Response.json({"error": "This API requires an authenticated user"}, 401)
        fault, slow = self.fault()
        if fault:
            return fault
        limit = min(int(request.arg("limit", "20") or 20), 40)
        key = lambda s: int(s["id"])  # noqa: E731
        with self.lock:
            statuses = sorted(self.statuses, key=key)
        min_id, max_id, since_id = (request.arg(n) for n in ("min_id", "max_id", "since_id"))
        if min_id:
            page = [s for s in statuses if int(s["id"]) > int(min_id)][:limit][::-1]
        else:
            page = [s for s in statuses[::-1]
                    if (not max_id or int(s["id"]) < int(max_id)) and (not since_id or int(s["id"]) > int(since_id))][:limit]
        headers = {
            "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299",
            "X-RateLimit-Reset": _iso(datetime.now(UTC) + timedelta(minutes=5)),
            "Cache-Control": "private, no-store", "Vary": "Authorization, Origin",
        }
        if page:
            url = f"{self.server.url}{self.timeline_path}"
            headers["Link"] = (f'<{url}?max_id={page[-1]["id"]}>; rel="next", '
                               f'<{url}?min_id={page[0]["id"]}>; rel="prev"')
        return Response.json(page, headers=headers, delay=self.faults.slow_delay if slow else 0.0)

    def stream(self, request: Request) -> Response:
        if self.token is None or not self._authorised(request):
            return Response.json({"error": "Error while trying to authenticate"}, 401)
        body = ":)\n\n" + "".join(f"event: {event}\ndata: {data}\n\n" for event, data in self.stream_events)
        self.stream_events = []
        return Response(200, body.encode(), {"Content-Type": "text/event-stream"})


# -- Bluesky ----------------------------------------------------------------------


def bluesky_post(did: str, handle: str, rkey: str, text: str, *, display_name: str = "", likes: int = 0,
                 reposts: int = 0, quotes: int = 0, created_at: datetime | None = None,
                 reply_root: dict[str, str] | None = None, labels: list[str] | None = None) -> dict[str, Any]:
    """An `app.bsky.feed.defs#postView`, the shape of `thread.post` in `getPostThread`."""
    uri = f"at://{did}/app.bsky.feed.post/{rkey}"
    created = _iso(created_at or EPOCH)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created, "langs": ["en"], "text": text,
                              "facets": [{"index": {"byteStart": 0, "byteEnd": 6},
                                          "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "qtime"}]}]}
    if reply_root:
        record["reply"] = {"root": reply_root, "parent": reply_root}
    return {
        "uri": uri,
        "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52],
        "author": {"did": did, "handle": handle, "displayName": display_name,
                   "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkrei@jpeg",
                   "viewer": {"muted": False, "blockedBy": False}, "labels": [],
                   "createdAt": "2023-04-26T19:05:34.249Z"},
        "record": record,
        "replyCount": 0, "repostCount": reposts, "likeCount": likes, "quoteCount": quotes,
        "indexedAt": created,
        "viewer": {"threadMuted": False},
        "labels": [{"src": did, "uri": uri, "val": v, "cts": created} for v in (labels or [])],
    }


class FakeBluesky(FakePlatform):
    """createSession / refreshSession and `app.bsky.feed.searchPosts` (latest first, offset cursor)."""

    def __init__(self, server: LocalServer, tag: str = "qtime", *, handle: str = "host.bsky.social",
                 password: str = "app-pass-1234", require_auth: bool = True, faults: Faults | None = None) -> None:
        super().__init__(server, faults)
        self.tag = tag
        self.handle = handle
        self.password = password
        self.require_auth = require_auth
        self.posts: list[dict[str, Any]] = []  # oldest first
        self.logins = 0
        self.refreshes = 0
        self.valid: set[str] = set()
        self.expire_next = False  # the next search with a valid token answers ExpiredToken
        self.counter = 0
        server.route("POST", "/xrpc/com.atproto.server.createSession", self.create_session)
        server.route("POST", "/xrpc/com.atproto.server.refreshSession", self.refresh_session)
        server.route("GET", "/xrpc/app.bsky.feed.searchPosts", self.search)

    def reset_header(self) -> tuple[str, str]:
        return "RateLimit-Reset", str(int(time.time() + self.faults.reset_in + 1))

    def post(self, text: str, *, handle: str = "asker.bsky.social", likes: int = 0) -> dict[str, Any]:
        with self.lock:
            self.counter += 1
            did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
            post = bluesky_post(did, handle, f"3kah{self.counter:09d}", f"#qtime {text}", likes=likes,
                                created_at=EPOCH + timedelta(seconds=self.counter))
            self.posts.append(post)
            return post

    def _session(self) -> dict[str, str]:
        self.logins += 1
        access, refresh = f"acc-{self.logins}-{self.refreshes}", f"ref-{self.logins}"
        self.valid = {access}
        return {"accessJwt": access, "refreshJwt": refresh, "did": "did:plc:hostaccount000000", "handle": self.handle}

    def create_session(self, request: Request) -> Response:
        body = request.json()
        if body.get("identifier") != self.handle or body.get("password") != self.password:
            return Response.json({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
        with self.lock:
            return Response.json(self._session())

    def refresh_session(self, request: Request) -> Response:
        with self.lock:
            if request.headers.get("authorization") != f"Bearer ref-{self.logins}":
                return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
            self.refreshes += 1
            access = f"acc-{self.logins}-{self.refreshes}"
            self.valid = {access}
            return Response.json({"accessJwt": access, "refreshJwt": f"ref-{self.logins}",
                                  "did": "did:plc:hostaccount000000", "handle": self.handle})

    def search(self, request: Request) -> Response:
        token = (request.headers.get("authorization") or "").removeprefix("Bearer ")
        with self.lock:
            if self.require_auth and token not in self.valid:
                return Response.json({"error": "AuthMissing", "message": "Authentication Required"}, 401)
            if self.require_auth and self.expire_next:
                self.expire_next = False
                self.valid = set()
                return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        fault, slow = self.fault()
        if fault:
            return fault
        if request.arg("q") != f"#{self.tag}" or request.arg("sort") != "latest":
            return Response.json({"error": "InvalidRequest", "message": "unexpected query"}, 400)
        limit = min(int(request.arg("limit", "25") or 25), 100)
        offset = int(request.arg("cursor", "0") or 0)
        with self.lock:
            newest_first = self.posts[::-1]
        page = newest_first[offset:offset + limit]
        reply: dict[str, Any] = {"posts": page, "hitsTotal": len(newest_first)}
        if offset + limit < len(newest_first):
            reply["cursor"] = str(offset + limit)
        return Response.json(reply, headers={"RateLimit-Limit": "3000", "RateLimit-Remaining": "2999",
                                             "RateLimit-Reset": str(int(time.time()) + 300)},
                             delay=self.faults.slow_delay if slow else 0.0)


# -- X ----------------------------------------------------------------------------


def x_tweet(tweet_id: str, author_id: str, text: str, *, likes: int = 0, retweets: int = 0, quotes: int = 0,
            created_at: datetime | None = None) -> dict[str, Any]:
    """A v2 Tweet with the fields `tweet.fields=created_at,public_metrics,conversation_id,lang` asks for."""
    return {
        "id": tweet_id, "text": text, "author_id": author_id, "conversation_id": tweet_id,
        "created_at": _iso(created_at or EPOCH), "lang": "en",
        "edit_history_tweet_ids": [tweet_id],
        "public_metrics": {"retweet_count": retweets, "reply_count": 0, "like_count": likes,
                           "quote_count": quotes, "bookmark_count": 0, "impression_count": 40},
    }


class FakeX(FakePlatform):
    """`/2/tweets/search/recent`: since_id, next_token, includes.users, meta, x-rate-limit-* headers."""

    def __init__(self, server: LocalServer, tag: str = "qtime", *, token: str = "x-bearer-token-abc",
                 faults: Faults | None = None) -> None:
        super().__init__(server, faults)
        self.tag = tag
        self.token = token
        self.tweets: list[dict[str, Any]] = []  # oldest first
        self.archived: list[dict[str, Any]] = []  # out of search's reach (older than 7 days), still expandable
        self.users: dict[str, dict[str, str]] = {}
        self.next_id = 1820000000000000000
        self.remaining = 450
        server.route("GET", "/2/tweets/search/recent", self.search)

    def reset_header(self) -> tuple[str, str]:
        return "x-rate-limit-reset", str(int(time.time() + self.faults.reset_in + 1))

    def post(self, text: str, *, username: str = "asker", likes: int = 0,
             links: dict[str, str] | None = None) -> dict[str, Any]:
        """A new tweet; `links` maps each t.co link in `text` to where it goes (`entities.urls`)."""
        with self.lock:
            self.next_id += 4096
            user_id = str(1000 + sum(map(ord, username)))
            self.users[user_id] = {"id": user_id, "name": username.title(), "username": username}
            tweet = x_tweet(str(self.next_id), user_id, f"{text} #qtime", likes=likes)
            if links:
                tweet["entities"] = {"urls": [
                    {"start": tweet["text"].index(short), "end": tweet["text"].index(short) + len(short), "url": short,
                     "expanded_url": real, "display_url": real.split("://", 1)[1][:24] + "…"}
                    for short, real in links.items()]}
            self.tweets.append(tweet)
            return tweet

    def retweet(self, original: dict[str, Any], *, username: str = "fan") -> dict[str, Any]:
        """A native retweet of `original`: a truncated `RT @…: …` text and `referenced_tweets`
        (X leaves these out only for `-is:retweet`; this fake serves them anyway)."""
        author = self.users[original["author_id"]]
        tweet = self.post("", username=username)
        with self.lock:
            tweet["text"] = f"RT @{author['username']}: {original['text']}"[:140]
            tweet["referenced_tweets"] = [{"type": "retweeted", "id": original["id"]}]
            tweet["public_metrics"]["retweet_count"] = 0
        return tweet

    def search(self, request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Response.json({"title": "Unauthorized", "type": "about:blank", "status": 401,
                                  "detail": "Unauthorized"}, 401)
        fault, slow = self.fault()
        if fault:
            return fault
        max_results = int(request.arg("max_results", "10") or 10)
        query = request.arg("query") or ""
        if not 10 <= max_results <= 100 or f"#{self.tag}" not in query.split():
            return Response.json({"errors": [{"parameters": {"max_results": [str(max_results)]},
                                              "message": "invalid"}], "title": "Invalid Request",
                                  "detail": "One or more parameters to your request was invalid.",
                                  "type": "https://api.twitter.com/2/problems/invalid-request"}, 400)
        since = int(request.arg("since_id", "0") or 0)
        offset = int((request.arg("next_token") or "tok0").removeprefix("tok"))
        with self.lock:
            matching = [t for t in self.tweets[::-1] if int(t["id"]) > since]
            page = matching[offset:offset + max_results]
            by_id = {t["id"]: t for t in self.tweets + self.archived}
            referenced = [by_id[r["id"]] for t in page for r in t.get("referenced_tweets", []) if r["id"] in by_id]
            users = {t["author_id"]: self.users[t["author_id"]] for t in page + referenced}
            self.remaining = max(0, self.remaining - 1)
        headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": str(max(self.remaining, 1)),
                   "x-rate-limit-reset": str(int(time.time()) + 900)}
        if not page:
            return Response.json({"meta": {"result_count": 0}}, headers=headers)
        meta: dict[str, Any] = {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"], "result_count": len(page)}
        if offset + max_results < len(matching):
            meta["next_token"] = f"tok{offset + max_results}"
        includes: dict[str, Any] = {"users": list(users.values())}
        if referenced:
            includes["tweets"] = referenced
        return Response.json({"data": page, "includes": includes, "meta": meta},
                             headers=headers, delay=self.faults.slow_delay if slow else 0.0)


def sse(event: str, payload: Any) -> tuple[str, str]:
    """One server-sent event for `FakeMastodon.stream_events`."""
    return event, payload if isinstance(payload, str) else json.dumps(payload)


# -- driving a source ---------------------------------------------------------------


class Recorder:
    """The `emit`, `report` and `warn` callbacks of a source, recording everything."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.records: list[Any] = []  # the source state committed with each batch (None: none)
        self.states: list[Any] = []
        self.warnings: list[str] = []

    async def emit(self, batch: list[dict[str, Any]], *, source_state: Any = None) -> None:
        if batch:
            self.batches.append(batch)
        self.records.append(source_state)

    def report(self, state: Any) -> None:
        self.states.append(state)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for batch in self.batches for item in batch]

    def ids(self) -> list[str]:
        """Every remote id delivered (repeats kept), oldest first: pages come newest
        page first, so delivery order is oldest first only within a page."""
        def post_order(remote_id: str) -> tuple[int, str]:
            tail = remote_id.rsplit("/", 1)[-1]  # a status/tweet id, or a Bluesky record key
            return len(tail), tail

        return sorted((item["remote_id"] for item in self.items), key=post_order)

    def by_id(self) -> dict[str, dict[str, Any]]:
        """The latest item delivered for each remote id."""
        return {item["remote_id"]: item for item in self.items}

    @property
    def last(self) -> Any:
        return self.states[-1]

    def details(self) -> str:
        return "\n".join(f"{s.state}: {s.detail}" for s in self.states) + "\n" + "\n".join(self.warnings)

    async def once(self, source: Any) -> Recorder:
        await source.run(self.emit, self.report, self.warn, once=True)
        return self

    async def live_until(self, source: Any, done: Any, timeout: float = 10.0) -> Recorder:
        """Run `source` live until `done()` is true (or fail after `timeout` s), then cancel it."""
        task = asyncio.create_task(source.run(self.emit, self.report, self.warn))
        try:
            async with asyncio.timeout(timeout):
                while not done():
                    if task.done():
                        raise AssertionError(f"source ended early:\n{self.details()}")
                    await asyncio.sleep(0.02)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return self
