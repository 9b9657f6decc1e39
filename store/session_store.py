"""A session on disk: a TinyDB snapshot, its journal, and a cross-process lock.

    session.json          TinyDB database (tables: meta, session, questions,
                          answers, drafts, outbox, sources, events), written atomically
    session.json.journal  events committed since that snapshot, one per line
    session.json.lock     the lock every writer holds while it commits

Opening loads the snapshot and replays the journal. Each action is applied
in memory and made durable by one fsynced journal append under the lock,
after catching up with what other processes appended: several processes
share a store without losing an update, and each sees the others' actions by
polling `refresh()` (one `stat` when nothing changed). `compact()` folds the
journal into a new snapshot; it runs on close, and when the journal grows
past `COMPACT_AFTER_EVENTS` the session service runs it in a process of its
own (`store.compaction`).

When the disk is full or read-only the action is kept in memory, `write_error`
says why, and the next commit or `flush()` writes it once the disk is back.
"""
from __future__ import annotations

import errno
import gc
import os
import secrets
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, cast, get_args

import orjson
from filelock import FileLock, Timeout

from store import recovery, snapshot_file, validate
from store.errors import ActionError, Dismissed, NotAStoreError, SessionReplaced, StoreError
from store.events import (
    UNDOABLE,
    AnswerAdded,
    AnswerRevised,
    Change,
    ChangeVerb,
    CorrectionMode,
    Event,
    Moderated,
    QuestionFields,
    Reason,
    Revision,
    RevisionKind,
    SourceItem,
    SourceSet,
    Undone,
    changes_of,
    is_event,
    qids_of,
    uncommitted,
)
from store.journal import BASE, Journal, NotDurable
from store.migrations import FORMAT, SCHEMA, migrate
from store.model import (
    REASONS,
    Answer,
    IngestResult,
    OutboxPart,
    Presence,
    Question,
    Settings,
    SourceRecord,
    handle,
    now_iso,
    question_id,
)
from store.sanitize import MAX_TEXT, clean_line, clean_text
from store.state import Prepared, SessionState, alone, share_fields
from store.storage import atomic_write, remove_orphans
from store.zones import UnknownZone, zone_named

if TYPE_CHECKING:  # the triage engine (rapidfuzz, stemmers) loads only in a process that ingests
    from store.arrivals import Arrivals

