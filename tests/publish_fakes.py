"""Small fake Mastodon, Bluesky PDS and X servers on `LocalServer`, for the publisher tests.

Each keeps what was really created, edited and deleted (server-side, so a
test counts posts the way the platform would) and plays a list of faults,
one per create, edit or delete request:

    None        answer normally
    "503"       answer 503 without creating anything
    "429"       answer 429 (Retry-After 0.1 s) without creating anything
    "drop"      create the post, then close the connection without answering
    "lost"      close the connection without creating anything
    "slow"      create the post, then answer only after `slow_delay` seconds
"""
from __future__ import annotations

import html
import itertools
import threading
from typing import Any

from store.session_store import SessionStore
from tests.httpserver import LocalServer, Request, Response

Fault = str | None


class FakePlatform:
    def __init__(self, server: LocalServer, token: str) -> None:
        self.server = server
        self.token = token
        self.faults: list[Fault] = []
        self.slow_delay = 5.0
        self.lock = threading.Lock()
        self.ids = itertools.count(1001)

    def authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    def create(self, request: Request, make: Any) -> Response:
        """Apply the next fault around `make()`, which creates the post and returns the answer."""
        with self.lock:
            fault = self.faults.pop(0) if self.faults else None
        if fault == "503":
            return Response.json({"error": "Service Unavailable"}, 503)
        if fault == "429":
            return Response.json({"error": "Too many requests"}, 429, {"Retry-After": "0.1"})
        if fault == "lost":
            return Response(drop=True)
        response = make()
        if fault == "drop":
            return Response(drop=True)
        if fault == "slow":
            response.delay = self.slow_delay
        return response


class FakeMastodon(FakePlatform):
    """`POST /api/v1/statuses` honouring `Idempotency-Key` as Mastodon does; `GET /api/v2/search`;
    `PUT`, `DELETE /api/v1/statuses/:id` and `GET /api/v1/statuses/:id/source`.

    Every PUT is an edit in the status's history (`edits`), even with the same text:
    a client that resent one would show."""

    def __init__(self, server: LocalServer, token: str, *, limit: int = 500) -> None:
        super().__init__(server, token)
        self.limit = limit
        self.statuses: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.remote: dict[str, str] = {}  # status URL on another instance -> local id
        # The web address of a posted status, as a real instance (https) gives it; the API is the local server.
        self.public_url = "https://social.example"
        self.remaining = 300
        self.reset = "2030-01-01T15:00:00.000Z"
        self.deleted: list[str] = []  # status ids, in the order they were deleted
        server.route("POST", "/api/v1/statuses", self.post)
        server.route("GET", "/api/v2/search", self.search)
        server.route("PUT", "/api/v1/statuses/", self.edit, prefix=True)
        server.route("DELETE", "/api/v1/statuses/", self.delete, prefix=True)
        server.route("GET", "/api/v1/statuses/", self.source, prefix=True)

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": self.reset}

    def post(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "The access token is invalid"}, 401)
        body = request.json()
        if len(body["status"]) > self.limit:
            return Response.json({"error": f"Validation failed: Text character limit of {self.limit} exceeded"}, 422)

        def make() -> Response:
            key = request.headers.get("idempotency-key", "")
            with self.lock:
                if key and key in self.by_key:
                    status = self.statuses[self.by_key[key]]
                else:
                    sid = str(next(self.ids))
                    status = {"id": sid, "url": f"{self.public_url}/@qtime/{sid}", "content": body["status"],
                              "in_reply_to_id": body.get("in_reply_to_id"), "visibility": body.get("visibility"),
                              "language": body.get("language"), "spoiler_text": body.get("spoiler_text", "")}
                    self.statuses[sid] = status
                    self.remaining -= 1
                    if key:
                        self.by_key[key] = sid
            return Response.json(status, headers=self.headers())

        return self.create(request, make)

    def edit(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "The access token is invalid"}, 401)
        sid, text = request.path.rsplit("/", 1)[-1], request.json()["status"]
        if sid not in self.statuses:
            return Response.json({"error": "Record not found"}, 404)

        def make() -> Response:
            with self.lock:
                status = self.statuses[sid]
                status["edits"] = [*status.get("edits", []), text]
                status["content"] = text
            return Response.json(status, headers=self.headers())

        return self.create(request, make)

    def delete(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "The access token is invalid"}, 401)
        sid = request.path.rsplit("/", 1)[-1]

        def make() -> Response:
            with self.lock:
                status = self.statuses.pop(sid, None)
                if status is None:
                    return Response.json({"error": "Record not found"}, 404)
                self.deleted.append(sid)
            return Response.json(status, headers=self.headers())

        return self.create(request, make)

    def source(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "The access token is invalid"}, 401)
        path = request.path.removesuffix("/source")
        status = self.statuses.get(path.rsplit("/", 1)[-1])
        if status is None or not request.path.endswith("/source"):
            return Response.json({"error": "Record not found"}, 404)
        return Response.json({"id": status["id"], "text": status["content"], "spoiler_text": status["spoiler_text"]})

    def search(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "The access token is invalid"}, 401)
        found = self.remote.get(request.arg("q") or "") if request.arg("resolve") == "true" else None
        return Response.json({"accounts": [], "hashtags": [], "statuses": [{"id": found}] if found else []})


