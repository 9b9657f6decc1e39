"""Answers as Bluesky replies: `com.atproto.repo.createRecord` under a record key chosen first.

Bluesky has no idempotency key, but a post's record key (rkey) may be chosen
by the client: each part gets a TID when it is queued, stored before the
first send. A retry with the same rkey cannot make a second post: before
resending a part that may have gone through, the record is looked up
(`com.atproto.repo.getRecord`), and a create refused because the record
exists counts as posted. Facets (mention, links, hashtag) are indexed in
UTF-8 bytes (`tui.platforms.facets`).

Bluesky cannot edit a post: a correction is a reply (a post like any other)
or a delete and a new thread. A delete (`com.atproto.repo.deleteRecord`) is
idempotent: deleting a record that is gone succeeds, or is refused as not
found, which counts as deleted.
"""
from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx

from store.model import Question, now_iso
from tui.platforms import facets
from tui.platforms.bluesky_auth import BlueskyAccount, account
from tui.platforms.http import BadReply, Refused, Reply, request
from tui.platforms.publishers import AccountProblem, Job, Posted, Publisher, PublishError, not_redirected, target_of

POST = "app.bsky.feed.post"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"


class TidClock:
    """Timestamp identifiers (atproto TIDs): 53 bits of microseconds, 10 of clock id, base32-sortable."""

    def __init__(self) -> None:
        self._last = 0
        self._clock_id = random.randrange(1024)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            self._last = max(time.time_ns() // 1000, self._last + 1)
            value = (self._last << 10) | self._clock_id
        return "".join(_B32[(value >> (5 * shift)) & 31] for shift in range(12, -1, -1))


_tids = TidClock()


def _strong_ref(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and isinstance(value.get("uri"), str) and isinstance(value.get("cid"), str):
        return {"uri": value["uri"], "cid": value["cid"]}
    return None


def _exists(error: Refused) -> bool:
    """The create was refused because a record with that key is already there."""
    data = error.data if isinstance(error.data, dict) else {}
    text = f"{data.get('error', '')} {data.get('message', '')}".lower()
    return "alreadyexists" in text.replace(" ", "") or "already exist" in text


def _gone(error: Refused) -> bool:
    """The record is not there (deleted already)."""
    text = _why(error).lower()
    return "notfound" in text.replace(" ", "") or "could not locate" in text


def _why(error: Refused) -> str:
    data = error.data if isinstance(error.data, dict) else {}
    code, message = data.get("error"), data.get("message")
    if isinstance(code, str) and isinstance(message, str) and message:
        return f"{code}: {message}"
    return str(error)


class BlueskyPublisher(Publisher):
    platform = "bluesky"
    name = "Bluesky"

    def __init__(self, base_url: str, handle: str, password: str) -> None:
        super().__init__(base_url)
        self.handle = handle.lstrip("@")
        self._session: BlueskyAccount = account(base_url, self.handle, password)
        self._dids: dict[str, str] = {}

    @property
    def account(self) -> str:
        return f"@{self.handle}"

    def secrets(self) -> list[str]:
        session = self._session
        return [session.password, session._access, session._refresh]

    def can_reply(self, question: Question) -> bool:
        ref = question.reply_ref
        return super().can_reply(question) and _strong_ref(ref) is not None

    def new_key(self) -> str:
        return _tids.next()

    async def _xrpc(self, client: httpx.AsyncClient, method: str, nsid: str, **kwargs: Any) -> Reply:
        """One XRPC call as the account, logging in again once if the session expired."""
        auth = await self._session.ensure(client)
        try:
            return await request(client, method, f"{self.base_url}/xrpc/{nsid}", auth=auth, **kwargs)
        except Refused as error:
            data = error.data if isinstance(error.data, dict) else {}
            if data.get("error") not in ("ExpiredToken", "InvalidToken"):
                raise
        auth = await self._session.renew(client, auth)
        return await request(client, method, f"{self.base_url}/xrpc/{nsid}", auth=auth, **kwargs)

    async def publish(self, client: httpx.AsyncClient, job: Job) -> Posted:
        try:
            await self._session.ensure(client)
        except Refused as error:
            raise AccountProblem(str(error)) from None
        rkey = job.part.idempotency_key
        if not rkey:
            raise PublishError("this part has no record key; it was queued by an older qtime")
        if job.retrying:
            found = await self._get(client, rkey)
            if found is not None:
                return found
        record = await self._record(client, job)
        try:
            reply = await self._xrpc(
                client, "POST", "com.atproto.repo.createRecord",
                json={"repo": self._session.did, "collection": POST, "rkey": rkey, "record": record},
                follow_redirects=False,
            )
            not_redirected(self.name, reply)
        except Refused as error:
            if _exists(error):
                found = await self._get(client, rkey)
                if found is not None:
                    return found
            if error.status == 400:  # InvalidRequest: over 300 graphemes, a bad facet...
                raise PublishError(f"Bluesky refused it: {_why(error)}") from None
            raise
        self.note_rate(reply.headers)
        ref = _strong_ref(reply.data)
        if ref is None:
            raise BadReply("Bluesky answered the post without its uri and cid")
        return self._posted(ref, rkey)

    async def delete(self, client: httpx.AsyncClient, job: Job) -> None:
        target = target_of(job)
        try:
            await self._session.ensure(client)
        except Refused as error:
            raise AccountProblem(str(error)) from None
        rkey = target.idempotency_key or target.remote_id.rsplit("/", 1)[-1]
        try:
            reply = not_redirected(self.name, await self._xrpc(
                client, "POST", "com.atproto.repo.deleteRecord",
                json={"repo": self._session.did, "collection": POST, "rkey": rkey}, follow_redirects=False))
        except Refused as error:
            if error.status in (400, 404) and _gone(error):
                return  # already gone
            raise
        self.note_rate(reply.headers)

    def _posted(self, ref: dict[str, str], rkey: str) -> Posted:
        return Posted(ref["uri"], f"https://bsky.app/profile/{self.handle}/post/{rkey}", cid=ref["cid"])

    async def _get(self, client: httpx.AsyncClient, rkey: str) -> Posted | None:
        """The post under `rkey`, if it exists (its cid is needed to reply to it)."""
        try:
            reply = await self._xrpc(
                client, "GET", "com.atproto.repo.getRecord",
                params={"repo": self._session.did, "collection": POST, "rkey": rkey},
            )
        except Refused as error:
            if error.status in (400, 404):  # RecordNotFound
                return None
            raise
        ref = _strong_ref(reply.data)
        return self._posted(ref, rkey) if ref else None

    async def _record(self, client: httpx.AsyncClient, job: Job) -> dict[str, Any]:
        ref = job.question.reply_ref
        question = _strong_ref(ref)
        assert question is not None  # can_reply checked it
        root = _strong_ref(ref.get("root")) or question
        parent = _strong_ref({"uri": job.parent.remote_id, "cid": job.parent.cid}) if job.parent is not None else question
        if parent is None:
            raise PublishError("the previous part of the thread has no uri/cid to reply to")
        text = job.part.text
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            # the time of the first attempt: a resend is the same record
            "createdAt": job.part.first_try_at or now_iso(),
            "reply": {"root": root, "parent": parent},
        }
        if job.lang:
            record["langs"] = [job.lang]
        found = facets.facets(text, await self._resolve(client, facets.handles(text), job.question))
        if found:
            record["facets"] = found
        return record

    async def _resolve(self, client: httpx.AsyncClient, handles: list[str], question: Question) -> dict[str, str]:
        """Handle -> DID for the mentions; one that does not resolve stays plain text."""
        asker = question.author.lstrip("@").lower()
        if isinstance(question.reply_ref.get("did"), str) and asker:
            self._dids.setdefault(asker, question.reply_ref["did"])
        for handle in handles:
            if handle in self._dids:
                continue
            try:
                reply = await self._xrpc(client, "GET", "com.atproto.identity.resolveHandle", params={"handle": handle})
            except (Refused, BadReply):
                continue
            did = reply.data.get("did") if isinstance(reply.data, dict) else None
            if isinstance(did, str) and did.startswith("did:"):
                self._dids[handle] = did
        return {h: self._dids[h] for h in handles if h in self._dids}
