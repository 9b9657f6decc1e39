"""The live session app: `QuestionTimeApp(store_or_path, sources=..., role=..., clock=...)`.

A thin Textual shell around `SessionService` (which owns the store, the
sources, the outbox, compaction and the job queue). The main screen posts
intents; the app runs each as a service job in a thread worker (group
"store", in the order asked) and answers with a named message. Other
processes' commits and source batches reach the app as messages from the
service's listener. The user's own actions are drawn as soon as the store
has them; arrivals and other processes' changes are drawn in batches, at
most every `DRAIN_EVERY` seconds; either way only what changed. Clock times
are shown in `tz` (this process's `--tz`), else the session's zone, else
the machine's; the store keeps UTC.
"""
from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import messages, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from store.errors import Dismissed, StoreError
from store.events import Event, changes_of, qids_of
from store.locations import person
from store.model import parse_time
from store.sanitize import clean_shown
from store.session_store import SessionStore
from store.zones import UnknownZone, local_zone_name, session_zone, stamp, zone_named
from tui.actions import ACTIONS, BY_NAME, palette_actions, welcome
from tui.config import Config
from tui.crash_report import NoLocalsInCrashReport
from tui.heap import open_settled, settle_heap
from tui.i18n import N_, _, ngettext, number
from tui.messages import (
    AnswerLogged,
    Exported,
    Moderated,
    RetryQueued,
    Revised,
    SendRefused,
    SessionOpened,
    SessionRefused,
    SettingsChanged,
    SourceReport,
    StoreChanged,
    TallyCounted,
    TopicMatched,
    TopicSaved,
    TopicTagged,
    Undone,
)
from tui.platforms.base import Source, SourceState
from tui.platforms.specs import parse_spec
from tui.screens import bulk
from tui.screens.export import ExportScreen
from tui.screens.first_run import FirstRunScreen, NewSession
from tui.screens.help import HelpScreen
from tui.screens.main import ROLES, MainScreen, Reading
from tui.screens.quit_pending import QuitPendingScreen
from tui.screens.rules import RulesScreen
from tui.screens.settings import SettingsScreen
from tui.screens.topics import TopicsReading, TopicsScreen
from tui.service.session import SessionService, utc_now
from tui.widgets.composer import Composer
from tui.widgets.draft_pane import DraftPane
from tui.widgets.queue_index import TOPIC_FILTER, QueueIndex
from tui.widgets.session_header import header_content
from tui.widgets.state_labels import action_label
from tui.widgets.translated import translate_bindings

if TYPE_CHECKING:
    from store.groups import TriageTally
    from tui.platforms.publishers import Publisher  # httpx: loaded once an account publishes, not at start

DRAIN_EVERY = 0.15  # seconds: arrivals and others' changes are drawn in one batch at most this often
LEARN_STEP = 100  # questions whose row flags are learned in one go (under 1 ms)...
LEARN_PAUSE = 0.002  # ...then a pause, so keys and screen updates never wait long behind it
# How long a thread holds the GIL while another waits for it (Python's default: 5 ms). A key's store
# job waited behind the frame being drawn, then took turns with it: at 1 ms an approve's job starts
# about 6 ms after the key, not 7-13 (`bench/README.md`), and a busy worker holds the UI up less.
SWITCH_INTERVAL = 0.001
POLL_EVERY = 0.4  # seconds between looks for other processes' changes
NO_PUBLISHER = N_("No platform account is connected: answers are logged here, not published.")
# A job's name says what failed ("save the draft failed: ..."): each worker's name is in the interface's language.
TASKS = {"approve": N_("approve"), "star": N_("star"), "dismiss": N_("dismiss"), "tag": N_("tag"),
         "mark_duplicate": N_("mark duplicate"), "approve_many": N_("approve many"), "dismiss_many": N_("dismiss many"),
         "tag_many": N_("tag many"), "block_author": N_("block author"), "correct": N_("correct"),
         "follow_up": N_("follow up")}
