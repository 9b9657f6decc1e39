"""Answers as Mastodon replies: `POST /api/v1/statuses` with an idempotency key.

Mastodon keeps a status's `Idempotency-Key` for an hour and answers a repeat
with the status it already made, so resending a part after a lost answer, or
after a restart, cannot post it twice. A question seen on another instance
has a status id that means nothing on ours: it is looked up on ours first
(`GET /api/v2/search?resolve=true`), which fetches it over federation.

A correction edits a status in place (`PUT /api/v1/statuses/:id`): the same
text twice is the same status, and after a lost answer the status's source
(`GET /api/v1/statuses/:id/source`) is read first, so no second edit is made.
A retraction deletes (`DELETE /api/v1/statuses/:id`); a 404 means it is
already gone, which is what a resend after a lost answer finds.
"""
from __future__ import annotations

import uuid

import httpx

from store.model import Question
from store.text import profile_for
from tui.platforms.http import HostToken, HttpProblem, Refused, bearer, request
from tui.platforms.mastodon_source import InstanceLimits, instance_limits
from tui.platforms.publishers import Job, Posted, Publisher, PublishError, Target, not_redirected, target_of

VISIBILITIES = ("public", "unlisted", "private", "direct")


def _host(url: str) -> str:
    url = url.strip()
    return httpx.URL(url if "://" in url else f"https://{url}").host.lower()


class MastodonPublisher(Publisher):
    platform = "mastodon"
    name = "Mastodon"
    can_edit = True

    def __init__(self, base_url: str, token: str, *, visibility: str = "public", handle: str = "") -> None:
        super().__init__(base_url)
        if visibility not in VISIBILITIES:
            raise ValueError(f"Mastodon visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
        self._token = token
        self.visibility = visibility
        self.handle = handle
        self.limits: InstanceLimits | None = None  # learnt from the instance (`learn`)

    @property
    def account(self) -> str:
        return f"{self.handle}@{self.host}" if self.handle else f"Mastodon account on {self.host}"

    def secrets(self) -> list[str]:
        return [self._token]

    def _auth(self) -> HostToken:
        return bearer(self.base_url, self._token)

    def can_reply(self, question: Question) -> bool:
        ref = question.reply_ref
        return super().can_reply(question) and bool(ref.get("status_id") or ref.get("uri") or ref.get("url"))

    def new_key(self) -> str:
        return f"qtime-{uuid.uuid4().hex}"

    def target(self) -> Target:
        """Replies are made from the account's own instance: its limits count, not the question's."""
        limits = self.limits
        if limits is None:
            return super().target()
        return Target(self.host, profile_for("mastodon", limit=limits.max_characters,
                                             url_weight=limits.characters_reserved_per_url))

    async def learn(self, client: httpx.AsyncClient) -> None:
        """The instance's post limits (`GET /api/v2/instance`); a fault leaves the defaults."""
        try:
            reply = await request(client, "GET", f"{self.base_url}/api/v2/instance", auth=self._auth())
        except HttpProblem:
            return
        self.limits = instance_limits(reply.data)

    async def publish(self, client: httpx.AsyncClient, job: Job) -> Posted:
        if job.parent is not None:
            in_reply_to = job.parent.remote_id
        else:
            in_reply_to = await self._local_id(client, job)
        body: dict[str, object] = {
            "status": job.part.text,
            "in_reply_to_id": in_reply_to,
            "visibility": self.visibility,
        }
        if job.lang:
            body["language"] = job.lang
        if job.question.spoiler:  # an answer to a post behind a content warning keeps it
            body["spoiler_text"] = job.question.spoiler
        try:
            reply = await request(
                client, "POST", f"{self.base_url}/api/v1/statuses", json=body, auth=self._auth(),
                headers={"Idempotency-Key": job.part.idempotency_key}, follow_redirects=False,
            )
            not_redirected(self.name, reply)
        except Refused as error:
            if error.status == 422:  # over the instance's limit, say: the server says why
                raise PublishError(f"Mastodon refused it: {_reason(error)}") from None
            raise
        self.note_rate(reply.headers)
        status = reply.data if isinstance(reply.data, dict) else {}
        remote_id = str(status.get("id") or "")
        if not remote_id:
            raise PublishError("Mastodon answered without a status id")
        return Posted(remote_id, str(status.get("url") or status.get("uri") or ""), in_reply_to=str(in_reply_to or ""))

    async def edit(self, client: httpx.AsyncClient, job: Job) -> Posted:
        target = target_of(job)
        url = f"{self.base_url}/api/v1/statuses/{target.remote_id}"
        if job.uncertain and await self._source_text(client, url) == job.part.text:
            return Posted(target.remote_id, target.url, in_reply_to=target.in_reply_to)
        body: dict[str, object] = {"status": job.part.text}
        if job.lang:
            body["language"] = job.lang
        if job.question.spoiler:
            body["spoiler_text"] = job.question.spoiler
        try:
            reply = not_redirected(self.name, await request(
                client, "PUT", url, json=body, auth=self._auth(), follow_redirects=False))
        except Refused as error:
            if error.status == 404:
                raise PublishError("the post is no longer on Mastodon: nothing to correct") from None
            if error.status == 422:
                raise PublishError(f"Mastodon refused it: {_reason(error)}") from None
            raise
        self.note_rate(reply.headers)
        status = reply.data if isinstance(reply.data, dict) else {}
        return Posted(target.remote_id, str(status.get("url") or target.url), in_reply_to=target.in_reply_to)

    async def _source_text(self, client: httpx.AsyncClient, url: str) -> str | None:
        """The status's text as written (None when it cannot be read: then the edit is simply sent again)."""
        try:
            reply = await request(client, "GET", f"{url}/source", auth=self._auth())
        except Refused:
            return None
        text = reply.data.get("text") if isinstance(reply.data, dict) else None
        return text if isinstance(text, str) else None

    async def delete(self, client: httpx.AsyncClient, job: Job) -> None:
        target = target_of(job)
        try:
            reply = not_redirected(self.name, await request(
                client, "DELETE", f"{self.base_url}/api/v1/statuses/{target.remote_id}", auth=self._auth(),
                follow_redirects=False))
        except Refused as error:
            if error.status == 404:  # already gone: deleted by an attempt whose answer was lost, or by hand
                return
            raise
        self.note_rate(reply.headers)

    async def _local_id(self, client: httpx.AsyncClient, job: Job) -> str:
        """The question's status id on the posting instance."""
        ref = job.question.reply_ref
        instance = str(ref.get("instance") or "")
        if ref.get("status_id") and (not instance or _host(instance) == self.host.lower()):
            return str(ref["status_id"])
        url = str(ref.get("uri") or ref.get("url") or job.question.url or "")
        if not url:
            raise PublishError(f"the question has no URL to find it on {self.host}")
        reply = await request(
            client, "GET", f"{self.base_url}/api/v2/search", auth=self._auth(),
            params={"q": url, "resolve": "true", "type": "statuses", "limit": "1"},
        )
        statuses = reply.data.get("statuses") if isinstance(reply.data, dict) else None
        if not statuses or not isinstance(statuses[0], dict) or not statuses[0].get("id"):
            raise PublishError(f"could not find the question on {self.host} to reply to it")
        return str(statuses[0]["id"])


def _reason(error: Refused) -> str:
    data = error.data
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    return str(error)
