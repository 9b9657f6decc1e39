"""The live screen: the queue, the draft pane and the answered log, laid out per role.

The screen owns what is shown (view, filter, selection); the app owns the
store and runs every store call in a worker. Keys here act on the question
under the queue's cursor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input

from store.model import Question
from tui.screens.dismiss import DismissScreen
from tui.screens.duplicate import DuplicateScreen
from tui.screens.tag import TagScreen
from tui.widgets.answered_log import AnsweredLog
from tui.widgets.draft_pane import DraftPane
from tui.widgets.question_view import QuestionView, question_content
from tui.widgets.queue_list import QueueList
from tui.widgets.session_header import SessionHeader
from tui.widgets.view_bar import ViewBar

if TYPE_CHECKING:
    from tui.app import QuestionTimeApp

ROLES = ("both", "moderator", "host")
MODERATION = frozenset({"approve", "dismiss", "tag", "duplicate"})
QUEUE_ONLY = MODERATION | {"star", "undo", "filter", "answer", "pause", "quit", "view", "retry", "open_link"}


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "answer", "Answer", id="answer"),
        Binding("a", "approve", "Approve", id="approve"),
        Binding("d", "dismiss", "Dismiss", id="dismiss"),
        Binding("s", "star", "Star", id="star"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("m", "duplicate", "Dup", id="duplicate"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("ctrl+s", "send", "Send", id="send"),
        Binding("escape", "back", "Queue", id="back"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("r", "retry", "Retry", id="retry"),
        Binding("o", "open_link", "Open", id="open"),
        Binding("ctrl+e", "export", "Export", id="export"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("1", "view('new')", show=False, id="view.new"),
        Binding("2", "view('approved')", show=False, id="view.approved"),
        Binding("3", "view('starred')", show=False, id="view.starred"),
        Binding("4", "view('dismissed')", show=False, id="view.dismissed"),
        Binding("5", "view('answered')", show=False, id="view.answered"),
        Binding("6", "view('all')", show=False, id="view.all"),
    ]

    def __init__(self, role: str = "both") -> None:
        super().__init__(classes=f"-role-{role}")
        self.role = role
        self.view = "approved" if role == "host" else "new"
        self.text_filter = ""
        self._publish_keys: tuple[bool | None, bool | None] = (False, False)

    @property
    def qt(self) -> QuestionTimeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        app = self.qt
        state = app.store.state
        yield SessionHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="queue-pane"):
                yield ViewBar(id="views")
                yield Input(placeholder="filter: text or @author (enter keeps it, escape clears)", id="filter")
                yield QueueList(state.questions, app.index, app.clock, id="queue")
            if self.role == "moderator":
                with VerticalScroll(id="detail-pane"):
                    yield QuestionView(id="detail")
            else:
                with Vertical(id="right-pane"):
                    yield DraftPane(app.composer, id="draft")
                    yield AnsweredLog(id="log")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#queue-pane").border_title = "Incoming"
        if self.role != "moderator":
            self.query_one("#draft").border_title = "Draft"
            self.query_one("#log").border_title = "Answered"
        else:
            self.query_one("#detail-pane").border_title = "Question"
        self.query_one(QueueList).focus()
        self.refresh_view()

    # -- what is shown -----------------------------------------------------------

    @property
    def queue(self) -> QueueList:
        return self.query_one("#queue", QueueList)

    def selected(self) -> Question | None:
        qid = self.queue.cursor_id
        return self.qt.store.state.questions.get(qid) if qid else None

    def refresh_view(self, changed: frozenset[str] = frozenset()) -> None:
        """Bring every pane up to date with the store (called by the app's drain).

        The queue index works out what changed since the last call (see
        `QueueIndex.sync`); `changed` adds questions the caller knows changed.
        """
        app = self.qt
        state = app.store.state
        shown = app.index.sync(state, self.view, self.text_filter, changed)
        self.queue.empty_text = (f"Nothing here matches the filter {self.text_filter!r}." if self.text_filter
                                 else "No questions here yet.")
        self.queue.set_rows(shown.ids, shown.changed, app.index.position)
        if shown.rebuilt:
            self.queue.refresh()
        self.query_one(ViewBar).show(self.view, app.index.counts, self.text_filter)
        self.refresh_header()
        self.show_selected(shown.changed)
        if self.role != "moderator":
            self.query_one(AnsweredLog).show(state.answers, state.questions, state.outbox)
        self._sync_bindings()
        app.call_after_refresh(app.queue_drawn)

    def flags_learned(self) -> None:
        """Every row's flags are known now: draw them."""
        self.queue.refresh()
        self.show_selected()

    def refresh_header(self) -> None:
        self.query_one(SessionHeader).update(self.qt.header_content())

    def show_selected(self, changed: frozenset[str] = frozenset()) -> None:
        app = self.qt
        question = self.selected()
        if self.role == "moderator":
            self.query_one("#detail", QuestionView).show(question_content(question, app.store.state.questions, app.index, app.clock))
            return
        draft = self.query_one(DraftPane)
        if draft.editing and draft.qid is not None:
            # The host is typing: the pane stays on that question whatever the queue does.
            pinned = app.store.state.questions.get(draft.qid)
            if draft.qid in changed:
                draft.show(pinned, question_content(pinned, app.store.state.questions, app.index, app.clock), "")
            return
        text = app.store.draft(question.id) if question else ""
        draft.show(question, question_content(question, app.store.state.questions, app.index, app.clock), text)

    @on(QueueList.Highlighted, "#queue")
    def _highlighted(self, event: QueueList.Highlighted) -> None:
        self.show_selected()
        self._sync_bindings()

    def _sync_bindings(self) -> None:
        """Show `r` / `o` in the footer only on an answer they apply to."""
        state = (self.check_action("retry", ()), self.check_action("open_link", ()))
        if state != self._publish_keys:
            self._publish_keys = state
            self.refresh_bindings()

    @on(ViewBar.Picked)
    def _picked(self, event: ViewBar.Picked) -> None:
        self.action_view(event.view)

    @on(DraftPane.SaveDraft)
    def _save_draft(self, event: DraftPane.SaveDraft) -> None:
        self.qt.save_draft(event.qid, event.text)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.text_filter = event.value
        self.qt.mark_dirty()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.queue.focus()

    # -- bindings ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        editing = isinstance(focused, Input | DraftPane) or (focused is not None and focused.id == "answer")
        if editing and action in QUEUE_ONLY:
            return False
        if action in MODERATION and self.role == "host":
            return False
        if action in ("answer", "send") and self.role == "moderator":
            return False
        if action == "send":
            return editing
        if action == "back":
            return editing
        if action == "pause":  # only while some source can still bring questions
            return self.qt.paused or any(s.state not in ("done", "stopped") for s in self.qt.source_states.values())
        if action in ("retry", "open_link"):  # only where it applies: keeps the footer honest
            question = self.selected()
            parts = self.qt.parts_of(question.id) if question else []
            if action == "retry":  # failed, or held back with a reason (an account refused...)
                return any(p.state == "failed" or (p.state == "pending" and p.reason) for p in parts)
            return any(p.state == "posted" and p.url for p in parts)
        return True

    def _need_selected(self) -> Question | None:
        question = self.selected()
        if question is None:
            self.notify("No question selected.", severity="warning", markup=False)
        return question

    def action_view(self, view: str) -> None:
        self.view = view
        self.qt.mark_dirty()
        self.refresh_view(frozenset())

    def _step_past(self, qid: str, status: str) -> None:
        """Move the cursor off a question this action takes out of the view, now,
        so a quick second key press acts on the next question, not this one."""
        leaves = status == "dismissed" if self.view == "starred" else self.view not in ("all", status)
        ids = self.queue.ids
        if not leaves or self.queue.cursor_id != qid or len(ids) < 2:
            return
        at = self.queue.cursor
        self.queue.move_to(at + 1 if at + 1 < len(ids) else at - 1)

    def action_approve(self) -> None:
        if question := self._need_selected():
            self.qt.act("approve", question.id)
            self._step_past(question.id, "approved")

    def action_star(self) -> None:
        if question := self._need_selected():
            self.qt.act("star", question.id)

    def action_undo(self) -> None:
        self.qt.undo()

    def action_dismiss(self) -> None:
        if question := self._need_selected():
            qid = question.id

            def chosen(reason: str | None) -> None:
                if reason:
                    self.qt.act("dismiss", qid, reason)
                    self._step_past(qid, "dismissed")

            self.app.push_screen(DismissScreen(question.author), chosen)

    def action_tag(self) -> None:
        if question := self._need_selected():
            qid = question.id

            def chosen(tags: list[str] | None) -> None:
                if tags is not None:
                    self.qt.act("tag", qid, tags)

            self.app.push_screen(TagScreen(question.author, list(question.tags)), chosen)

    def action_duplicate(self) -> None:
        if question := self._need_selected():
            qid = question.id
            app = self.qt

            def chosen(original: str | None) -> None:
                if original:
                    app.act("mark_duplicate", qid, original)
                    self._step_past(qid, "dismissed")

            self.app.push_screen(DuplicateScreen(qid, app.store.state.questions, app.index, app.clock), chosen)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_answer(self) -> None:
        question = self._need_selected()
        if question is None:
            return
        if question.status in ("answered", "dismissed"):
            self.notify(f"This question is {question.status}; approve it (a) to answer it after all." if question.status == "dismissed"
                        else "This question is already answered.", severity="warning", markup=False)
            return
        self.show_selected()
        self.query_one(DraftPane).area.focus()

    def action_send(self) -> None:
        draft = self.query_one(DraftPane)
        question = draft.question
        if question is None:
            self.notify("Pick a question to answer first.", severity="warning", markup=False)
            return
        if not draft.text.strip():
            self.notify("Nothing to send: the answer is empty.", severity="warning", markup=False)
            return
        composition = draft.composition or self.qt.composer.compose(draft.text, question)
        if composition.problem:
            self.notify(f"Cannot send: {composition.problem}.", severity="error", markup=False)
            return
        self.qt.send_answer(question.id, draft.text, composition.parts)

    def answer_sent(self, qid: str) -> None:
        draft = self.query_one(DraftPane)
        if draft.qid == qid:
            draft.clear_sent()
        self.queue.focus()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.value = ""
            box.display = False
        elif self.role != "moderator":
            self.query_one(DraftPane).flush()
        self.queue.focus()
        self.show_selected()

    def action_retry(self) -> None:
        if question := self._need_selected():
            self.qt.retry_publishing(question.id)

    def action_open_link(self) -> None:
        question = self._need_selected()
        links = [p.url for p in self.qt.parts_of(question.id) if p.state == "posted" and p.url] if question else []
        if links:
            self.app.open_url(links[0])
            self.notify(f"Opening {links[0]}", markup=False)

    def action_pause(self) -> None:
        self.qt.toggle_pause()

    def action_export(self) -> None:
        self.qt.action_export()

    def action_help(self) -> None:
        self.qt.action_help()

    async def action_quit(self) -> None:
        await self.qt.action_quit()

    def pending_draft(self) -> DraftPane.SaveDraft | None:
        if self.role == "moderator":
            return None
        return self.query_one(DraftPane).pending()
