"""`SessionService`: the store, its sources, its outbox, compaction and the job queue, for any front end.

    service = SessionService(store, sources=[...], publishers=[...], listener=...)
    service.jobs.submit(partial(service.approve, qid))   # disk work: in order, off the UI thread
    await service.run_source(source)                      # an asyncio task per source
    service.watch(every=0.4)                              # a thread: other processes' commits
    service.snapshot()                                    # a consistent copy, for a reader on any thread

The service calls its `Listener` from whichever thread the news comes from;
a front end turns those calls into its own messages (the app posts Textual
messages; `qtime ingest` prints). Everything here is plain Python: the app
and the headless ingest share it, and a test drives it without a screen.
"""
from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from store import session_store, team
from store.compaction import Compactor
from store.errors import SessionReplaced, StoreError
from store.events import Event, RevisionKind, SourceItem, qids_of
from store.model import IngestResult, OutboxPart, Presence, Question, Settings, SourceRecord
from store.parts import of_question, posted_links, retryable
from store.session_store import SessionStore
from store.state import SessionState, alone
from tui.i18n import _
from tui.platforms.base import Source, SourceState, limit_changes
from tui.service.jobs import JobQueue

if TYPE_CHECKING:
    from store.arrivals import Arrivals
    from store.triage.topics import Rising
    from tui.platforms.outbox import Outbox
    from tui.platforms.publishers import Publisher, Target


def utc_now() -> datetime:
    return datetime.now(UTC)


class Listener(Protocol):
    """What a front end hears. Called from any thread: keep each call short."""

    def changed(self, qids: frozenset[str]) -> None:
        """These questions may look different (empty: something else changed too)."""

    def source_report(self, state: SourceState) -> None:
        """A source's state changed."""

    def warn(self, text: str) -> None:
        """Something worth a line: a skipped post, a store that cannot be read for now."""


class Silent:
    """A listener that hears nothing (a test, a one-off command)."""

    def changed(self, qids: frozenset[str]) -> None:
        pass

    def source_report(self, state: SourceState) -> None:
        pass

    def warn(self, text: str) -> None:
        pass


def _outbox(store: SessionStore, publishers: Sequence[Publisher]) -> Outbox | None:
    """The outbox, where an account is connected. Imported only then: `qtime ingest` never
    publishes, and starts without httpx and the counting rules."""
    if not publishers:
        return None
    from tui.platforms.outbox import Outbox

    return Outbox(store, list(publishers))


