"""The live session app: `QuestionTimeApp(store_or_path, sources=..., role=..., clock=...)`.

The app owns the store, the sources and every worker; the main screen shows
the session. Store calls run in thread workers (group "store"), one after the
other in the order they were asked for; other processes' changes arrive by a
polling thread worker; source batches are stored from async workers. All of
them tell the UI through messages. The user's own actions are drawn as soon
as the store has them; arrivals and other processes' changes are drawn in
batches, at most every `DRAIN_EVERY` seconds; either way only what changed.
"""
from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from store.errors import StoreError
from store.export import render
from store.model import OutboxPart, Settings, parse_time
from store.sanitize import clean_shown
from store.session_store import SessionStore
from tui.config import Config
from tui.messages import SourceReport, StoreChanged
from tui.platforms.base import Item, Source, SourceState, limit_changes
from tui.platforms.outbox import Outbox
from tui.platforms.publishers import Publisher
from tui.platforms.specs import parse_spec
from tui.screens.export import ExportScreen
from tui.screens.first_run import FirstRunScreen, NewSession
from tui.screens.help import HelpScreen
from tui.screens.main import ROLES, MainScreen
from tui.screens.quit_pending import QuitPendingScreen
from tui.widgets.composer import Composer
from tui.widgets.draft_pane import DraftPane
from tui.widgets.queue_index import QueueIndex
from tui.widgets.queue_list import QueueList
from tui.widgets.session_header import header_content

DRAIN_EVERY = 0.15  # seconds: arrivals and others' changes are drawn in one batch at most this often
LEARN_STEP = 100  # questions whose row flags are learned in one go (under 1 ms)...
LEARN_PAUSE = 0.002  # ...then a pause, so keys and screen updates never wait long behind it
POLL_EVERY = 0.4  # seconds between looks for other processes' changes
NO_PUBLISHER = "No platform account is connected: answers are logged here, not published."

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def settle_heap() -> None:
    """Collect once, then take what is alive out of the cyclic collector's walks (`gc.freeze`).

    Called once, when the session is loaded, indexed and on screen: at
    100,000 questions a full collection otherwise takes 20-35 ms, again and
    again, often right inside a key press. Frozen objects are still freed by
    reference counting; only a reference cycle among them that becomes
    garbage later is never collected (bounded: what is alive at this moment).
    """
    gc.collect()
    gc.freeze()


@dataclass
class _JobDone(Message):
    """A store job finished: run its follow-up on the UI thread."""

    callback: Callable[[Any], None]
    result: Any


@dataclass
class _Acted(Message):
    """A store job that changed these questions finished: draw it now, not at the next drain."""

    qids: frozenset[str]


class QuestionTimeApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "questiontime"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]

    def __init__(
        self,
        store: SessionStore | str | Path,
        *,
        sources: Sequence[Source] = (),
        role: str = "both",
        clock: Clock = utc_now,
        config: Config | None = None,
        welcome: str | None = None,
        poll_every: float = POLL_EVERY,
        live: bool = True,
        publishers: Sequence[Publisher] = (),
    ) -> None:
        """`store`: an open store, or a path (opened here; a missing file asks for a new session).

        `publishers` are the connected accounts answers are posted with (none:
        answers are logged locally only). `live=False` starts no polling and no source (snapshots,
        benchmarks).
        """
        super().__init__()
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        self.owns_store = not isinstance(store, SessionStore)
        self.store_path = Path(store.path if isinstance(store, SessionStore) else store)
        self.store: SessionStore | None = store if isinstance(store, SessionStore) else None
        if self.store is None and self.store_path.exists():
            self.store = SessionStore.open(self.store_path)
        self.sources = list(sources)
        self.role = role
        self.clock = clock
        self.config = config if config is not None else Config()
        self.welcome = welcome
        self.poll_every = poll_every
        self.live = live
        self.index = QueueIndex()
        self.composer = Composer(self._settings)
        self.source_states: dict[str, SourceState] = {s.spec: SourceState(s.spec, "starting") for s in self.sources}
        self.paused = False
        self._resume = asyncio.Event()
        self._stop = threading.Event()
        self._last_job = threading.Event()
        self._last_job.set()
        self._dirty = False
        self._changed: set[str] = set()
        self._learning = False
        self._settled = False
        self._told_unpublished = False
        self.publishers = tuple(publishers)
        self.outbox: Outbox | None = None
        self.main: MainScreen | None = None

    # -- start -------------------------------------------------------------------

    def on_mount(self) -> None:
        self._resume.set()
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        for problem in self.config.problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        if self.store is not None and self.store.recovery_report:  # actions saved by a process that quit on a full disk
            self.notify(self.store.recovery_report, severity="warning", markup=False, timeout=20)
        if self.store is None:
            specs = tuple(s.spec for s in self.sources)
            self.push_screen(FirstRunScreen(str(self.store_path), specs), self._session_chosen)
        else:
            self._start()

    def _session_chosen(self, new: NewSession | None) -> None:
        if new is None:
            self.exit()
            return
        self.sources = [parse_spec(spec) for spec in new.sources]
        self.source_states = {s.spec: SourceState(s.spec, "starting") for s in self.sources}
        self.run_worker(partial(self._create_store, new), name="create the session", group="store",
                        thread=True, exit_on_error=False)

    def _create_store(self, new: NewSession) -> None:
        try:
            store = SessionStore.open(self.store_path, settings=new.settings)
        except StoreError as error:  # a read-only folder, a file that appeared meanwhile...
            self.post_message(_JobDone(self._store_refused, str(error)))
            return
        self.post_message(_JobDone(self._store_created, store))

    def _store_refused(self, reason: str) -> None:
        self.exit(return_code=2, message=Text(f"qtime: {reason}"))  # Text: a path is not markup

    def _store_created(self, store: SessionStore) -> None:
        self.store = store
        self.owns_store = True
        self._start()

    def _settings(self) -> Settings:
        assert self.store is not None
        return self.store.settings

    def _limits_changed(self) -> None:
        """The counter now uses the instance's limits: recount the draft."""
        if self.main is not None:
            for pane in self.main.query(DraftPane):  # none in the moderator's layout
                pane.recount()

    def _start(self) -> None:
        assert self.store is not None
        if self.publishers:
            self.outbox = Outbox(self.store, self.publishers)
        self.main = MainScreen(self.role)
        self.push_screen(self.main)
        self.set_interval(DRAIN_EVERY, self.drain)
        self.set_interval(1.0, self._tick)
        if self.live:
            self.run_worker(self._poll, name="watch the store", group="poll", thread=True, exit_on_error=False)
            for source in self.sources:
                self.run_worker(partial(self._run_source, source), name=source.spec, group="sources", exit_on_error=False)
            self._publish()  # parts a previous run left pending
        if self.welcome:
            self.notify(self.welcome, title="Welcome", timeout=10)  # our own text, in markup

    # -- store jobs (thread workers, run one after another) --------------------------

    def _job(self, name: str, call: Callable[[], Any], after: Callable[[Any], None] | None = None,
             qids: frozenset[str] = frozenset()) -> threading.Event:
        previous, done = self._last_job, threading.Event()
        self._last_job = done

        def work() -> Any:
            try:
                previous.wait()
                result = call()
            finally:
                done.set()
            self.post_message(_Acted(qids) if qids else StoreChanged(qids))
            if after is not None:
                self.post_message(_JobDone(after, result))
            return result

        self.run_worker(work, name=name, group="store", thread=True, exit_on_error=False)
        return done

    def act(self, verb: str, qid: str, *args: Any) -> None:
        """A moderator action on the store (`approve`, `dismiss`, `star`, `tag`, `mark_duplicate`)."""
        assert self.store is not None
        qids = frozenset({qid, *(a for a in args if isinstance(a, str) and a in self.store.state.questions)})
        self._job(verb.replace("_", " "), partial(getattr(self.store, verb), qid, *args), qids=qids)

    def undo(self) -> None:
        assert self.store is not None
        self._job("undo", self.store.undo, after=self._undone)

    def _undone(self, event: dict[str, Any] | None) -> None:
        if event is None:
            self.notify("Nothing of yours to undo.", markup=False)
            return
        question = self.store.state.questions.get(event.get("qid") or "") if self.store else None
        who = f" on {question.author}'s question" if question else ""
        self.notify(f"Undone: {event['undid']}{who}.", markup=False)
        qids = frozenset(change["qid"] for change in event.get("changes", ()))
        self.mark_dirty(qids)
        if question is not None and self._showing():
            self.drain()  # the question is back in its view: put the cursor on it
            self.main.queue.select(question.id)  # type: ignore[union-attr]

    def save_draft(self, qid: str, text: str) -> threading.Event:
        assert self.store is not None
        return self._job("save the draft", partial(self.store.save_draft, qid, text))

    def send_answer(self, qid: str, text: str, parts: list[str]) -> None:
        store = self.store
        assert store is not None
        profile = store.settings.profile

        def call() -> str:
            store.add_answer(qid, text, parts, profile)
            return qid

        self._job("send the answer", call, after=self._answer_logged, qids=frozenset({qid}))

    def _answer_logged(self, qid: str) -> None:
        question = self.store.state.questions.get(qid) if self.store else None
        author = question.author if question else "the"
        if self.main is not None:
            self.main.answer_sent(qid)
        if self.outbox is not None and not self.outbox.local_only:
            self._job("queue the answer for publishing", partial(self.outbox.enqueue, qid),
                      after=lambda _parts: self._publish(), qids=frozenset({qid}))
            self.notify(f"Answer to {author} logged; publishing.", markup=False)
        elif not self._told_unpublished:
            self._told_unpublished = True
            self.notify(f"Answer to {author} logged. {NO_PUBLISHER}", timeout=12, markup=False)
        else:
            self.notify(f"Answer to {author} logged.", markup=False)

    def parts_of(self, qid: str) -> list[OutboxPart]:
        """The outbox parts of a question's answer, in thread order."""
        if self.store is None:
            return []
        parts = [p for p in tuple(self.store.state.outbox.values()) if p.question_id == qid]
        return sorted(parts, key=lambda p: (p.platform, p.index))

    def retry_publishing(self, qid: str) -> None:
        """`r`: failed parts go back to pending and out again; parts held back (an account refused, a
        long wait) are sent again now."""
        failed = [p for p in self.parts_of(qid) if p.state == "failed"]
        held = [p for p in self.parts_of(qid) if p.state == "pending" and p.reason]
        if self.outbox is None or not (failed or held):
            self.notify("Nothing to retry: no failed or held-back post for this answer.", markup=False)
            return
        outbox = self.outbox

        def again() -> None:
            for part in failed:
                if self.store is not None and self.store.state.outbox[part.id].state == "failed":
                    outbox.retry(part.id)

        self._job("retry publishing", again, after=lambda _: self._publish(), qids=frozenset({qid}))
        self.notify("Publishing again.", markup=False)

    def _publish(self) -> None:
        """Send the outbox's pending parts (one sender at a time; the log shows each part's state)."""
        if self.outbox is None or self.outbox.local_only:
            return
        outbox = self.outbox

        async def send() -> None:
            await outbox.send_pending()
            self.mark_dirty()
            if self.main is not None:
                self.main.refresh_header()
            if outbox.waiting_until is not None:  # deferred (rate limit, long backoff): come back then
                self.set_timer(max(1.0, outbox.waiting_until - time.time()), self._publish)

        self.run_worker(send, name="publish the answers", group="outbox", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are shown."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name} failed: {error}", severity="error", timeout=10, markup=False)

    @on(_JobDone)
    def _job_done(self, message: _JobDone) -> None:
        message.callback(message.result)

    # -- watching the store and the sources ------------------------------------------

    def _poll(self) -> None:
        """Apply other processes' commits (one `stat` when nothing changed)."""
        worker = get_current_worker()
        store = self.store
        assert store is not None
        problem = ""
        while not worker.is_cancelled and not self._stop.is_set():
            try:
                events = store.refresh()
            except StoreError as error:  # keep watching: the lock or the disk may come back
                if str(error) != problem:
                    problem = str(error)
                    self.call_from_thread(self.notify, f"Cannot read others' changes: {error}",
                                          severity="error", timeout=10, markup=False)
                self._stop.wait(self.poll_every * 5)
                continue
            problem = ""
            if events:
                qids = {e["qid"] for e in events if e.get("qid")}
                qids.update(c["qid"] for e in events for c in e.get("changes", ()))
                self.post_message(StoreChanged(frozenset(qids)))
            self._stop.wait(self.poll_every)

    async def _run_source(self, source: Source) -> None:
        await source.run(self._emit, self._report, self._warn)

    async def _emit(self, batch: list[Item]) -> None:
        await self._resume.wait()  # paused: the source waits here, keeping its place
        assert self.store is not None
        await asyncio.to_thread(self.store.add_questions, batch)
        self.mark_dirty()

    def _report(self, state: SourceState) -> None:
        self.post_message(SourceReport(state))

    def _warn(self, message: str) -> None:
        self.notify(message, severity="warning", markup=False)

    @on(SourceReport)
    def _source_report(self, message: SourceReport) -> None:
        self.source_states[message.state.spec] = message.state
        changes = limit_changes(self.store.settings, self.sources) if self.store else {}
        if changes:
            self._job("use the instance's limits", partial(self.store.update_settings, **changes),
                      after=lambda _: self._limits_changed())
        if self._showing():
            self.main.refresh_header()  # type: ignore[union-attr]
            self.main.refresh_bindings()  # type: ignore[union-attr]  # `p` only while a source can pause

    @on(StoreChanged)
    def _store_changed(self, message: StoreChanged) -> None:
        self.mark_dirty(message.qids)

    @on(_Acted)
    def _acted(self, message: _Acted) -> None:
        self.mark_dirty(message.qids)
        self.drain()

    def mark_dirty(self, qids: frozenset[str] = frozenset()) -> None:
        """Redraw at the next drain; `qids` are rows that may look different."""
        self._changed.update(qids)
        self._dirty = True

    def _showing(self) -> bool:
        """The main screen is up with its widgets (not before it is built, not at teardown)."""
        return self.main is not None and self.main.is_mounted and bool(self.main.query("#queue"))

    def drain(self) -> None:
        """Draw the pending changes now (a timer calls this every DRAIN_EVERY seconds)."""
        if not self._dirty or not self._showing():
            return
        changed = frozenset(self._changed)
        self._dirty = False
        self._changed.clear()
        self.main.refresh_view(changed)  # type: ignore[union-attr]

    def queue_drawn(self) -> None:
        """The queue index is up to date and on screen (the main screen calls this after each refresh).

        The first time, the session is loaded and indexed: settle the heap.
        Then learn the row flags the index does not know yet, a step at a
        time: a 100,000-question session paints its queue first and the flags
        (link, repeated author, possible duplicate) fill in a few seconds later.
        """
        if not self._settled:
            self._settled = True
            settle_heap()
        if self.index.unlearned and not self._learning:
            self._learning = True
            self.run_worker(self._learn_in_steps, name="learn the queue flags", group="index", exit_on_error=False)

    async def _learn_in_steps(self) -> None:
        try:
            while self.index.learn(LEARN_STEP):
                await asyncio.sleep(LEARN_PAUSE)
        finally:
            self._learning = False
        if self._showing():
            self.main.flags_learned()  # type: ignore[union-attr]

    def _tick(self) -> None:
        if self._showing():
            self.main.refresh_header()  # type: ignore[union-attr]
            if int(self.clock().timestamp()) % 30 == 0:
                self.main.queue.refresh()  # type: ignore[union-attr]

    def header_content(self) -> Content:
        assert self.store is not None
        settings = self.store.settings
        started = parse_time(settings.started_at) or parse_time(settings.created_at)
        elapsed = (self.clock() - started).total_seconds() if started else 0.0
        publishing = "; ".join(t for t in (self.outbox.status, self.outbox.rate_limit) if t) if self.outbox else ""
        return header_content(settings, self.index.counts, elapsed, self.source_states,
                              paused=self.paused, write_error=self.store.write_error, publishing=publishing)

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        if self.paused:
            self._resume.clear()
            self.notify("Feed paused: sources wait, nothing new comes in. p resumes.", markup=False)
        else:
            self._resume.set()
            self.notify("Feed resumed.", markup=False)
        if self.main is not None:
            self.main.refresh_header()

    # -- export, help, quit, the command palette ----------------------------------------

    def action_export(self) -> None:
        self.push_screen(ExportScreen(self.store_path), self._export_chosen)

    def _export_chosen(self, choice: tuple[str, Path] | None) -> None:
        if choice is None or self.store is None:
            return
        fmt, path = choice
        state = self.store.state

        def work() -> Path:
            text = render(state, fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(path)
            return path

        def done(written: Path) -> None:
            self.notify(f"Exported {fmt} to {written}", timeout=10, markup=False)

        self._job(f"export {fmt}", work, after=done)

    def binding_keys(self) -> dict[str, str]:
        """Each binding id and the keys that fire it now (after the keymap)."""
        keys: dict[str, str] = {}
        for binding in (*MainScreen.BINDINGS, *QueueList.BINDINGS):
            if isinstance(binding, Binding) and binding.id:
                chosen = self._keymap.get(binding.id, binding.key)
                keys[binding.id] = " ".join(self.get_key_display(Binding(key.strip(), "")) for key in chosen.split(","))
        return keys

    def action_help(self) -> None:
        from store.locations import config_file

        self.push_screen(HelpScreen(self.binding_keys(), str(config_file())))

    async def action_quit(self, lose_unwritten: bool = False) -> None:
        """Save the draft being typed, let running store jobs finish, then exit
        (first asking what to do with actions a full disk still refuses)."""
        if self.main is not None and self.main.is_mounted:
            pending = self.main.pending_draft()
            if pending is not None:
                self.save_draft(pending.qid, pending.text)
        await asyncio.to_thread(self._last_job.wait, 10)
        if self.store is not None and self.store.unwritten and not lose_unwritten:
            self.push_screen(QuitPendingScreen(self.store), self._quit_pending_chosen)
            return
        if self.owns_store and self.store is not None:
            # Fold the journal into the snapshot here, off the UI thread; the
            # close at unmount then has nothing left to write.
            await asyncio.to_thread(self.store.compact)
        self.exit()

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        """Every toast, cleaned: messages quote authors, links and errors from the store."""
        super().notify(clean_shown(message), **kwargs)

    async def _quit_pending_chosen(self, outcome: str | None) -> None:
        if outcome is not None:
            await self.action_quit(lose_unwritten=True)

    def on_unmount(self) -> None:
        self._stop.set()
        if self.owns_store and self.store is not None:
            self.store.close()

    def get_system_commands(self, screen: Screen) -> Any:
        yield from super().get_system_commands(screen)
        main = self.main
        if main is None:
            return
        commands = [
            ("Approve", "Approve the selected question", "approve"),
            ("Dismiss", "Dismiss the selected question (asks the reason)", "dismiss"),
            ("Star", "Star or unstar the selected question", "star"),
            ("Tag", "Tag the selected question", "tag"),
            ("Mark duplicate", "Mark the selected question a duplicate of another", "duplicate"),
            ("Undo", "Undo your last action", "undo"),
            ("Filter", "Filter the queue by text or author", "filter"),
            ("Answer", "Answer the selected question", "answer"),
            ("Send", "Send the answer being drafted", "send"),
            ("Pause / resume feed", "Stop or restart new arrivals", "pause"),
            ("Retry publishing", "Send the failed posts of the selected answer again", "retry"),
            ("Open the posted answer", "Open the published reply in the browser", "open_link"),
            ("Export", "Export the session log (md, html, csv, json)", "export"),
            ("Help", "Keys, flags and queue order", "help"),
        ] + [(f"View: {view}", f"Show the {view} questions", f"view('{view}')")
             for view in ("new", "approved", "starred", "dismissed", "answered", "all")]
        for title, help_text, action in commands:
            if action.startswith("view") or main.check_action(action, ()):
                yield SystemCommand(title, help_text, partial(main.run_action, action))