class FakeBluesky(FakePlatform):
    """A PDS: createSession, createRecord (client rkey), getRecord, deleteRecord (idempotent), resolveHandle."""

    DID = "did:plc:qtimehost0000000000000000"

    def __init__(self, server: LocalServer, handle: str, password: str) -> None:
        super().__init__(server, "access-jwt-1")
        self.handle = handle
        self.password = password
        self.records: dict[str, dict[str, Any]] = {}  # rkey -> {uri, cid, value}
        self.dids: dict[str, str] = {}
        self.grapheme_limit = 300
        self.exists_answer = Response.json({"error": "InternalServerError", "message": "Internal Server Error"}, 500)
        self.hide_next_get = False  # a getRecord that misses a record still being committed
        self.logins = 0
        self.deleted: list[str] = []  # record keys, in the order they were deleted
        for path, handler in (("/xrpc/com.atproto.repo.deleteRecord", self.delete_record),("/xrpc/com.atproto.server.createSession", self.login),
                              ("/xrpc/com.atproto.server.refreshSession", self.refresh),
                              ("/xrpc/com.atproto.repo.createRecord", self.create_record),
                              ("/xrpc/com.atproto.repo.getRecord", self.get_record),
                              ("/xrpc/com.atproto.identity.resolveHandle", self.resolve)):
            server.route("GET" if "get" in path or "resolve" in path else "POST", path, handler)

    def login(self, request: Request) -> Response:
        body = request.json()
        if body.get("identifier") != self.handle or body.get("password") != self.password:
            return Response.json({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
        self.logins += 1
        return Response.json({"accessJwt": self.token, "refreshJwt": "refresh-jwt", "did": self.DID, "handle": self.handle})

    def refresh(self, request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer refresh-jwt":
            return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        return Response.json({"accessJwt": self.token, "refreshJwt": "refresh-jwt", "did": self.DID, "handle": self.handle})

    def expire(self) -> None:
        """The next call with the current access token answers ExpiredToken."""
        self.token = f"access-jwt-{self.logins + 2}"

    def create_record(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        body = request.json()
        record, rkey = body["record"], body["rkey"]
        if len(record["text"]) > self.grapheme_limit:
            return Response.json({"error": "InvalidRequest",
                                  "message": f"Invalid app.bsky.feed.post record: Record/text must not be longer than {self.grapheme_limit} graphemes"}, 400)

        def make() -> Response:
            with self.lock:
                if rkey in self.records:
                    return self.exists_answer
                entry = {"uri": f"at://{self.DID}/app.bsky.feed.post/{rkey}", "cid": f"bafycid{next(self.ids)}", "value": record}
                self.records[rkey] = entry
            return Response.json({"uri": entry["uri"], "cid": entry["cid"]},
                                 headers={"RateLimit-Limit": "5000", "RateLimit-Remaining": "4990", "RateLimit-Reset": "1900000000"})

        return self.create(request, make)

    def delete_record(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        body = request.json()

        def make() -> Response:
            with self.lock:
                if body["repo"] == self.DID and self.records.pop(body["rkey"], None) is not None:
                    self.deleted.append(body["rkey"])
            return Response.json({})

        return self.create(request, make)

    def get_record(self, request: Request) -> Response:
        with self.lock:
            entry = self.records.get(request.arg("rkey") or "")
            if self.hide_next_get:
                self.hide_next_get, entry = False, None
        if entry is None or request.arg("repo") != self.DID:
            return Response.json({"error": "RecordNotFound", "message": "Could not locate record"}, 400)
        return Response.json(entry)

    def resolve(self, request: Request) -> Response:
        did = self.dids.get(request.arg("handle") or "")
        if did is None:
            return Response.json({"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400)
        return Response.json({"did": did})


class FakeX(FakePlatform):
    """`POST /2/tweets` (no idempotency), `DELETE /2/tweets/:id`, `GET /2/users/me`, `GET /2/users/:id/tweets`."""

    USER = "42"

    def __init__(self, server: LocalServer, token: str) -> None:
        super().__init__(server, token)
        self.tweets: list[dict[str, Any]] = []
        self.deleted: list[str] = []  # tweet ids, in the order they were deleted
        server.route("POST", "/2/tweets", self.post)
        server.route("DELETE", "/2/tweets/", self.delete, prefix=True)
        server.route("GET", "/2/users/me", self.me)
        server.route("GET", f"/2/users/{self.USER}/tweets", self.timeline)

    def post(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"title": "Unauthorized", "detail": "Unauthorized", "status": 401}, 401)
        body = request.json()
        if any(t["text"] == html.escape(body["text"], quote=False) for t in self.tweets):
            return Response.json({"title": "Forbidden", "status": 403,
                                  "detail": "You are not allowed to create a Tweet with duplicate content."}, 403)

        def make() -> Response:
            with self.lock:
                tweet = {"id": str(next(self.ids)), "text": html.escape(body["text"], quote=False),
                         "referenced_tweets": [{"type": "replied_to", "id": body["reply"]["in_reply_to_tweet_id"]}]}
                self.tweets.append(tweet)
            return Response.json({"data": {"id": tweet["id"], "text": tweet["text"]}}, 201,
                                 {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "99", "x-rate-limit-reset": "1900000000"})

        return self.create(request, make)

    def delete(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"title": "Unauthorized", "detail": "Unauthorized", "status": 401}, 401)
        tweet_id = request.path.rsplit("/", 1)[-1]

        def make() -> Response:
            with self.lock:
                kept = [t for t in self.tweets if t["id"] != tweet_id]
                if len(kept) == len(self.tweets):
                    return Response.json({"title": "Not Found Error", "status": 404,
                                          "detail": f"Could not find tweet with id: [{tweet_id}]."}, 404)
                self.tweets[:] = kept
                self.deleted.append(tweet_id)
            return Response.json({"data": {"deleted": True}})

        return self.create(request, make)

    def me(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"title": "Unauthorized", "status": 401}, 401)
        return Response.json({"data": {"id": self.USER, "username": "qtime"}})

    def timeline(self, request: Request) -> Response:
        if not self.authorised(request):
            return Response.json({"title": "Unauthorized", "status": 401}, 401)
        with self.lock:
            return Response.json({"data": list(reversed(self.tweets)), "meta": {"result_count": len(self.tweets)}})


def answered_session(path: Any, reply_ref: dict[str, Any], parts: list[str], *,
                     source: str = "mastodon", author: str = "@asker", lang: str = "en") -> tuple[SessionStore, str]:
    """A store with one question (replyable through `reply_ref`) answered in `parts`."""
    store = SessionStore.open(path)
    store.update_settings(lang=lang)
    store.add_questions([{"source": source, "remote_id": "q1", "author": author, "text": "What about 5G?",
                          "url": reply_ref.get("url", ""), "reply_ref": reply_ref}])
    qid = next(iter(store.state.questions))
    store.approve(qid)
    store.add_answer(qid, " ".join(parts), parts, "x")
    return store, qid
