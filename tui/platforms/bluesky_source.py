"""`bluesky:[BASE_URL]#TAG`: posts with a hashtag, from `app.bsky.feed.searchPosts`.

Each pass asks for the latest posts (`sort=latest`) and follows the cursor
to older pages until it reaches a post it has already delivered (or
`Pacing.backfill` posts on the first pass). The first page is always
delivered again, so likes and reposts (the votes) of recent posts stay fresh.

Anonymous search is unreliable (often refused), so with
`QTIME_BLUESKY_HANDLE` and `QTIME_BLUESKY_APP_PASSWORD` the source signs in
through the process-wide account in `bluesky_auth` (one login shared with
the publisher; an expired token is refreshed, not a new login).
"""
from __future__ import annotations

from typing import Any

import httpx

from tui.platforms.base import Item
from tui.platforms.bluesky_auth import DEFAULT_BASE, BlueskyAccount, account
from tui.platforms.http import BadReply, HostToken, Refused, Reply, request
from tui.platforms.polling import Malformed, Pacing, PollingSource, count_field, json_object, text_field

PAGE_LIMIT = 100  # searchPosts allows 1-100
MAX_PASS = 5000  # posts per pass after the first (the first reads back `backfill`)
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
CREDENTIALS = "QTIME_BLUESKY_HANDLE and QTIME_BLUESKY_APP_PASSWORD"


def search_page(data: Any) -> dict[str, Any]:
    page = json_object(data)
    if not isinstance(page.get("posts"), list):
        raise BadReply("search reply without a \"posts\" list")
    return page


def _strong_ref(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and isinstance(value.get("uri"), str) and isinstance(value.get("cid"), str):
        return {"uri": value["uri"], "cid": value["cid"]}
    return None


def post_item(post: Any) -> Item:
    """A `app.bsky.feed.defs#postView` as a question item."""
    uri = text_field(post, "uri")
    cid = text_field(post, "cid")
    if not uri.startswith("at://"):
        raise Malformed("not an at:// uri")
    author = post["author"]
    did = text_field(author, "did")
    handle = text_field(author, "handle")
    record = post["record"]
    text = text_field(record, "text", required=False)
    reply = record.get("reply")
    root = _strong_ref(reply.get("root")) if isinstance(reply, dict) else None
    langs = record.get("langs")
    labels = post.get("labels")
    warnings = sorted({label["val"] for label in labels if isinstance(label, dict) and isinstance(label.get("val"), str)
                       and not label["val"].startswith("!")}) if isinstance(labels, list) else []
    return {
        "source": "bluesky",
        "remote_id": uri,
        "author": "@" + handle,
        "author_name": text_field(author, "displayName", required=False),
        "text": text,
        "url": f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
        "posted_at": text_field(record, "createdAt", required=False) or text_field(post, "indexedAt", required=False),
        "votes": count_field(post, "likeCount", "repostCount", "quoteCount"),
        "spoiler": ", ".join(warnings),
        "lang": langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else "",
        "reply_ref": {"platform": "bluesky", "uri": uri, "cid": cid, "root": root or {"uri": uri, "cid": cid},
                      "did": did, "handle": handle},
    }


def _expired(error: Refused) -> bool:
    return error.status in (400, 401) and ("ExpiredToken" in str(error) or "InvalidToken" in str(error))


class BlueskySource(PollingSource):
    token_hint = CREDENTIALS

    def __init__(
        self,
        spec: str,
        base_url: str = DEFAULT_BASE,
        tag: str = "",
        *,
        handle: str | None = None,
        app_password: str | None = None,
        pacing: Pacing | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(spec, base_url, tag, pacing=pacing or Pacing(interval=15.0), transport=transport,
                         secrets=[app_password])
        self.account: BlueskyAccount | None = (
            account(self.base_url, handle, app_password) if handle and app_password else None
        )

    def refused(self, error: Refused) -> str:
        if error.status in (401, 403) and self.account is None and "HTML" not in str(error):
            return f"{error}; Bluesky search needs a login: set {CREDENTIALS}"
        return super().refused(error)

    async def prepare(self) -> None:
        if self.account is not None:
            account = self.account
            assert self.client is not None
            client = self.client
            await self.retrying(lambda: account.ensure(client))

    async def send(self, url: str, params: dict[str, Any] | None) -> Reply:
        assert self.client is not None
        auth: HostToken | None = None
        if self.account is not None:
            auth = await self.account.ensure(self.client)
        try:
            return await request(self.client, "GET", url, params=params, auth=auth,
                                 deadline=self.pacing.deadline, max_bytes=self.pacing.max_bytes)
        except Refused as error:
            if self.account is None or not _expired(error):
                raise
        auth = await self.account.renew(self.client, auth)
        return await request(self.client, "GET", url, params=params, auth=auth,
                             deadline=self.pacing.deadline, max_bytes=self.pacing.max_bytes)

    async def poll(self) -> None:
        posts: list[Any] = []
        cursor: str | None = None
        limit = self.pacing.backfill if not self.seen else MAX_PASS
        while True:
            params: dict[str, Any] = {"q": f"#{self.tag}", "tag": self.tag, "sort": "latest", "limit": PAGE_LIMIT}
            if cursor:
                params["cursor"] = cursor
            page = await self.get(f"{self.base_url}{SEARCH}", params, shape=search_page)
            found = page["posts"]
            posts.extend(found)
            reached_seen = any(isinstance(p, dict) and p.get("uri") in self.seen for p in found)
            next_cursor = page.get("cursor")
            if not found or reached_seen or len(posts) >= limit:
                break
            if not isinstance(next_cursor, str) or not next_cursor or next_cursor == cursor:
                break
            cursor = next_cursor
        items = self.parse_all(posts, post_item, "search page")
        items.reverse()  # newest first from the search: deliver oldest first
        await self.deliver(items)

    def live_detail(self) -> str:
        who = f" as @{self.account.handle}" if self.account is not None else ""
        return f"polling every {self.pacing.interval:g} s{who}, {self.new} new"

