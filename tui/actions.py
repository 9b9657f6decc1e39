"""Every action a person can take on the live screen, listed once.

The screen's key bindings, the ids `[keymap]` may remap, the command
palette, the help screen and the welcome text are all built from `ACTIONS`;
a test checks that each action is reachable by its key and from the palette.

Titles, helps and footer labels are marked with `N_` (the language is chosen
after imports): each is translated where it is shown, the footer's by
`translate_bindings` in the screen that binds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

from tui.i18n import N_, _

Scope = Literal["screen", "queue"]


@dataclass(frozen=True, slots=True)
class Action:
    id: str  # the binding id: what `[keymap]` names
    keys: str  # the default keys, comma-separated
    action: str  # the Textual action it runs
    title: str  # the command palette's title ("" = not in the palette); marked, not translated
    help: str  # one line: the palette, the help screen, the config docs; marked, not translated
    label: str = ""  # the footer's label ("" = not in the footer); marked, not translated
    moderation: bool = False  # changes a question's triage: not in the host's layout
    queue_only: bool = False  # acts on the queue: not while typing in the answer or the filter
    scope: Scope = "screen"  # bound on the main screen, or on the queue widget


def _view(key: str, view: str, title: str, help: str) -> Action:
    return Action(f"view.{view}", key, f"view('{view}')", title, help, queue_only=True)


ACTIONS: tuple[Action, ...] = (
    Action("queue.down", "down,j", "cursor(1)", "", N_("move down the queue"), scope="queue"),
    Action("queue.up", "up,k", "cursor(-1)", "", N_("move up the queue"), scope="queue"),
    Action("answer", "enter", "answer", N_("Answer"), N_("answer the selected question (focus the draft)"), N_("Answer"),
           queue_only=True),
    Action("approve", "a", "approve", N_("Approve"), N_("approve the selected question (or group)"), N_("Approve"),
           moderation=True, queue_only=True),
    Action("dismiss", "d", "dismiss_question", N_("Dismiss"), N_("dismiss it (asks the reason)"), N_("Dismiss"),
           moderation=True, queue_only=True),
    Action("star", "s", "star", N_("Star"), N_("star or unstar it"), N_("Star"), queue_only=True),
    Action("tag", "t", "tag", N_("Tag"), N_("tag it"), N_("Tag"), moderation=True, queue_only=True),
    Action("duplicate", "m", "duplicate", N_("Mark duplicate"),
           N_("mark it a duplicate of another question (its votes move)"), N_("Dup"), moderation=True,
           queue_only=True),
    Action("bulk.approve", "A", "bulk('approve')", N_("Approve all shown"),
           N_("approve every question shown (counted first; one undo)"), moderation=True, queue_only=True),
    Action("bulk.dismiss", "D", "bulk('dismiss')", N_("Dismiss all shown"),
           N_("dismiss every question shown (asks why; one undo)"), moderation=True, queue_only=True),
    Action("bulk.tag", "T", "bulk('tag')", N_("Tag all shown"),
           N_("tag every question shown (asks the tags; one undo)"), moderation=True, queue_only=True),
    Action("author.block", "B", "block_author", N_("Block the author"),
           N_("block its author: open questions dismissed, later held"), moderation=True, queue_only=True),
    Action("group.expand", "e", "expand_group", N_("Show / hide a group's copies"),
           N_("show or hide the copies in the group under the cursor"), queue_only=True),
    Action("group.split", "b", "split_group", N_("Break off from its group"),
           N_("break the selected copy off its group (u does not undo it)"), moderation=True, queue_only=True),
    Action("undo", "u", "undo", N_("Undo"), N_("undo your last action (never past a send)"), N_("Undo"),
           queue_only=True),
    Action("correct", "c", "revise('correct')", N_("Correct the answer"),
           N_("correct a sent answer (edited in place on Mastodon; a reply or a repost elsewhere)"), N_("Correct"),
           queue_only=True),
    Action("follow_up", "f", "revise('follow_up')", N_("Follow up the answer"),
           N_("add a follow-up reply to a sent answer"), N_("Follow up"), queue_only=True),
    Action("retract", "x", "retract", N_("Retract the answer"),
           N_("retract a sent answer: its posts are deleted (asks first)"), N_("Retract"), queue_only=True),
    Action("filter", "slash", "filter", N_("Filter"), N_("filter the queue by text, @author or topic:NAME"),
           N_("Filter"), queue_only=True),
    Action("send", "ctrl+s", "send", N_("Send"), N_("send the answer being drafted"), N_("Send")),
    Action("back", "escape", "back", "", N_("back to the queue"), N_("Queue")),
    Action("pause", "p", "pause", N_("Pause / resume feed"), N_("pause or resume new arrivals"), N_("Pause"),
           queue_only=True),
    Action("retry", "r", "retry", N_("Retry publishing"), N_("publish a failed or held-back answer again"),
           N_("Retry"), queue_only=True),
    Action("open", "o", "open_link", N_("Open the posted answer"), N_("open the published reply in the browser"),
           N_("Open"), queue_only=True),
    Action("topics", "number_sign", "app.topics", N_("Topics"),
           N_("topics and their shares: add, change, remove, filter by one; rising words"), moderation=True,
           queue_only=True),
    Action("rules", "H", "app.rules", N_("Hold rules"), N_("hold rules: blocked words and authors, link-only, floods"),
           moderation=True, queue_only=True),
    Action("settings", "comma", "app.settings", N_("Session settings"),
           N_("title, hashtags, counting profile, time zone (shared by everyone on the session)")),
    Action("export", "ctrl+e", "app.export", N_("Export"), N_("export the session log (md, html, csv, json)"),
           N_("Export")),
    # f1 also works while typing (a `?` is typed into the text instead); so does the app's ctrl+q.
    Action("help", "question_mark,f1", "app.help", N_("Help"), N_("keys, flags and queue order"), N_("Help")),
    Action("quit", "q", "quit", N_("Quit"), N_("quit (drafts are kept; ctrl+q also while typing)"), N_("Quit"),
           queue_only=True),
    _view("1", "new", N_("View: new"), N_("show the new questions")),
    _view("2", "approved", N_("View: approved"), N_("show the approved questions")),
    _view("3", "starred", N_("View: starred"), N_("show the starred questions")),
    _view("4", "dismissed", N_("View: dismissed"), N_("show the dismissed questions")),
    _view("5", "answered", N_("View: answered"), N_("show the answered questions")),
    _view("6", "all", N_("View: all"), N_("show the all questions")),
)

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}
# Textual action name (without arguments) -> its entry; `view` covers the six views.
BY_NAME: dict[str, Action] = {a.action.split("(")[0]: a for a in ACTIONS}
# Actions that must stay reachable whatever the keymap says.
ESSENTIAL: frozenset[str] = frozenset({"quit", "help", "send", "back"})
# Kept in the footer next, in this order, when it cannot show every key: the main moves, then the
# way back from a slip (Italian at 80 columns had dropped undo for tag and dup).
FOOTER_NEXT: tuple[str, ...] = ("answer", "approve", "dismiss", "undo")


def bindings(scope: Scope) -> list[BindingType]:
    return [Binding(a.keys, a.action, a.label, show=bool(a.label), id=a.id) for a in ACTIONS if a.scope == scope]


def palette_actions() -> list[Action]:
    return [a for a in ACTIONS if a.title]


# The welcome's triage keys, each with its word (the key goes where the language puts it).
TRIAGE = (("approve", N_("{key} approve")), ("dismiss", N_("{key} dismiss")), ("star", N_("{key} star")),
          ("duplicate", N_("{key} duplicate")), ("undo", N_("{key} undo")))


def welcome(role: str, keys: dict[str, str]) -> str:
    """The first-run hint for `role`, in the interface's language, with the keys as they are bound
    now (plain text, not markup)."""
    def key(action_id: str) -> str:  # the first of its keys
        return keys.get(action_id, BY_ID[action_id].keys).split(" ")[0].split(",")[0]

    triage = " · ".join(_(word).format(key=key(i)) for i, word in TRIAGE)
    answer = _("{answer} on a question, type, {send} sends, {back} returns.").format(
        answer=key("answer"), send=key("send"), back=key("back"))
    more = _("{help} lists every key.").format(help=key("help"))
    if role == "moderator":
        return _("You triage: {triage}.\nThe host answers what you approve. {more}").format(triage=triage, more=more)
    if role == "host":
        return _("You answer what the moderator approves, starred first, then by votes.\n{answer} {more}").format(
            answer=answer, more=more)
    return _("Triage: {triage}.\nAnswer: {answer} {more}").format(triage=triage, answer=answer, more=more)
