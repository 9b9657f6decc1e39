"""`x:[BASE_URL]#TAG`: posts with a hashtag, from the X API v2 recent search.

Each pass asks for what is newer than the newest post read (`since_id`),
following `next_token` to older pages (back to `Pacing.backfill` posts on
the first pass), committing each page with the cursor after it. Native
retweets are dropped (the query excludes them, and so does the client); an
original that only a retweet brought in is kept once. Links are kept with
their `expanded_url`. Needs an app bearer token in `QTIME_X_BEARER_TOKEN`. Reads
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
from tui.platforms.http import BadReply, HostToken, Refused, bearer
from tui.platforms.polling import Malformed, Pacing, PollingSource, Stop, count_field, id_order, json_object, text_field

DEFAULT_BASE = "https://api.x.com"
SEARCH = "/2/tweets/search/recent"
TOKEN_ENV = "QTIME_X_BEARER_TOKEN"
MAX_PASS = 5000  # posts per pass after the first (the first reads back `backfill`)
TWEET_FIELDS = "created_at,public_metrics,conversation_id,lang,note_tweet,entities,referenced_tweets"
# The originals of retweets (and their authors) come in `includes`, so a retweet's original can be kept.
EXPANSIONS = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"


def search_page(data: Any) -> dict[str, Any]:
    page = json_object(data)
    if not isinstance(page.get("data", []), list) or not isinstance(page.get("meta", {}), dict):
        raise BadReply("search reply with a malformed \"data\" or \"meta\"")
    return page


def page_users(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return _included(page, "users")


def page_tweets(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`includes.tweets` by id: the originals of the retweets and quotes on the page."""
    return _included(page, "tweets")