# What a correction, follow-up or retraction says once stored: (nothing to publish, publishing).
REVISED = {
    "correct": (N_("Correction of the answer to {author} logged (nothing to publish: logged here)."),
                N_("Correction of the answer to {author} logged; publishing.")),
    "follow_up": (N_("Follow-up of the answer to {author} logged (nothing to publish: logged here)."),
                  N_("Follow-up of the answer to {author} logged; publishing.")),
    "retract": (N_("Retraction of the answer to {author} logged (nothing to publish: logged here)."),
                N_("Retraction of the answer to {author} logged; publishing.")),
}
# Textual's own commands in the palette (`App.get_system_commands`), worded in the interface's language.
TEXTUAL_COMMANDS = frozenset({
    N_("Theme"), N_("Change the current theme"), N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"), N_("Maximize"),
    N_("Maximize the focused widget"), N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
})

Clock = Callable[[], datetime]
T = TypeVar("T")


def task(name: str) -> str:
    """The name of the job that runs `name` (a service method, or a revision's kind)."""
    return _(TASKS[name]) if name in TASKS else name.replace("_", " ")


def moved(intent: MainScreen.ModerateMany, event: Event | None) -> str:
    """What a bulk move did, for its toast ("" when it asks for none). `intent.done` says it as
    confirmed; when the store changed fewer questions (someone else changed them meanwhile, or
    they were so already), it is said again with the store's count (`bulk.said`)."""
    if not intent.done or not intent.qids:
        return intent.done
    changed = len(changes_of(event)) if event is not None else 0
    left = len(intent.qids) - changed
    return intent.done if not left else bulk.said(intent.verb, intent.args, changed, left,
                                                 blocking=event is not None and "block" in event)


class _Listener:
    """The service's news, as messages to the app (thread-safe: `post_message`)."""

    def __init__(self, app: QuestionTimeApp) -> None:
        self.app = app

    def changed(self, qids: frozenset[str]) -> None:
        self.app.post_message(StoreChanged(qids))

    def source_report(self, state: SourceState) -> None:
        self.app.post_message(SourceReport(state))

    def warn(self, text: str) -> None:
        self.app.notify(text, severity="warning", markup=False)


