"""Answers as X replies: `POST /2/tweets` with `reply.in_reply_to_tweet_id`.

X takes no idempotency key, so a part whose earlier attempt may have reached
X is never simply sent again. Before any resend, the account's own tweets
since the first attempt are searched for the reply (same parent, same text):
found, it counts as posted. Not found (or not searchable: some API tiers
cannot read timelines) after an answer that was lost (the connection
dropped, a timeout, the process was killed mid-request), the part fails with
"may have been posted: check before retrying": X's timeline can lag, and a
human looking at the account is the only safe judge. A human `retry` of that
part searches once more and then posts. After an attempt that X answered
with an error (5xx), not found means not posted, and the part is sent again.
"""
from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import httpx
import regex

from store.model import Question, parse_time
from tui.platforms.http import BadReply, HostToken, Refused, bearer, request
from tui.platforms.publishers import Job, Posted, Publisher, PublishError, Uncertain, not_redirected, target_of

_URL = regex.compile(r"https?://\S+")
LOOKBACK = timedelta(minutes=2)  # clock skew between us and X


def _comparable(text: str) -> str:
    """Tweet text as X returns it (entities escaped, links as t.co) vs as we sent it."""
    return " ".join(_URL.sub("<link>", html.unescape(text)).split())


class XPublisher(Publisher):
    platform = "x"
    name = "X"

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(base_url)
        self._token = token
        self._me: dict[str, str] = {}

    @property
    def account(self) -> str:
        return f"@{self._me['username']}" if self._me.get("username") else f"X account on {self.host}"

    def secrets(self) -> list[str]:
        return [self._token]

    def _auth(self) -> HostToken:
        return bearer(self.base_url, self._token)

    def can_reply(self, question: Question) -> bool:
        return super().can_reply(question) and bool(question.reply_ref.get("tweet_id"))

    def new_key(self) -> str:
        return ""

    async def publish(self, client: httpx.AsyncClient, job: Job) -> Posted:
        parent = job.parent.remote_id if job.parent is not None else str(job.question.reply_ref["tweet_id"])
        if job.retrying:
            try:
                found = await self._find(client, job, parent)
            except (Refused, BadReply) as error:  # e.g. an API tier that cannot read timelines
                if job.uncertain:
                    raise Uncertain(f"the answer to an earlier attempt was lost and X would not show the"
                                    f" account's posts ({error}); it may have been posted: check before retrying") from None
                found = None
            if found is not None:
                return found
            if job.uncertain:
                raise Uncertain("the answer to an earlier attempt was lost and the reply is not among"
                                " the account's recent posts yet; it may have been posted: check before retrying")
        try:
            reply = await request(
                client, "POST", f"{self.base_url}/2/tweets", auth=self._auth(),
                json={"text": job.part.text, "reply": {"in_reply_to_tweet_id": parent}}, follow_redirects=False,
            )
            not_redirected(self.name, reply)
        except Refused as error:
            if error.status in (400, 403, 422):  # duplicate content, too long, not allowed
                raise PublishError(f"X refused it: {_why(error)}") from None
            raise
        self.note_rate(reply.headers)
        data = reply.data.get("data") if isinstance(reply.data, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            raise PublishError("X answered without a post id")
        return self._posted(str(data["id"]), parent)

    async def delete(self, client: httpx.AsyncClient, job: Job) -> None:
        target = target_of(job)
        try:
            reply = not_redirected(self.name, await request(
                client, "DELETE", f"{self.base_url}/2/tweets/{target.remote_id}", auth=self._auth(),
                follow_redirects=False))
        except Refused as error:
            if error.status == 404:  # already gone
                return
            if error.status == 403:
                raise PublishError(f"X refused it: {_why(error)}") from None
            raise
        self.note_rate(reply.headers)

    def _posted(self, tweet_id: str, parent: str) -> Posted:
        who = self._me.get("username") or "i/web"
        return Posted(tweet_id, f"https://x.com/{who}/status/{tweet_id}", in_reply_to=str(parent or ""))

    async def _find(self, client: httpx.AsyncClient, job: Job, parent: str) -> Posted | None:
        """This part among the account's own posts since its first attempt, if X shows it."""
        if not self._me:
            reply = await request(client, "GET", f"{self.base_url}/2/users/me", auth=self._auth())
            me = reply.data.get("data") if isinstance(reply.data, dict) else None
            if not isinstance(me, dict) or not me.get("id"):
                raise PublishError("X did not say which account the token belongs to")
            self._me = {"id": str(me["id"]), "username": str(me.get("username") or "")}
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": "created_at,referenced_tweets",
            "exclude": "retweets",
        }
        since = parse_time(job.part.first_try_at)
        if since is not None:
            params["start_time"] = (since - LOOKBACK).strftime("%Y-%m-%dT%H:%M:%SZ")
        reply = await request(client, "GET", f"{self.base_url}/2/users/{self._me['id']}/tweets",
                              auth=self._auth(), params=params)
        self.note_rate(reply.headers)
        tweets = reply.data.get("data") if isinstance(reply.data, dict) else None
        wanted = _comparable(job.part.text)
        for tweet in tweets if isinstance(tweets, list) else []:
            if not isinstance(tweet, dict) or not tweet.get("id"):
                continue
            replied = {str(r.get("id")) for r in tweet.get("referenced_tweets") or []
                       if isinstance(r, dict) and r.get("type") == "replied_to"}
            if parent in replied and _comparable(str(tweet.get("text") or "")) == wanted:
                return self._posted(str(tweet["id"]), parent)
        return None


def _why(error: Refused) -> str:
    data = error.data if isinstance(error.data, dict) else {}
    detail = data.get("detail") or data.get("title")
    return detail if isinstance(detail, str) and detail else str(error)