class SessionService:
    def __init__(
        self,
        store: SessionStore,
        *,
        sources: Sequence[Source] = (),
        publishers: Sequence[Publisher] = (),
        listener: Listener | None = None,
        actor: str | None = None,
        role: str = "both",
        clock: Callable[[], datetime] = utc_now,
        compact_here: bool = False,
        triage: bool = True,
    ) -> None:
        """`actor` names who added questions in the store's history (default: the store's actor);
        `role` is what this process does, as the others see it (moderator, host, both, ingest);
        `clock` is the real time that presence is judged by (a test may move it on);
        `triage` False stores questions ungrouped, untagged and never held (the benchmark's baseline)."""
        self.store = store
        self.clock = clock
        self.compact_here = compact_here
        self.presence = Presence(secrets.token_hex(6), role, store.actor, "", sources=[s.spec for s in sources])
        self.replaced = ""  # why this process stopped writing: its store now holds another session
        self.sources = list(sources)
        self.source_states = {s.spec: SourceState(s.spec, "starting") for s in self.sources}
        self.outbox = _outbox(store, publishers)
        self.listener: Listener = listener or Silent()
        self.jobs = JobQueue()
        self.compactor = Compactor(store.path)
        self.ingested = IngestResult()
        self.paused = False
        self._actor = actor
        self._resume = asyncio.Event()
        self._resume.set()
        self._stop = threading.Event()
        self._told: str | None = None  # the last write error the listener heard of
        self._triage = triage
        self._arrivals: Arrivals | None = None  # built at the first page stored: only a process that ingests pays
        self._arriving = threading.Lock()

    # -- reading (any thread) --------------------------------------------------------

    @property
    def state(self) -> SessionState:
        """The live state. Read it only with lookups and one-call copies (`tuple(d.values())`):
        workers change it. For anything longer, take a `snapshot`."""
        return self.store.state

    @property
    def settings(self) -> Settings:
        return self.store.settings

    def snapshot(self) -> SessionState:
        return self.store.snapshot()

    def parts_of(self, qid: str) -> list[OutboxPart]:
        """The outbox parts of a question's answer, in thread order."""
        return of_question(self.store.state.outbox, qid)

    def can_retry(self, qid: str) -> bool:
        return self.outbox is not None and retryable(self.parts_of(qid))

    def links_of(self, qid: str) -> list[str]:
        """The posted answer's web links, to open. A store another tool wrote may hold any text as a
        part's URL: a `javascript:` one, opened by a served session's page (`qtime serve`), would run
        in the page's origin with its websocket."""
        return [url for url in posted_links(self.parts_of(qid)) if url.lower().startswith(("https://", "http://"))]

    def can_revise(self, qid: str) -> bool:
        """An answer was logged for `qid` and not retracted: correct, follow up and retract apply."""
        answer = self.store.state.answers.get(qid)
        return answer is not None and not answer.retracted_at

    def asks_correction_mode(self, qid: str) -> bool:
        """A correction needs the host's choice of `mode`: the answer went to a platform that cannot edit."""
        platforms = {p.platform for p in self.parts_of(qid)}
        return self.outbox is not None and any(not p.can_edit and p.platform in platforms for p in self.outbox.publishers)

    @property
    def publishing(self) -> str:
        """What the outbox is doing: sending, waiting for a rate limit, an account refused ("" when idle)."""
        if self.outbox is None:
            return ""
        return "; ".join(text for text in (self.outbox.status, self.outbox.rate_limit) if text)

    @property
    def local_only(self) -> bool:
        return self.outbox is None or self.outbox.local_only

    # -- triage read off the UI thread: each walks a one-call copy of the questions -------------

    def topic_matches(self, line: str) -> dict[str, list[str]]:
        """The stored questions the topic `line` is about and not tagged with yet: qid -> [its name].
        About 12 µs a question (2 s at 170,000): call it from a worker thread."""
        from store.triage.topics import TopicMatcher, parse_topic  # here: the stemmers load only when used

        topic = parse_topic(line)
        matcher = TopicMatcher([topic])
        return {q.id: [topic.name] for q in tuple(self.store.state.questions.values())
                if topic.name not in q.tags and matcher.match(q.shown_text())}

    def suggest_topics(self) -> list[Rising]:
        """Words rising in the last minutes (`store.triage.suggest`): from a worker thread."""
        from store.triage.suggest import suggest

        state = self.store.state
        groups = dict(state.groups)  # one call each: workers change them
        return suggest(tuple(state.questions.values()), state.settings, lambda qid: groups.get(qid) or alone(qid))

    # -- the team: who else is here, who answers what, how the feeds are ------------------

    def others(self) -> list[Presence]:
        return team.others(tuple(self.store.state.presence.values()), self.presence.id, self.clock())

    def claimed_by(self, qid: str) -> Presence | None:
        """Another live process whose host is answering `qid`."""
        return team.claimed_by(tuple(self.store.state.presence.values()), qid, self.presence.id, self.clock())

    def feeds(self) -> list[team.Feed]:
        """The sources other processes run (a headless `qtime ingest`), with their health."""
        mine = set(self.source_states)
        records = [r for r in tuple(self.store.state.sources.values()) if r.spec not in mine]
        return team.feeds(records, tuple(self.store.state.presence.values()), self.clock())

    def posting_target(self, question: Question) -> Target | None:
        """Where an answer to `question` is posted: the connected account that can reply to it."""
        if self.outbox is None:
            return None
        publisher = next(iter(self.outbox.targets(question)), None)
        return None if publisher is None else publisher.target()

    @property
    def can_pause(self) -> bool:
        """Some source can still bring questions (or the feed is paused)."""
        return self.paused or any(s.state not in ("done", "stopped") for s in self.source_states.values())

    # -- jobs: each blocks on the disk; run them through `jobs` ----------------------------

    def _committed(self, event: Event | None) -> Event | None:
        self.maybe_compact()
        return event

    def approve(self, qid: str) -> Event | None:
        return self._committed(self.store.approve(qid))

    def dismiss(self, qid: str, reason: str) -> Event | None:
        return self._committed(self.store.dismiss(qid, reason))

    def star(self, qid: str) -> Event | None:
        return self._committed(self.store.star(qid))

    def tag(self, qid: str, tags: Iterable[str]) -> Event | None:
        return self._committed(self.store.tag(qid, tags))

    def mark_duplicate(self, qid: str, of: str) -> Event | None:
        return self._committed(self.store.mark_duplicate(qid, of))

    # One action over many questions (a group, the filtered view, an author): one event, one undo.
    # `counted` maps each question to the status it had when the moderator confirmed the count.

    def approve_group(self, qids: Sequence[str]) -> Event | None:
        return self._committed(self.store.approve_group(qids))

    def approve_many(self, qids: Sequence[str], counted: Mapping[str, str] | None = None) -> Event | None:
        return self._committed(self.store.approve_many(qids, counted=counted))

    def dismiss_many(self, qids: Sequence[str], reason: str, counted: Mapping[str, str] | None = None) -> Event | None:
        return self._committed(self.store.dismiss_many(qids, reason, counted=counted))

    def star_many(self, qids: Sequence[str], on: bool, counted: Mapping[str, str] | None = None) -> Event | None:
        return self._committed(self.store.star_many(qids, on, counted=counted))

    def tag_many(self, qids: Sequence[str], tags: Iterable[str],
                 counted: Mapping[str, str] | None = None) -> Event | None:
        return self._committed(self.store.tag_many(qids, tags, counted=counted))

    def tag_each(self, tags: Mapping[str, Sequence[str]]) -> Event | None:
        """Each question gets its own tags (the questions a new topic matches): one event, one undo."""
        return self._committed(self.store.tag_each(tags))

    def edit_topic(self, line: str | None, replacing: str = "") -> str:
        """Add, change or remove one session topic (see `SessionStore.edit_topic`); the line as stored."""
        return self.store.edit_topic(line, replacing=replacing)

    def block_author(self, qids: Sequence[str], author: str, reason: str,
                     counted: Mapping[str, str] | None = None) -> Event | None:
        """Dismiss `qids` (the author's open questions, as counted) and hold the author's later posts."""
        return self._committed(self.store.block_author(author, qids, reason, counted=counted))

    def split_group(self, qid: str) -> Event | None:
        """A moderator's split of a wrong merge: `qid` leaves its near-duplicate group."""
        return self._committed(self.store.split_group(qid))

    def undo(self) -> Event | None:
        return self._committed(self.store.undo())

    def claim(self, qid: str) -> None:
        """This process's host is answering `qid` (""; answering nothing): every process shows it."""
        if self.presence.answering != qid:
            self.presence.answering = qid
            self.beat()

    def beat(self) -> None:
        """Commit this process's presence now (its heartbeat, and any change of claim)."""
        self.store.set_presence(replace(self.presence))

    def save_draft(self, qid: str, text: str) -> None:
        self.store.save_draft(qid, text)
        self.maybe_compact()

    def send_answer(self, qid: str, text: str, parts: list[str], *, override: bool = False) -> list[OutboxPart]:
        """Log the answer (the question is answered), then queue its posts where an account can reply.

        `store.errors.Dismissed` when the question was dismissed meanwhile, unless `override`.
        The claim ends with the send.
        """
        question = self.store.question(qid)
        target = self.posting_target(question)
        profile = target.profile.name if target is not None else self.store.settings.profile
        self.store.add_answer(qid, text, parts, profile, override=override)
        if self.presence.answering == qid:
            self.claim("")
        self.maybe_compact()
        return [] if self.outbox is None else self.outbox.enqueue(qid)

    # -- the life of an answer after it is sent (blocking jobs, like `send_answer`) ------------
    # Each records the change on the logged answer (the answered log and the exports show it,
    # with or without an account), then queues what it takes on every platform the answer was
    # queued on; `publish()` sends it. ActionError: no answer, already retracted, no text.

    def correct(self, qid: str, text: str, parts: list[str], mode: str = "reply") -> list[OutboxPart]:
        """Correct a sent answer. Mastodon edits the posts in place; on Bluesky and X, which cannot
        edit, `mode` says how: "reply" (the correction posted under the answer) or "repost" (the
        answer's posts deleted and the corrected thread posted under the question)."""
        return self._revise(qid, "correct", text, parts, mode)

    def follow_up(self, qid: str, text: str, parts: list[str]) -> list[OutboxPart]:
        """Add a follow-up: a new thread replying to the last post of the answer's thread."""
        return self._revise(qid, "follow_up", text, parts)

    def retract(self, qid: str) -> list[OutboxPart]:
        """Retract a sent answer (ask first: it cannot be undone): every post of it is deleted,
        and its parts not sent yet are never sent."""
        return self._revise(qid, "retract")

    def _revise(self, qid: str, kind: RevisionKind, text: str = "", parts: list[str] | None = None,
                mode: str = "") -> list[OutboxPart]:
        number = self.store.revise_answer(qid, kind, text, parts, mode)
        if self.presence.answering == qid:  # sent: the claim ends, as with the answer
            self.claim("")
        self.maybe_compact()
        return [] if self.outbox is None else self.outbox.enqueue_revision(qid, number)

    def retry(self, qid: str) -> bool:
        """Failed parts back to pending (a held-back part just goes again); False when nothing applies."""
        parts = self.parts_of(qid)
        if self.outbox is None or not retryable(parts):
            return False
        for part in parts:
            if self.store.state.outbox[part.id].state == "failed":
                self.outbox.retry(part.id)
        return True

    def export(self, fmt: str, path: Path, *, lang: str | None = None, only: str = "all", tz: str | None = None) -> Path:
        """Render a snapshot and write it (never onto the store's own files); `tz` overrides the session's zone."""
        from store.export import render  # here: the recaps' modules load only when one is made
        from store.export.files import write_export

        snapshot = self.snapshot()
        language = lang or (snapshot.settings.lang if snapshot.settings.lang in ("en", "it") else "en")
        data = render(snapshot, fmt, only=only, lang=language, tz=tz).encode("utf-8")
        write_export(path, data, store=self.store.path)
        return path

    def use_source_limits(self) -> None:
        """A Mastodon session counts with its instance's own limits, once a source has learnt them."""
        changes = limit_changes(self.store.settings, self.sources)
        if changes:
            self.store.update_settings(**changes)

    # -- compaction ---------------------------------------------------------------------

    def maybe_compact(self) -> bool:
        """When the journal has grown long, fold it: in a child process for a front end with a
        screen (it must never pause), here for a headless one (`compact_here`: the child would
        load the whole session again, and compete for the same cores). True if it ran or started."""
        if not self.store.needs_compaction() or self.store.unwritten:
            return False
        if self.compact_here:
            return self.store.compact()
        return self.compactor.start_if_idle(session_store.COMPACT_AFTER_EVENTS)

    # -- live: other processes, sources, publishing ------------------------------------------

    def watch(self, every: float) -> None:
        """Apply other processes' commits, and say this process is here, until `stop()`
        (blocking: run it in a thread)."""
        problem = ""
        last_beat = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() - last_beat >= team.HEARTBEAT:
                    last_beat = time.monotonic()
                    self.beat()
                events = self.store.refresh()
            except SessionReplaced as error:
                self.replaced = str(error)
                self.listener.warn(str(error))
                return
            except StoreError as error:  # keep watching: the lock or the disk may come back
                if str(error) != problem:
                    problem = str(error)
                    self.listener.warn(_("Cannot read others' changes: {error}").format(error=error))
                self._stop.wait(every * 5)
                continue
            problem = ""
            while self.store.skipped:  # a damaged event another writer appended: skipped, said once
                self.listener.warn(self.store.skipped.pop(0))
            if events:
                self.listener.changed(frozenset(q for e in events for q in qids_of(e)))
                self.maybe_compact()
            self._stop.wait(every)

    async def run_source(self, source: Source, *, once: bool = False) -> None:
        """Run `source` from where it last got to on this store (its saved cursors)."""
        source.resume(self.store.source_record(source.spec))
        await source.run(self._emit, self._report, self.listener.warn, once=once)

    async def _emit(self, batch: list[SourceItem], /, *, source_state: SourceRecord | None = None) -> None:
        """Store a page of posts and, in the same commit, the source's cursor after it."""
        await self._resume.wait()  # paused: the source waits here, keeping its place
        result = await asyncio.to_thread(self._store_page, batch, source_state)
        self.ingested += result
        self.listener.changed(frozenset())
        if self.store.write_error and self.store.write_error != self._told:
            self.listener.warn(self.store.write_error)
        self._told = self.store.write_error
        await asyncio.to_thread(self.maybe_compact)

    def _store_page(self, batch: list[SourceItem], source_state: SourceRecord | None) -> IngestResult:
        """Triage and store a page (blocking). One page at a time: the sources share one grouper.

        When much of the history is unread (the whole store, the first time),
        the grouper reads it from a snapshot, outside the store's lock; the
        commit then reads only what was added meanwhile.
        """
        # here: the triage engine (rapidfuzz, stemmers, stop words) loads only in a session that asks for it
        from store.arrivals import Arrivals, wanted

        with self._arriving:
            if self._triage and self._arrivals is None and wanted(self.store.settings):
                self._arrivals = Arrivals()
            if self._arrivals is not None and self._arrivals.behind(self.store.state):
                self._arrivals.catch_up(self.store.snapshot())  # a copy of the containers: ~5 ms at 170k
            return self.store.add_questions(batch, actor=self._actor, source_state=source_state, arrivals=self._arrivals)

    def _report(self, state: SourceState) -> None:
        self.source_states[state.spec] = state
        if limit_changes(self.store.settings, self.sources):
            self.jobs.submit(self.use_source_limits)
        self.listener.source_report(state)

    def toggle_pause(self) -> bool:
        """Pause or resume every source of this process; True when now paused."""
        self.paused = not self.paused
        if self.paused:
            self._resume.clear()
        else:
            self._resume.set()
        return self.paused

    async def learn_targets(self) -> None:
        """Each connected account's counting rules (a Mastodon instance's limits), best effort."""
        if self.outbox is None:
            return
        from tui.platforms.http import make_client

        async with make_client(self.outbox.transport) as client:
            for publisher in self.outbox.publishers:
                await publisher.learn(client)

    async def publish(self) -> float | None:
        """Send the pending parts; the epoch time to come back at when some were deferred."""
        if self.outbox is None or self.outbox.local_only:
            return None
        await asyncio.to_thread(self.outbox.enqueue_missing)
        await self.outbox.send_pending()
        return self.outbox.waiting_until

    # -- the end --------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop watching (sources stop when their tasks are cancelled)."""
        self._stop.set()

    def leave(self) -> None:
        """Say this process has gone (its claim ends with it); blocking."""
        self.presence.left, self.presence.answering = True, ""
        try:
            self.beat()
        except StoreError:
            pass  # leaving anyway: the others see the presence lapse within PRESENCE_TIMEOUT

    def finish(self, timeout: float = 10.0) -> None:
        """Let queued jobs end and any compaction child finish (blocking; call it off the UI thread)."""
        self.jobs.drain(timeout)
        self.compactor.wait(timeout)

    def close(self) -> None:
        """Stop, finish the jobs, say goodbye, and fold the journal into the snapshot."""
        self.stop()
        self.finish()
        self.leave()
        self.jobs.close()
        self.store.close()