class QuestionTimeApp(NoLocalsInCrashReport, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "questiontime"
    # Textual's own ctrl+q, shown: the footer offers it while typing, when `q` types a letter.
    BINDINGS = [Binding("ctrl+q", "quit", N_("Quit"), show=True, priority=True, id="app.quit")]
    # Sizes the stylesheet lays out for: under 100 columns the panes stack; under 32 lines the
    # answered log gives way to the draft (see app.tcss, "small screens").
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (130, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

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
        account_notes: Sequence[str] = (),
        tz: str | None = None,
    ) -> None:
        """`store`: an open store, or a path (opened here; a missing file asks for a new session).

        `publishers` are the connected accounts answers are posted with (none:
        answers are logged locally only); `account_notes` say what is missing
        before answers can be published (shown in the header). `welcome`: a
        first line for the welcome hint (the keys follow). `live=False` starts
        no polling and no source (snapshots, benchmarks). `tz`: show times in
        this zone rather than the session's (not stored); `UnknownZone` if it is none.
        """
        super().__init__()
        translate_bindings(self)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if tz:
            zone_named(tz)
        self.owns_store = not isinstance(store, SessionStore)
        self.store_path = Path(store.path if isinstance(store, SessionStore) else store)
        opened = store if isinstance(store, SessionStore) else None
        if opened is None and self.store_path.exists():
            opened = open_settled(self.store_path, person())
        self.sources = list(sources)
        self.publishers = tuple(publishers)
        self.account_notes = tuple(account_notes)
        self.role = role
        self.clock = clock
        self.tz = tz or None
        self.service: SessionService | None = None if opened is None else self._service(opened)
        self.config = config if config is not None else Config()
        self.welcome = welcome
        self._early_notices: list[partial[None]] = []
        self.poll_every = poll_every
        self.live = live
        self.index = QueueIndex()
        self.tally: TriageTally | None = None  # topic shares and hold counts: only once a session has some
        self._counting = False
        self.composer = Composer(lambda: self._session.settings, lambda question: self._session.posting_target(question))
        self._settings_seen: object = None  # the settings last drawn (records are replaced when they change)
        self._told_overrides: set[str] = set()
        self._told_zone = ""  # the unknown zone setting last warned about
        self._dirty = False
        self._changed: set[str] = set()
        self._learning = False
        self._settled = False
        self._told_unpublished = False
        self._told_to_quit = False  # a quit from outside (the browser page gone): nobody to ask
        self.main: MainScreen | None = None

    def _service(self, store: SessionStore) -> SessionService:
        return SessionService(store, sources=self.sources, publishers=self.publishers, listener=_Listener(self),
                              role=self.role)

    @property
    def _session(self) -> SessionService:
        assert self.service is not None, "the session is open once the main screen is up"
        return self.service

    @property
    def store(self) -> SessionStore | None:
        return self.service.store if self.service is not None else None

    # -- start -------------------------------------------------------------------

    def on_mount(self) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        for problem in self.config.problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        if self.store is not None and self.store.recovery_report:  # actions saved by a process that quit on a full disk
            self.notify(self.store.recovery_report, severity="warning", markup=False, timeout=20)
        if self.service is None:
            specs = tuple(s.spec for s in self.sources)
            self.push_screen(FirstRunScreen(str(self.store_path), specs), self._session_chosen)
        else:
            self._start()

    def _session_chosen(self, new: NewSession | None) -> None:
        if new is None:
            self.exit()
            return
        self.sources = [parse_spec(spec) for spec in new.sources]
        self.run_worker(partial(self._create_store, new), name=_("create the session"), group="store",
                        thread=True, exit_on_error=False)

    def _create_store(self, new: NewSession) -> None:
        try:
            store = SessionStore.open(self.store_path, settings=new.settings, actor=person())
        except StoreError as error:  # a read-only folder, a file that appeared meanwhile...
            self.post_message(SessionRefused(str(error)))
            return
        self.post_message(SessionOpened(store))

    @on(SessionRefused)
    def _store_refused(self, message: SessionRefused) -> None:
        self.exit(return_code=2, message=Text(f"qtime: {message.reason}"))  # Text: a path is not markup

    @on(SessionOpened)
    def _store_created(self, message: SessionOpened) -> None:
        self.service = self._service(message.store)
        self.owns_store = True
        self._start()

    def _start(self) -> None:
        service = self._session
        self.main = MainScreen(self.role, Reading(service, self.index, self.clock, self.composer), self.shown_zone())
        self.push_screen(self.main)
        self.call_after_refresh(self._flush_notices)
        self.set_interval(DRAIN_EVERY, self.drain)
        self.set_interval(1.0, self._tick)
        self.call_after_refresh(self._refresh_header)  # once the screen has indexed the session (the counts)
        self.call_after_refresh(self.queue_drawn)  # the heap settles then, not inside the first key press
        if self.live:
            self.run_worker(partial(service.watch, self.poll_every), name=_("watch the store"), group="poll",
                            thread=True, exit_on_error=False)
            for source in self.sources:
                self.run_worker(service.run_source(source), name=source.spec, group="sources", exit_on_error=False)
            self._publish()  # parts a previous run left pending
            self.run_worker(self._learn_targets(), name=_("learn the accounts' limits"), group="outbox",
                            exit_on_error=False)
        hint = welcome(self.role, self.binding_keys())
        if self.welcome:
            self.notify(f"{self.welcome}\n{hint}", title=_("Welcome"), timeout=10, markup=False)

    # -- service jobs (thread workers; the service runs them one at a time, in order) ---------------

    def _job(self, name: str, call: Callable[[], T], answer: Callable[[T], Message | None]) -> None:
        future = self._session.jobs.submit(call)  # its place in the queue is taken now, on the UI thread

        def wait() -> None:
            message = answer(future.result())
            if message is not None:
                self.post_message(message)

        self.run_worker(wait, name=name, group="store", thread=True, exit_on_error=False)

    @on(MainScreen.Moderate)
    def _moderate(self, intent: MainScreen.Moderate) -> None:
        service = self._session
        call = partial(getattr(service, intent.verb), intent.qid, *intent.args)
        self._job(task(intent.verb), call, lambda event: Moderated(qids_of(event) if event else frozenset()))

    @on(MainScreen.ModerateMany)
    def _moderate_many(self, intent: MainScreen.ModerateMany) -> None:
        call = partial(getattr(self._session, intent.verb), intent.qids, *intent.args)
        self._job(task(intent.verb), call,
                  lambda event: Moderated(qids_of(event) if event else frozenset(), moved(intent, event)))

    @on(MainScreen.Undo)
    def _undo(self) -> None:
        self._job(_("undo"), self._session.undo, Undone)

    @on(Undone)
    def _undone(self, message: Undone) -> None:
        event = message.event
        if event is None or event["action"] != "undo":
            self.notify(_("Nothing of yours to undo."), markup=False)
            return
        question = self._session.state.questions.get(event["qid"] or "")
        restored, action = len(event["changes"]), action_label(event["undid"])
        if "unblock" in event:
            self.notify(ngettext("Undone: the block of {author} ({count} question back; their later posts are no longer held).",
                                 "Undone: the block of {author} ({count} questions back; their later posts are no longer held).",
                                 restored).format(author=event["unblock"], count=number(restored)), markup=False)
        elif restored > 1:
            self.notify(ngettext("Undone: {action} of {count} question.", "Undone: {action} of {count} questions.",
                                 restored).format(action=action, count=number(restored)), markup=False)
        elif question is not None:
            self.notify(_("Undone: {action} on {author}'s question.").format(action=action, author=question.author),
                        markup=False)
        else:
            self.notify(_("Undone: {action}.").format(action=action), markup=False)
        self.mark_dirty(qids_of(event))
        if question is not None and self._showing():
            self.drain()  # the question is back in its view: put the cursor on it
            self._screen.select(question.id)

    @on(DraftPane.SaveDraft)
    def _save_draft(self, message: DraftPane.SaveDraft) -> None:
        self._job(_("save the draft"), partial(self._session.save_draft, message.qid, message.text), lambda _: None)

    async def _learn_targets(self) -> None:
        await self._session.learn_targets()
        self._recount()

    def _recount(self) -> None:
        """The counting rules may have changed (settings, an instance's limits): recount the draft."""
        if self._showing():
            for pane in self._screen.query(DraftPane):  # none in the moderator's layout
                pane.recount()

    @on(MainScreen.Claim)
    def _claim(self, intent: MainScreen.Claim) -> None:
        self._job(_("claim the question"), partial(self._session.claim, intent.qid), lambda _: None)

    @on(MainScreen.Send)
    def _send(self, intent: MainScreen.Send) -> None:
        service = self._session

        def send() -> Message:
            try:
                parts = service.send_answer(intent.qid, intent.text, intent.parts, override=intent.override)
            except Dismissed as refused:  # dismissed after the host pressed send: ask, as if before
                return SendRefused(intent, refused.dismissal)
            return AnswerLogged(intent.qid, len(parts))

        self._job(_("send the answer"), send, lambda message: message)

    @on(SendRefused)
    def _send_refused(self, message: SendRefused) -> None:
        if self._showing():
            self._screen.confirm_send(message.send, message.dismissal)

    @on(AnswerLogged)
    def _answer_logged(self, message: AnswerLogged) -> None:
        question = self._session.state.questions.get(message.qid)
        author = question.author if question else _("a question")
        self.mark_dirty(frozenset({message.qid}))
        self.drain()
        if self._showing():
            self._screen.sent = message.qid
        if message.queued:
            self.notify(_("Answer to {author} logged; publishing.").format(author=author), markup=False)
            self._publish()
        elif not self._told_unpublished and self._session.local_only:
            self._told_unpublished = True
            logged = _("Answer to {author} logged.").format(author=author)
            self.notify(" ".join((logged, _(NO_PUBLISHER))), timeout=12, markup=False)
        else:
            self.notify(_("Answer to {author} logged.").format(author=author), markup=False)

    @on(MainScreen.Revise)
    def _revise(self, intent: MainScreen.Revise) -> None:
        service = self._session
        if intent.kind == "correct":
            call = partial(service.correct, intent.qid, intent.text, intent.parts, intent.mode)
        else:
            call = partial(service.follow_up, intent.qid, intent.text, intent.parts)
        self._job(task(intent.kind), call, lambda parts: Revised(intent.qid, intent.kind, len(parts)))

    @on(MainScreen.Retract)
    def _retract(self, intent: MainScreen.Retract) -> None:
        self._job(_("retract"), partial(self._session.retract, intent.qid),
                  lambda parts: Revised(intent.qid, "retract", len(parts)))

    @on(Revised)
    def _revised(self, message: Revised) -> None:
        question = self._session.state.questions.get(message.qid)
        self.mark_dirty(frozenset({message.qid}))
        self.drain()
        if self._showing() and message.kind != "retract":
            self._screen.sent = message.qid
        said = REVISED[message.kind][bool(message.queued)]
        self.notify(_(said).format(author=question.author if question else _("a question")), markup=False)
        if message.queued:
            self._publish()

    @on(MainScreen.Retry)
    def _retry(self, intent: MainScreen.Retry) -> None:
        self._job(_("retry publishing"), partial(self._session.retry, intent.qid),
                  lambda queued: RetryQueued(intent.qid, queued))

    @on(RetryQueued)
    def _retry_queued(self, message: RetryQueued) -> None:
        if not message.queued:
            self.notify(_("Nothing to retry: no failed or held-back post for this answer."), markup=False)
            return
        self.notify(_("Publishing again."), markup=False)
        self.mark_dirty(frozenset({message.qid}))
        self._publish()

    def _publish(self) -> None:
        """Send the outbox's pending parts (one sender at a time; the log shows each part's state)."""
        service = self._session
        if service.local_only:
            return

        async def send() -> None:
            waiting_until = await service.publish()
            self.mark_dirty()
            self._refresh_header()
            if waiting_until is not None:  # deferred (rate limit, long backoff): come back then
                self.set_timer(max(1.0, waiting_until - time.time()), self._publish)

        self.run_worker(send(), name=_("publish the answers"), group="outbox", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are shown."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(_("{task} failed: {error}").format(task=event.worker.name, error=error), severity="error",
                        timeout=10, markup=False)

    # -- news from the service --------------------------------------------------------------

    @on(SourceReport)
    def _source_report(self, message: SourceReport) -> None:
        self._refresh_header()
        if self._showing():
            self._screen.can_pause = self._session.can_pause  # `p` only while a source can pause
            for pane in self._screen.query(DraftPane):  # an instance's limits may have arrived: recount
                pane.recount()

    @on(StoreChanged)
    def _store_changed(self, message: StoreChanged) -> None:
        self.mark_dirty(message.qids)

    @on(Moderated)
    def _moderated(self, message: Moderated) -> None:
        self.mark_dirty(message.qids)
        self.drain()
        if message.note:
            self.notify(message.note, markup=False)

    def mark_dirty(self, qids: frozenset[str] = frozenset()) -> None:
        """Redraw at the next drain; `qids` are rows that may look different."""
        self._changed.update(qids)
        self._dirty = True

    def _showing(self) -> bool:
        """The main screen is up with its widgets (not before it is built, not at teardown)."""
        return self.main is not None and self.main.is_mounted and bool(self.main.query("#queue"))

    @property
    def _screen(self) -> MainScreen:
        assert self.main is not None
        return self.main

    def drain(self) -> None:
        """Draw the pending changes now (a timer calls this every DRAIN_EVERY seconds)."""
        if not self._dirty or not self._showing():
            return
        changed = frozenset(self._changed)
        self._dirty = False
        self._changed.clear()
        if self._session.settings is not self._settings_seen:  # another process (or the settings screen) changed them
            self._settings_seen = self._session.settings
            self._screen.zone = self.shown_zone()
            self._recount()
        self._screen.changes = changed
        self._tell_overrides(changed)
        self._refresh_header()
        self.call_after_refresh(self.queue_drawn)

    def _tell_overrides(self, changed: frozenset[str]) -> None:
        """Someone answered a question although it was dismissed: the moderator hears of it."""
        answers = self._session.state.answers
        for qid in changed:
            answer = answers.get(qid)
            if answer is not None and answer.overrode and qid not in self._told_overrides:
                self._told_overrides.add(qid)
                if answer.actor != self._session.store.actor or self.role == "moderator":
                    question = self._session.state.questions.get(qid)
                    # `overrode` is the store's record of the dismissal ("dismissed (spam) by mod"), shown as kept
                    self.notify(_("{actor} answered {author}'s question although it was {dismissal}.").format(
                        actor=answer.actor or _("The host"), author=question.author if question else _("someone"),
                        dismissal=answer.overrode), severity="warning", timeout=12, markup=False)

    def queue_drawn(self) -> None:
        """The queue index is up to date and on screen (called after each drawn change).

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
            self.run_worker(self._learn_in_steps(), name=_("learn the queue flags"), group="index", exit_on_error=False)

    async def _learn_in_steps(self) -> None:
        try:
            while self.index.learn(LEARN_STEP):
                await asyncio.sleep(LEARN_PAUSE)
        finally:
            self._learning = False
        if self._showing():
            self._screen.flags_known += 1

    def _tick(self) -> None:
        if self._showing():
            self._refresh_header()
            if int(self.clock().timestamp()) % 30 == 0:
                self._screen.queue.refresh()

    def shown_zone(self) -> ZoneInfo:
        """The zone clock times are shown in: `--tz`, else the session's, else this machine's."""
        name = self._session.settings.tz
        try:
            return session_zone(name, self.tz)
        except UnknownZone as error:  # a store written where the zone database knows more zones
            if name != self._told_zone:
                self._told_zone = name
                self.notify(_("The session's {error}: times are shown in this machine's zone.").format(error=error),
                            severity="warning", markup=False)
            return zone_named(local_zone_name())

    def header_content(self) -> Content:
        service = self._session
        settings = service.settings
        started = parse_time(settings.started_at) or parse_time(settings.created_at)
        elapsed = (self.clock() - started).total_seconds() if started else 0.0
        publishing = "; ".join(t for t in (service.publishing, *self.account_notes) if t)
        since = stamp(started, self.main.zone) if started and self.main is not None else ""
        topics, holds = self._triage_figures()
        return header_content(settings, self.index.counts, elapsed, service.source_states,
                              paused=service.paused, write_error=service.replaced or service.store.write_error,
                              publishing=publishing, others=service.others(), feeds=service.feeds(), now=utc_now(),
                              since=since, topics=topics, holds=holds)

    def _triage_figures(self) -> tuple[dict[str, float], dict[str, int]]:
        """Topic shares and hold counts, brought up to date from what changed since the last look.

        A full count (at first, after a reload, when the topics change: about 0.1 s a
        100,000 questions) runs in a thread worker; meanwhile the last figures stay up."""
        tally, state = self.tally, self._session.state
        if (tally is None or not tally.sync(state)) and not self._counting and (
                tally is not None or state.settings.topics or state.holds):
            self._counting = True
            self.run_worker(self._count_triage, name=_("count the topics and holds"), group="triage", thread=True,
                            exit_on_error=False)
        return ({}, {}) if tally is None else (tally.shares(), tally.holds)

    def _count_triage(self) -> None:
        from store.groups import TriageTally  # here: the triage engine loads only in a session that uses it

        tally = TriageTally()
        tally.count(self._session.snapshot())  # should it fail, the error is shown once and no count starts again
        self.post_message(TallyCounted(tally))

    @on(TallyCounted)
    def _tally_counted(self, message: TallyCounted) -> None:
        self.tally, self._counting = message.tally, False
        self._refresh_header()

    def _refresh_header(self) -> None:
        if self.main is not None:
            self.main.header = self.header_content()

    @on(MainScreen.PauseFeed)
    def _toggle_pause(self) -> None:
        if self._session.toggle_pause():
            self.notify(_("Feed paused: sources wait, nothing new comes in. p resumes."), markup=False)
        else:
            self.notify(_("Feed resumed."), markup=False)
        self._screen.can_pause = self._session.can_pause
        self._refresh_header()

    # -- export, help, quit, the command palette ----------------------------------------

    def action_settings(self) -> None:
        if self.service is None:
            return
        self.push_screen(SettingsScreen(self.service.settings), self._settings_chosen)

    def _settings_chosen(self, changes: dict[str, Any] | None) -> None:
        if not changes or self.service is None:
            return
        self._job(_("change the settings"), partial(self.service.store.update_settings, **changes),
                  lambda _: SettingsChanged(tuple(changes)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The app's actions in `ACTIONS` follow the main screen's rules (moderation only, not while typing)."""
        if f"app.{action}" in BY_NAME and self._showing() and self.screen is self.main:
            return self._screen.check_action(f"app.{action}", parameters)
        return super().check_action(action, parameters)

    def action_topics(self) -> None:
        if self.service is None:
            return
        service = self.service
        reading = TopicsReading(topics=lambda: list(service.settings.topics), shares=lambda: self._triage_figures()[0],
                                suggest=service.suggest_topics)
        self.push_screen(TopicsScreen(reading), self._topic_chosen)

    def _topic_chosen(self, name: str | None) -> None:
        if name and self._showing():
            self._screen.filter_by(f"{TOPIC_FILTER}{name}")

    @on(TopicsScreen.Edit)
    def _edit_topic(self, intent: TopicsScreen.Edit) -> None:
        removed = intent.replacing if intent.line is None else ""
        self._job(_("save the topic"), partial(self._session.edit_topic, intent.line, intent.replacing),
                  lambda line: TopicSaved(line, removed))

    @on(TopicSaved)
    def _topic_saved(self, message: TopicSaved) -> None:
        """Saved for everyone; the questions already stored that a new or changed topic matches are
        tagged too, in the background (`topic_matches`, then one `tag_each` action: `u` undoes it)."""
        name = message.line.partition(":")[0]
        if message.line:
            self.notify(_("Topic {name} saved; everyone on the session sees it. Tagging the questions it matches…").format(
                name=name), markup=False)
            self.run_worker(partial(self._match_topic, message.line), name=_("find the questions a topic matches"),
                            group="triage", thread=True, exit_on_error=False)
        else:
            self.notify(_("Topic {name} removed (questions keep their tags).").format(name=message.removed), markup=False)
        if isinstance(self.screen, TopicsScreen):
            self.screen.saved()
        self.mark_dirty()
        self.drain()

    def _match_topic(self, line: str) -> None:
        self.post_message(TopicMatched(line.partition(":")[0], self._session.topic_matches(line)))

    @on(TopicMatched)
    def _topic_matched(self, message: TopicMatched) -> None:
        if not message.matches:
            self.notify(_("No question stored so far is about {name}.").format(name=message.name), markup=False)
            return
        self._job(_("tag the questions"), partial(self._session.tag_each, message.matches),
                  lambda event: TopicTagged(message.name, qids_of(event) if event else frozenset()))

    @on(TopicTagged)
    def _topic_tagged(self, message: TopicTagged) -> None:
        count = len(message.qids)
        self.notify(ngettext("Tagged {count} question(s) with {name} (u undoes it).",
                             "Tagged {count} question(s) with {name} (u undoes it).", count).format(
            count=number(count), name=message.name), markup=False)
        self.mark_dirty(message.qids)
        self.drain()

    def action_rules(self) -> None:
        if self.service is None:
            return
        holds = self.tally.holds if self.tally is not None else {}
        self.push_screen(RulesScreen(self.service.settings, holds), self._settings_chosen)

    @on(SettingsChanged)
    def _settings_changed(self, message: SettingsChanged) -> None:
        self.notify(_("Settings saved ({names}); everyone on the session sees them.").format(names=", ".join(message.names)),
                    markup=False)
        self.mark_dirty()
        self.drain()

    def action_export(self) -> None:
        self.push_screen(ExportScreen(self.store_path), self._export_chosen)

    def _export_chosen(self, choice: tuple[str, Path] | None) -> None:
        if choice is None or self.service is None:
            return
        fmt, path = choice
        tz = self.shown_zone().key  # the zone the screen shows: the recap reads as the app does
        self._job(_("export {format}").format(format=fmt), partial(self.service.export, fmt, path, tz=tz), lambda written: Exported(fmt, written))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(_("Exported {format} to {path}").format(format=message.fmt, path=message.path), timeout=10, markup=False)

    def binding_keys(self) -> dict[str, str]:
        """Each action id and the keys that fire it now (after the keymap)."""
        keys: dict[str, str] = {}
        for action in ACTIONS:
            chosen = self._keymap.get(action.id, action.keys)
            keys[action.id] = " ".join(self.get_key_display(Binding(key.strip(), "")) for key in chosen.split(","))
        return keys

    def action_help(self) -> None:
        from store.locations import config_file

        self.push_screen(HelpScreen(self.binding_keys(), str(config_file())))

    async def action_quit(self) -> None:
        """Quit from anywhere (ctrl+q, the palette): the main screen hands up its unsaved draft first."""
        if self._showing():
            self._screen.action_quit()
        else:
            await self._close_and_exit()

    @on(messages.ExitApp)
    async def _exit_asked(self, message: messages.ExitApp) -> None:
        """Textual's web driver posts ExitApp without `exit()` when the browser page goes (a tab
        closed, `qtime serve` stopping): leave the same way as ctrl+q, so the draft typed in the
        last half second is saved and the journal folded. `exit()` sets `_exit` first: that
        ExitApp goes on to App's `_on_exit_app`, which ends the app."""
        if self._exit:
            return
        message.prevent_default()
        if not self._told_to_quit:  # a second one while leaving changes nothing
            self._told_to_quit = True
            await self.action_quit()

    @on(MainScreen.Quit)
    async def _quit_asked(self, message: MainScreen.Quit) -> None:
        if message.draft is not None:
            self._save_draft(message.draft)
        await self._close_and_exit()

    def _drafts_kept(self) -> Text | None:
        """What to say on the way out when this person leaves unsent drafts behind (they are kept)."""
        service = self._session
        answered = service.state.answers
        mine = [d for d in tuple(service.state.drafts.values())
                if d.text.strip() and d.question_id not in answered and d.actor == service.store.actor]
        if not mine:
            return None
        question = service.state.questions.get(mine[-1].question_id)
        author, more, path = question.author if question else _("a question"), len(mine) - 1, self.store_path
        if more:
            kept = ngettext("your unsent draft to {author} (and {count} more) is kept: it is there when you open {path} again.",
                            "your unsent draft to {author} (and {count} more) is kept: it is there when you open {path} again.",
                            more).format(author=author, count=number(more), path=path)
        else:
            kept = _("your unsent draft to {author} is kept: it is there when you open {path} again.").format(
                author=author, path=path)
        return Text(f"qtime: {kept}")

    async def _close_and_exit(self, lose_unwritten: bool = False) -> None:
        """Let queued store jobs finish (the draft's too), say goodbye, fold the journal, then exit
        (saying so when this person leaves unsent drafts behind). Actions a full disk still
        refuses are not left to chance: the person chooses (wait, save them for later, or lose
        them); told to quit from outside, with nobody to ask, they go to the recovery file."""
        service = self.service
        lines: list[Text] = []
        if service is not None:
            service.stop()
            await asyncio.to_thread(service.finish)
            if service.store.unwritten and not lose_unwritten:
                if not self._told_to_quit:
                    self.push_screen(QuitPendingScreen(service.store), self._quit_pending_chosen)
                    return
                lines.append(await self._save_unwritten_unasked(service.store))
            if kept := self._drafts_kept():
                lines.append(kept)
            await asyncio.to_thread(service.leave)
            if self.owns_store:
                # Fold the journal into the snapshot here, off the UI thread; the
                # close at unmount then has nothing left to write.
                await asyncio.to_thread(service.store.compact)
        self.exit(message=Text("\n").join(lines) if lines else None)

    @staticmethod
    async def _save_unwritten_unasked(store: SessionStore) -> Text:
        """Keep the actions the disk refused in the recovery file the next open applies, if the
        disk takes even that; say what became of them."""
        try:
            saved = await asyncio.to_thread(store.save_unwritten)
        except StoreError as error:
            return Text("qtime: " + _("actions the disk refused are lost: {error}").format(error=error))
        return Text("qtime: " + _("Saved to {path}: the next open of this store applies them.").format(path=saved))

    async def _quit_pending_chosen(self, outcome: str | None) -> None:
        if outcome is not None:
            await self._close_and_exit(lose_unwritten=True)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notice, cleaned (messages quote authors, links and errors from the store). On the
        main screen it goes to the notice lines, which never cover the draft or a dialog; before
        it is up (the first-run form), a toast."""
        text = clean_shown(message)
        wait = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        if self._showing():
            self._screen.notice(text, title=title, severity=severity, timeout=wait)
        elif self.main is not None and not self.main.is_mounted:  # pushed, not up yet: shown once it is
            self._early_notices.append(partial(self.notify, text, title=title, severity=severity, timeout=wait))
        else:
            super().notify(text, title=title, severity=severity, timeout=wait, markup=False)

    def _flush_notices(self) -> None:
        """The notices sent while the main screen was being put up (a toast if it still is not)."""
        early, self._early_notices = self._early_notices, []
        for notice in early:
            if self._showing():
                notice()
            else:
                super().notify(*notice.args, **notice.keywords, markup=False)

    def on_unmount(self) -> None:
        if self.service is not None:
            self.service.stop()
            if self.owns_store:
                self.service.store.close()

    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title) if command.title in TEXTUAL_COMMANDS else command.title,
                                   help=_(command.help) if command.help in TEXTUAL_COMMANDS else command.help)
        main = self.main
        if main is None:
            return
        for action in palette_actions():
            name = action.action.split("(")[0]
            if name == "view" or main.check_action(name, ()):
                text = _(action.help)
                yield SystemCommand(_(action.title), text[:1].upper() + text[1:], partial(main.run_action, action.action))