LOCK_TIMEOUT = 30.0
COMPACT_AFTER_EVENTS = 20_000  # journal events, not counting those that ride with a question (`RIDERS`)
# A question's group.join or question.hold: committed in the same line as the question, replayed as
# one dict entry. Counting them would compact a grouped ingest a fifth more often, each time
# writing the whole session (a second at 170,000 questions), for a journal that replays as fast.
RIDERS = frozenset({"group.join", "question.hold"})
READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})  # taking the lock failed: open read-only


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a session loads, or a page of questions is triaged.

    Loading 100,000 questions allocates millions of objects, none of them
    garbage; the collections they set off took a third of the open time
    (1.2 s -> 0.75 s measured at 100k). Grouping a page allocates many
    short-lived ones: collections in the middle of it moved the page's
    questions and source items, still held, to the oldest generation, whose
    full collections then walked the whole session five times more at 170k.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class SessionStore:
    """One open session. Thread-safe: every public method takes `_mutex`."""

    def __init__(self, path: str | Path, *, actor: str = "qtime") -> None:
        # The real path: the journal and the lock go beside the file itself,
        # not beside a symlink to it, and a compaction replaces the target.
        self.path = Path(os.path.realpath(path))
        self.actor = actor
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"))
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), thread_local=False)
        self._mutex = threading.RLock()  # one commit, refresh or compaction at a time (held across disk I/O)
        # Held only while events change the in-memory state (never across I/O),
        # so a reader on another thread gets a consistent copy within microseconds.
        self._applying = threading.RLock()
        self._unwritten: list[Event] = []
        self._checked: tuple[tuple[int, int, int], SessionState] | None = None
        self._journal_events = 0
        self._journal_weight = 0  # `_journal_events` less the riders: what compaction counts
        self.session_id = ""  # the session this process opened: a store now holding another is not written
        self._replaced = ""  # why this process no longer writes (see `_check_same_session`)
        self._opened = False  # loaded: from now on a damaged event is skipped, not fatal
        self.skipped: list[str] = []  # damaged events skipped since the store was opened (for the app to say)
        self.write_error: str | None = None
        self.read_only = False
        self.recovery_report: str | None = None  # what the open did with actions saved by a process that had to quit
        self._warning: str | None = None  # a commit went through but the disk did not confirm it
        self.state = SessionState()

    # -- opening -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        actor: str = "qtime",
        create: bool = True,
        settings: Settings | None = None,
        recover: bool = True,
    ) -> SessionStore:
        """Open (or create) a store. Raises `NotAStoreError` for a foreign file.

        `recover`: apply the actions a process saved to a recovery file when it
        had to quit on a full disk (`save_unwritten`); False only reads.
        """
        store = cls(path, actor=actor)
        store._check_file()
        try:
            if not store.path.exists():
                if not create:
                    raise StoreError(f"{store.path}: no such store")
                store._create(settings or Settings())
            else:
                store._load_existing()
            if recover and not store.read_only:
                store._recover()
        except OSError as error:
            raise StoreError(f"{store.path}: cannot open the store: {error.strerror or error}") from None
        store.session_id = store.settings.session_id
        store._opened = True
        return store

    def _check_same_session(self, found: str | None = None) -> None:
        """Refuse to go on once the file holds another session (a new `qtime demo` replaced it):
        for good, since what this process holds in memory belongs to the old one."""
        found = self.state.settings.session_id if found is None else found
        if not self._replaced and self.session_id and found and found != self.session_id:
            self._replaced = (f"{self.path} now holds another session (it was replaced):"
                              " nothing more is written from here; quit and open it again")
        if self._replaced:
            raise SessionReplaced(self._replaced)

    def _load_existing(self) -> None:
        """Load under the lock; where the lock cannot be taken (a read-only
        file system or folder) load without it, read-only."""
        try:
            with self._locked(), _collector_paused():
                self._load()
        except OSError as error:
            if error.errno not in READ_ONLY:
                raise
            self.read_only = True
            with _collector_paused():
                self._load()
            self.write_error = f"read-only: {self.path.parent} cannot be written ({error.strerror}); actions stay in memory"

    def _check_file(self) -> None:
        """Refuse anything that is not a qtime store before touching a byte
        (a FIFO would block the read, a device never end it)."""
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return
        except OSError as error:
            raise NotAStoreError(f"{self.path}: cannot read it ({error.strerror})") from None
        if stat.S_ISDIR(mode):
            raise NotAStoreError(f"{self.path}: is a folder, not a store file")
        if not stat.S_ISREG(mode):
            kind = "named pipe" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"
            raise NotAStoreError(f"{self.path}: is a {kind}, not a store file")
        with _collector_paused():
            try:
                with open(self.path, "rb") as handle:
                    stamp = self._stamp(os.fstat(handle.fileno()))
                    self._checked = (stamp, self._parse_file(handle))
            except OSError as error:
                raise NotAStoreError(f"{self.path}: cannot read it ({error.strerror})") from None

    @staticmethod
    def _stamp(stat: os.stat_result) -> tuple[int, int, int]:
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _parse_file(self, handle: BinaryIO) -> SessionState:
        """The state a snapshot file holds; `NotAStoreError` for anything else.

        A file exactly as qtime wrote it (its digest is on the journal's base line) is read a
        chunk of records at a time, each chunk's documents let go of once its records are built,
        and its fields are not checked again; any other file is read whole and checked. The
        digest is worked out in a thread while the file is read as if it matched (on another
        core: 0.2 s of a 170,000-question open); what was read is used only once it does.
        """
        expected = self.journal.snapshot_digest()
        trusted, state = self._stream_if(expected, handle) if expected else (False, None)
        if state is not None:
            return state
        try:
            tables = snapshot_file.read(handle)
        except snapshot_file.Empty:
            raise NotAStoreError(f"{self.path}: empty file, not a qtime store") from None
        except orjson.JSONDecodeError as error:
            raise NotAStoreError(f"{self.path}: not a qtime store: not valid JSON ({error})") from None
        return self._parse(tables, trusted)

    def _stream_if(self, expected: str, handle: BinaryIO) -> tuple[bool, SessionState | None]:
        """Whether the file's digest is `expected`, and then `_stream`'s state; when it is not,
        none of what `_stream` found or raised counts (the file is read whole and checked)."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qtime-digest") as pool:
            digest = pool.submit(snapshot_file.file_digest, handle)
            try:
                state, error = self._stream(handle), None
            except Exception as raised:  # a file that is not as qtime wrote it may fail this read anyhow
                state, error = None, raised
            trusted = digest.result() == expected
        if not trusted:
            return False, None
        if error is not None:
            raise error
        return True, state

    def _stream(self, handle: BinaryIO) -> SessionState | None:
        """The state of a trusted snapshot, built as its chunks are read; None when the file is not
        laid out for that (an older qtime's) or needs migrating: then it is read whole."""
        chunks = snapshot_file.chunks(handle)
        try:
            name, meta = next(chunks, ("", {}))
            if name != "meta":
                return None
            version, last_seq = self._meta(meta.get("1"))
            if version != SCHEMA:
                return None
            return SessionState.from_chunks(((name, docs.values()) for name, docs in chunks), last_seq)
        except snapshot_file.Layout:
            return None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise NotAStoreError(f"{self.path}: a qtime store with a damaged table ({type(error).__name__}: {error})") from None

    def _meta(self, meta: Any) -> tuple[int, int]:
        """A snapshot's schema version and last seq; `NotAStoreError` when its metadata is not qtime's."""
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise NotAStoreError(f"{self.path}: JSON, but not a qtime store (no qtime metadata)")
        version, last_seq = meta.get("schema"), meta.get("last_seq", 0)
        if type(version) is not int or version < 1 or type(last_seq) is not int or not 0 <= last_seq < validate.MAX_INT:
            raise NotAStoreError(f"{self.path}: a qtime store with broken metadata ({meta!r:.100})")
        if version > SCHEMA:
            raise NotAStoreError(
                f"{self.path}: written by a newer qtime (schema {version}; this one reads up to {SCHEMA})"
            )
        return version, last_seq

    def _parse(self, tables: Any, trusted: bool) -> SessionState:
        """The state `tables` hold (the whole snapshot); `NotAStoreError` for anything else."""
        meta = tables.get("meta") if isinstance(tables, dict) else None
        version, last_seq = self._meta(meta.get("1") if isinstance(meta, dict) else None)
        try:
            migrated = migrate(tables, version)
            if not trusted:  # not exactly as qtime wrote it: check every field
                validate.tables(migrated)
            return SessionState.from_tables(migrated, last_seq)
        except validate.Invalid as error:
            raise NotAStoreError(f"{self.path}: a qtime store with a bad field: {error}") from None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise NotAStoreError(f"{self.path}: a qtime store with a damaged table ({type(error).__name__}: {error})") from None

    def _create(self, settings: Settings) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if self.path.exists():  # another process created it meanwhile
                self._load()
                return
            remove_orphans(self.path)
            if self.journal.read_new()[0]:
                raise NotAStoreError(f"{self.path} is missing but {self.journal.path} holds committed actions:"
                                     " restore the store file, or move the journal away to start afresh")
            settings.created_at = settings.created_at or now_iso()
            settings.session_id = secrets.token_hex(8)
            for name, value in settings.to_dict().items():  # typed by a person, shown to others: sanitised too
                if isinstance(value, str):
                    setattr(settings, name, clean_line(value))
            settings.sources = [clean_line(spec, limit=500) for spec in settings.sources]
            settings.read_tags = clean_tags(settings.read_tags)
            self._append([{"action": "session.set", "before": {}, "after": settings.to_dict()}])
            self._write_snapshot()

    def _load(self) -> None:
        """Read snapshot + journal. Call under the lock."""
        if not self.read_only:
            remove_orphans(self.path)
            remove_orphans(self.journal.path)
        checked, self._checked = self._checked, None
        if checked is not None and checked[0] == self._stamp(os.stat(self.path)):
            state = checked[1]  # parsed by `_check_file`, unchanged since
        else:
            with _collector_paused(), open(self.path, "rb") as handle:
                state = self._parse_file(handle)
        with self._applying:
            self.state.take(state)
        self.journal = Journal(self.journal.path)
        self._journal_events = self._journal_weight = 0
        self._catch_up()
        for event in self._unwritten:  # still waiting for the disk: keep them in view
            self._apply(uncommitted(event), provisional=True)

    # -- the lock and the journal ---------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with self._lock.acquire(timeout=LOCK_TIMEOUT):
                yield
        except Timeout:
            raise StoreError(f"{self.path}: another process held the store's lock for {LOCK_TIMEOUT:.0f} s") from None

    def _catch_up(self) -> list[Event]:
        """Apply events other processes appended. Call under the lock."""
        events, replaced = self.journal.read_new()
        if replaced and events and events[0]["action"] == BASE:
            self._check_same_session(str(events[0].get("session") or ""))
        if replaced and events:
            # Compacted by another process. The new journal starts with the
            # snapshot's seq, then keeps a tail of recent events: if they do
            # not reach back to ours, what we missed is only in the snapshot.
            # (Every entry read has an int seq: `Journal` refuses one without; `or 0` is for the checker.)
            base = events[0]["seq"] if events[0]["action"] == BASE else None
            first = next((e["seq"] or 0 for e in events if is_event(e)), None)
            behind = base is not None and base > self.state.last_seq
            if (behind or base is None) and (first is None or first > self.state.last_seq + 1):
                return self._reload()
        fresh = [event for event in events if is_event(event) and (event["seq"] or 0) > self.state.last_seq]
        checked: list[tuple[Event, Prepared | Exception]] = []
        for event in fresh:  # checked and built before readers are held up (see `_append`)
            try:
                validate.event(event, f"event {event['seq']}")
                share_fields(event)
                checked.append((event, self.state.prepare(event)))
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                checked.append((event, error))
        with self._applying:  # readers see another process's commits whole
            for event, ready in checked:
                try:
                    if isinstance(ready, Exception):
                        raise ready
                    self._apply(event, prepared=ready)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    self._damaged(event, error)
        # A compacted journal holds only what came after the snapshot (and a short tail).
        self._journal_events = (0 if replaced else self._journal_events) + len(events)
        self._journal_weight = (0 if replaced else self._journal_weight) + _weight(events)
        return fresh

    def _damaged(self, event: Event, error: Exception) -> None:
        """A journal event that does not hold what qtime writes. On open the store is
        refused (exit 2, naming the field); once a session is open, a bad event that
        another writer appends is skipped and reported (`skipped`), never fatal."""
        seq = event.get("seq")
        why = str(error) if isinstance(error, validate.Invalid) else f"{type(error).__name__}: {error}"
        if not self._opened:
            raise NotAStoreError(f"{self.journal.path}: event {seq} is damaged ({why})") from None
        self.skipped.append(f"skipped a damaged event {seq} in {self.journal.path.name} ({why})")
        self.state.last_seq = max(self.state.last_seq, seq or 0)

    def _reload(self) -> list[Event]:
        before = self.state.last_seq
        with self._locked():  # re-entrant: callers under the lock keep it
            self._load()
        return [event for event in self.state.events if (event.get("seq") or 0) > before]

    def _write(self, events: list[Event]) -> None:
        """Number events after `last_seq` and append them durably. Under the lock."""
        for number, event in enumerate(events, self.state.last_seq + 1):
            event["seq"] = number
        try:
            self.journal.append(events)
        except NotDurable as error:  # in the file, so committed; say the disk is failing
            self._warning = f"the disk did not confirm a write to {self.journal.path} ({error.strerror})"
        except OSError:
            for event in events:
                event.pop("seq", None)
            raise
        self._journal_events += len(events)
        self._journal_weight += _weight(events)

    def _append(self, events: list[Event]) -> None:
        """Write and apply new events. Call under the lock, after `_catch_up`."""
        at = now_iso()
        for event in events:
            event.setdefault("at", at)
            event.setdefault("actor", self.actor)
        self._write(events)
        # The changed records are built before readers are held up: only this thread changes the
        # state (under `_mutex`), and a 50,000-question bulk move then holds them for a dict swap.
        for event in events:
            share_fields(event)
        ready = [self.state.prepare(event) for event in events]
        with self._applying:  # readers see a commit whole
            for event, prepared in zip(events, ready):
                self._apply(event, prepared=prepared)

    def _commit(self, build: Callable[[], list[Event]]) -> list[Event]:
        """Catch up, build events against the fresh state, and make them durable."""
        with self._mutex:
            self._check_same_session("")
            events: list[Event] | None = None
            try:
                with self._locked():
                    self._catch_up()
                    self._check_same_session()
                    self._write_unwritten()
                    events = build()
                    if events:
                        self._append(events)
                self.write_error, self._warning = self._warning, None
            except OSError as error:
                if events is None:
                    events = build()
                self._keep_in_memory(events, error)
            return events

    def _keep_in_memory(self, events: list[Event], error: OSError) -> None:
        """The disk refused: apply now, write on a later commit or `flush()`."""
        at = now_iso()
        for event in events:
            event.setdefault("at", at)
            event.setdefault("actor", self.actor)
            self._apply(uncommitted(event), provisional=True)
            self._unwritten.append(event)
        self._disk_error(error)

    def _disk_error(self, error: OSError) -> None:
        self.write_error = (
            f"cannot write the store in {self.path.parent}: {error.strerror or error}."
            f" {len(self._unwritten)} action(s) kept in memory, written when the disk is back"
        )

    def _write_unwritten(self) -> None:
        """Write actions kept in memory during a disk failure. Call under the lock."""
        if not self._unwritten:
            return
        pending, self._unwritten = self._unwritten, []
        try:
            self._load()  # committed state only, in committed order
            # a question another process stored meanwhile keeps the group that process gave it
            pending = [e for e in pending
                       if e["action"] not in ("question.add", "group.join") or e.get("qid") not in self.state.questions]
            if pending:
                self._write(pending)
        except BaseException:
            self._unwritten = pending
            for event in pending:
                self._apply(uncommitted(event), provisional=True)
            raise
        for event in pending:
            self._apply(event)

    # -- recovery: actions the disk refused until the process quit --------------------

    def save_unwritten(self) -> Path | None:
        """Save the actions kept in memory to a recovery file that the next open
        applies, and forget them here. Raises `StoreError` when no folder takes it."""
        with self._mutex:
            if not self._unwritten:
                return None
            saved = recovery.save(self.path, self._unwritten)
            count, self._unwritten = len(self._unwritten), []
            self.write_error = f"{count} action(s) saved to {saved}, applied when this store is next opened"
            try:  # back to what is committed: a later compaction must not write them too
                with self._locked():
                    self._load()
            except OSError:
                pass  # the lock cannot even be taken: nothing can be written either
            return saved

    def replay(self, event: recovery.Event, refusal: Callable[[recovery.Event, SessionState], str | None]) -> str | None:
        """Commit a copy of a saved `event`, unless `refusal` gives a reason
        against the caught-up state (it also refuses a shape our code could not
        have written); returns that reason."""
        reason: str | None = None

        def build() -> list[Event]:
            nonlocal reason
            reason = refusal(event, self.state)
            return [] if reason else [cast(Event, {name: value for name, value in event.items() if name != "seq"})]

        self._commit(build)
        return reason

    def _recover(self) -> None:
        if recovery.pending(self.path):
            with self._locked():  # one process applies a recovery file, once
                self.recovery_report = recovery.apply(self.path, self.replay, self.state)

    # -- reading -----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def _apply(self, event: Event, *, provisional: bool = False, prepared: Prepared | None = None) -> None:
        with self._applying:
            self.state.apply(event, provisional=provisional, prepared=prepared)

    def snapshot(self) -> SessionState:
        """The session as of now, for a reader on any thread: later commits never change it.

        Waits only for an event being applied, never for the disk (about 3 ms
        of copying at 100,000 questions).
        """
        with self._applying:
            return self.state.copy()

    def answered(self) -> tuple[dict[str, Answer], dict[str, OutboxPart]]:
        """Copies of the answers and the outbox, consistent with each other (cheap: they are small)."""
        with self._applying:
            return dict(self.state.answers), dict(self.state.outbox)

    def question(self, qid: str) -> Question:
        try:
            return self.state.questions[qid]
        except KeyError:
            raise ActionError(f"no question {qid!r} in this session") from None

    def refresh(self) -> list[Event]:
        """Apply what other processes committed; cheap when nothing changed."""
        with self._mutex:
            self._check_same_session("")
            if self._unwritten:  # the disk refused earlier: try again now
                try:
                    with self._locked():
                        fresh = self._catch_up()
                        self._check_same_session()
                        self._write_unwritten()
                    self.write_error = None
                except OSError as error:
                    self._disk_error(error)
                    return []
                return fresh
            if not self.journal.changed():
                return []
            try:
                # No lock: whole lines only, so a busy writer never starves a
                # watcher; a reload after another process compacted takes it.
                fresh = self._catch_up()
                self._check_same_session()
                return fresh
            except OSError as error:
                raise StoreError(f"{self.journal.path}: cannot read it ({error.strerror or error})") from None

    flush = refresh

    @property
    def unwritten(self) -> int:
        return len(self._unwritten)

    # -- writing: questions ----------------------------------------------------

    def add_questions(self, items: Iterable[SourceItem], *, actor: str | None = None,
                      source_state: SourceRecord | None = None, arrivals: Arrivals | None = None) -> IngestResult:
        """Store new questions in one durable batch; a known one only updates votes.

        Each item has `source`, `remote_id`, `author`, `text` and optionally
        `author_name`, `url`, `posted_at`, `votes`, `spoiler`, `lang`, `reply_ref`,
        `links`. Text is sanitised here, once, as it enters. `source_state` (the
        source's cursor after these items) commits in the same journal line: a
        crash keeps both or neither, so a resumed source neither loses nor
        re-reads a page. `arrivals` (the ingesting process's triage) tags, holds
        and groups the new questions against the state caught up under the
        lock, and its `group.join` events go into that same line.
        """
        prepared: list[Question] = []
        rejected = 0
        received = now_iso()
        for item in items:
            question = self._prepare(item, received)
            if question is None:
                rejected += 1
            else:
                prepared.append(question)
        counts = {"new": 0, "known": 0}

        def build() -> list[Event]:
            fresh: dict[str, Question] = {}
            recounted: dict[str, int] = {}  # known question -> its latest platform count
            for question in prepared:
                current = self.state.questions.get(question.id)
                if current is not None:
                    recounted[question.id] = question.votes
                elif question.id in fresh:
                    fresh[question.id] = replace(fresh[question.id], votes=question.votes, remote_votes=question.votes)
                else:
                    fresh[question.id] = question
            counts.update(new=len(fresh), known=len(prepared) - len(fresh))
            new = list(fresh.values())
            joins: list[Event] = []
            if arrivals is not None:
                with _collector_paused():
                    new, joins = arrivals.arrive(new, self.state)
            events: list[Event] = [{"action": "question.add", "qid": q.id, "question": q.to_dict()} for q in new]
            events += joins
            for qid, remote in recounted.items():
                current = self.state.questions[qid]
                if remote != current.remote_votes:
                    # Move by the platform's change: votes merged from duplicates stay.
                    after: QuestionFields = {"votes": max(0, current.votes + remote - current.remote_votes),
                                             "remote_votes": remote}
                    events.append(self._change("votes", [(qid, after)], actor=actor or current.source))
            if source_state is not None:
                events.append(self._source_event(source_state))
            if actor:
                for each in events:
                    each["actor"] = actor
            return events

        self._commit(build)
        return IngestResult(counts["new"], counts["known"], rejected)

    # -- writing: sources --------------------------------------------------------

    @staticmethod
    def _source_event(record: SourceRecord) -> SourceSet:
        clean = SourceRecord(
            spec=clean_line(record.spec, limit=500),
            cursors={clean_line(k, limit=40): clean_line(v, limit=500) for k, v in record.cursors.items()},
            heartbeat=clean_line(record.heartbeat, limit=40),
            stopped=clean_line(record.stopped, limit=300),
        )
        return {"action": "source.set", "source": clean.to_dict()}

    def set_source(self, record: SourceRecord) -> None:
        """Record a source's cursors, heartbeat and stop reason durably."""
        self._commit(lambda: [self._source_event(record)])

    def source_record(self, spec: str) -> SourceRecord | None:
        """What a source saved last (None for a source never run on this store)."""
        return self.state.sources.get(clean_line(spec, limit=500))

    @staticmethod
    def _prepare(item: SourceItem, received: str) -> Question | None:
        if not isinstance(item, dict):
            return None
        source = clean_line(item.get("source") or "")
        remote_id = clean_line(item.get("remote_id") or "", limit=sys.maxsize)  # whole: its hash is the question's id
        author = clean_line(item.get("author") or "")
        text = clean_text(item.get("text") or "")
        if not (source and remote_id and author and text):
            return None
        votes = item.get("votes", 0)
        votes = votes if type(votes) is int and 0 <= votes < 2**53 else 0
        reply_ref = item.get("reply_ref") or {}
        return Question(
            id=question_id(source, remote_id),
            source=source,
            remote_id=remote_id[:MAX_TEXT],
            author=author if author.startswith("@") else "@" + author,
            text=text,
            received_at=received,
            author_name=clean_line(item.get("author_name") or ""),
            url=clean_line(item.get("url") or "", limit=2000),
            posted_at=clean_line(item.get("posted_at") or ""),
            votes=votes,
            remote_votes=votes,
            spoiler=clean_line(item.get("spoiler") or "", limit=500),
            lang=clean_line(item.get("lang") or "", limit=16),
            reply_ref=reply_ref if isinstance(reply_ref, dict) else {},
            links=_clean_links(item.get("links"), text),
        )

    def _changes(self, updates: list[tuple[str, QuestionFields]]) -> list[Change]:
        """Each question's fields before, and after."""
        changes: list[Change] = []
        for qid, after in updates:
            question = self.question(qid)
            before = cast(QuestionFields, {name: getattr(question, name) for name in after})
            changes.append({"qid": qid, "before": before, "after": after})
        return changes

    def _change(self, verb: ChangeVerb, updates: list[tuple[str, QuestionFields]], *, actor: str | None = None) -> Moderated:
        event: Moderated = {"action": verb, "qid": updates[0][0], "changes": self._changes(updates)}
        if actor:
            event["actor"] = actor
        return event

    def _act(self, verb: ChangeVerb, qid: str, after: QuestionFields) -> Event:
        events = self._commit(lambda: [self._change(verb, [(qid, after)])])
        return events[0]

    def approve(self, qid: str) -> Event:
        return self._act("approve", qid, {"status": "approved", "reason": None})

    def reopen(self, qid: str) -> Event:
        return self._act("reopen", qid, {"status": "new", "reason": None, "duplicate_of": None})

    def dismiss(self, qid: str, reason: str) -> Event:
        if reason not in REASONS:
            raise ActionError(f"unknown dismiss reason {reason!r} (one of: {', '.join(REASONS)})")
        return self._act("dismiss", qid, {"status": "dismissed", "reason": cast(Reason, reason)})

    def star(self, qid: str, on: bool | None = None) -> Event:
        """Star (or unstar; `on=None` toggles against the fresh state)."""
        def build() -> list[Event]:
            value = (not self.question(qid).starred) if on is None else on
            return [self._change("star" if value else "unstar", [(qid, {"starred": value})])]

        return self._commit(build)[0]

    def tag(self, qid: str, tags: Iterable[str]) -> Event:
        return self._act("tag", qid, {"tags": question_tags(tags)})

    def mark_duplicate(self, qid: str, of: str) -> Event:
        """Dismiss `qid` as a duplicate of `of`; its votes go to the original."""
        if qid == of:
            raise ActionError("a question cannot duplicate itself")

        def build() -> list[Event]:
            dup, original = self.question(qid), self.question(of)
            while original.duplicate_of and original.duplicate_of in self.state.questions and original.id != qid:
                original = self.question(original.duplicate_of)
            if original.id == qid:
                raise ActionError("that would make a duplicate loop")
            return [self._change("duplicate", [
                (qid, {"status": "dismissed", "reason": "duplicate", "duplicate_of": original.id}),
                (original.id, {"votes": original.votes + dup.votes}),
            ])]

        return self._commit(build)[0]

    def split_group(self, qid: str) -> Event:
        """Take `qid` out of its near-duplicate group (a moderator says it is another question).

        The new group's id carries the event's seq, so it is new in every
        process; the ingesting process's grouper reads the event and sends
        later copies of `qid` to that group too (`Arrivals.catch_up`).
        """
        def build() -> list[Event]:
            self.question(qid)
            if len(self.state.members(self.state.group_of(qid))) < 2:
                raise ActionError("that question is not in a group")
            seq = self.state.last_seq + len(self._unwritten) + 1
            return [{"action": "group.split", "qid": qid, "group": f"{alone(qid)}-{seq}"}]

        return self._commit(build)[0]

    # -- one action over many questions: a group, a filtered view, an author -----

    def act_on_many(self, verb: ChangeVerb, qids: Iterable[str], after: Callable[[Question], QuestionFields | None],
                    *, counted: Mapping[str, str] | None = None) -> Event | None:
        """One action over many questions: one event, so one `u` undoes all of it.

        `after(question)` gives the fields to set (None or {} leaves it alone).
        Questions gone from the store are skipped; with `counted` (qid -> the
        status it had when the moderator confirmed the count), so is any whose
        status changed since: a bulk move acts only on what was counted and
        never overrides a decision made while its confirmation was open.
        None when nothing is left to change.
        """
        wanted = list(dict.fromkeys(qids))

        def build() -> list[Event]:
            updates = self._updates(wanted, after, counted)
            return [self._change(verb, updates)] if updates else []

        events = self._commit(build)
        return events[0] if events else None

    def _updates(self, wanted: list[str], after: Callable[[Question], QuestionFields | None],
                 counted: Mapping[str, str] | None) -> list[tuple[str, QuestionFields]]:
        """What `act_on_many` changes, against the caught-up state (call it inside a commit's build)."""
        updates: list[tuple[str, QuestionFields]] = []
        for qid in wanted:
            question = self.state.questions.get(qid)
            if question is None or (counted is not None and counted.get(qid) != question.status):
                continue
            fields = after(question)
            if fields and any(getattr(question, k) != v for k, v in fields.items()):
                updates.append((qid, fields))
        return updates

    def approve_many(self, qids: Iterable[str], *, counted: Mapping[str, str] | None = None) -> Event | None:
        return self.act_on_many("approve", qids, lambda q: {"status": "approved", "reason": None}, counted=counted)

    def dismiss_many(self, qids: Iterable[str], reason: str, *,
                     counted: Mapping[str, str] | None = None) -> Event | None:
        if reason not in REASONS:
            raise ActionError(f"unknown dismiss reason {reason!r} (one of: {', '.join(REASONS)})")
        fields: QuestionFields = {"status": "dismissed", "reason": cast(Reason, reason)}
        return self.act_on_many("dismiss", qids, lambda q: fields, counted=counted)

    def block_author(self, author: str, qids: Iterable[str], reason: str = "spam", *,
                     counted: Mapping[str, str] | None = None) -> Event | None:
        """Dismiss an author's questions and hold their later posts: one event, so one undo.

        `qids` (the author's questions counted at confirmation) are dismissed
        as `act_on_many` does. In the same event the author joins
        `Settings.blocked_authors` (unless their handle is there already), so
        the hold rules catch what they post later, in every process that
        ingests. The event is a `dismiss` carrying `block`; its undo puts the
        questions back and takes the author off the list again. None when
        there is nothing to dismiss and the author was blocked already.
        """
        author = clean_line(author)
        if not handle(author):
            raise ActionError("no author to block")
        if reason not in REASONS:
            raise ActionError(f"unknown dismiss reason {reason!r} (one of: {', '.join(REASONS)})")
        fields: QuestionFields = {"status": "dismissed", "reason": cast(Reason, reason)}
        wanted = list(dict.fromkeys(qids))

        def build() -> list[Event]:
            updates = self._updates(wanted, lambda q: fields, counted)
            blocking = handle(author) not in {handle(a) for a in self.state.settings.blocked_authors}
            if not (updates or blocking):
                return []
            event: Moderated = {"action": "dismiss", "qid": updates[0][0] if updates else next(iter(wanted), ""),
                                "changes": self._changes(updates)}
            if blocking:
                event["block"] = author
            return [event]

        events = self._commit(build)
        return events[0] if events else None

    def star_many(self, qids: Iterable[str], on: bool, *, counted: Mapping[str, str] | None = None) -> Event | None:
        return self.act_on_many("star" if on else "unstar", qids, lambda q: {"starred": on}, counted=counted)

    def tag_many(self, qids: Iterable[str], tags: Iterable[str], *,
                 counted: Mapping[str, str] | None = None) -> Event | None:
        """Add `tags` to each question (its own tags stay)."""
        added = question_tags(tags)
        return self.act_on_many("tag", qids, lambda q: {"tags": list(dict.fromkeys([*q.tags, *added]))},
                                counted=counted)

    def tag_each(self, tags: Mapping[str, Iterable[str]]) -> Event | None:
        """Add to each question its own tags (qid -> tags): the questions a new topic matches, in one
        event, so one `u` takes them all off again."""
        added = {qid: question_tags(more) for qid, more in tags.items()}
        return self.act_on_many("tag", added, lambda q: {"tags": list(dict.fromkeys([*q.tags, *added[q.id]]))})

    def approve_group(self, qids: Iterable[str]) -> Event | None:
        """Approve a near-duplicate group as one question: its representative (the most voted
        of `qids` still open, the earliest given on a tie) is approved with every member's
        votes, and the other members are dismissed as its duplicates. One event: one undo.
        Members already answered or dismissed are left as they are."""
        wanted = list(dict.fromkeys(qids))

        def build() -> list[Event]:
            members = [q for qid in wanted if (q := self.state.questions.get(qid)) is not None
                       and q.status in ("new", "approved")]
            if not members:
                return []
            rep = min(range(len(members)), key=lambda n: (-members[n].votes, n))
            head = members[rep]
            others = [q for q in members if q.id != head.id]
            votes = head.votes + sum(q.votes for q in others)
            updates: list[tuple[str, QuestionFields]] = [(head.id, {"status": "approved", "reason": None,
                                                                     "votes": votes})]
            updates += [(q.id, {"status": "dismissed", "reason": "duplicate", "duplicate_of": head.id})
                        for q in others]
            return [self._change("approve", updates)]

        events = self._commit(build)
        return events[0] if events else None

    def last_undoable(self) -> Moderated | None:
        """This actor's most recent committed action that was not undone yet."""
        with self._mutex:
            undone: set[int] = set()
            for event in reversed(self.state.events):
                if event["action"] == "undo":
                    undone.add(event["target"])
                elif event["action"] == "answer.add" and event.get("actor") == self.actor:
                    return None  # a send is public: undo never reaches past it
                elif (event.get("actor") == self.actor and event["action"] in UNDOABLE
                      and event.get("seq") is not None and event.get("seq") not in undone):
                    return cast(Moderated, event)
            return None

    def _touched_since(self, seq: int) -> dict[str, set[str]]:
        """question id -> fields that events after `seq` changed and that still stand
        (an action undone since, and its undo, cancel out)."""
        touched: dict[str, set[str]] = {}
        undone: set[int] = set()
        for event in reversed(self.state.events):
            committed = event.get("seq")
            if committed is not None and committed <= seq:
                break
            if event["action"] == "undo":
                undone.add(event["target"])
                continue
            if committed in undone:
                continue
            for change in changes_of(event):
                touched.setdefault(change["qid"], set()).update(change["after"])
        return touched

    def undo(self, seq: int | None = None) -> Event | None:
        """Undo this actor's last action (or event `seq`).

        A question goes back only if nobody changed those fields since: undo
        never overwrites another moderator's later action, not even in part.
        """
        def build() -> list[Event]:
            target: Event | None = self.last_undoable() if seq is None else next(
                (e for e in self.state.events if e.get("seq") == seq), None)
            target_seq = target.get("seq") if target is not None else None
            if target is None or target_seq is None:
                return []
            touched = self._touched_since(target_seq)
            changes: list[Change] = []
            for change in changes_of(target):
                question = self.state.questions.get(change["qid"])
                fields = change["after"].keys()
                if question is None or touched.get(change["qid"], set()) & fields:
                    continue
                if any(getattr(question, k) != v for k, v in change["after"].items()):
                    continue
                after = cast(QuestionFields, {k: v for k, v in change["before"].items()
                                              if v != change["after"].get(k)})
                if after:
                    before = cast(QuestionFields, {k: getattr(question, k) for k in after})
                    changes.append({"qid": change["qid"], "before": before, "after": after})
            qid = target.get("qid")
            undo: Undone = {"action": "undo", "target": target_seq, "undid": target["action"],
                            "qid": qid if isinstance(qid, str) else None, "changes": changes}
            blocked = target.get("block")
            if isinstance(blocked, str) and handle(blocked) in {handle(a) for a in self.state.settings.blocked_authors}:
                undo["unblock"] = blocked  # still blocked: the undo of the block unblocks (not if someone else did)
            return [undo]

        events = self._commit(build)
        return events[0] if events else None

    # -- writing: drafts, answers, outbox, settings -----------------------------

    def save_draft(self, qid: str, text: str) -> None:
        current = self.state.drafts.get(qid)
        if current is not None and current.text == text:
            return

        def build() -> list[Event]:
            self.question(qid)  # against the caught-up state: another process may have added it
            return [{"action": "draft.set", "qid": qid, "text": text}]

        self._commit(build)

    def dismissal(self, qid: str) -> str:
        """How a dismissed question was dismissed: "dismissed (off-topic) by mod" (the log's
        English; the app words it from `dismissed_by` and the reason)."""
        question = self.question(qid)
        actor = self.dismissed_by(qid)
        return f"dismissed ({question.reason or 'no reason'})" + (f" by {actor}" if actor else "")

    def dismissed_by(self, qid: str) -> str:
        """Who last dismissed `qid` (or merged it as a duplicate); "" when no event says."""
        return next((e.get("actor", "") for e in reversed(self.state.events)
                     if e["action"] in ("dismiss", "duplicate") and qid in qids_of(e)), "")

    def draft(self, qid: str) -> str:
        draft = self.state.drafts.get(qid)
        return draft.text if draft else ""

    def add_answer(self, qid: str, text: str, parts: list[str], profile: str, *, override: bool = False) -> Answer:
        """Log an answer and mark the question answered (one event).

        A dismissed question is refused (`Dismissed`) unless `override`: the
        answer then records what it overrode, and by whom, for the log and the
        exports.
        """
        def build() -> list[Event]:
            question = self.question(qid)
            if question.status == "answered" or qid in self.state.answers:
                raise ActionError(f"{question.author}'s question is already answered")
            overrode = ""
            if question.status == "dismissed":
                dismissal = self.dismissal(qid)
                if not override:
                    raise Dismissed(f"{question.author}'s question was {dismissal}", dismissal)
                overrode = dismissal
            answer = Answer(qid, clean_text(text), [clean_text(p) for p in parts], profile, now_iso(), self.actor,
                            overrode)
            changes = self._changes([(qid, {"status": "answered", "reason": None})])
            added: AnswerAdded = {"action": "answer.add", "qid": qid, "changes": changes, "answer": answer.to_dict()}
            return [added]

        self._commit(build)
        return self.state.answers[qid]

    def revise_answer(self, qid: str, kind: RevisionKind, text: str = "", parts: list[str] | None = None,
                      mode: str = "") -> int:
        """Append a correction, a follow-up or a retraction to a logged answer (one event);
        returns its revision number (from 1: `Answer.revisions[n - 1]`)."""
        def build() -> list[Event]:
            answer = self.state.answers.get(qid)
            if answer is None:
                raise ActionError(f"{self.question(qid).author}'s question has no answer to change")
            if answer.retracted_at:
                raise ActionError("this answer was retracted")
            if kind == "correct" and mode not in get_args(CorrectionMode):
                raise ActionError(f"a correction is a reply or a repost, not {mode!r}")
            posts = [clean_text(p) for p in parts or []]
            if kind != "retract" and not (clean_text(text) and posts and all(posts)):
                raise ActionError("a correction or a follow-up needs text")
            revision: Revision = {"kind": kind, "text": clean_text(text) if kind != "retract" else "",
                                  "parts": posts if kind != "retract" else [], "mode": mode if kind == "correct" else "",
                                  "at": now_iso(), "actor": self.actor}
            revised: AnswerRevised = {"action": _REVISION_ACTIONS[kind], "qid": qid, "revision": revision}
            return [revised]

        self._commit(build)
        return len(self.state.answers[qid].revisions)

    def set_part(self, part: OutboxPart) -> None:
        """Record an outbox part's new state durably (before and after each send)."""
        part.updated_at = now_iso()
        part.url, part.remote_id = clean_line(part.url, limit=2000), clean_line(part.remote_id, limit=500)
        part.reason = clean_line(part.reason, limit=500)
        self._commit(lambda: [{"action": "outbox.set", "qid": part.question_id, "part": part.to_dict()}])

    def set_presence(self, presence: Presence) -> None:
        """Say this process is here (its heartbeat, its claim): state, not history."""
        presence.at = now_iso()
        presence.answering = clean_line(presence.answering, limit=40)
        self._commit(lambda: [{"action": "presence.set", "presence": presence.to_dict()}])

    def update_settings(self, **changes: Any) -> None:
        """Change session settings; `ActionError` names a value that does not fit (see `check_settings`)."""
        changes = check_settings(changes)
        if changes.get("profile", self.settings.profile) == "custom" and changes.get("limit", self.settings.limit) is None:
            raise ActionError("the custom profile needs a limit")

        def build() -> list[Event]:
            before = {k: getattr(self.settings, k) for k in changes}
            return [{"action": "session.set", "before": before, "after": dict(changes)}]

        self._commit(build)

    def edit_topic(self, line: str | None, *, replacing: str = "") -> str:
        """Add a topic, change one (`replacing` names it) or remove it (`line` None), against the
        session's topics as they are at commit time; the topic line as stored ("" when removed).
        `ActionError` says what does not fit (see `with_topic`)."""
        stored = ""

        def build() -> list[Event]:
            nonlocal stored
            before = list(self.settings.topics)
            after = with_topic(before, line, replacing=replacing)
            stored = topic_line(line) if line is not None else ""
            return [] if after == before else [{"action": "session.set", "before": {"topics": before},
                                                "after": {"topics": after}}]

        self._commit(build)
        return stored

    # -- snapshots ---------------------------------------------------------------

    def _write_snapshot(self) -> None:
        """Fold the journal into a new snapshot. Call under the lock, caught up."""
        tables = self.state.to_tables()
        tables["meta"] = {"1": {"format": FORMAT, "schema": SCHEMA, "last_seq": self.state.last_seq}}
        pieces = list(snapshot_file.dump(tables))
        atomic_write(self.path, pieces)
        self.journal.keep_after(self.state.last_seq, self.state.settings.session_id, snapshot=snapshot_file.digest(pieces))
        self._journal_events = self._journal_weight = 0

    def compact(self) -> bool:
        """Write a snapshot and empty the journal; False when it could not."""
        with self._mutex:
            try:
                with self._locked():
                    self._catch_up()
                    self._check_same_session()
                    self._write_unwritten()
                    self._write_snapshot()
            except SessionReplaced:
                return False  # the file is another session's now: never write over it
            except OSError as error:
                self._disk_error(error)
                return False
            return True

    @property
    def journal_weight(self) -> int:
        """Events in the journal file (those not folded into the snapshot yet, plus its tail),
        not counting `RIDERS`: what `COMPACT_AFTER_EVENTS` is compared with."""
        return self._journal_weight

    def needs_compaction(self) -> bool:
        return self._journal_weight >= COMPACT_AFTER_EVENTS

    def close(self) -> None:
        if self._journal_events or self._unwritten:
            self.compact()


def _weight(events: Sequence[Mapping[str, Any]]) -> int:
    return sum(1 for event in events if event.get("action") not in RIDERS)


MAX_LINKS = 20

_REVISION_ACTIONS: dict[RevisionKind, Literal["answer.correct", "answer.follow_up", "answer.retract"]] = {
    "correct": "answer.correct", "follow_up": "answer.follow_up", "retract": "answer.retract"}


def _clean_links(links: Any, text: str) -> list[dict[str, str]]:
    """Expanded links that are safe to show: http(s) destinations for text found in `text`."""
    if not isinstance(links, list):
        return []
    kept: list[dict[str, str]] = []
    for link in links[:MAX_LINKS]:
        if not isinstance(link, dict):
            continue
        shown = clean_line(link.get("shown") or "", limit=2000)
        url = clean_line(link.get("url") or "", limit=2000)
        web = url.lower().startswith(("https://", "http://")) and " " not in url
        if shown and shown in text and shown != url and web:
            kept.append({"shown": shown, "url": url})
    return kept


def question_tags(tags: Iterable[str]) -> list[str]:
    """A question's tags as stored: no leading `#`, at most 40 characters, each once."""
    clean: list[str] = []
    for tag in tags:
        tag = clean_line(tag, limit=40).lstrip("#")
        if tag and tag not in clean:
            clean.append(tag)
    return clean


def clean_tags(tags: Iterable[object]) -> list[str]:
    """Hashtags as stored: no `#`, no spaces, each once."""
    kept: list[str] = []
    for tag in tags:
        text = clean_line(str(tag), limit=100).lstrip("#").replace(" ", "")
        if text and text not in kept:
            kept.append(text)
    return kept


def check_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """Settings changes, cleaned; `ActionError` for an unknown name or a value that does not fit."""
    fixed = {"session_id", "created_at"}
    unknown = set(changes) - set(Settings.__dataclass_fields__) | (set(changes) & fixed)
    if unknown:
        raise ActionError(f"unknown or fixed setting(s): {', '.join(sorted(unknown))}")
    clean = {k: clean_line(v) if isinstance(v, str) else v for k, v in changes.items()}
    if "hashtag" in clean:
        clean["hashtag"] = (clean_tags([clean["hashtag"]]) or [""])[0]
    if "read_tags" in clean:
        clean["read_tags"] = clean_tags(clean["read_tags"])
    from store.text.profiles import NAMES as PROFILE_NAMES  # here: the text rules are not needed to open a store

    if "profile" in clean and clean["profile"] not in PROFILE_NAMES:
        raise ActionError(f"unknown profile {clean['profile']!r} (one of: {', '.join(PROFILE_NAMES)})")
    for name in ("limit", "url_weight"):
        value = clean.get(name)
        if value is not None and (type(value) is not int or not 0 < value < 1_000_000):
            raise ActionError(f"{name} must be a whole number above 0, not {value!r}")
    if clean.get("tz"):
        try:
            zone_named(clean["tz"])
        except UnknownZone as error:
            raise ActionError(str(error)) from None
    return _check_triage(clean)


def _texts(value: object, name: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ActionError(f"{name} must be a list of texts, not {value!r:.60}")
    return list(dict.fromkeys(text for item in value if (text := clean_line(item, limit=200))))


def topic_line(line: str) -> str:
    """A topic as stored: its name as a tag (what questions are tagged with), then its keywords.

    `ActionError` for a line that is not `name: keyword, keyword, ...`.
    """
    from store.triage.topics import parse_topic  # here: the stemmers load only where topics are set

    try:
        topic = parse_topic(line)
    except ValueError as error:
        raise ActionError(str(error)) from None
    name = clean_tags([topic.name])
    if not name:
        raise ActionError(f"a topic needs a name: {line!r}")
    return f"{name[0]}: {', '.join(topic.keywords)}"


def topic_name(line: str) -> str:
    """The name of a stored topic line (what questions are tagged with)."""
    return line.partition(":")[0]


def with_topic(lines: Sequence[str], line: str | None, *, replacing: str = "") -> list[str]:
    """The session's topic `lines` with `line` added, or put in place of the topic named `replacing`
    (else of the one with its name), or with `replacing` removed when `line` is None; checked as
    `check_settings` checks them (`ActionError`: no name, no keyword, two topics with one name)."""
    names = [topic_name(old) for old in lines]
    if line is None:
        kept = [old for old, name in zip(lines, names) if name != replacing]
    else:
        new = topic_line(line)
        name = topic_name(new)
        if replacing and name != replacing and name in names:
            raise ActionError(f"there is a topic named {name!r} already: change that one instead")
        target = replacing if replacing in names else name
        kept = [new if old_name == target else old for old, old_name in zip(lines, names)]
        if target not in names:
            kept.append(new)
    checked: list[str] = check_settings({"topics": kept})["topics"]
    return checked


def _check_triage(clean: dict[str, Any]) -> dict[str, Any]:
    """The topics and hold rules among settings changes, cleaned (see `store.arrivals`)."""
    from store.triage.topics import OTHER
    for name in ("topics", "blocked_words", "blocked_authors"):
        if name in clean:
            clean[name] = _texts(clean[name], name)
    if "topics" in clean:
        lines = [topic_line(line) for line in clean["topics"]]
        names = [line.partition(":")[0] for line in lines]
        if len(set(names)) < len(names) or OTHER in names:
            raise ActionError(f"two topics have the same name, or one is named {OTHER!r}")
        clean["topics"] = lines
    if "hold_link_only" in clean and type(clean["hold_link_only"]) is not bool:
        raise ActionError(f"hold_link_only must be true or false, not {clean['hold_link_only']!r}")
    for name, least in (("flood_authors", 0), ("flood_minutes", 1)):
        value = clean.get(name, least)
        if type(value) is not int or not least <= value < 100_000:
            raise ActionError(f"{name} must be a whole number from {least}, not {value!r}")
    return clean