def _included(page: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    includes = page.get("includes")
    found = includes.get(kind) if isinstance(includes, dict) else None
    if not isinstance(found, list):
        return {}
    return {x["id"]: x for x in found if isinstance(x, dict) and isinstance(x.get("id"), str)}


def retweeted_id(tweet: Any) -> str | None:
    """The id of the post a native retweet repeats; None for any other post."""
    refs = tweet.get("referenced_tweets") if isinstance(tweet, dict) else None
    for ref in refs if isinstance(refs, list) else ():
        if isinstance(ref, dict) and ref.get("type") == "retweeted" and isinstance(ref.get("id"), str):
            return str(ref["id"])
    return None


def tweet_links(holder: Any) -> list[dict[str, str]]:
    """`entities.urls` of a tweet (or its `note_tweet`) as {shown: the t.co link, url: where it goes}."""
    entities = holder.get("entities") if isinstance(holder, dict) else None
    urls = entities.get("urls") if isinstance(entities, dict) else None
    links = []
    for entry in urls if isinstance(urls, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("url"), str) and isinstance(entry.get("expanded_url"), str):
            links.append({"shown": entry["url"], "url": entry.get("unwound_url") or entry["expanded_url"]})
    return links


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
    item: Item = {
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
    links = tweet_links(note if long_text else tweet)
    if links:
        item["links"] = links
    return item


def _newer(a: str | None, b: str | None) -> str | None:
    """The newer of two tweet ids (either may be None)."""
    if a is None or b is None:
        return a or b
    return a if id_order(a) >= id_order(b) else b


class XSource(PollingSource):
    """Reads `#tag` pass after pass. Between passes only `since_id` is kept; a pass
    that stopped partway also keeps its `next_token`, with the `since_id` it was
    asked with (X ties the token to the query) and the newest id it saw, so the
    next pass finishes it before `since_id` moves on."""

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
        self.since_id: str | None = None  # newest post of the last finished pass
        self.next_token: str | None = None  # the unfinished pass's next page
        self.pass_since: str | None = None  # the `since_id` the unfinished pass was asked with
        self.pass_newest: str | None = None  # the newest post the unfinished pass has seen
        self.pass_read = 0  # posts the unfinished pass has read
        self.resumed_token: str | None = None  # the saved `next_token`, until a page read with it

    def auth(self) -> HostToken | None:
        return bearer(self.base_url, self.token) if self.token else None

    async def prepare(self) -> None:
        if not self.token:
            raise Stop(f"the X API needs an app bearer token: set {TOKEN_ENV}")

    def refused(self, error: Refused) -> str:
        """A 400 to the first request of a resumed pass may be its saved `next_token` (gone
        stale): that pass is given up, so the next run starts afresh instead of failing again.
        Any other stop keeps the pass, to be finished by the next run."""
        if error.status != 400 or self.next_token is None or self.next_token != self.resumed_token:
            return super().refused(error)
        self.since_id = _newer(self.since_id, self.pass_newest)
        self.next_token = self.pass_since = self.pass_newest = None
        self.pass_read = 0
        return f"{super().refused(error)}; the unfinished pass is dropped"

    def cursors(self) -> dict[str, str]:
        saved = {"since_id": self.since_id, "next_token": self.next_token, "pass_since": self.pass_since,
                 "pass_newest": self.pass_newest, "pass_read": str(self.pass_read) if self.next_token else None}
        return {k: v for k, v in saved.items() if v}

    def restore(self, cursors: dict[str, str]) -> None:
        ids = {k: cursors.get(k) for k in ("since_id", "pass_since", "pass_newest")}
        self.since_id, self.pass_since, self.pass_newest = (v if v and v.isdigit() else None for v in ids.values())
        token = cursors.get("next_token")
        self.next_token = self.resumed_token = token if token and token.isprintable() else None
        read = cursors.get("pass_read", "")
        self.pass_read = int(read) if read.isdigit() and self.next_token else 0

    def params(self, since: str | None, token: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "query": f"#{self.tag} -is:retweet",
            "max_results": self.max_results,
            "expansions": EXPANSIONS,
            "tweet.fields": TWEET_FIELDS,
            "user.fields": "username,name",
        }
        if since:
            params["since_id"] = since
        if token:
            params["next_token"] = token
        return params

    async def poll(self) -> None:
        """One pass, newest page first; each page committed with the cursor after it."""
        if self.next_token is None:  # a new pass, else finish the one under way
            self.pass_since, self.pass_newest, self.pass_read = self.since_id, None, 0
        since, token = self.pass_since, self.next_token
        limit = self.pacing.backfill if since is None else MAX_PASS
        while True:
            page = await self.get(f"{self.base_url}{SEARCH}", self.params(since, token), shape=search_page)
            self.resumed_token = None
            found = page.get("data") or []
            meta = page.get("meta") or {}
            items = self.page_items(page)
            newest = meta.get("newest_id") if isinstance(meta.get("newest_id"), str) else None
            for remote_id in [newest if newest and newest.isdigit() else None, *(i["remote_id"] for i in items)]:
                self.pass_newest = _newer(self.pass_newest, remote_id)
            self.pass_read += len(found)
            following = meta.get("next_token")
            more = bool(found) and isinstance(following, str) and bool(following) and following != token
            if more and self.pass_read < limit:
                self.next_token = token = following
            else:
                self.since_id = _newer(self.since_id, self.pass_newest)
                self.next_token = self.pass_since = self.pass_newest = None
                self.pass_read = 0
            await self.deliver(items)
            if self.next_token is None:
                return

    def page_items(self, page: dict[str, Any]) -> list[Item]:
        """A page's posts as items, oldest first. A native retweet is never a question:
        it is dropped, and its original (from `includes.tweets`), if not yet seen, is
        taken in its place, once."""
        users, originals = page_users(page), page_tweets(page)
        tweets: list[Any] = []
        for tweet in page.get("data") or []:
            original_id = retweeted_id(tweet)
            if original_id is None:
                tweets.append(tweet)
            elif original_id in originals and original_id not in self.seen:
                tweets.append(originals[original_id])
        items = self.parse_all(tweets, lambda tweet: tweet_item(tweet, users), "search page")
        items.sort(key=lambda item: id_order(item["remote_id"]))
        return items
