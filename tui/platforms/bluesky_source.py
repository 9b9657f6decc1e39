"""`bluesky:[BASE_URL]#TAG`: posts with a hashtag, from `app.bsky.feed.searchPosts`.

Each pass asks for the latest posts (`sort=latest`) and follows the cursor
to older pages until it reaches a post it has already delivered (or
`Pacing.backfill` posts on the first pass), committing each page with the
cursor after it. The first page is always
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


def facet_links(record: Any, text: str) -> list[dict[str, str]]:
    """Link facets whose text shows something other than the full URL (a shortened
    `example.org/pa...`), as {shown, url}; facet offsets count UTF-8 bytes."""
    facets = record.get("facets") if isinstance(record, dict) else None
    raw = text.encode("utf-8")
    links = []
    for facet in facets if isinstance(facets, list) else ():
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(index, dict) or not isinstance(features, list):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)):
            continue
        shown = raw[start:end].decode("utf-8", "replace")
        for feature in (f for f in features if isinstance(f, dict)):
            uri = feature.get("uri")
            if feature.get("$type") == "app.bsky.richtext.facet#link" and isinstance(uri, str) and uri != shown:
                links.append({"shown": shown, "url": uri})
    return links


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
    item: Item = {
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
    links = facet_links(record, text)
    if links:
        item["links"] = links
    return item


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
        self.top: str | None = None  # newest post of the last finished pass: where the next one stops
        self.cursor: str | None = None  # the unfinished pass's next page
        self.pass_top: str | None = None  # the newest post of the unfinished pass
        self.pass_read = 0
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

    def cursors(self) -> dict[str, str]:
        saved = {"top": self.top, "cursor": self.cursor, "pass_top": self.pass_top if self.cursor else None,
                 "pass_read": str(self.pass_read) if self.cursor else None}
        return {k: v for k, v in saved.items() if v}

    def restore(self, cursors: dict[str, str]) -> None:
        self.top = cursors.get("top") or None
        self.cursor = cursors.get("cursor") or None
        self.pass_top = cursors.get("pass_top") if self.cursor else None
        read = cursors.get("pass_read", "")
        self.pass_read = int(read) if read.isdigit() and self.cursor else 0

    async def poll(self) -> None:
        """One pass from the newest post back to the last pass's newest (`top`), each
        page committed with the cursor after it; a pass that stopped is finished first."""
        resuming = self.cursor is not None
        if not resuming:
            self.pass_top, self.pass_read = None, 0
        # Resuming, only `top` ends the pass: the pages read before the stop are
        # newer than the rest, and a search cursor shifts as new posts arrive.
        limit = MAX_PASS if self.top or self.seen else self.pacing.backfill
        cursor = self.cursor
        while True:
            params: dict[str, Any] = {"q": f"#{self.tag}", "tag": self.tag, "sort": "latest", "limit": PAGE_LIMIT}
            if cursor:
                params["cursor"] = cursor
            page = await self.get(f"{self.base_url}{SEARCH}", params, shape=search_page)
            found = page["posts"]
            uris = [p.get("uri") for p in found if isinstance(p, dict)]
            if self.pass_top is None and uris and isinstance(uris[0], str):
                self.pass_top = uris[0]
            self.pass_read += len(found)
            reached = (self.top is not None and self.top in uris) or \
                (not resuming and any(uri in self.seen for uri in uris))
            following = page.get("cursor")
            more = isinstance(following, str) and bool(following) and following != cursor
            if found and more and not reached and self.pass_read < limit:
                self.cursor = cursor = following
            else:
                self.top = self.pass_top or self.top
                self.cursor = self.pass_top = None
                self.pass_read = 0
            items = self.parse_all(found, post_item, "search page")
            items.reverse()  # newest first from the search: deliver oldest first
            await self.deliver(items)
            if self.cursor is None:
                return

    def live_detail(self) -> str:
        who = f" as @{self.account.handle}" if self.account is not None else ""
        return f"polling every {self.pacing.interval:g} s{who}, {self.new} new"

