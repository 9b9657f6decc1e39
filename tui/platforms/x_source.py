"""`x:[BASE_URL]#TAG`: posts with a hashtag, from the X API v2 recent search.

Each pass asks for what is newer than the newest post read (`since_id`),
following `next_token` to older pages (back to `Pacing.backfill` posts on
the first pass). Needs an app bearer token in `QTIME_X_BEARER_TOKEN`. Reads
are metered by X (per request and per post), so votes are the counts seen
when a post is first read: re-reading old posts to refresh them would spend
the monthly quota. The default interval suits the Basic tier (60 searches
per 15 minutes); the `x-rate-limit-*` headers pace anything tighter.
"""
from __future__ import annotations

import html
from typing import Any

import httpx

from tui.platforms.base import Item
from tui.platforms.http import BadReply, HostToken, bearer
from tui.platforms.polling import Malformed, Pacing, PollingSource, Stop, count_field, id_order, json_object, text_field

DEFAULT_BASE = "https://api.x.com"
SEARCH = "/2/tweets/search/recent"
TOKEN_ENV = "QTIME_X_BEARER_TOKEN"
MAX_PASS = 5000  # posts per pass after the first (the first reads back `backfill`)
TWEET_FIELDS = "created_at,public_metrics,conversation_id,lang,note_tweet"


def search_page(data: Any) -> dict[str, Any]:
    page = json_object(data)
    if not isinstance(page.get("data", []), list) or not isinstance(page.get("meta", {}), dict):
        raise BadReply("search reply with a malformed \"data\" or \"meta\"")
    return page


def page_users(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    includes = page.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    return {u["id"]: u for u in users if isinstance(u, dict) and isinstance(u.get("id"), str)}


def tweet_item(tweet: Any, users: dict[str, dict[str, Any]]) -> Item:
    """A v2 Tweet (with its author from `includes.users`) as a question item."""
    tweet_id = text_field(tweet, "id")
    if not tweet_id.isdigit():
        raise Malformed("tweet id is not a number")
    user = users.get(text_field(tweet, "author_id"))
    if user is None:
        raise Malformed("author not in includes.users")
    username = text_field(user, "username")
    note = tweet.get("note_tweet")
    long_text = text_field(note, "text", required=False) if isinstance(note, dict) else ""
    # X escapes &, < and > in post text (as &amp; &lt; &gt;): decode once, to plain text.
    text = html.unescape(long_text or text_field(tweet, "text"))
    return {
        "source": "x",
        "remote_id": tweet_id,
        "author": "@" + username,
        "author_name": text_field(user, "name", required=False),
        "text": text,
        "url": f"https://x.com/{username}/status/{tweet_id}",
        "posted_at": text_field(tweet, "created_at", required=False),
        "votes": count_field(tweet.get("public_metrics"), "like_count", "retweet_count", "quote_count"),
        "lang": text_field(tweet, "lang", required=False),
        "reply_ref": {"platform": "x", "tweet_id": tweet_id, "username": username,
                      "conversation_id": text_field(tweet, "conversation_id", required=False)},
    }


class XSource(PollingSource):
    token_hint = TOKEN_ENV

    def __init__(
        self,
        spec: str,
        base_url: str = DEFAULT_BASE,
        tag: str = "",
        *,
        token: str | None = None,
        pacing: Pacing | None = None,
        max_results: int = 100,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(spec, base_url, tag, pacing=pacing or Pacing(interval=20.0), transport=transport,
                         secrets=[token])
        self.token = token or None
        self.max_results = max(10, min(100, max_results))
        self.since_id: str | None = None

    def auth(self) -> HostToken | None:
        return bearer(self.base_url, self.token) if self.token else None

    async def prepare(self) -> None:
        if not self.token:
            raise Stop(f"the X API needs an app bearer token: set {TOKEN_ENV}")

    async def poll(self) -> None:
        tweets: list[tuple[Any, dict[str, dict[str, Any]]]] = []
        newest: str | None = None
        next_token: str | None = None
        while True:
            params: dict[str, Any] = {
                "query": f"#{self.tag} -is:retweet",
                "max_results": self.max_results,
                "expansions": "author_id",
                "tweet.fields": TWEET_FIELDS,
                "user.fields": "username,name",
            }
            if self.since_id:
                params["since_id"] = self.since_id
            if next_token:
                params["next_token"] = next_token
            page = await self.get(f"{self.base_url}{SEARCH}", params, shape=search_page)
            users = page_users(page)
            found = page.get("data") or []
            tweets.extend((tweet, users) for tweet in found)
            meta = page.get("meta") or {}
            if newest is None and isinstance(meta.get("newest_id"), str) and meta["newest_id"].isdigit():
                newest = meta["newest_id"]
            token = meta.get("next_token")
            if not found or not isinstance(token, str) or not token or token == next_token:
                break
            if len(tweets) >= (self.pacing.backfill if self.since_id is None else MAX_PASS):
                break
            next_token = token
        items = self.parse_all(tweets, lambda pair: tweet_item(*pair), "search page")
        items.sort(key=lambda item: id_order(item["remote_id"]))
        await self.deliver(items)
        ids = [newest] if newest else []
        ids += [item["remote_id"] for item in items]
        if ids:
            latest = max(ids, key=id_order)
            if self.since_id is None or id_order(latest) > id_order(self.since_id):
                self.since_id = latest
