"""The live screen: the queue, the draft pane and the answered log, laid out per role.

The screen owns what is shown (view, filter, selection) and reads the
session through the service it is given. It never changes the session
itself: every intent goes up as a message (`Moderate`, `Send`, `Retry`,
`Undo`, `Quit`, and the draft pane's `SaveDraft`) for the app to run off
the UI thread. The app hands values down as reactive attributes: `header`,
`changes` (questions that may look different), `sent`, `flags_known`, and
`zone`, the time zone clock times are shown in (`--tz`, else the session's,
else the machine's: never the machine's when the session names one).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from store.model import Question
from tui.actions import BY_NAME, bindings
from tui.i18n import N_, _, ngettext, pgettext
from tui.screens import bulk
from tui.screens.choice import ChoiceScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.dismiss import DismissScreen
from tui.screens.duplicate import DuplicateScreen
from tui.screens.tag import TagScreen
from tui.service.session import SessionService
from tui.widgets.answered_log import AnsweredLog
from tui.widgets.composer import Composer
from tui.widgets.draft_pane import DraftPane
from tui.widgets.key_bar import KeyBar
from tui.widgets.notice_bar import NoticeBar
from tui.widgets.question_view import QuestionView, question_content
from tui.widgets.queue_groups import GroupRow
from tui.widgets.queue_index import QueueIndex, counts_as_starred, in_view
from tui.widgets.queue_list import QueueList
from tui.widgets.session_header import SessionHeader
from tui.widgets.shown import shown
from tui.widgets.state_labels import reason_label
from tui.widgets.translated import sentence, translate_bindings
from tui.widgets.view_bar import ViewBar

ROLES = ("both", "moderator", "host")
FILTER_EVERY = 0.15  # seconds


@dataclass(frozen=True)
class Doing:
    """What a moderator asks to do while a host is answering the question: the question put to
    them ({who}: the host's role and name, {author}) and its yes button. Marked, translated when asked."""

    ask: str
    yes: str


DISMISS_CLAIMED = Doing(N_("The {who} is answering {author}'s question right now. Dismiss it anyway?"
                           " They are told at once."), N_("Dismiss"))
MERGE_CLAIMED = Doing(N_("The {who} is answering {author}'s question right now. Merge it anyway?"
                         " They are told at once."), N_("Merge"))


@dataclass(frozen=True)
class Reading:
    """What the screen reads: the session, the queue's index, the clock, the composer."""

    service: SessionService
    index: QueueIndex
    clock: Callable[[], datetime]
    composer: Composer


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")

    # Values handed down (`var`: setting one repaints nothing by itself; a whole-screen repaint
    # per drain cost every key a frame of the full screen). Watchers repaint what changed.
    header: var[Content] = var(Content(""), init=False)
    changes: var[frozenset[str]] = var(frozenset(), always_update=True, init=False)
    sent: var[str] = var("", always_update=True, init=False)
    flags_known: var[int] = var(0, init=False)
    can_pause: var[bool] = var(False, init=False)
    zone: var[tzinfo] = var(UTC, init=False)

    @dataclass
    class Moderate(Message):
        """Run a moderator action: `verb` is a `SessionService` method (approve, dismiss...)."""

        verb: str
        qid: str
        args: tuple[object, ...] = ()

    @dataclass
    class ModerateMany(Message):
        """One action over many questions, undone by one `u`: `verb` is a `SessionService`
        method taking the ids first (approve_group, dismiss_many...)."""

        verb: str
        qids: tuple[str, ...]
        args: tuple[object, ...] = ()
        done: str = ""  # what it did, for a toast once stored ("dismissed as spam"); "" says nothing

    @dataclass
    class Send(Message):
        qid: str
        text: str
        parts: list[str]
        override: bool = False  # the host confirmed sending to a dismissed question

    @dataclass
    class Revise(Message):
        """Correct (`kind` "correct", with `mode` where the platform cannot edit) or follow up a sent answer."""

        kind: str
        qid: str
        text: str
        parts: list[str]
        mode: str = "reply"

    @dataclass
    class Retract(Message):
        qid: str

    @dataclass
    class Claim(Message):
        """The host is answering `qid` now ("" : answering nothing)."""

        qid: str

    @dataclass
    class Retry(Message):
        qid: str

    class Undo(Message):
        pass

    class PauseFeed(Message):
        pass

    @dataclass
    class Quit(Message):
        """Quit, saving first the draft being typed (if it changed since it was last saved)."""

        draft: DraftPane.SaveDraft | None = field(default=None)

    def __init__(self, role: str, reading: Reading, zone: tzinfo = UTC) -> None:
        view = "approved" if role == "host" else "new"
        super().__init__(classes=f"-role-{role} -view-{view}")
        self.role = role
        self.reading = reading
        self.set_reactive(MainScreen.zone, zone)
        self.view = view
        self.text_filter = ""
        self._publish_keys: tuple[bool | None, bool | None] = (False, False)
        self._filter_timer: Timer | None = None
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        reading = self.reading
        yield SessionHeader(id="header").data_bind(shown=MainScreen.header)
        with Horizontal(id="body"):
            with Vertical(id="queue-pane"):
                yield ViewBar(id="views")
                yield Input(placeholder=_("filter: text, @author or topic:NAME (enter keeps it, escape clears)"),
                            id="filter")
                yield QueueList(reading.service.state.questions, reading.index, reading.clock, grouped=True, id="queue")
            if self.role == "moderator":
                with VerticalScroll(id="detail-pane"):
                    yield QuestionView(id="detail")
            else:
                with Vertical(id="right-pane"):
                    yield DraftPane(reading.composer, id="draft")
                    yield AnsweredLog(id="log")
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#queue-pane").border_title = _("Incoming")
        if self.role != "moderator":
            self.query_one("#draft").border_title = _("Draft")
            self.query_one("#log").border_title = _("Answered")
        else:
            self.query_one("#detail-pane").border_title = _("Question")
        self.query_one(QueueList).focus()
        self.refresh_view()

    # -- values handed down ------------------------------------------------------------

    def watch_changes(self, changes: frozenset[str]) -> None:
        self.refresh_view(changes)

    def watch_sent(self, qid: str) -> None:
        """An answer was logged: the draft is gone, the queue has the focus again, and the
        pane shows the question under the cursor (the next one), not the one just answered."""
        panes = self.query(DraftPane)
        if panes and panes.first().qid == qid:
            pane = panes.first()
            pane.clear_sent()
            question = self.selected()
            pane.show(question, self._content(question), self.reading.service.store.draft(question.id) if question else "")
        self.queue.focus()

    def watch_flags_known(self) -> None:
        """Every row's flags are known now: draw them."""
        self.queue.refresh()
        self.show_selected()

    def watch_can_pause(self) -> None:
        self.refresh_bindings()

    def watch_zone(self) -> None:
        """The session's time zone changed (its setting, from any process): redraw the clock times."""
        self.refresh_view()

    # -- what is shown -----------------------------------------------------------

    @property
    def queue(self) -> QueueList:
        return self.query_one("#queue", QueueList)

    def question(self, qid: str | None) -> Question | None:
        return self.reading.service.state.questions.get(qid) if qid else None

    def selected(self) -> Question | None:
        return self.question(self.queue.cursor_id)

    def select(self, qid: str) -> None:
        self.queue.select(qid)

    def refresh_view(self, changed: frozenset[str] = frozenset()) -> None:
        """Bring every pane up to date with the session.

        The queue index works out what changed since the last call (see
        `QueueIndex.sync`); `changed` adds questions the caller knows changed.
        """
        reading = self.reading
        state = reading.service.state
        shown = reading.index.sync(state, self.view, self.text_filter, changed)
        self.queue.empty_text = (_("Nothing here matches the filter {filter}.").format(filter=repr(self.text_filter))
                                 if self.text_filter else _("No questions here yet."))
        self.queue.set_rows(shown.ids, shown.changed, reading.index.row_position)
        if shown.rebuilt:
            self.queue.refresh()
        self.query_one(ViewBar).show(self.view, reading.index.counts, self.text_filter)
        self.show_selected(shown.changed)
        if self.role != "moderator":
            answers, outbox = reading.service.store.answered()
            self.query_one(AnsweredLog).show(answers, state.questions, outbox, self.zone)
        self._sync_bindings()

    def _content(self, question: Question | None) -> Content:
        reading = self.reading
        state = reading.service.state
        content = question_content(question, state.questions, reading.index, reading.clock, self.zone,
                                   held_by=state.holds.get(question.id, "") if question else "")
        group = self.queue.cursor_group
        if question is None or group is None or group.head != question.id:
            return content
        count = len(group.members)
        note = ngettext("One row for {count} copy of this question in this view, ▲{votes} together."
                        " e shows them; a approves them as one.",
                        "One row for {count} copies of this question in this view, ▲{votes} together."
                        " e shows them; a approves them as one.", count).format(count=count, votes=group.votes)
        return Content("\n").join([content, Content.styled(note, "$text-muted")])

    def show_selected(self, changed: frozenset[str] = frozenset()) -> None:
        question = self.selected()
        if self.role == "moderator":
            self.query_one("#detail", QuestionView).show(self._content(question))
            return
        draft = self.query_one(DraftPane)
        if draft.editing and draft.qid is not None:
            # The host is typing: the pane stays on that question whatever the queue does.
            if draft.qid in changed:
                pinned = self.question(draft.qid)
                self._tell_if_dismissed(draft.question, pinned)
                draft.show(pinned, self._content(pinned), "")
            return
        text = self.reading.service.store.draft(question.id) if question else ""
        draft.show(question, self._content(question), text)

    def _tell_if_dismissed(self, before: Question | None, now: Question | None) -> None:
        """Someone dismissed or merged the question the host is answering: say so, at once."""
        if now is None or now.status != "dismissed" or (before is not None and before.status == "dismissed"):
            return
        said = _("{author}'s question was just {dismissal}, while you were answering it. Sending now asks you first.")
        self.notify(said.format(author=now.author, dismissal=self._dismissal(now)),
                    title=pgettext("notice", "Dismissed"), severity="error", timeout=15, markup=False)

    def _dismissal(self, question: Question) -> str:
        """How `question` was dismissed, in words: "dismissed (off-topic) by mod"."""
        actor = self.reading.service.store.dismissed_by(question.id)
        reason = reason_label(question.reason) if question.reason else _("no reason")
        said = _("dismissed ({reason}) by {actor}") if actor else _("dismissed ({reason})")
        return said.format(reason=reason, actor=actor)

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

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Filter as the moderator types, at most once per FILTER_EVERY (a burst of keys is one pass)."""
        self.text_filter = event.value
        if self._filter_timer is None:
            self._filter_timer = self.set_timer(FILTER_EVERY, self._filter_now)

    def _filter_now(self) -> None:
        self._filter_timer = None
        self.refresh_view()

    def filter_by(self, text: str) -> None:
        """Filter the queue by `text` now, shown in the filter box (the topics dialog picks `topic:NAME`)."""
        box = self.query_one("#filter", Input)
        box.value = text
        box.display = True
        self.text_filter = text
        self.refresh_view()
        self.queue.focus()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.queue.focus()

    # -- bindings ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = BY_NAME.get(action)
        focused = self.focused
        editing = isinstance(focused, Input | DraftPane) or (focused is not None and focused.id == "answer")
        if entry is not None and entry.queue_only and editing:
            return False
        if entry is not None and entry.moderation and self.role == "host":
            return False
        if action in ("answer", "send") and self.role == "moderator":
            return False
        if action in ("send", "back"):
            return editing
        if action == "pause":  # only while some source can still bring questions
            return self.can_pause
        if action in ("revise", "retract"):  # on an answer that was sent and not retracted
            question = self.selected()
            return self.role != "moderator" and question is not None and self.reading.service.can_revise(question.id)
        if action in ("retry", "open_link"):  # only where it applies: keeps the footer honest
            question = self.selected()
            service = self.reading.service
            if question is None:
                return False
            return service.can_retry(question.id) if action == "retry" else bool(service.links_of(question.id))
        return True

    def _need_selected(self) -> Question | None:
        question = self.selected()
        if question is None:
            self.notify(_("No question selected."), severity="warning", markup=False)
        return question

    def action_view(self, view: str) -> None:
        self.remove_class(f"-view-{self.view}")
        self.view = view
        self.add_class(f"-view-{view}")
        self.refresh_view()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """`-drafting` while the answer is being typed: a small screen then gives the draft all its room."""
        self.set_class(self.role != "moderator" and bool(event.widget.id == "answer"), "-drafting")

    def notice(self, message: str, *, title: str, severity: str, timeout: float) -> None:
        self.query_one(NoticeBar).add(message, title=title, severity=severity, timeout=timeout)

    def _step_past(self, question: Question, status: str) -> None:
        """Move the cursor off a question this action takes out of the view, now,
        so a quick second key press acts on the next question, not this one."""
        stays = in_view(self.view, status, counts_as_starred(question, status))
        queue = self.queue
        if stays or queue.cursor_id != question.id or queue.row_count < 2:
            return
        at = queue.cursor
        queue.move_to(at + 1 if at + 1 < queue.row_count else at - 1)

    def _moderate(self, verb: str, question: Question, *args: object, status: str | None = None) -> None:
        self.app.post_message(self.Moderate(verb, question.id, args))  # to the app at once: see `_moderate_group`
        if status is not None:
            self._step_past(question, status)

    def _unless_claimed(self, question: Question, doing: Doing, then: Callable[[], object],
                        group: GroupRow | None = None) -> None:
        """`then()`, after asking first when a host is answering `question` (or one of `group`'s
        members; who is told at once). `doing`: the question to ask and its yes button."""
        service = self.reading.service
        claimed = None
        for qid in group.members if group is not None else (question.id,):
            if (claimed := service.claimed_by(qid)) is not None:
                question = self.question(qid) or question
                break
        if claimed is None:
            then()
            return

        def chosen(yes: bool | None) -> None:
            if yes:
                then()

        # Names and roles come from the store (other processes, hand edits): cleaned as shown.
        ask = sentence(_(doing.ask), who=shown(f"{claimed.role} ({claimed.actor})", multiline=False),
                       author=shown(question.author, "bold", multiline=False))
        self.app.push_screen(ConfirmScreen(ask, _(doing.yes)), chosen)

    def action_approve(self) -> None:
        if group := self.queue.cursor_group:
            self._moderate_group("approve_group", group, leaves=("approved", "dismissed"))
        elif question := self._need_selected():
            self._moderate("approve", question, status="approved")

    def action_star(self) -> None:
        if group := self.queue.cursor_group:
            questions = self.reading.service.state.questions
            self._moderate_group("star_many", group, not all(questions[qid].starred for qid in group.members))
        elif question := self._need_selected():
            self._moderate("star", question)

    def action_undo(self) -> None:
        self.post_message(self.Undo())

    def action_dismiss_question(self) -> None:
        group = self.queue.cursor_group
        if question := self._need_selected():
            def chosen(reason: str | None) -> None:
                if reason and group is not None:
                    self._moderate_group("dismiss_many", group, reason, leaves=("dismissed",))
                elif reason:
                    self._moderate("dismiss", question, reason, status="dismissed")

            copies = len(group.members) - 1 if group else 0
            self._unless_claimed(question, DISMISS_CLAIMED, lambda: self.app.push_screen(
                DismissScreen(question.author, copies=copies), chosen), group)

    def action_tag(self) -> None:
        group = self.queue.cursor_group
        if question := self._need_selected():
            def chosen(tags: list[str] | None) -> None:
                if tags is not None and group is not None:
                    self._moderate_group("tag_many", group, tags)
                elif tags is not None:
                    self._moderate("tag", question, tags)

            if group is not None:  # tags are added to each copy's own: the box starts empty
                self.app.push_screen(TagScreen(question.author, [], copies=len(group.members) - 1), chosen)
            else:
                self.app.push_screen(TagScreen(question.author, list(question.tags)), chosen)

    def action_duplicate(self) -> None:
        if group := self.queue.cursor_group:
            count = len(group.members)
            self.notify(ngettext("This row is a group of {count} copy: e shows them, to merge one by hand.",
                                 "This row is a group of {count} copies: e shows them, to merge one by hand.",
                                 count).format(count=count), severity="warning", markup=False)
        elif question := self._need_selected():
            def chosen(original: str | None) -> None:
                if original:
                    self._moderate("mark_duplicate", question, original, status="dismissed")

            reading = self.reading
            self._unless_claimed(question, MERGE_CLAIMED, lambda: self.app.push_screen(
                DuplicateScreen(question.id, reading.service.state.questions, reading.index, reading.clock), chosen))

    # -- bulk moves: one action over many questions, one undo, confirmed with the count (`bulk`) ------

    def shown_questions(self) -> dict[str, str]:
        """The questions the queue shows now (view and filter), each with its status now: what a
        bulk move acts on. The one place that says so: where a row stands for several questions
        (a near-duplicate group), they are all listed here."""
        self.refresh_view()  # what is on screen is what is counted, arrivals not drawn yet aside
        questions, index = self.reading.service.state.questions, self.reading.index
        shown: dict[str, str] = {}
        for head in self.queue.ids:
            row = index.group_row(head)
            for qid in row.members if row is not None else (head,):
                if (question := questions.get(qid)) is not None:
                    shown[qid] = question.status
        return shown

    def _confirm_many(self, verb: str, counted: dict[str, str], args: tuple[object, ...], ask: Content, yes: str,
                      done: str) -> None:
        """Ask with the count; then `verb` acts on `counted` only, as one action (`ModerateMany`)."""
        def chosen(sure: bool | None) -> None:
            if sure:
                self.post_message(self.ModerateMany(verb, tuple(counted), (*args, counted), done))

        self.app.push_screen(ConfirmScreen(ask, yes), chosen)

    def action_bulk(self, verb: str) -> None:
        """Approve, dismiss or tag every question shown. The count is taken now, at the key press."""
        if self.view == "all" and not self.text_filter.strip():
            self.notify(_(bulk.WHOLE_SESSION), severity="warning", markup=False)  # marked where it is defined
            return
        shown_now = self.shown_questions()
        counted = bulk.acted_on(verb, shown_now)
        if not counted:
            self.notify(bulk.nothing_to(verb, len(shown_now)), severity="warning", markup=False)
            return
        move = bulk.Move(verb, len(counted), len(shown_now) - len(counted), self.view, self.text_filter)
        if verb == "approve":
            self._confirm_many("approve_many", counted, (), move.ask(), _("Approve all"), move.done())
        elif verb == "dismiss":
            def reason_chosen(reason: str | None) -> None:
                if reason:
                    self._confirm_many("dismiss_many", counted, (reason,), move.ask(reason=reason), _("Dismiss all"),
                                       move.done(reason=reason))

            self.app.push_screen(DismissScreen(heading=move.title()), reason_chosen)
        else:
            def tags_chosen(tags: list[str] | None) -> None:
                if tags:
                    self._confirm_many("tag_many", counted, (tags,), move.ask(tags=tags), _("Tag all"),
                                       move.done(tags=tags))

            self.app.push_screen(TagScreen(heading=move.title()), tags_chosen)

    def action_block_author(self) -> None:
        """Dismiss the selected question's author's open questions and hold what they post later."""
        question = self._need_selected()
        if question is None:
            return
        author, service = question.author, self.reading.service
        counted = bulk.by_author(tuple(service.state.questions.values()), author)
        blocked = bulk.is_blocked(service.settings, author)
        if blocked and not counted:
            self.notify(_("{author} is blocked already, and none of their questions is open.").format(author=author),
                        markup=False)
            return

        def reason_chosen(reason: str | None) -> None:
            if reason:
                self._confirm_many("block_author", counted, (author, reason),
                                   bulk.ask_block(author, len(counted), reason, blocked),
                                   _("Dismiss") if blocked else _("Block"),
                                   bulk.block_done(author, reason, blocked, len(counted)))

        if counted:
            self.app.push_screen(DismissScreen(heading=bulk.block_title(author, len(counted))), reason_chosen)
        else:
            reason_chosen("spam")  # nothing to dismiss: only the block is asked

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_answer(self) -> None:
        question = self._need_selected()
        if question is None:
            return
        if question.status in ("answered", "dismissed"):
            self.notify(_("This question is dismissed; approve it (a) to answer it after all.")
                        if question.status == "dismissed"
                        else _("This question is already answered: c corrects the answer, f follows it up, x retracts it."),
                        severity="warning", markup=False)
            return
        claimed = self.reading.service.claimed_by(question.id)
        if claimed is not None:
            self.notify(_("The {who} is answering this question too.").format(who=f"{claimed.role} ({claimed.actor})"),
                        severity="warning", markup=False)
        self.show_selected()
        self.query_one(DraftPane).area.focus()
        self.post_message(self.Claim(question.id))

    def action_revise(self, kind: str) -> None:
        """Write a correction or a follow-up of the selected question's sent answer."""
        question = self._need_selected()
        service = self.reading.service
        if question is None or not service.can_revise(question.id):
            return
        answer = service.state.answers[question.id]
        pane = self.query_one(DraftPane)
        self.show_selected()
        pane.revise(kind, answer.current_text if kind == "correct" else "")
        pane.area.focus()
        self.post_message(self.Claim(question.id))

    def action_retract(self) -> None:
        question = self._need_selected()
        if question is None or not self.reading.service.can_revise(question.id):
            return

        def chosen(yes: bool | None) -> None:
            if yes:
                self.post_message(self.Retract(question.id))

        ask = sentence(_("Retract the answer to {author}? Every post of it is deleted on every platform;"
                         " this cannot be undone."), author=shown(question.author, "bold", multiline=False))
        self.app.push_screen(ConfirmScreen(ask, _("Retract")), chosen)

    def _send_revision(self, pane: DraftPane, question: Question, parts: list[str]) -> None:
        revise = self.Revise(pane.revising, question.id, pane.text, parts)
        if revise.kind != "correct" or not self.reading.service.asks_correction_mode(question.id):
            self.post_message(revise)
            return

        def chosen(mode: str | None) -> None:
            if mode:
                self.post_message(replace(revise, mode=mode))

        ask = Content(_("This platform cannot edit a post. How should the correction go out?"))
        self.app.push_screen(ChoiceScreen(ask, [(_("As a reply under the answer"), "reply"),
                                                (_("Delete the answer and post the corrected one"), "repost")]), chosen)

    def action_send(self) -> None:
        draft = self.query_one(DraftPane)
        question = draft.question
        if question is None:
            self.notify(_("Pick a question to answer first."), severity="warning", markup=False)
            return
        if not draft.text.strip():
            self.notify(_("Nothing to send: the answer is empty."), severity="warning", markup=False)
            return
        composition = draft.composition or self.reading.composer.compose(draft.text, question)
        if composition.problem:
            self.notify(_("Cannot send: {problem}.").format(problem=composition.problem), severity="error", markup=False)
            return
        if draft.revising:
            self._send_revision(draft, question, composition.parts)
            return
        send = self.Send(question.id, draft.text, composition.parts)
        current = self.question(question.id)
        if current is not None and current.status == "dismissed":
            self.confirm_send(send, self.reading.service.store.dismissal(question.id))
        else:
            self.post_message(send)

    def confirm_send(self, send: MainScreen.Send, dismissal: str) -> None:
        """Sending to a dismissed question goes out only if the host says so; the log records it.
        `dismissal` (the store's English) is shown only when the question is no longer dismissed
        here: else it is worded again, in the interface's language."""
        question = self.question(send.qid)
        if question is not None and question.status == "dismissed":
            dismissal = self._dismissal(question)

        def chosen(yes: bool | None) -> None:
            if yes:
                self.post_message(replace(send, override=True))

        ask = sentence(_("{author}'s question was {dismissal}. Send the answer anyway?\n"
                         "The answered log and the recap will say the dismissal was overridden."),
                       author=shown(question.author if question else send.qid, "bold", multiline=False),
                       dismissal=shown(dismissal, multiline=False))
        self.app.push_screen(ConfirmScreen(ask, _("Send anyway")), chosen)

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.value = ""
            box.display = False
        elif self.role != "moderator":
            pane = self.query_one(DraftPane)
            pane.flush()
            if pane.revising:  # a correction or follow-up not sent is dropped
                pane.clear_sent()
                question = self.selected()
                pane.show(question, self._content(question), self.reading.service.store.draft(question.id) if question else "")
            self.post_message(self.Claim(""))
        self.queue.focus()
        self.show_selected()

    def action_retry(self) -> None:
        if question := self._need_selected():
            self.post_message(self.Retry(question.id))

    def action_open_link(self) -> None:
        question = self._need_selected()
        links = self.reading.service.links_of(question.id) if question else []
        if links:
            self.app.open_url(links[0])
            self.notify(_("Opening {link}").format(link=links[0]), markup=False)

    def action_pause(self) -> None:
        self.post_message(self.PauseFeed())

    def action_quit(self) -> None:
        draft = self.query_one(DraftPane).pending() if self.role != "moderator" else None
        self.post_message(self.Quit(draft))

    # -- groups of copies ------------------------------------------------------------

    def _moderate_group(self, verb: str, group: GroupRow, *args: object, leaves: tuple[str, ...] = ()) -> None:
        """One action over the group's members in the view (one event: one `u` undoes it). When
        it takes every member out of the view (`leaves`: the statuses they get), the cursor moves
        on now, as for one question."""
        # Straight to the app (which runs it), not through this screen's queue: the job then starts
        # before the cursor's step is drawn, not after (5-25 ms of every approve).
        self.app.post_message(self.ModerateMany(verb, group.members, args))
        queue = self.queue
        head = self.question(group.head)
        stays = head is None or any(in_view(self.view, status, counts_as_starred(head, status)) for status in leaves)
        if not leaves or stays or queue.cursor_group != group:
            return
        queue.close_group()
        at = queue.cursor
        if queue.row_count > 1:
            queue.move_to(at + 1 if at + 1 < queue.row_count else at - 1)

    def action_expand_group(self) -> None:
        if not self.queue.toggle_group():
            self.notify(_("This question is alone: no copies of it are in this view."), markup=False)

    def action_split_group(self) -> None:
        question = self._need_selected()
        if question is None:
            return
        if not self.queue.on_member:
            self.notify(_("e shows the group's members; b on one of them breaks it off into a row of its own."),
                        markup=False)
            return
        self._moderate("split_group", question)
