"""The outbox: every answer part recorded in the store before it is sent, sent once, never lost.

    publishers = connected_publishers(env=os.environ)   # [] = local only
    outbox = Outbox(store, publishers)
    outbox.enqueue(qid)            # sync, in a thread: pending parts for the answer
    await outbox.send_pending()    # sends them, in order, until nothing is left to send now
    outbox.retry(part_id)          # sync: a failed part (and its thread's) back to pending
    outbox.enqueue_revision(qid, n)  # sync: the parts that carry a correction, follow-up or retraction
    outbox.enqueue_missing()       # sync: revisions a crash left unqueued

Each part of an answer is an `OutboxPart` in the store, one per platform and
post of the thread (id `qid:platform:index`, index from 1; a revision's parts
`qid:platform:rN:index`: see `part_id`). Its life:

1. `enqueue` stores it `pending`, with its idempotency key (Mastodon) or
   record key (Bluesky) already chosen, so every later send reuses them.
2. Before each attempt the part is stored again with `attempts + 1` and
   `sending = True`; only then does the request go out.
3. The outcome is stored: `posted` with the remote id and URL (before the
   next part of the thread is even looked at: part k+1 replies to part k's
   stored id), `failed` with the platform's reason, or still `pending` with
   the transient error as `reason`. `sending` stays True when the answer
   was lost, which is also what a killed process leaves behind.

After it is sent, an answer can be corrected, followed up or retracted
(`Answer.revisions`). Each revision gets parts of its own (`part_id(..., n)`),
planned by `store.parts.plan_revision`: posts like an answer's, and edits
and deletes of parts already posted (`op`, `target`), recorded and sent
the same way. Parts go out in order, revision after revision; an edit or a
delete reads its target's remote id when it goes. Once an answer is
retracted, its parts not sent yet are cancelled rather than posted and
deleted (a part whose send is in doubt is resolved first, then deleted).

So a restart (a new `Outbox(...).send_pending()` on the reopened store)
resumes every pending part, and a resend after a lost answer is safe: the
same idempotency key / record key makes it a no-op on Mastodon / Bluesky,
and on X the part is first looked for among the account's posts (see
`x_publish`). Only one process sends at a time (`STORE.outbox.lock`).

A question with no reply target on a connected platform (file and demo
sources, or a platform with no account) gets no parts: its answer stays in
the answered log as "not published". We do not post it as a standalone post
elsewhere: an answer out of the context of its question, addressed to a
handle from another network, would confuse readers there.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import httpx
from filelock import FileLock, Timeout

from store.errors import ActionError
from store.events import PartState
from store.model import OutboxPart, Question, now_iso, part_id
from store.parts import by_question, of_question, of_revision, plan_revision
from store.sanitize import clean_line, redact
from store.session_store import SessionStore
from tui.platforms.http import Backoff, BadReply, Refused, Transient, make_client
from tui.platforms.publishers import AccountProblem, Job, Posted, Publisher, PublishError

MAX_ATTEMPTS = 6  # transient failures of one part in one run before it fails
MAX_WAIT = 120.0  # seconds: a longer wait ends the run, the part stays pending
_DOING = {"post": "sending", "edit": "editing", "delete": "deleting"}
_DONE = {"post": "posted", "edit": "edited", "delete": "deleted"}


class Outbox:
    def __init__(
        self,
        store: SessionStore,
        publishers: list[Publisher],
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        backoff: tuple[float, float] = (1.0, 60.0),
        max_attempts: int = MAX_ATTEMPTS,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.store = store
        self.publishers = list(publishers)
        self.transport = transport
        self.backoff = backoff
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.notes: dict[str, str] = {}  # platform -> what it is doing, for the status line
        self.waiting_until: float | None = None  # epoch seconds: when a deferred part may go
        self._running = asyncio.Lock()
        self._lock_path = Path(f"{store.path}.outbox.lock")

    # -- what the app reads ---------------------------------------------------------

    @property
    def local_only(self) -> bool:
        return not self.publishers

    @property
    def rate_limit(self) -> str:
        """e.g. "Mastodon: 287/300 posts left, resets 15:00" ("" before any post)."""
        return "; ".join(text for text in (p.rate_text() for p in self.publishers) if text)

    @property
    def status(self) -> str:
        return "; ".join(f"{self._name(platform)}: {note}" for platform, note in self.notes.items())

    def targets(self, question: Question) -> list[Publisher]:
        """The connected accounts that can reply to `question` (its own platform's)."""
        return [p for p in self.publishers if p.can_reply(question)]

    def parts(self, qid: str) -> list[OutboxPart]:
        return of_question(self.store.state.outbox, qid)

    # -- queueing (sync: call from a thread) -------------------------------------------

    def enqueue(self, qid: str) -> list[OutboxPart]:
        """Pending parts for `qid`'s answer on every platform that can reply to it.

        Calling it again returns the parts already queued; it never queues twice.
        """
        self.store.refresh()
        answer = self.store.state.answers.get(qid)
        if answer is None:
            raise ActionError(f"question {qid!r} has no answer to publish")
        question = self.store.question(qid)
        queued: list[OutboxPart] = []
        for publisher in self.targets(question):
            thread = self._thread(qid, publisher.platform)
            if thread:
                queued += of_revision(thread, 0)
                continue
            total = len(answer.parts)
            for index, text in enumerate(answer.parts, 1):
                part = OutboxPart(
                    id=part_id(qid, publisher.platform, index), question_id=qid, platform=publisher.platform,
                    index=index, total=total, text=text, idempotency_key=publisher.new_key(),
                )
                self.store.set_part(part)
                queued.append(self.store.state.outbox[part.id])
        return queued

    def enqueue_revision(self, qid: str, number: int) -> list[OutboxPart]:
        """Pending parts for revision `number` of `qid`'s answer, on every platform the answer was queued on.

        Calling it again returns the parts already queued; it never queues twice.
        """
        self.store.refresh()
        answer = self.store.state.answers.get(qid)
        if answer is None or not 0 < number <= len(answer.revisions):
            raise ActionError(f"question {qid!r} has no revision {number} to publish")
        queued: list[OutboxPart] = []
        for publisher in self.targets(self.store.question(qid)):
            thread = self._thread(qid, publisher.platform)
            if not thread or of_revision(thread, number):  # never published there, or queued already
                queued += of_revision(thread, number)
                continue
            steps = plan_revision(answer, number, thread, publisher.can_edit)
            for index, (op, text, target) in enumerate(steps, 1):
                part = OutboxPart(
                    id=part_id(qid, publisher.platform, index, number), question_id=qid, platform=publisher.platform,
                    index=index, total=len(steps), text=text, op=op, revision=number, target=target,
                    idempotency_key=publisher.new_key() if op == "post" else "",
                )
                self.store.set_part(part)
                queued.append(self.store.state.outbox[part.id])
        return queued

    def enqueue_missing(self) -> list[OutboxPart]:
        """Queue the revisions a crash left recorded on their answer but not queued (idempotent)."""
        self.store.refresh()
        queued: list[OutboxPart] = []
        for answer in tuple(self.store.state.answers.values()):
            for number in range(1, len(answer.revisions) + 1):
                if self._unqueued(answer.question_id, number):
                    queued += self.enqueue_revision(answer.question_id, number)
        return queued

    def _unqueued(self, qid: str, number: int) -> bool:
        """Revision `number` has no parts on a platform the answer was queued on."""
        question = self.store.state.questions.get(qid)
        threads = (self._thread(qid, p.platform) for p in self.targets(question)) if question else ()
        return any(thread and not of_revision(thread, number) for thread in threads)

    def retry(self, part_id: str) -> None:
        """A failed part back to pending, with the failed parts of its thread."""
        self.store.refresh()
        part = self.store.state.outbox.get(part_id)
        if part is None:
            raise ActionError(f"no outbox part {part_id!r}")
        if part.state != "failed":
            raise ActionError(f"part {part.index}/{part.total} on {self._name(part.platform)} is {part.state}, not failed")
        for each in of_revision(self._thread(part.question_id, part.platform), part.revision):
            if each.state == "failed":
                # a human asked for it: an answer lost earlier is no longer a reason to hold back
                self.store.set_part(replace(each, state="pending", reason="", sending=False))

    # -- sending ----------------------------------------------------------------------

    async def send_pending(self) -> None:
        """Send every pending part, each thread in order; return when nothing is left to send now."""
        if not self.publishers:
            return
        async with self._running:
            lock = FileLock(str(self._lock_path), thread_local=False)
            try:
                await asyncio.to_thread(lock.acquire, timeout=0)
            except Timeout:
                self.notes["outbox"] = "another qtime process is sending the answers"
                return
            self.notes.pop("outbox", None)
            try:
                await asyncio.to_thread(self.store.refresh)
                self.waiting_until = None
                async with make_client(self.transport) as client, asyncio.TaskGroup() as group:
                    for publisher in self.publishers:
                        group.create_task(self._drain(client, publisher))
            finally:
                lock.release()

    async def _drain(self, client: httpx.AsyncClient, publisher: Publisher) -> None:
        """One platform's parts, one at a time, until none can go now."""
        while (part := self._next(publisher.platform)) is not None:
            if not await self._send(client, publisher, part):
                return

    def _next(self, platform: str) -> OutboxPart | None:
        """The first pending part, in thread order (revision after revision).

        A failed post fails the later posts of its thread with it (`_fail`),
        so skipping past it never sends a post without its parent.
        """
        on_platform = (p for p in tuple(self.store.state.outbox.values()) if p.platform == platform)
        for thread in by_question(on_platform).values():
            for part in thread:
                if part.state == "pending":
                    return part
        return None

    def _previous(self, part: OutboxPart) -> OutboxPart | None:
        """The part before `part` in its revision's thread."""
        return self.store.state.outbox.get(part_id(part.question_id, part.platform, part.index - 1, part.revision))

    def _parent(self, part: OutboxPart) -> OutboxPart | None:
        """The posted part a post replies to: the one before it in its thread, else its target (None: the question)."""
        previous = self._previous(part)
        if previous is not None and previous.op == "post":
            return previous
        target = self.store.state.outbox.get(part.target) if part.target else None
        return target if target is not None and target.state == "posted" else None

    def _obstacle(self, part: OutboxPart) -> tuple[PartState, str] | None:
        """Why `part` must not go out, and the state that settles it; None when it may go."""
        answer = self.store.state.answers.get(part.question_id)
        retracted = next((n for n, r in enumerate(answer.revisions, 1) if r["kind"] == "retract"), 0) if answer else 0
        if part.revision < retracted and (part.op == "edit" or (part.op == "post" and not part.sending)):
            return "cancelled", "not sent: the answer was retracted"
        if part.op == "post":
            previous = self._previous(part)
            if previous is not None and previous.op == "post" and previous.state != "posted":
                return "failed", f"not sent: part {previous.index} failed"
            return None
        target = self.store.state.outbox.get(part.target)
        if target is None or target.state == "cancelled" or (target.state == "failed" and not target.sending):
            return "cancelled", f"nothing to {part.op}: the post was never made"
        if target.state == "failed":
            return "failed", f"part {target.index} may have been posted: check the account, then retry"
        return None

    async def _send(self, client: httpx.AsyncClient, publisher: Publisher, part: OutboxPart) -> bool:
        """Send one part, retrying transient failures. False: stop this platform for now."""
        obstacle = self._obstacle(part)
        if obstacle is not None:
            state, why = obstacle
            if state == "failed":
                await self._fail(part, why)
            else:
                await self._save(replace(part, state=state, reason=why))
            return True
        backoff = Backoff(*self.backoff)
        question = self.store.question(part.question_id)
        parent = self._parent(part) if part.op == "post" else None
        target = self.store.state.outbox.get(part.target) if part.op != "post" else None
        attempt = 0
        while True:
            attempt += 1
            wait = publisher.rate.wait() if publisher.rate else 0.0
            if wait > self.max_wait:
                return self._defer(publisher, wait, "no posts left in this rate-limit window")
            if wait:
                self._note(publisher, f"rate limit: waiting {wait:.0f} s")
                await asyncio.sleep(wait)
            job = Job(part, question, parent, self.store.settings.lang or question.lang,
                      retrying=part.attempts > 0, uncertain=part.sending, target=target)
            part = replace(part, attempts=part.attempts + 1, first_try_at=part.first_try_at or now_iso(), sending=True)
            await self._save(part)
            if self.store.write_error:  # the attempt is not on disk: sending now could post twice
                return self._defer(publisher, 5.0, self.store.write_error)
            self._note(publisher, f"{_DOING[part.op]} part {part.index}/{part.total}")
            try:
                posted = await self._perform(client, publisher, replace(job, part=part))
            except Transient as error:
                reason = self._safe(str(error))
                # an earlier lost answer stays a doubt until the part is found or posted
                part = replace(part, reason=reason, sending=error.unanswered or job.uncertain)
                await self._save(part)
                if attempt >= self.max_attempts:
                    await self._fail(part, f"{reason} (gave up after {attempt} attempts)")
                    return True
                delay = backoff.next_delay(error.retry_after)
                if delay > self.max_wait:
                    return self._defer(publisher, delay, reason)
                self._note(publisher, f"retrying in {delay:.0f} s: {reason}")
                await asyncio.sleep(delay)
            except (Refused, AccountProblem) as error:
                if isinstance(error, AccountProblem) or error.status == 401:
                    # the account, not this part: leave everything pending
                    reason = self._safe(str(error))
                    await self._save(replace(part, reason=reason, sending=job.uncertain))
                    self._note(publisher, f"{reason}; check the account, then send again")
                    return False
                await self._fail(part, self._safe(str(error)))
                return True
            except BadReply as error:
                # The post went out and its answer could not be read: it may
                # exist. Keep the doubt, so a retry looks before it posts.
                await self._fail(part, f"{self._safe(str(error))}: the post may have been made, check before retrying",
                                 uncertain=True)
                return True
            except PublishError as error:
                await self._fail(part, self._safe(str(error)))
                return True
            else:
                await self._save(replace(part, state="posted", remote_id=posted.remote_id, cid=posted.cid,
                                         in_reply_to=posted.in_reply_to, url=clean_line(posted.url, limit=2000),
                                         reason="", sending=False))
                self._note(publisher, f"{_DONE[part.op]} part {part.index}/{part.total}")
                return True

    @staticmethod
    async def _perform(client: httpx.AsyncClient, publisher: Publisher, job: Job) -> Posted:
        """The part's request: a post, an edit, or a delete (recorded with its target's id)."""
        if job.part.op == "edit":
            return await publisher.edit(client, job)
        if job.part.op == "delete":
            await publisher.delete(client, job)
            target = job.target
            return Posted(target.remote_id if target else "", "")
        return await publisher.publish(client, job)

    async def _fail(self, part: OutboxPart, reason: str, *, uncertain: bool = False) -> None:
        """Fail `part`; the later parts of its thread cannot go without it.
        `uncertain`: it may have been posted (a retry must look first)."""
        await self._save(replace(part, state="failed", reason=reason, sending=uncertain))
        if part.op != "post":  # edits and deletes stand alone
            return
        for later in of_revision(self._thread(part.question_id, part.platform), part.revision):
            if later.index > part.index and later.op == "post" and later.state == "pending":
                await self._save(replace(later, state="failed", reason=f"not sent: part {part.index} failed"))

    def _defer(self, publisher: Publisher, seconds: float, why: str) -> bool:
        until = time.time() + seconds
        self.waiting_until = min(self.waiting_until or until, until)
        self._note(publisher, f"{why}; next try after {datetime.fromtimestamp(until).strftime('%H:%M:%S')}")
        return False

    async def _save(self, part: OutboxPart) -> None:
        await asyncio.to_thread(self.store.set_part, part)

    def _thread(self, qid: str, platform: str) -> list[OutboxPart]:
        return of_question(self.store.state.outbox, qid, platform)

    def _safe(self, text: str) -> str:
        """A reason fit to store and show: no credential, no control character, one line."""
        secrets = [s for p in self.publishers for s in p.secrets()]
        return clean_line(redact(text, secrets), limit=300)

    def _note(self, publisher: Publisher, text: str) -> None:
        self.notes[publisher.platform] = text

    def _name(self, platform: str) -> str:
        return next((p.name for p in self.publishers if p.platform == platform), platform)
